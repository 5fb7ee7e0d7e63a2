import { Alert, Badge, Button, Card, Checkbox, Group, List, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sitterApi, sitterKeys, type ConcernResult, type SitterCheckResult, type SitterPatient, type SitterSession } from '../../api/sitter-api.ts';
import { useCurrentUser } from '../../auth/auth-context.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { clock, formatDateTime, formatTime } from '../../features/patient/format.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { useNow } from '../../features/patient/use-now.ts';
import { SessionChannel } from '../../features/board/session-channel.tsx';
import { AdverseEventForm } from '../../features/shared/adverse-event-form.tsx';
import { EmergencyGuidance } from '../../features/sitter/emergency-guidance.tsx';
import { todaysSession } from '../../features/sitter/today-session.ts';

/** Big phone buttons: long labels wrap instead of being cut off. */
const wrapping = { root: { height: 'auto', minHeight: 48, paddingBlock: 10 }, label: { whiteSpace: 'normal' as const, textAlign: 'center' as const, lineHeight: 1.3 } };

const latest = <T,>(items: readonly T[], at: (t: T) => string): T | undefined => [...items].sort((a, b) => at(b).localeCompare(at(a)))[0];

function SomethingWrong({ session, patientName }: { session: SitterSession; patientName: string }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [result, setResult] = useState<ConcernResult | null>(null);
  const report = useMutation({
    mutationFn: (emergency: boolean) => sitterApi.concern(session.id, { emergency, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: async (r) => {
      setResult(r);
      await queryClient.invalidateQueries({ queryKey: sitterKeys.session(session.id) });
    },
  });
  const close = () => {
    setOpen(false);
    setResult(null);
    setNote('');
    report.reset();
  };
  return (
    <>
      <Button color="red" size="xl" styles={wrapping} fullWidth onClick={() => setOpen(true)} data-testid="something-wrong">
        Something is wrong
      </Button>
      <Modal opened={open} onClose={close} title="Something is wrong" size="lg" closeButtonProps={{ "aria-label": "Close" }}>
        <Stack gap="md">
          <EmergencyGuidance serverGuidance={result?.emergencyGuidance ?? null} />
          {result ? (
            <Alert color="keel" variant="light" title="Your care team has been told" role="status">
              Stay with {patientName}. If anything gets worse, call 911.
            </Alert>
          ) : (
            <>
              <Text fw={600}>Then tell the care team what is happening:</Text>
              <Textarea label="What is happening? (optional)" autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
              {report.error !== null && <ProblemAlert error={report.error} />}
              <Stack gap="xs">
                <Button color="red" size="md" styles={wrapping} onClick={() => report.mutate(true)} loading={report.isPending && report.variables}>
                  It is an emergency — I am calling 911
                </Button>
                <Button color="red" variant="light" size="md" styles={wrapping} onClick={() => report.mutate(false)} loading={report.isPending && !report.variables}>
                  Not an emergency, but I am worried
                </Button>
              </Stack>
            </>
          )}
          <Button variant="default" onClick={close}>
            Close
          </Button>
        </Stack>
      </Modal>
    </>
  );
}

function Attest({ session, patientName }: { session: SitterSession; patientName: string }) {
  const queryClient = useQueryClient();
  const [present, setPresent] = useState(false);
  const [sober, setSober] = useState(false);
  const attest = useMutation({
    mutationFn: () => sitterApi.attest(session.id),
    onSuccess: async () => queryClient.invalidateQueries({ queryKey: sitterKeys.session(session.id) }),
  });
  const last = latest(session.sitterAttestations, (a) => a.attestedAt);
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="attest-heading">
      <Title order={2} size="h3" id="attest-heading" mb="xs">
        Before the dose: confirm you are there
      </Title>
      {last && (
        <Text mb="sm" data-testid="attested">
          You confirmed at {formatTime(last.attestedAt)}.{' '}
          {session.status === 'scheduled' ? 'If the session starts later, confirm again just before.' : ''}
        </Text>
      )}
      {(session.status === 'scheduled' || session.status === 'authorized') && (
        <Stack gap="sm">
          <Checkbox size="md" label={`I am with ${patientName} now, and will stay until they are back to their usual self`} checked={present} onChange={(e) => setPresent(e.currentTarget.checked)} />
          <Checkbox size="md" label="I am sober: no alcohol, cannabis, sedatives or other drugs today" checked={sober} onChange={(e) => setSober(e.currentTarget.checked)} />
          {attest.error !== null && <ProblemAlert error={attest.error} />}
          <Button size="lg" styles={wrapping} fullWidth disabled={!present || !sober} onClick={() => attest.mutate()} loading={attest.isPending}>
            {last ? 'Confirm again' : 'Confirm I am present and sober'}
          </Button>
        </Stack>
      )}
    </Card>
  );
}

function Checks({ session, patientName }: { session: SitterSession; patientName: string }) {
  const queryClient = useQueryClient();
  const now = useNow();
  const [last, setLast] = useState<SitterCheckResult | null>(null);
  const check = useMutation({
    mutationFn: (answer: { responsive: boolean; breathingNormally: boolean; concern: boolean }) => sitterApi.check(session.id, answer),
    onSuccess: async (r) => {
      setLast(r);
      await queryClient.invalidateQueries({ queryKey: sitterKeys.session(session.id) });
    },
  });
  const { expected, missedCount, intervalMinutes, recorded } = session.sitterChecks;
  const due = expected.find((s) => s.status === 'due');
  const nextDueAt = due ? new Date(due.dueAt).getTime() : null;
  const startedAt = session.startedAt ? new Date(session.startedAt).getTime() : now;
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="checks-heading">
      <Title order={2} size="h3" id="checks-heading">
        Check on {patientName} every {intervalMinutes} minutes
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Session time {clock((now - startedAt) / 1000)} · {recorded.length} check{recorded.length === 1 ? '' : 's'} recorded
      </Text>
      {missedCount > 0 && (
        <Alert color="red" variant="light" title={`${missedCount} check${missedCount === 1 ? '' : 's'} missed`} mb="sm" data-testid="missed-checks">
          Check now, then keep to the {intervalMinutes}-minute rhythm.
        </Alert>
      )}
      {last?.emergencyGuidance && <EmergencyGuidance serverGuidance={last.emergencyGuidance} />}
      {last && last.alerts.some((a) => a.severity === 'critical') && (
        <Alert color="red" variant="filled" title="The clinician has been paged" role="alert" mt="sm" data-testid="clinician-paged">
          Call 911 first if {patientName} cannot be woken or is not breathing normally. Stay with them; the care team will call you.
        </Alert>
      )}
      <Text fw={600} mt="sm" role="status" aria-live="polite">
        {nextDueAt !== null
          ? nextDueAt <= now
            ? 'A check is due now. How are they?'
            : `Next check due at ${formatTime(due?.dueAt)} (in ${clock((nextDueAt - now) / 1000)}).`
          : 'How are they?'}
      </Text>
      {check.error !== null && <ProblemAlert error={check.error} />}
      <Stack gap="xs" mt="sm">
        <Button size="lg" styles={wrapping} color="keel" fullWidth onClick={() => check.mutate({ responsive: true, breathingNormally: true, concern: false })} loading={check.isPending}>
          Responsive and breathing normally
        </Button>
        <Button size="lg" styles={wrapping} color="red" variant="light" fullWidth onClick={() => check.mutate({ responsive: true, breathingNormally: true, concern: true })}>
          Responsive, but I have a concern
        </Button>
        <Button size="lg" styles={wrapping} color="red" variant="light" fullWidth onClick={() => check.mutate({ responsive: false, breathingNormally: true, concern: true })}>
          Not responding to me
        </Button>
        <Button size="lg" styles={wrapping} color="red" variant="light" fullWidth onClick={() => check.mutate({ responsive: true, breathingNormally: false, concern: true })}>
          Breathing is not normal
        </Button>
      </Stack>
      {expected.length > 0 && (
        <>
          <Title order={3} size="h5" mt="lg" mb="xs">
            Check times
          </Title>
          <List spacing={4} size="sm">
            {expected.map((slot) => (
              <List.Item key={slot.dueAt}>
                <Group gap="xs">
                  <span>{formatTime(slot.dueAt)}</span>
                  <Badge size="sm" variant="light" color={slot.status === 'recorded' ? 'keel' : slot.status === 'missed' ? 'red' : 'keel'}>
                    {slot.status === 'recorded' ? `done ${formatTime(slot.recordedAt)}` : slot.status}
                  </Badge>
                </Group>
              </List.Item>
            ))}
          </List>
        </>
      )}
    </Card>
  );
}

