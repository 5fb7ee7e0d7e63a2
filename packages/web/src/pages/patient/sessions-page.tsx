import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import { patientApi, patientKeys, type SessionSummary } from '../../api/patient-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { AdverseEventForm } from '../../features/shared/adverse-event-form.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDateTime, toLocalInput } from '../../features/patient/format.ts';
import { useIntake, usePlan, useSessions } from '../../features/patient/patient-queries.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';
import { patientBasePath } from './patient-base-path.ts';

const statusLabel: Record<SessionSummary['status'], { label: string; color: string }> = {
  scheduled: { label: 'Booked', color: 'keel' },
  authorized: { label: 'Ready', color: 'keel' },
  in_progress: { label: 'In progress', color: 'keel' },
  completed: { label: 'Completed', color: 'gray' },
  aborted: { label: 'Stopped', color: 'red' },
  missed: { label: 'Missed', color: 'red' },
  expired: { label: 'Go-ahead expired', color: 'orange' },
};

function ScheduleForm() {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [when, setWhen] = useState(() => toLocalInput(new Date(Date.now() + 60 * 60 * 1000)));
  const schedule = useMutation({
    mutationFn: () => patientApi.scheduleSession(patientId, new Date(when).toISOString()),
    onSuccess: async (r) => {
      await queryClient.invalidateQueries({ queryKey: patientKeys.all(patientId) });
      void navigate(`${patientBasePath}/sessions/${r.session.id}`);
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (when === '' || Number.isNaN(new Date(when).getTime())) return;
    schedule.mutate();
  };
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="book-heading">
      <Title order={2} size="h4" id="book-heading" mb="xs">
        Book a session
      </Title>
      <Text size="sm" mb="sm">
        Choose a time when your sitter can be with you for about two hours, and when you will have fasted as your plan asks.
      </Text>
      <form onSubmit={submit} noValidate>
        <Group align="flex-end" gap="sm">
          <TextInput
            type="datetime-local"
            label="Date and time"
            value={when}
            onChange={(e) => setWhen(e.currentTarget.value)}
            error={isApiError(schedule.error) ? schedule.error.fieldError('scheduledFor') : when === '' ? 'Choose a date and time.' : undefined}
            w={260}
          />
          <Button type="submit" loading={schedule.isPending}>
            Book session
          </Button>
        </Group>
        {schedule.error !== null && <Stack mt="sm"><ProblemAlert error={schedule.error} fieldsShownInline={['scheduledFor']} /></Stack>}
      </form>
    </Card>
  );
}

/** A side effect after a session, reported to the care team (a serious one raises a safety alert). */
function SideEffectReport({ sessionId }: { sessionId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <Stack gap="xs" mt="xs">
      <Button variant="subtle" color="red" c="red.9" size="xs" w="fit-content" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        {open ? 'Close the side-effect report' : 'Report a side effect'}
      </Button>
      {open && <AdverseEventForm sessionId={sessionId} reporter="patient" />}
    </Stack>
  );
}

/** Booked and past sessions, each with its safety-check outcome; booking a new one. */
export function SessionsPage() {
  const patientId = usePatientId();
  const intake = useIntake(patientId);
  const approved = intake.data?.status === 'approved';
  const plan = usePlan(patientId, approved);
  const sessions = useSessions(patientId, approved);
  return (
    <>
      <PageHeader title="Sessions" description="Your dosing sessions at home, always with your sitter present." />
      <QueryView query={intake}>
        {(i) =>
          i.status !== 'approved' ? (
            <Alert variant="light" title="Sessions come after your intake is approved">
              <Anchor component={Link} to={patientBasePath} underline="always">See your next step</Anchor>.
            </Alert>
          ) : (
            <Stack gap="lg">
              {plan.isSuccess && plan.data === null && (
                <Alert variant="light" title="No treatment plan yet">
                  Your clinician is preparing your plan. You can book a session once it is signed.
                </Alert>
              )}
              {plan.isError && <ProblemAlert error={plan.error} />}
              {plan.data && (
                <Card withBorder radius="md" padding="md" component="section" aria-labelledby="plan-heading">
                  <Title order={2} size="h4" id="plan-heading">
                    Your plan
                  </Title>
                  <Text size="sm" mt={4}>
                    {plan.data.terms.currentDoseMg} mg, {plan.data.terms.route === 'sublingual' ? 'under the tongue' : 'by mouth'} ·{' '}
                    {plan.data.terms.sessionsPlanned} sessions planned · at least {plan.data.terms.minHoursBetweenSessions} hours apart · fast{' '}
                    {plan.data.terms.fastingHours} hours before.
                  </Text>
                </Card>
              )}
              {plan.data && <ScheduleForm />}
              <QueryView query={sessions} label="Loading sessions…">
                {(data) =>
                  data.items.length === 0 ? (
                    <NothingHereYet description="No sessions yet. Once you book one it appears here." />
                  ) : (
                    <Card withBorder radius="md" padding={0} component="section" aria-labelledby="list-heading">
                      <Title order={2} size="h4" id="list-heading" p="md" pb={0}>
                        Your sessions
                      </Title>
                      <Stack gap="xs" p="md" component="ul" style={{ listStyle: 'none', margin: 0 }}>
                        {data.items.map((s) => {
                          const last = [...s.gateEvaluations].sort((a, b) => b.evaluatedAt.localeCompare(a.evaluatedAt))[0];
                          return (
                            <Card key={s.id} component="li" withBorder radius="md" padding="sm">
                              <Group justify="space-between" gap="xs" wrap="wrap">
                                <Anchor component={Link} to={`${patientBasePath}/sessions/${s.id}`} fw={650}>
                                  {formatDateTime(s.scheduledFor)}
                                </Anchor>
                                <Badge variant="light" color={statusLabel[s.status].color}>
                                  {statusLabel[s.status].label}
                                </Badge>
                              </Group>
                              <Text size="sm" mt={4}>
                                Safety check:{' '}
                                {last ? (last.outcome === 'authorized' ? 'passed' : `not yet — ${last.reasons.length} thing${last.reasons.length === 1 ? '' : 's'} to sort out`) : 'not started'}
                                {s.doseMg !== null ? ` · ${s.doseMg} mg` : ''}
                              </Text>
                              {(s.status === 'in_progress' || s.status === 'completed') && <SideEffectReport sessionId={s.id} />}
                            </Card>
                          );
                        })}
                      </Stack>
                    </Card>
                  )
                }
              </QueryView>
            </Stack>
          )
        }
      </QueryView>
    </>
  );
}
