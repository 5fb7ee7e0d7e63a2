import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  NumberInput,
  Slider,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import {
  patientApi,
  patientKeys,
  type AuthorizeResult,
  type Plan,
  type SessionDetail,
  type VitalsResult,
} from '../../api/patient-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { SessionChannel } from '../../features/board/session-channel.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { clock, formatDateTime, formatTime, newKey } from '../../features/patient/format.ts';
import type { GateReasonCode } from '@keel/domain';
import { GateReasons } from '../../features/patient/gate-reasons.tsx';
import { usePlan } from '../../features/patient/patient-queries.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { useNow } from '../../features/patient/use-now.ts';
import { usePatientId } from '../../features/patient/use-patient-id.ts';
import { YesNo } from '../../features/patient/yes-no.tsx';
import { patientBasePath } from './patient-base-path.ts';

const num = (v: string | number): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const latest = <T,>(items: readonly T[], at: (t: T) => string): T | undefined => [...items].sort((a, b) => at(b).localeCompare(at(a)))[0];

function Step({ n, title, done, children, id }: { n: number; title: string; done: boolean; children: ReactNode; id: string }) {
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={id} data-testid={id}>
      <Group gap="sm" mb="sm" wrap="nowrap">
        <Badge size="lg" circle color={done ? 'keel' : 'gray'} aria-hidden="true">
          {done ? '✓' : n}
        </Badge>
        <Title order={2} size="h4" id={id}>
          Step {n}: {title}
          {done && <span style={{ position: 'absolute', left: -9999 }}> (done)</span>}
        </Title>
      </Group>
      {children}
    </Card>
  );
}