function PatientSession({ patient }: { patient: SitterPatient }) {
  const sessions = useQuery({ queryKey: sitterKeys.sessions(patient.patientId), queryFn: () => sitterApi.sessions(patient.patientId), refetchInterval: 30_000 });
  const current = sessions.data ? todaysSession(sessions.data.items, new Date()) : null;
  const detail = useQuery({
    queryKey: sitterKeys.session(current?.id ?? ''),
    queryFn: () => sitterApi.session(current?.id ?? ''),
    enabled: !!current,
    refetchInterval: 10_000,
  });
  const firstName = patient.name.split(' ')[0] ?? patient.name;
  return (
    <Stack gap="md">
      <QueryView query={sessions} label={`Loading ${firstName}’s sessions…`}>
        {() =>
          !current ? (
            <NothingHereYet description={`${patient.name} has no session booked. When they book one, it appears here.`} />
          ) : (
            <QueryView query={detail} label="Loading the session…">
              {({ session }) => (
                <Stack gap="md" data-testid="sitter-session" data-status={session.status}>
                  <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="today-heading">
                    <Title order={2} size="h3" id="today-heading">
                      {patient.name}’s session
                    </Title>
                    <Text mt={4}>
                      {session.status === 'in_progress'
                        ? `Under way since ${formatTime(session.startedAt)}.`
                        : session.status === 'completed'
                          ? `Finished at ${formatTime(session.completedAt)}.`
                          : `Booked for ${formatDateTime(session.scheduledFor)}.`}
                    </Text>
                    <Badge mt="xs" variant="light" size="lg">
                      {session.status === 'scheduled'
                        ? 'Getting ready'
                        : session.status === 'authorized'
                          ? 'Safety check passed'
                          : session.status === 'in_progress'
                            ? 'In progress'
                            : session.status === 'completed'
                              ? 'Completed'
                              : session.status === 'expired'
                                ? 'Go-ahead expired: not started'
                                : session.status === 'aborted'
                                  ? 'Stopped'
                                  : 'Missed'}
                    </Badge>
                  </Card>
                  {(session.status === 'scheduled' || session.status === 'authorized' || session.status === 'in_progress') && (
                    <SomethingWrong session={session} patientName={firstName} />
                  )}
                  {(session.status === 'scheduled' || session.status === 'authorized') && <Attest session={session} patientName={firstName} />}
                  {session.status === 'in_progress' && <Checks session={session} patientName={firstName} />}
                  {(session.status === 'scheduled' || session.status === 'authorized' || session.status === 'in_progress') && (
                    <Card withBorder radius="md" padding="lg">
                      <SessionChannel
                        sessionId={session.id}
                        pollMs={5_000}
                        headingId={`channel-${session.id}`}
                        heading="Message the care team"
                        description={`The clinician covering ${firstName}’s session reads this, and ${firstName} can see it too. In an emergency, call 911 first.`}
                      />
                    </Card>
                  )}
                  {(session.status === 'in_progress' || session.status === 'completed') && <BackToBaseline session={session} patientName={firstName} />}
                  {(session.status === 'in_progress' || session.status === 'completed') && <SideEffectReport sessionId={session.id} />}
                </Stack>
              )}
            </QueryView>
          )
        }
      </QueryView>
    </Stack>
  );
}

