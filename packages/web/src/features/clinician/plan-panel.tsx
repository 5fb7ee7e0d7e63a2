import { Alert, Badge, Button, Checkbox, Group, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Table, Text, Textarea, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import type { ProgramSettings } from '../../api/admin-api.ts';
import { clinicianApi, clinicianKeys, type PlanTermsInput, type PlanVersion } from '../../api/clinician-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDateTime, humanize, showValue } from './format.ts';
import { QueryView } from './query-view.tsx';
import { SignatureInput } from './signature-input.tsx';
import { label } from '../../components/labels.ts';

type Terms = PlanTermsInput;

/** The program's limits a plan must stay within (a plan may be stricter, never looser). */
type Limits = ProgramSettings['settings']['dosing'];
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/**
 * A first plan starts from the program's settings (interval, weekly maximum, fasting, vitals hold, follow-up; the
 * maximum dose at the program's limit for the route) and the typical induction of 6 sessions. The starting and
 * current dose and the titration step are left empty for the prescriber: never a silent 0 mg.
 */
const blankTerms = (limits: Limits | undefined): Terms => {
  const hold = rec(limits?.['vitalsHold']);
  const follow = rec(limits?.['followUp']);
  return {
    phase: 'induction',
    route: 'sublingual',
    startingDoseMg: Number.NaN,
    currentDoseMg: Number.NaN,
    maximumDoseMg: num(rec(limits?.['maxDoseMgByRoute'])['sublingual'], Number.NaN),
    titrationStepMg: Number.NaN,
    sessionsPlanned: 6,
    minHoursBetweenSessions: num(limits?.['minHoursBetweenSessions'], Number.NaN),
    maxSessionsPer7Days: num(limits?.['maxSessionsPer7Days'], Number.NaN),
    fastingHours: num(limits?.['fastingHours'], Number.NaN),
    vitalsHold: { systolicMmHg: num(hold['systolicMmHg'], Number.NaN), diastolicMmHg: num(hold['diastolicMmHg'], Number.NaN), heartRateBpm: num(hold['heartRateBpm'], Number.NaN) },
    followUp: { afterFirstSession: follow['afterFirstSession'] !== false, everySessions: num(follow['everySessions'], 6) },
    goals: [],
    administration: { route: 'sublingual', holdMinutes: 15, afterDissolve: 'spit' },
  };
};

function Num({ label, value, onChange, error, unit, limit }: { label: string; value: number; onChange: (n: number) => void; error?: string | undefined; unit?: string; limit?: string | undefined }) {
  return (
    <NumberInput
      label={unit ? `${label} (${unit})` : label}
      description={limit}
      value={Number.isNaN(value) ? '' : value}
      min={0}
      onChange={(v) => onChange(typeof v === 'number' ? v : v === '' ? Number.NaN : Number(v))}
      error={error}
      allowNegative={false}
    />
  );
}

/** The numbers a first plan must have before it can be saved, each with its plain-words error. */
const planFields = [
  'phase',
  'route',
  'startingDoseMg',
  'currentDoseMg',
  'maximumDoseMg',
  'titrationStepMg',
  'sessionsPlanned',
  'minHoursBetweenSessions',
  'maxSessionsPer7Days',
  'fastingHours',
  'vitalsHold.systolicMmHg',
  'vitalsHold.diastolicMmHg',
  'vitalsHold.heartRateBpm',
  'followUp.everySessions',
  'administration.holdMinutes',
  'administration.notes',
  'goals',
];

const requiredNumbers: ['startingDoseMg' | 'currentDoseMg' | 'maximumDoseMg' | 'titrationStepMg', string][] = [
  ['startingDoseMg', 'Enter the starting dose in mg.'],
  ['currentDoseMg', 'Enter the current dose in mg.'],
  ['maximumDoseMg', 'Enter the maximum dose in mg.'],
  ['titrationStepMg', 'Enter the titration step in mg.'],
];

function PlanEditor({ patientId, draft, base, onClose, limits }: { patientId: string; draft: PlanVersion | null; base: PlanVersion | null; onClose: () => void; limits: Limits | undefined }) {
  const queryClient = useQueryClient();
  const [terms, setTerms] = useState<Terms>(() => structuredClone<Terms>((draft ?? base)?.terms ?? blankTerms(limits)));
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [goalsText, setGoalsText] = useState(() => terms.goals.join('\n'));
  const [password, setPassword] = useState('');
  // The draft being edited: the one opened, or the one this editor created; its revision goes back in If-Match.
  const [working, setWorking] = useState<{ id: string; revision: number } | null>(draft ? { id: draft.id, revision: draft.revision } : null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: clinicianKeys.patient(patientId) });

  const termsToSend = (): Terms => ({ ...terms, goals: goalsText.split('\n').map((g) => g.trim()).filter(Boolean) });
  const save = useMutation({
    mutationFn: async () => {
      const next = termsToSend();
      if (working) return clinicianApi.updatePlan(working.id, working.revision, next);
      return clinicianApi.createPlan(patientId, { terms: next, ...(base ? { basedOn: base.id } : {}) });
    },
    onSuccess: async (result) => {
      setWorking({ id: result.plan.id, revision: result.plan.revision });
      await refresh();
    },
  });
  const saved = save.data?.plan ?? null;
  const sign = useMutation({
    mutationFn: () => clinicianApi.signPlan(working?.id ?? '', password),
    onSuccess: async () => {
      setPassword('');
      await refresh();
      onClose();
    },
  });
  const err = save.error;
  const stale = isApiError(err) && err.status === 412;
  const fe = (field: string) => missing[field] ?? (isApiError(err) ? (err.fieldError(`terms.${field}`) ?? err.fieldError(field)) : undefined);
  const routeCap = num(rec(limits?.['maxDoseMgByRoute'])[terms.route], Number.NaN);
  const hold = rec(limits?.['vitalsHold']);
  const limit = {
    maximumDoseMg: Number.isNaN(routeCap) ? undefined : `Program limit: ${routeCap} mg ${terms.route === 'sublingual' ? 'under the tongue' : 'by mouth'}`,
    minHoursBetweenSessions: limits ? `At least ${num(limits['minHoursBetweenSessions'], 0)} hours (program)` : undefined,
    maxSessionsPer7Days: limits ? `At most ${num(limits['maxSessionsPer7Days'], 0)} (program)` : undefined,
    fastingHours: limits ? `At least ${num(limits['fastingHours'], 0)} hours (program)` : undefined,
    systolicMmHg: hold['systolicMmHg'] !== undefined ? `At most ${num(hold['systolicMmHg'], 0)} (program)` : undefined,
    diastolicMmHg: hold['diastolicMmHg'] !== undefined ? `At most ${num(hold['diastolicMmHg'], 0)} (program)` : undefined,
    heartRateBpm: hold['heartRateBpm'] !== undefined ? `At most ${num(hold['heartRateBpm'], 0)} (program)` : undefined,
  };
  const set = <K extends keyof Terms>(key: K, value: Terms[K]) => setTerms((t) => ({ ...t, [key]: value }));
  const setRoute = (route: Terms['route']) =>
    setTerms((t) => ({ ...t, route, administration: route === 'sublingual' ? { route: 'sublingual', holdMinutes: 15, afterDissolve: 'spit' } : { route: 'oral' } }));
  const admin = terms.administration;
  const canSign = working !== null;

  return (
    <Paper withBorder p="md" radius="md">
      <Title order={3} size="h4" mb="sm">
        {draft ? `Edit draft version ${draft.version}` : base ? `New version based on version ${base.version}` : 'First plan'}
      </Title>
      <form
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          const empty = Object.fromEntries(requiredNumbers.filter(([k]) => Number.isNaN(terms[k])).map(([k, message]) => [k, message]));
          setMissing(empty);
          if (Object.keys(empty).length === 0) save.mutate();
        }}
      >
        <Stack gap="sm">
          {limits && (
            <Text size="sm">
              The plan stays within the program’s limits and may be stricter. The numbers below start from the program’s settings; the doses are yours to set.
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            <NativeSelect label="Phase" value={terms.phase} onChange={(e) => set('phase', e.currentTarget.value as Terms['phase'])} data={['induction', 'maintenance', 'taper']} error={fe('phase')} />
            <NativeSelect label="Route" value={terms.route} onChange={(e) => setRoute(e.currentTarget.value as Terms['route'])} data={['sublingual', 'oral']} error={fe('route')} />
            <Num label="Starting dose" unit="mg" value={terms.startingDoseMg} onChange={(n) => set('startingDoseMg', n)} error={fe('startingDoseMg')} />
            <Num label="Current dose" unit="mg" value={terms.currentDoseMg} onChange={(n) => set('currentDoseMg', n)} error={fe('currentDoseMg')} />
            <Num label="Maximum dose" unit="mg" value={terms.maximumDoseMg} onChange={(n) => set('maximumDoseMg', n)} error={fe('maximumDoseMg')} limit={limit.maximumDoseMg} />
            <Num label="Titration step" unit="mg" value={terms.titrationStepMg} onChange={(n) => set('titrationStepMg', n)} error={fe('titrationStepMg')} />
            <Num label="Sessions planned" value={terms.sessionsPlanned} onChange={(n) => set('sessionsPlanned', n)} error={fe('sessionsPlanned')} />
            <Num label="Minimum time between sessions" unit="hours" value={terms.minHoursBetweenSessions} onChange={(n) => set('minHoursBetweenSessions', n)} error={fe('minHoursBetweenSessions')} limit={limit.minHoursBetweenSessions} />
            <Num label="Maximum sessions in 7 days" value={terms.maxSessionsPer7Days} onChange={(n) => set('maxSessionsPer7Days', n)} error={fe('maxSessionsPer7Days')} limit={limit.maxSessionsPer7Days} />
            <Num label="Fasting before a session" unit="hours" value={terms.fastingHours} onChange={(n) => set('fastingHours', n)} error={fe('fastingHours')} limit={limit.fastingHours} />
          </SimpleGrid>
          <Text fw={650} size="sm" mt="xs">
            Hold dosing when vitals are at or above
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Num label="Systolic" unit="mmHg" value={terms.vitalsHold.systolicMmHg} onChange={(n) => set('vitalsHold', { ...terms.vitalsHold, systolicMmHg: n })} error={fe('vitalsHold.systolicMmHg')} limit={limit.systolicMmHg} />
            <Num label="Diastolic" unit="mmHg" value={terms.vitalsHold.diastolicMmHg} onChange={(n) => set('vitalsHold', { ...terms.vitalsHold, diastolicMmHg: n })} error={fe('vitalsHold.diastolicMmHg')} limit={limit.diastolicMmHg} />
            <Num label="Heart rate" unit="bpm" value={terms.vitalsHold.heartRateBpm} onChange={(n) => set('vitalsHold', { ...terms.vitalsHold, heartRateBpm: n })} error={fe('vitalsHold.heartRateBpm')} limit={limit.heartRateBpm} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Checkbox mt="md" label="Clinician follow-up after the first session" checked={terms.followUp.afterFirstSession} onChange={(e) => set('followUp', { ...terms.followUp, afterFirstSession: e.currentTarget.checked })} />
            <Num label="Follow-up every N sessions" value={terms.followUp.everySessions} onChange={(n) => set('followUp', { ...terms.followUp, everySessions: n })} error={fe('followUp.everySessions')} />
          </SimpleGrid>
          {admin.route === 'sublingual' && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Num label="Hold under the tongue" unit="minutes" value={admin.holdMinutes} onChange={(n) => set('administration', { ...admin, holdMinutes: n })} error={fe('administration.holdMinutes')} />
              <NativeSelect label="After it dissolves" value={admin.afterDissolve} onChange={(e) => set('administration', { ...admin, afterDissolve: e.currentTarget.value as 'spit' | 'swallow' })} data={[{ value: 'spit', label: 'Spit' }, { value: 'swallow', label: 'Swallow' }]} />
            </SimpleGrid>
          )}
          <Textarea label="Administration notes" autosize minRows={1} value={admin.notes ?? ''} onChange={(e) => set('administration', { ...admin, notes: e.currentTarget.value })} error={fe('administration.notes')} />
          <Textarea label="Goals" description="One goal per line." autosize minRows={2} value={goalsText} onChange={(e) => setGoalsText(e.currentTarget.value)} error={fe('goals')} />
          {stale ? (
            <Alert color="orange" variant="light" title="This draft changed since you opened it" role="alert">
              Someone saved a newer revision of this draft. Your changes were not saved. Reload the plan to see the current draft, then make your changes again.
              <Group mt="xs">
                <Button size="xs" variant="default" onClick={() => void refresh().then(onClose)}>
                  Reload the plan
                </Button>
              </Group>
            </Alert>
          ) : (
            err && <ProblemAlert error={err} fieldsShownInline={planFields.map((f) => `terms.${f}`)} />
          )}
          {save.isSuccess && (
            <Text size="sm" role="status">
              Draft saved (version {saved?.version}, revision {saved?.revision}).
            </Text>
          )}
          <Group gap="sm">
            <Button type="submit" loading={save.isPending}>
              Save draft
            </Button>
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
          </Group>
        </Stack>
      </form>
      {canSign && (
        <form
          noValidate
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            sign.mutate();
          }}
        >
          <Stack gap="sm" mt="lg">
            <Title order={4} size="h5">
              Sign the saved draft
            </Title>
            <Text size="sm">Signing makes the saved draft the active plan; the current active version is superseded. Save your edits first.</Text>
            <SignatureInput value={password} onChange={setPassword} meaning="I prescribe this treatment plan as saved." error={isApiError(sign.error) ? sign.error.fieldError('signature.password') : undefined} />
            {sign.error && <ProblemAlert error={sign.error} fieldsShownInline={['signature.password']} />}
            <Button type="submit" loading={sign.isPending} w="fit-content" disabled={password === ''}>
              Sign plan
            </Button>
          </Stack>
        </form>
      )}
    </Paper>
  );
}

