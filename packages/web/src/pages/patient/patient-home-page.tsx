import { Anchor, Badge, Button, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useCurrentUser } from '../../auth/auth-context.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { PageLoader } from '../../components/page-loader.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { HomeHighlights } from '../../features/patient/home-highlights.tsx';
import { CrisisPanel } from '../../features/patient/crisis-panel.tsx';
import { formatDateTime } from '../../features/patient/format.ts';
import { nextStep } from '../../features/patient/next-step.ts';
import { instrumentLabel } from '../../features/patient/instrument-labels.ts';
import {
  useConsents,
  useCrisis,
  useEducation,
  useIntake,
  usePlan,
  useSchedule,
  useSessions,
} from '../../features/patient/patient-queries.ts';
import { usePatientId } from '../../features/patient/use-patient-id.ts';
import { patientBasePath } from './patient-base-path.ts';

/** The patient's home: the one next step, crisis resources while a safety alert is open, and what else is due. */
export function PatientHomePage() {
  const user = useCurrentUser();
  const patientId = usePatientId();
  const intake = useIntake(patientId);
  const approved = intake.data?.status === 'approved';
  const consents = useConsents(patientId, approved);
  const education = useEducation(patientId, approved);
  const plan = usePlan(patientId, approved);
  const sessions = useSessions(patientId, approved);
  const schedule = useSchedule(patientId, approved);
  const crisis = useCrisis(patientId);

  const firstName = user.name.split(' ')[0] ?? user.name;
  const dependent = approved ? [consents, education, plan, sessions, schedule] : [];
  const failed = [intake, ...dependent].find((q) => q.isError);
  const loading = intake.isPending || dependent.some((q) => q.isPending);

  return (
    <>
      <PageHeader title="Home" description={`Welcome, ${firstName}. Here is what comes next.`} />
      <Stack gap="lg">
        {crisis.data?.safetyAlertOpen && (
          <CrisisPanel
            resources={crisis.data.resources}
            messages={crisis.data.messages}
            title="Your care team knows and will contact you"
          />
        )}
        {failed ? (
          <ProblemAlert error={failed.error} />
        ) : loading || !intake.data ? (
          <PageLoader label="Working out your next step…" />
        ) : (
          (() => {
            const step = nextStep({
              intake: intake.data,
              consents: consents.data ?? null,
              education: education.data ?? null,
              plan: plan.data ?? null,
              sessions: sessions.data?.items ?? [],
              schedule: schedule.data ?? null,
              now: new Date(),
            });
            return (
              <Card radius="lg" padding="xl" component="section" aria-labelledby="next-step-heading" data-testid="next-step" data-step={step.id} style={{ background: 'linear-gradient(135deg, var(--mantine-color-keel-0), #fbf6ee)' }}>
                <Text size="sm" fw={700} c="keel.8">
                  Your next step
                </Text>
                <Title order={2} size="h3" id="next-step-heading" mt={4}>
                  {step.title}
                </Title>
                <Text mt="xs" maw="65ch">
                  {step.body}
                </Text>
                {step.to && step.action && (
                  <Group mt="md">
                    <Button component={Link} to={`${patientBasePath}/${step.to}`} size="md">
                      {step.action}
                    </Button>
                  </Group>
                )}
              </Card>
            );
          })()
        )}

        {approved && <HomeHighlights patientId={patientId} />}
        {approved && (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <Card withBorder radius="md" component="section" aria-labelledby="due-heading">
              <Title order={2} size="h4" id="due-heading" mb="xs">
                Questionnaires and check-ins
              </Title>
              {schedule.data && schedule.data.items.filter((i) => i.status !== 'upcoming').length > 0 ? (
                <List spacing={6}>
                  {schedule.data.items
                    .filter((i) => i.status !== 'upcoming')
                    .map((item) => (
                      <List.Item key={item.code}>
                        <Group gap="xs" wrap="nowrap">
                          <Anchor component={Link} to={`${patientBasePath}/${item.code === 'checkin' ? 'check-in' : `assessments/${item.code}`}`}>
                            {instrumentLabel(item.code)}
                          </Anchor>
                          <Badge color={item.status === 'overdue' ? 'red' : 'keel'} variant="light" tt="none">
                            {item.status === 'overdue' ? 'overdue' : 'ready for you'}
                          </Badge>
                        </Group>
                      </List.Item>
                    ))}
                </List>
              ) : (
                <Text size="sm">All done for now — nicely kept up.</Text>
              )}
            </Card>
            <Card withBorder radius="md" component="section" aria-labelledby="sessions-heading">
              <Title order={2} size="h4" id="sessions-heading" mb="xs">
                Sessions
              </Title>
              {sessions.data && sessions.data.items.length > 0 ? (
                <Stack gap={4}>
                  {(() => {
                    const upcoming = sessions.data.items.filter((s) => s.status === 'scheduled' || s.status === 'authorized');
                    const completed = sessions.data.items.filter((s) => s.status === 'completed').length;
                    return (
                      <>
                        <Text size="sm">
                          {completed} completed
                          {plan.data ? ` of ${plan.data.terms.sessionsPlanned} planned` : ''}.
                        </Text>
                        <Text size="sm">
                          {upcoming[0] ? `Next: ${formatDateTime(upcoming[upcoming.length - 1]?.scheduledFor)}` : 'None booked yet.'}
                        </Text>
                      </>
                    );
                  })()}
                  <Anchor component={Link} to={`${patientBasePath}/sessions`} size="sm">
                    All sessions
                  </Anchor>
                </Stack>
              ) : (
                <Text size="sm">No sessions yet.</Text>
              )}
            </Card>
          </SimpleGrid>
        )}
      </Stack>
    </>
  );
}