/** The sitter's own end-of-session confirmation that the patient is back to their usual self. */
function BackToBaseline({ session, patientName }: { session: SitterSession; patientName: string }) {
  const queryClient = useQueryClient();
  const confirm = useMutation({
    mutationFn: (backToBaseline: boolean) => sitterApi.baseline(session.id, backToBaseline),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: sitterKeys.session(session.id) });
    },
  });
  const recorded = session.sitterBaseline;
  const recovery = session.recovery;
  const observationEnds = recovery?.observationEndsAt ?? null;
  const stillObserving = observationEnds !== null && new Date(observationEnds).getTime() > Date.now();
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="end-heading">
      <Title order={2} size="h4" id="end-heading">
        At the end
      </Title>
      <Text mt={4}>
        Stay until {patientName} is back to their usual self: awake, steady on their feet, speaking clearly and knowing where they are. The session
        only ends when you confirm it here.
      </Text>
      {session.status === 'in_progress' && stillObserving && (
        <Text mt={4} size="sm" data-testid="observation-until">
          The session stays open at least until {formatTime(observationEnds)}, whatever you answer.
        </Text>
      )}
      {recorded && (
        <Alert mt="sm" color={recorded.backToBaseline ? 'keel' : 'red'} variant="light" role="status" data-testid="baseline-recorded">
          {recorded.backToBaseline
            ? `Recorded at ${formatTime(recorded.confirmedAt)}: ${patientName} is back to their usual self. Thank you.`
            : `Recorded at ${formatTime(recorded.confirmedAt)}: not yet. Stay with ${patientName} and confirm again when they are; the care team can see this.`}
        </Alert>
      )}
      {confirm.error !== null && <ProblemAlert error={confirm.error} />}
      {!recorded?.backToBaseline && (
        <Stack gap="xs" mt="sm">
          <Button size="lg" styles={wrapping} color="keel" fullWidth onClick={() => confirm.mutate(true)} loading={confirm.isPending}>
            {patientName} is back to their usual self
          </Button>
          <Button size="lg" styles={wrapping} variant="outline" color="gray" fullWidth onClick={() => confirm.mutate(false)} disabled={confirm.isPending}>
            Not yet
          </Button>
        </Stack>
      )}
    </Card>
  );
}