function ChecklistStep({ session, plan }: { session: SessionDetail; plan: Plan | null }) {
  const queryClient = useQueryClient();
  const last = latest(session.checklists, (c) => c.attestedAt);
  const [editing, setEditing] = useState(!last);
  const [fastedHours, setFastedHours] = useState<number | undefined>(undefined);
  const [answers, setAnswers] = useState<{ alcohol24h?: boolean; sedatives24h?: boolean; cannabis24h?: boolean; newMedication?: boolean; safeSetting?: boolean }>({});
  const [tried, setTried] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      patientApi.checklist(session.id, {
        fastedHours: fastedHours ?? 0,
        alcohol24h: answers.alcohol24h ?? false,
        sedatives24h: answers.sedatives24h ?? false,
        cannabis24h: answers.cannabis24h ?? false,
        newMedication: answers.newMedication ?? false,
        safeSetting: answers.safeSetting ?? false,
      }),
    onSuccess: async () => {
      setEditing(false);
      await queryClient.invalidateQueries({ queryKey: patientKeys.session(session.id) });
    },
  });
  const missing = (v: unknown) => (tried && v === undefined ? 'Answer this question.' : undefined);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTried(true);
    if (fastedHours === undefined || Object.keys(answers).length < 5) return;
    save.mutate();
  };
  const fastHours = plan?.terms.fastingHours;
  return (
    <Step n={1} title="Safety checklist" done={!!last && !editing} id="step-checklist">
      {last && !editing ? (
        <Stack gap="xs">
          <Text>
            Done at {formatTime(last.attestedAt)}: fasted {last.fastedHours} h; alcohol {last.alcohol24h ? 'yes' : 'no'}; sedatives{' '}
            {last.sedatives24h ? 'yes' : 'no'}; cannabis {last.cannabis24h ? 'yes' : 'no'}; new medicine {last.newMedication ? 'yes' : 'no'};
            safe setting {last.safeSetting ? 'yes' : 'no'}.
          </Text>
          <Group>
            <Button variant="default" size="xs" onClick={() => setEditing(true)}>
              Do the checklist again
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <NumberInput
              label="How many hours since you last ate?"
              description={fastHours !== undefined ? `Your plan asks for at least ${fastHours} hours without food.` : undefined}
              min={0}
              max={240}
              value={fastedHours ?? ''}
              onChange={(v) => setFastedHours(num(v))}
              error={(isApiError(save.error) ? save.error.fieldError('fastedHours') : undefined) ?? missing(fastedHours)}
              maw={260}
            />
            <YesNo name="alcohol24h" label="Have you had any alcohol in the last 24 hours?" value={answers.alcohol24h} onChange={(v) => setAnswers((a) => ({ ...a, alcohol24h: v }))} error={missing(answers.alcohol24h)} />
            <YesNo
              name="sedatives24h"
              label="Have you taken a sedative or sleeping medicine (e.g. a benzodiazepine) in the last 24 hours?"
              value={answers.sedatives24h}
              onChange={(v) => setAnswers((a) => ({ ...a, sedatives24h: v }))}
              error={missing(answers.sedatives24h)}
            />
            <YesNo name="cannabis24h" label="Have you used cannabis in the last 24 hours?" value={answers.cannabis24h} onChange={(v) => setAnswers((a) => ({ ...a, cannabis24h: v }))} error={missing(answers.cannabis24h)} />
            <YesNo
              name="newMedication"
              label="Have you started any new medicine since your plan was written?"
              value={answers.newMedication}
              onChange={(v) => setAnswers((a) => ({ ...a, newMedication: v }))}
              error={missing(answers.newMedication)}
            />
            <YesNo
              name="safeSetting"
              label="Are you somewhere safe to lie down for two hours — not in a bath, near stairs or a balcony, and not looking after a child alone?"
              value={answers.safeSetting}
              onChange={(v) => setAnswers((a) => ({ ...a, safeSetting: v }))}
              error={missing(answers.safeSetting)}
            />
            {save.error !== null && <ProblemAlert error={save.error} fieldsShownInline={['fastedHours']} />}
            <Group>
              <Button type="submit" loading={save.isPending}>
                Save checklist
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Step>
  );
}

function VitalsStep({ session, plan, n, phase }: { session: SessionDetail; plan: Plan | null; n: number; phase: 'pre' | 'post' }) {
  const queryClient = useQueryClient();
  const last = latest(
    session.vitals.filter((v) => v.phase === phase),
    (v) => v.takenAt,
  );
  const [editing, setEditing] = useState(!last);
  const [values, setValues] = useState<{ systolicMmHg?: number; diastolicMmHg?: number; heartRateBpm?: number; spo2Pct?: number }>({});
  const [tried, setTried] = useState(false);
  const [result, setResult] = useState<VitalsResult | null>(null);
  const save = useMutation({
    mutationFn: () =>
      patientApi.vitals(session.id, {
        phase,
        systolicMmHg: values.systolicMmHg ?? 0,
        diastolicMmHg: values.diastolicMmHg ?? 0,
        heartRateBpm: values.heartRateBpm ?? 0,
        ...(values.spo2Pct !== undefined ? { spo2Pct: values.spo2Pct } : {}),
      }),
    onSuccess: async (r) => {
      setResult(r);
      setEditing(false);
      await queryClient.invalidateQueries({ queryKey: patientKeys.session(session.id) });
    },
  });
  const fieldError = (field: 'systolicMmHg' | 'diastolicMmHg' | 'heartRateBpm' | 'spo2Pct') =>
    (isApiError(save.error) ? save.error.fieldError(field) : undefined) ?? (tried && field !== 'spo2Pct' && values[field] === undefined ? 'Enter this reading.' : undefined);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTried(true);
    if (values.systolicMmHg === undefined || values.diastolicMmHg === undefined || values.heartRateBpm === undefined) return;
    save.mutate();
  };
  const hold = plan?.terms.vitalsHold;
  const aboveHold =
    result?.aboveHold ??
    (last && hold ? last.systolicMmHg > hold.systolicMmHg || last.diastolicMmHg > hold.diastolicMmHg || last.heartRateBpm > hold.heartRateBpm : false);
  return (
    <Step n={n} title={phase === 'pre' ? 'Blood pressure and heart rate' : 'Blood pressure after the session'} done={!!last && !editing && !aboveHold} id={`step-vitals-${phase}`}>
      {last && !editing ? (
        <Stack gap="xs">
          <Text>
            {last.systolicMmHg}/{last.diastolicMmHg} mmHg, heart rate {last.heartRateBpm} per minute
            {last.spo2Pct !== null ? `, oxygen ${last.spo2Pct}%` : ''} — taken at {formatTime(last.takenAt)}.
          </Text>
          {aboveHold && (
            <Alert color="red" variant="light" title="This reading is above your safe limit" role="alert">
              {hold && `Your plan’s limit is ${hold.systolicMmHg}/${hold.diastolicMmHg} mmHg and a heart rate of ${hold.heartRateBpm}. `}
              Sit quietly for 10–15 minutes, then measure again. If you have chest pain, a severe headache or trouble breathing, call 911.
            </Alert>
          )}
          <Group>
            <Button variant={aboveHold ? 'filled' : 'default'} size={aboveHold ? 'sm' : 'xs'} onClick={() => setEditing(true)}>
              Measure again
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <Text size="sm">Sit quietly for five minutes, then measure. Check the numbers as you type them.</Text>
            <Group align="flex-start" gap="md">
              <NumberInput
                label="Top number (systolic, mmHg)"
                allowDecimal={false}
                value={values.systolicMmHg ?? ''}
                onChange={(v) => setValues((x) => ({ ...x, systolicMmHg: num(v) }))}
                error={fieldError('systolicMmHg')}
                w={230}
              />
              <NumberInput
                label="Bottom number (diastolic, mmHg)"
                allowDecimal={false}
                value={values.diastolicMmHg ?? ''}
                onChange={(v) => setValues((x) => ({ ...x, diastolicMmHg: num(v) }))}
                error={fieldError('diastolicMmHg')}
                w={230}
              />
              <NumberInput
                label="Heart rate (beats per minute)"
                allowDecimal={false}
                value={values.heartRateBpm ?? ''}
                onChange={(v) => setValues((x) => ({ ...x, heartRateBpm: num(v) }))}
                error={fieldError('heartRateBpm')}
                w={230}
              />
              <NumberInput
                label="Oxygen level (%), if you have a meter"
                allowDecimal={false}
                value={values.spo2Pct ?? ''}
                onChange={(v) => setValues((x) => ({ ...x, spo2Pct: num(v) }))}
                error={fieldError('spo2Pct')}
                w={230}
              />
            </Group>
            {save.error !== null && <ProblemAlert error={save.error} fieldsShownInline={['systolicMmHg', 'diastolicMmHg', 'heartRateBpm', 'spo2Pct']} />}
            <Group>
              <Button type="submit" loading={save.isPending}>
                Save readings
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Step>
  );
}

function SitterStep({ session, sitterName }: { session: SessionDetail; sitterName: string | null }) {
  const last = latest(session.sitterAttestations, (a) => a.attestedAt);
  const who = sitterName ?? 'Your sitter';
  return (
    <Step n={3} title="Your sitter confirms" done={!!last} id="step-sitter">
      {last ? (
        <Text data-testid="sitter-confirmed">
          {who} confirmed at {formatTime(last.attestedAt)} that they are with you and sober.
        </Text>
      ) : (
        <Stack gap="xs">
          <Text role="status" aria-live="polite">
            Waiting for {sitterName ?? 'your sitter'} to confirm in their own Keel app that they are with you and sober. This page updates by
            itself.
          </Text>
          {!sitterName && (
            <Text size="sm">
              No sitter has joined yet. <Link to={`${patientBasePath}/support`}>Invite your sitter</Link>.
            </Text>
          )}
        </Stack>
      )}
    </Step>
  );
}

function SafetyCheckStep({ session, onResult }: { session: SessionDetail; onResult: (r: AuthorizeResult) => void }) {
  const queryClient = useQueryClient();
  const authorize = useMutation({
    mutationFn: () => patientApi.authorize(session.id, newKey()),
    onSuccess: async (r) => {
      onResult(r);
      await queryClient.invalidateQueries({ queryKey: patientKeys.session(session.id) });
      await queryClient.invalidateQueries({ queryKey: ['patient', session.patientId, 'sessions'] });
    },
  });
  return (
    <Step n={4} title="Safety check" done={false} id="step-authorize">
      <Stack gap="sm">
        <Text>When the steps above are done, run the safety check. It looks at everything your clinician set for today.</Text>
        {authorize.error !== null && <ProblemAlert error={authorize.error} />}
        <Group>
          <Button size="md" onClick={() => authorize.mutate()} loading={authorize.isPending}>
            Run the safety check
          </Button>
        </Group>
      </Stack>
    </Step>
  );
}

function AdministrationSteps({ plan, doseMg, started }: { plan: Plan | null; doseMg: number | null; started: boolean }) {
  const now = useNow();
  const [dissolveStartedAt, setDissolveStartedAt] = useState<number | null>(null);
  const admin = plan?.terms.administration;
  const dose = doseMg !== null ? `${doseMg} mg` : 'your planned dose';
  if (!admin) return <Text>Follow the instructions your clinician gave you for taking your dose.</Text>;
  if (admin.route === 'oral')
    return (
      <List type="ordered" spacing="xs">
        <List.Item>Sit or lie where you will stay for the session, with your sitter nearby.</List.Item>
        <List.Item>Swallow {dose} with a little water. Take nothing else.</List.Item>
        <List.Item>Lie back and rest. An eye mask and calm music can help. Your sitter will check on you about every 15 minutes.</List.Item>
        {admin.notes && <List.Item>From your clinician: {admin.notes}</List.Item>}
      </List>
    );
  const total = admin.holdMinutes * 60;
  const left = dissolveStartedAt === null ? total : Math.max(0, total - (now - dissolveStartedAt) / 1000);
  const finished = dissolveStartedAt !== null && left <= 0;
  return (
    <Stack gap="sm">
      <List type="ordered" spacing="xs">
        <List.Item>Sit or lie where you will stay for the session, with your sitter nearby.</List.Item>
        <List.Item>Place {dose} under your tongue. Do not chew it or swallow it.</List.Item>
        <List.Item>
          Hold it there for {admin.holdMinutes} minutes while it dissolves. Try not to swallow your saliva. Start the timer when it is in
          place.
        </List.Item>
        <List.Item>
          After {admin.holdMinutes} minutes, {admin.afterDissolve === 'spit' ? 'spit out what is left into a tissue or cup — do not swallow it' : 'swallow what is left'}.
        </List.Item>
        <List.Item>Lie back and rest. Your sitter will check on you about every 15 minutes.</List.Item>
        {admin.notes && <List.Item>From your clinician: {admin.notes}</List.Item>}
      </List>
      {started && (
        <Card withBorder padding="md" radius="md" bg="gray.0">
          <Text size="sm" fw={600} id="dissolve-timer-label">
            Dissolve timer
          </Text>
          <Text fz={40} fw={700} aria-labelledby="dissolve-timer-label" style={{ fontVariantNumeric: 'tabular-nums' }}>
            {clock(left)}
          </Text>
          <div role="status" aria-live="polite">
            {finished && (
              <Text fw={600}>Time is up: {admin.afterDissolve === 'spit' ? 'spit out what is left' : 'swallow what is left'}, then lie back and rest.</Text>
            )}
          </div>
          <Group mt="xs">
            {dissolveStartedAt === null ? (
              <Button onClick={() => setDissolveStartedAt(Date.now())}>Start the {admin.holdMinutes}-minute timer</Button>
            ) : (
              !finished && (
                <Button variant="default" onClick={() => setDissolveStartedAt(null)}>
                  Reset timer
                </Button>
              )
            )}
          </Group>
        </Card>
      )}
    </Stack>
  );
}

function SessionTimer({ startedAt }: { startedAt: string }) {
  const now = useNow();
  const elapsed = (now - new Date(startedAt).getTime()) / 1000;
  return (
    <Card withBorder radius="md" padding="lg" bg="teal.0" component="section" aria-labelledby="session-timer-heading">
      <Title order={2} size="h4" id="session-timer-heading">
        Your session
      </Title>
      <Text fz={48} fw={600} c="teal.9" style={{ fontVariantNumeric: 'tabular-nums' }} aria-label={`Time since the session started: ${Math.floor(elapsed / 60)} minutes`}>
        {clock(elapsed)}
      </Text>
      <Text>
        Breathe slowly. Whatever you notice will pass; most effects fade within one to two hours. Stay lying down, and get up slowly with your
        sitter nearby.
      </Text>
    </Card>
  );
}

const sideEffectOptions = ['Nausea', 'Vomiting', 'Headache', 'Dizziness', 'Anxiety', 'Feeling detached lasting a while', 'Blurred vision', 'Palpitations'];

/** The reasons a refused start or finish came back with (a 409 problem document's `reasons`). */
function refusalReasons(error: unknown): { code: string; message: string }[] {
  if (!isApiError(error)) return [];
  const reasons = (error.problem as { reasons?: unknown }).reasons;
  return Array.isArray(reasons) ? (reasons as { code: string; message: string }[]) : [];
}

/**
 * After the dose: the observation. The session can be finished only once the minimum observation time has passed
 * and the sitter has confirmed, from their own phone, that the patient is back to their usual self.
 */
function ObservationCard({ session }: { session: SessionDetail }) {
  const now = useNow(15000);
  const recovery = session.recovery;
  if (!recovery) return null;
  const endsAt = recovery.observationEndsAt ? new Date(recovery.observationEndsAt).getTime() : null;
  const minutesLeft = endsAt === null ? null : Math.max(0, Math.ceil((endsAt - now) / 60000));
  const sitterLine =
    recovery.sitterBaseline === 'confirmed'
      ? 'Your sitter has confirmed you are back to your usual self.'
      : recovery.sitterBaseline === 'not_yet'
        ? 'Your sitter says you are not back to your usual self yet. Keep resting, lying down, with your sitter nearby. They will confirm when you are.'
        : 'When you feel back to your usual self, your sitter confirms it in their own Keel app.';
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="observation-heading" data-testid="observation">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="observation-heading">
          In observation
        </Title>
        <Badge color={recovery.canComplete ? 'keel' : recovery.sitterBaseline === 'not_yet' ? 'orange' : 'gray'} variant="light">
          {recovery.canComplete ? 'Ready to finish' : recovery.sitterBaseline === 'not_yet' ? 'Not back to baseline yet' : 'Resting'}
        </Badge>
      </Group>
      <Stack gap={6}>
        {minutesLeft !== null && minutesLeft > 0 && (
          <Text>
            Stay lying down with your sitter nearby for at least another <strong>{minutesLeft} minute{minutesLeft === 1 ? '' : 's'}</strong> (until{' '}
            {formatTime(recovery.observationEndsAt)}).
          </Text>
        )}
        <Text data-testid="sitter-baseline-status" role="status" aria-live="polite">
          {sitterLine}
        </Text>
      </Stack>
    </Card>
  );
}

function PostSessionForm({ session }: { session: SessionDetail }) {
  const queryClient = useQueryClient();
  const [sideEffects, setSideEffects] = useState<string[]>([]);
  const [dissociation, setDissociation] = useState(0);
  const [nausea, setNausea] = useState(0);
  const [mood, setMood] = useState(5);
  const canComplete = session.recovery?.canComplete ?? false;
  const complete = useMutation({
    mutationFn: () => patientApi.complete(session.id, { sideEffects, dissociation0to10: dissociation, nausea0to10: nausea, mood0to10: mood }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: patientKeys.session(session.id) });
      await queryClient.invalidateQueries({ queryKey: ['patient', session.patientId] });
    },
    onError: async () => queryClient.invalidateQueries({ queryKey: patientKeys.session(session.id) }),
  });
  const waiting = refusalReasons(complete.error);
  const scale = (label: string, id: string, value: number, set: (v: number) => void, low: string, high: string) => (
    <div>
      <Text size="sm" fw={500} id={id}>
        {label}: <strong>{value}</strong>
      </Text>
      <Slider
        min={0}
        max={10}
        step={1}
        value={value}
        onChange={set}
        thumbLabel={label}
        marks={[{ value: 0 }, { value: 10 }]}
        mt={4}
        maw={420}
      />
      <Group justify="space-between" maw={420} mt={6} mb="md" gap="xs" wrap="nowrap">
        <Text size="xs" c="dimmed">
          0 {low}
        </Text>
        <Text size="xs" c="dimmed" ta="right">
          10 {high}
        </Text>
      </Group>
    </div>
  );
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="post-heading">
      <Title order={2} size="h4" id="post-heading" mb="sm">
        When the effects have passed: a few questions
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          complete.mutate();
        }}
      >
        <Stack gap="md">
          <Checkbox.Group label="Did you have any of these?" value={sideEffects} onChange={setSideEffects}>
            <Stack gap={6} mt={6}>
              {sideEffectOptions.map((o) => (
                <Checkbox key={o} value={o} label={o} />
              ))}
            </Stack>
          </Checkbox.Group>
          {scale('How strong was the feeling of being detached or dream-like', 'dissociation-label', dissociation, setDissociation, 'none', 'very strong')}
          {scale('How much nausea', 'nausea-label', nausea, setNausea, 'none', 'severe')}
          {scale('Your mood right now', 'mood-label', mood, setMood, 'very low', 'very good')}
          {!canComplete && (
            <Text size="sm" c="dimmed">
              You can finish once the observation time has passed and your sitter has confirmed you are back to your usual self.
            </Text>
          )}
          {waiting.length > 0 ? (
            <Alert color="orange" variant="light" title="The session stays open for now" role="alert" data-testid="complete-refused">
              <List size="sm">
                {waiting.map((r) => (
                  <List.Item key={r.code}>{r.message}</List.Item>
                ))}
              </List>
            </Alert>
          ) : (
            complete.error !== null && <ProblemAlert error={complete.error} />
          )}
          <Group>
            <Button type="submit" loading={complete.isPending} disabled={!canComplete}>
              Finish the session
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** Leaving before the sitter has confirmed: allowed, but the clinician is told at once. */
function LeaveEarly({ session }: { session: SessionDetail }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const abort = useMutation({
    mutationFn: () => patientApi.abort(session.id, reason.trim()),
    onSuccess: async () => queryClient.invalidateQueries({ queryKey: patientKeys.session(session.id) }),
  });
  if (!open)
    return (
      <Group>
        <Button variant="subtle" color="red" size="xs" onClick={() => setOpen(true)}>
          I need to end the session now
        </Button>
      </Group>
    );
  return (
    <Alert color="red" variant="light" title="Ending the session early" role="alert">
      <Stack gap="sm">
        <Text size="sm">
          Your sitter has not confirmed you are back to your usual self. If you end the session now, your care team is alerted and will contact you.
          Do not drive, and do not stay alone.
        </Text>
        <Textarea label="Why are you ending it?" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
        {abort.error !== null && <ProblemAlert error={abort.error} />}
        <Group>
          <Button color="red" onClick={() => abort.mutate()} loading={abort.isPending} disabled={reason.trim() === ''}>
            End the session and alert my care team
          </Button>
          <Button variant="default" onClick={() => setOpen(false)}>
            Keep resting
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** The go-ahead lasts minutes: the time left, in words. */
function AuthorizationCountdown({ expiresAt }: { expiresAt: string | null }) {
  const now = useNow(5000);
  if (!expiresAt) return null;
  const left = Math.max(0, Math.ceil((new Date(expiresAt).getTime() - now) / 60000));
  return (
    <Text size="sm" data-testid="authorization-expires">
      Start within {left} minute{left === 1 ? '' : 's'} (by {formatTime(expiresAt)}). After that the safety check has to be done again.
    </Text>
  );
}

function ExpiredAuthorization({ session }: { session: SessionDetail }) {
  const patientId = usePatientId();
  const navigate = useNavigate();
  const again = useMutation({
    mutationFn: () => patientApi.scheduleSession(patientId, new Date().toISOString()),
    onSuccess: (r) => navigate(`${patientBasePath}/sessions/${r.session.id}`),
  });
  return (
    <Alert color="orange" variant="light" title="The go-ahead expired" role="status" data-testid="authorization-expired">
      <Stack gap="sm">
        <Text>
          The safety check passed at {formatTime(session.authorizedAt)}, but the session was not started by {formatTime(session.authorizationExpiresAt)}.
          Nothing was taken and your medication record is unchanged. To have a session, start again: your sitter confirms, you take your readings and
          do the checklist, and the safety check runs again.
        </Text>
        {again.error !== null && <ProblemAlert error={again.error} />}
        <Group>
          <Button onClick={() => again.mutate()} loading={again.isPending}>
            Start again
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function JournalPrompt({ session }: { session: SessionDetail }) {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const prompts = useQuery({ queryKey: patientKeys.journalPrompts(patientId), queryFn: () => patientApi.journalPrompts(patientId) });
  const prompt = prompts.data?.postSession.find((p) => p.sessionId === session.id)?.prompt;
  const [body, setBody] = useState('');
  const write = useMutation({
    mutationFn: () =>
      patientApi.writeJournal(patientId, { body, ...(prompt ? { prompt } : {}), sessionId: session.id, sharedWithCoach: false, sharedWithClinician: false }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: patientKeys.journalPrompts(patientId) });
      await queryClient.invalidateQueries({ queryKey: ['patient', patientId, 'journal'] });
    },
  });
  if (write.isSuccess)
    return (
      <Alert color="keel" variant="light" title="Saved to your journal" role="status">
        It is private unless you choose to share it. <Link to={`${patientBasePath}/journal`}>Open your journal</Link>.
      </Alert>
    );
  if (!prompt) return null;
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="journal-prompt-heading">
      <Title order={2} size="h4" id="journal-prompt-heading">
        A moment to reflect
      </Title>
      <Text mt={4} mb="sm">
        {prompt}
      </Text>
      <Textarea label="Your journal entry (private)" autosize minRows={4} value={body} onChange={(e) => setBody(e.currentTarget.value)} />
      {write.error !== null && <ProblemAlert error={write.error} />}
      <Group mt="sm">
        <Button onClick={() => write.mutate()} disabled={body.trim() === ''} loading={write.isPending}>
          Save to my journal
        </Button>
      </Group>
    </Card>
  );
}

/** The session's channel with the sitter and the clinician covering the session, polled while it is open. */
function ChannelCard({ session }: { session: SessionDetail }) {
  return (
    <Card withBorder radius="md" padding="lg">
      <SessionChannel
        sessionId={session.id}
        pollMs={5_000}
        headingId="channel-heading"
        heading="Messages during this session"
        description="Your sitter and the clinician covering your session read these. If you feel unsafe, call 911 or use the crisis button."
      />
    </Card>
  );
}

function SessionFlow({ session, plan, sitterName }: { session: SessionDetail; plan: Plan | null; sitterName: string | null }) {
  const queryClient = useQueryClient();
  const [result, setResult] = useState<AuthorizeResult | null>(null);
  const start = useMutation({
    mutationFn: () => patientApi.start(session.id),
    onSuccess: async () => queryClient.invalidateQueries({ queryKey: patientKeys.session(session.id) }),
    // A refused start may have expired the go-ahead: show the session as it now stands.
    onError: async () => queryClient.invalidateQueries({ queryKey: patientKeys.session(session.id) }),
  });
  const startRefusal = refusalReasons(start.error);
  const dose = session.doseMg ?? (result?.outcome === 'authorized' ? result.doseMg : null);
  const lastEvaluation = latest(session.gateEvaluations, (g) => g.evaluatedAt);
  const blockedReasons = result?.outcome === 'blocked' ? result.reasons : lastEvaluation?.outcome === 'blocked' && session.status === 'scheduled' ? lastEvaluation.reasons : null;

  switch (session.status) {
    case 'scheduled':
      return (
        <Stack gap="lg">
          <ChecklistStep session={session} plan={plan} />
          <VitalsStep session={session} plan={plan} n={2} phase="pre" />
          <SitterStep session={session} sitterName={sitterName} />
          {blockedReasons && blockedReasons.length > 0 && <GateReasons reasons={blockedReasons} session={session} />}
          <SafetyCheckStep session={session} onResult={setResult} />
        </Stack>
      );
    case 'authorized':
      return (
        <Stack gap="lg">
          <Alert color="keel" variant="light" title="The safety check passed" role="status" data-testid="gate-authorized">
            {dose !== null ? (
              <>
                Your dose today is <strong>{dose} mg</strong>. Take only this dose.
              </>
            ) : (
              'Take only the dose in your plan.'
            )}
          </Alert>
          <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="how-heading">
            <Title order={2} size="h4" id="how-heading" mb="sm">
              How to take your dose
            </Title>
            <AdministrationSteps plan={plan} doseMg={session.doseMg} started={false} />
            <AuthorizationCountdown expiresAt={session.authorizationExpiresAt} />
            {startRefusal.length > 0 ? (
              <GateReasons reasons={startRefusal as { code: GateReasonCode; message: string }[]} />
            ) : (
              start.error !== null && <ProblemAlert error={start.error} />
            )}
            <Group mt="md">
              <Button size="md" onClick={() => start.mutate()} loading={start.isPending}>
                Start the session now
              </Button>
            </Group>
          </Card>
          <ChannelCard session={session} />
        </Stack>
      );
    case 'in_progress':
      return (
        <Stack gap="lg">
          {session.emergency && (
            <Alert color="red" variant="filled" title="Your care team has been alerted" role="alert" data-testid="session-emergency">
              Your sitter reported an emergency and your clinician has been paged. If anyone cannot be woken or is not breathing normally, call 911 now.
            </Alert>
          )}
          {session.startedAt && <SessionTimer startedAt={session.startedAt} />}
          <ObservationCard session={session} />
          <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="how-heading">
            <Title order={2} size="h4" id="how-heading" mb="sm">
              Taking your dose
            </Title>
            <AdministrationSteps plan={plan} doseMg={session.doseMg} started />
          </Card>
          <Text size="sm">
            Your sitter has recorded {session.sitterChecks.recorded.length} check{session.sitterChecks.recorded.length === 1 ? '' : 's'} so far
            {session.sitterChecks.missedCount > 0 ? ` (${session.sitterChecks.missedCount} missed)` : ''}.
          </Text>
          <ChannelCard session={session} />
          <PostSessionForm session={session} />
          <LeaveEarly session={session} />
        </Stack>
      );
    case 'expired':
      return <ExpiredAuthorization session={session} />;
    case 'completed':
      return (
        <Stack gap="lg">
          <Alert color="keel" variant="light" title="Session complete" role="status" data-testid="session-complete">
            Finished at {formatTime(session.completedAt)}
            {session.doseMg !== null ? ` · ${session.doseMg} mg` : ''}. Rest for the rest of the day, and no driving until tomorrow after
            sleep.
          </Alert>
          <JournalPrompt session={session} />
        </Stack>
      );
    case 'aborted':
      return (
        <Alert color="gray" variant="light" title="This session was stopped">
          {session.abortReason ?? 'No reason was recorded.'}
        </Alert>
      );
    case 'missed':
      return (
        <Alert color="gray" variant="light" title="This session was missed">
          It was not started. <Link to={`${patientBasePath}/sessions`}>Book another session</Link>.
        </Alert>
      );
  }
}

/** One session, start to finish: checklist, vitals, the sitter, the safety check, the dose, the timer, afterwards. */
export function SessionPage() {
  const { sessionId = '' } = useParams();
  const patientId = usePatientId();
  const session = useQuery({
    queryKey: patientKeys.session(sessionId),
    queryFn: () => patientApi.session(sessionId),
    // While waiting for the sitter, or during the session, keep it fresh.
    refetchInterval: (q) => {
      const s = q.state.data?.session;
      if (!s) return false;
      if (s.status === 'scheduled' && s.sitterAttestations.length === 0) return 4000;
      if (s.status === 'authorized') return 15000;
      if (s.status === 'in_progress') return 10000;
      return false;
    },
  });
  const plan = usePlan(patientId);
  const sitters = useQuery({ queryKey: patientKeys.sitters(patientId), queryFn: () => patientApi.sitters(patientId) });
  const sitterName = sitters.data?.items.find((s) => s.status === 'active')?.name ?? null;
  return (
    <>
      <PageHeader
        title="Session"
        description={session.data ? `Scheduled for ${formatDateTime(session.data.session.scheduledFor)}.` : 'Your dosing session, step by step.'}
      />
      <QueryView query={session} label="Loading your session…">
        {({ session: s }) => <SessionFlow session={s} plan={plan.data ?? null} sitterName={sitterName} />}
      </QueryView>
    </>
  );
}