function ChangeList({ version }: { version: PlanVersion }) {
  const c = version.change;
  switch (c.kind) {
    case 'initial':
      return <Text size="sm">First version.</Text>;
    case 'unchanged':
      return <Text size="sm">No change in the terms.</Text>;
    case 'changed':
      return (
        <Table fz="sm" withTableBorder>
          <VisuallyHidden component="caption">Changes in version {version.version}</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Field</Table.Th>
              <Table.Th scope="col">Was</Table.Th>
              <Table.Th scope="col">Now</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.changes.map((ch) => (
              <Table.Tr key={ch.field}>
                <Table.Th scope="row" fw={500}>
                  {ch.field}
                </Table.Th>
                <Table.Td>{showValue(ch.from)}</Table.Td>
                <Table.Td fw={650}>{showValue(ch.to)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      );
  }
}

function TermsSummary({ terms }: { terms: Terms }) {
  const a = terms.administration;
  return (
    <Text size="sm">
      {humanize(terms.phase)} · {terms.route} · current dose <strong>{terms.currentDoseMg} mg</strong> (start {terms.startingDoseMg}, max {terms.maximumDoseMg}, step {terms.titrationStepMg}) · {terms.sessionsPlanned} sessions, ≥{terms.minHoursBetweenSessions} h apart, ≤{terms.maxSessionsPer7Days} per 7 days · fast {terms.fastingHours} h · hold at {terms.vitalsHold.systolicMmHg}/{terms.vitalsHold.diastolicMmHg} mmHg or {terms.vitalsHold.heartRateBpm} bpm
      {a.route === 'sublingual' ? ` · hold ${a.holdMinutes} min then ${a.afterDissolve}` : ''} · goals: {terms.goals.join('; ')}
    </Text>
  );
}

/** The plan: version history with changes and signatures, and the editor for a draft. */
export function PlanPanel({ patientId }: { patientId: string }) {
  const plans = useQuery({ queryKey: [...clinicianKeys.patient(patientId), 'plans'], queryFn: () => clinicianApi.plans(patientId) });
  const settings = useQuery({ queryKey: ['clinician', 'program-settings'], queryFn: clinicianApi.programSettings, staleTime: 60_000 });
  const [editing, setEditing] = useState(false);
  return (
    <QueryView query={plans} what="the plan" loadingLabel="Loading plan versions…">
      {(data) => {
        const versions = [...data.items].sort((a, b) => b.version - a.version);
        const draft = versions.find((v) => v.status === 'draft') ?? null;
        const active = versions.find((v) => v.status === 'active') ?? null;
        return (
          <Stack gap="md">
            {editing ? (
              <PlanEditor patientId={patientId} draft={draft} base={active} onClose={() => setEditing(false)} limits={settings.data?.settings.dosing} />
            ) : (
              <Group>
                <Button onClick={() => setEditing(true)}>{draft ? `Edit draft version ${draft.version}` : active ? 'Draft a new version' : 'Draft the first plan'}</Button>
              </Group>
            )}
            {versions.length === 0 ? (
              <NothingHereYet description="No plan yet. Draft one, then sign it to make it active." />
            ) : (
              versions.map((v) => (
                <Paper key={v.id} withBorder p="md" radius="md" component="article" aria-labelledby={`plan-${v.id}`}>
                  <Group gap="sm" mb={4}>
                    <Title order={3} size="h5" id={`plan-${v.id}`}>
                      Version {v.version}
                    </Title>
                    <Badge radius="sm" color={v.status === 'active' ? 'keel.8' : v.status === 'draft' ? '#8a4b00' : 'gray.8'} variant={v.status === 'active' ? 'filled' : 'outline'}>
                      {label(v.status)}
                    </Badge>
                  </Group>
                  <TermsSummary terms={v.terms} />
                  <Text size="sm" mt={4}>
                    {v.signature
                      ? `Signed by ${v.signature.printedName} (${v.signature.meaning}) ${formatDateTime(v.signature.signedAt)} · signature ${v.signature.verified ? 'verified against the stored terms' : 'DOES NOT MATCH the stored terms'}`
                      : `Not signed · drafted ${formatDateTime(v.createdAt)}, revision ${v.revision}`}
                  </Text>
                  <div style={{ marginTop: 8 }}>
                    <ChangeList version={v} />
                  </div>
                </Paper>
              ))
            )}
          </Stack>
        );
      }}
    </QueryView>
  );
}