/** A side effect or adverse event, reported by the sitter for the session (a serious one raises a safety alert). */
function SideEffectReport({ sessionId }: { sessionId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <Stack gap="xs">
      <Button variant="light" color="red" c="red.9" onClick={() => setOpen((o) => !o)} aria-expanded={open} styles={wrapping}>
        {open ? 'Close the side-effect report' : 'Report a side effect'}
      </Button>
      {open && <AdverseEventForm sessionId={sessionId} reporter="sitter" />}
    </Stack>
  );
}

/** The sitter's phone-first page: today's session, confirm presence, the 15-minute checks, and help when something is wrong. */
export function SitterHomePage() {
  const user = useCurrentUser();
  const patients = useQuery({ queryKey: sitterKeys.patients, queryFn: () => sitterApi.patients() });
  return (
    <>
      <PageHeader title="Today’s session" description={`Thank you for sitting, ${user.name.split(' ')[0] ?? user.name}. Everything you need is on this page.`} />
      <QueryView query={patients} label="Loading…">
        {(data) =>
          data.items.length === 0 ? (
            <NothingHereYet description="You are not sitting for anyone yet. When a patient’s invitation is accepted, their sessions appear here." />
          ) : (
            <Stack gap="xl" maw={640}>
              {data.items.map((p) => (
                <PatientSession key={p.patientId} patient={p} />
              ))}
            </Stack>
          )
        }
      </QueryView>
    </>
  );
}
