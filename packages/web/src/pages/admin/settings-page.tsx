import { Accordion, Alert, Button, Checkbox, Code, Fieldset, Group, Modal, NumberInput, Paper, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { diffSettings } from '@keel/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { isApiError, plainMessage } from '../../api/api-error.ts';
import { adminApi, adminKeys, type ProgramSettings, type SettingsProposal } from '../../api/admin-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDateTime, humanize, showValue } from '../../features/clinician/format.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';
import { SettingChangesTable } from '../../features/settings/setting-changes.tsx';

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Plain labels for the dosing settings; anything not named here is labelled from its key. */
const labels: Record<string, string> = {
  minHoursBetweenSessions: 'Minimum hours between sessions',
  maxSessionsPer7Days: 'Maximum sessions in the rolling window',
  rollingWindowDays: 'Rolling window (days)',
  fastingHours: 'Fasting before a session (hours)',
  vitalsHold: 'Hold dosing at or above (vitals)',
  vitalsHumanRange: 'Plausible human range for vitals (readings outside are refused)',
  systolicMmHg: 'Systolic (mmHg)',
  diastolicMmHg: 'Diastolic (mmHg)',
  heartRateBpm: 'Heart rate (bpm)',
  spo2Pct: 'Oxygen saturation (%)',
  min: 'Minimum',
  max: 'Maximum',
  sitterAttestationFreshnessMinutes: 'Sitter attestation stays valid for (minutes)',
  vitalsFreshnessMinutes: 'Vitals stay valid for (minutes)',
  checklistFreshnessMinutes: 'Checklist stays valid for (minutes)',
  maxDaysWithoutClinicianVisit: 'Maximum days without a clinician visit',
  followUp: 'Clinician follow-up',
  afterFirstSession: 'After the first session',
  everySessions: 'Every N sessions',
  maxDoseMgByRoute: 'Maximum dose by route (mg)',
  sublingual: 'Sublingual (mg)',
  oral: 'Oral (mg)',
  refill: 'Refills',
  maxRefills: 'Maximum refills',
  windowMonths: 'Window (months)',
  leadDays: 'Can ask this many days early',
  compliance: 'Prescribing compliance',
  telemedicineFlexibilityUntil: 'Telemedicine flexibility valid through',
  timeZone: 'Program time zone (for these dates)',
  pdmp: 'PDMP checks (prescription drug monitoring program)',
  beforePlanSignDays: 'Before signing a plan: a check within (days)',
  beforeDispenseDays: 'Before each dispense: a check within (days)',
  whileActiveEveryDays: 'While dosing: a check at least every (days)',
};

/** What a setting means, in plain words, shown under its field (docs/compliance.md for the prescribing ones). */
const meanings: Record<string, string> = {
  compliance:
    'Federal rules for prescribing a controlled substance by telemedicine. Change these the day the law changes; no release is needed.',
  telemedicineFlexibilityUntil:
    'The last day patients may be prescribed for without an in-person evaluation, under the temporary DEA/HHS telemedicine flexibilities (31 December 2026 under the fourth extension). From the next day, a patient on the “telemedicine flexibility” pathway is blocked until an in-person evaluation, a referral or a special registration is recorded.',
  timeZone: 'An IANA time zone name, such as America/New_York. A date above ends at midnight in this zone.',
  pdmp: 'How recent a check of the state prescription drug monitoring program must be. Shorter windows are stricter.',
  beforePlanSignDays: 'A plan cannot be signed without a PDMP check this recent.',
  beforeDispenseDays: 'A dispense cannot be recorded without a check this recent, made on or after the previous dispense (a check at every fill).',
  whileActiveEveryDays: 'A dose is not authorized once the last check is older than this.',
};
const isDay = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
const labelOf = (key: string) => labels[key] ?? humanize(key.replace(/([a-z])([A-Z])/g, '$1_$2'));

/** The dosing keys edited here; the rest of the document is shown read-only. */
const readOnlyDosingKeys = new Set(['retention']);

function setAt(obj: Json, path: string[], value: unknown): Json {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  return { ...obj, [head]: rest.length === 0 ? value : setAt(isRecord(obj[head]) ? obj[head] : {}, rest, value) };
}

function errorFor(error: unknown, path: string): string | undefined {
  if (!isApiError(error)) return undefined;
  const hits = error.fieldErrors.filter((e) => e.field === path || e.field.endsWith(`.${path}`)).map((e) => plainMessage(e.message));
  return hits.length > 0 ? hits.join('; ') : undefined;
}

function Fields({ value, path, onChange, error }: { value: Json; path: string[]; onChange: (path: string[], v: unknown) => void; error: unknown }) {
  const leaves = Object.entries(value).filter(([, v]) => !isRecord(v));
  const groups = Object.entries(value).filter(([, v]) => isRecord(v));
  return (
    <Stack gap="sm">
      {leaves.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {leaves.map(([key, v]) => {
            const p = [...path, key];
            const dotted = p.join('.');
            if (typeof v === 'boolean') {
              return <Checkbox key={key} mt="lg" label={labelOf(key)} checked={v} onChange={(e) => onChange(p, e.currentTarget.checked)} error={errorFor(error, dotted)} />;
            }
            if (typeof v === 'number') {
              return <NumberInput key={key} label={labelOf(key)} description={meanings[key]} value={v} onChange={(n) => onChange(p, typeof n === 'number' ? n : Number(n))} error={errorFor(error, dotted)} />;
            }
            if (typeof v === 'string') {
              return (
                <TextInput
                  key={key}
                  type={isDay(v) || key.endsWith('Until') ? 'date' : 'text'}
                  label={labelOf(key)}
                  description={meanings[key]}
                  value={v}
                  onChange={(e) => onChange(p, e.currentTarget.value)}
                  error={errorFor(error, dotted)}
                />
              );
            }
            return (
              <Text key={key} size="sm">
                {labelOf(key)}: {showValue(v)}
              </Text>
            );
          })}
        </SimpleGrid>
      )}
      {groups.map(([key, v]) => (
        <Fieldset key={key} legend={labelOf(key)} variant="filled">
          {meanings[key] && (
            <Text size="sm" mb="xs">
              {meanings[key]}
            </Text>
          )}
          <Fields value={v as Json} path={[...path, key]} onChange={onChange} error={error} />
        </Fieldset>
      ))}
    </Stack>
  );
}

function ReadOnly({ value }: { value: unknown }) {
  if (!isRecord(value)) return <Code>{showValue(value)}</Code>;
  return (
    <Table fz="sm" withRowBorders>
      <Table.Tbody>
        {Object.entries(value).map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Th scope="row" fw={500} w="40%" style={{ verticalAlign: 'top' }}>
              {labelOf(k)}
            </Table.Th>
            <Table.Td>{isRecord(v) ? <ReadOnly value={v} /> : showValue(v)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function SettingsForm({ current }: { current: ProgramSettings }) {
  const queryClient = useQueryClient();
  const editable = (dosing: Json) => Object.fromEntries(Object.entries(dosing).filter(([k]) => !readOnlyDosingKeys.has(k)));
  const [dosing, setDosing] = useState<Json>(() => editable(current.settings.dosing));
  const [baseVersion, setBaseVersion] = useState(current.version);
  useEffect(() => {
    // A newer version loaded (after a save or a reload): start from it.
    setDosing(editable(current.settings.dosing));
    setBaseVersion(current.version);
  }, [current]);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [proposed, setProposed] = useState<SettingsProposal | null>(null);
  const changes = diffSettings({ dosing: current.settings.dosing }, { dosing: { ...current.settings.dosing, ...dosing } });
  const loosening = changes.some((c) => c.direction !== 'tightens');
  const save = useMutation({
    mutationFn: () => adminApi.saveSettings(baseVersion, { dosing: { ...current.settings.dosing, ...dosing } }, reason.trim() || undefined),
    onSuccess: async (saved) => {
      setConfirming(false);
      setReason('');
      if ('proposal' in saved) {
        setProposed(saved.proposal);
        setDosing(editable(current.settings.dosing));
        await queryClient.invalidateQueries({ queryKey: adminKeys.proposals });
      } else {
        setProposed(null);
        queryClient.setQueryData(adminKeys.settings, saved);
      }
    },
    // Errors on the settings themselves are shown beside their fields: close the dialog so they can be seen.
    onError: (error) => {
      if (!isApiError(error) || error.fieldErrors.some((f) => f.field !== 'reason')) setConfirming(false);
    },
  });
  const stale = isApiError(save.error) && save.error.status === 412;
  const readOnlyDosing = Object.fromEntries(Object.entries(current.settings.dosing).filter(([k]) => readOnlyDosingKeys.has(k)));

  return (
    <Stack gap="lg">
      <Text size="sm">
        Version {current.version}
        {current.updatedAt ? `, last changed ${formatDateTime(current.updatedAt)}` : ' (the clinical defaults; never changed)'}.
      </Text>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="dosing-heading">
        <form
          noValidate
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            save.reset();
            setConfirming(true);
          }}
        >
          <Stack gap="md">
            <Title order={2} size="h4" id="dosing-heading">
              Dosing limits and vitals thresholds
            </Title>
            <Text size="sm">These limits apply to every plan: a clinician’s plan may be stricter, never looser.</Text>
            <Fields value={dosing} path={[]} onChange={(p, v) => setDosing((d) => setAt(d, p, v))} error={save.error} />
            {stale ? (
              <Alert color="red" variant="light" title="The settings changed since you opened them" role="alert">
                Someone else saved a newer version. Your changes were not saved.
                <Group mt="xs">
                  <Button size="xs" variant="default" onClick={() => void queryClient.invalidateQueries({ queryKey: adminKeys.settings })}>
                    Load the current settings
                  </Button>
                </Group>
              </Alert>
            ) : (
              save.error && <ProblemAlert error={save.error} fieldsShownInline={isApiError(save.error) ? save.error.fieldErrors.map((f) => f.field) : []} />
            )}
            {save.isSuccess && !('proposal' in save.data) && (
              <Text size="sm" role="status">
                Saved as version {save.data.version}.
              </Text>
            )}
            {proposed && (
              <Alert color="keel" variant="light" title="Sent to a prescriber for signature" role="status" data-testid="settings-proposed">
                This change loosens a clinical limit, so it applies only when a prescriber signs it. Until then the current settings stay in force.
              </Alert>
            )}
            <Group gap="sm">
              <Button type="submit" loading={save.isPending} disabled={changes.length === 0}>
                Review and save…
              </Button>
              <Button variant="default" onClick={() => setDosing(editable(current.settings.dosing))}>
                Undo my changes
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Confirm the change to the program settings" size="xl">
        <Stack gap="md">
          <Text size="sm">
            These limits apply to every patient’s sessions from the moment they are saved. A stricter limit applies at once. A looser one — or one
            Keel cannot tell — is sent to a prescriber, who must sign it with their password before it applies.
          </Text>
          <SettingChangesTable changes={changes} />
          <Textarea
            label={loosening ? 'Reason (required: the prescriber reads it before signing)' : 'Reason (recorded in the audit log)'}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            required={loosening}
            error={errorFor(save.error, 'reason')}
          />
          {/* Errors on the settings fields belong beside those fields on the page (the dialog closes for them). */}
          {save.error && !stale && !(isApiError(save.error) && save.error.fieldErrors.some((f) => f.field !== 'reason')) && (
            <ProblemAlert error={save.error} fieldsShownInline={['reason']} />
          )}
          <Group>
            <Button onClick={() => save.mutate()} loading={save.isPending} disabled={loosening && reason.trim() === ''}>
              {loosening ? 'Send to a prescriber to sign' : 'Save now'}
            </Button>
            <Button variant="default" onClick={() => setConfirming(false)}>
              Keep editing
            </Button>
          </Group>
        </Stack>
      </Modal>
      <PendingProposals />
      <section aria-labelledby="readonly-heading">
        <Title order={2} size="h4" id="readonly-heading" mb="xs">
          Other settings (read only)
        </Title>
        <Text size="sm" mb="xs">
          Screening rules, the monitoring cadence and questionnaire thresholds are shown for reference; open a section to read it.
        </Text>
        <Accordion multiple variant="separated" order={3}>
          {Object.keys(readOnlyDosing).length > 0 && (
            <Accordion.Item value="retention">
              <Accordion.Control>Record retention</Accordion.Control>
              <Accordion.Panel>
                <ReadOnly value={readOnlyDosing['retention']} />
              </Accordion.Panel>
            </Accordion.Item>
          )}
          {(['screening', 'monitoring', 'instruments'] as const).map((section) => (
            <Accordion.Item key={section} value={section}>
              <Accordion.Control>{humanize(section)}</Accordion.Control>
              <Accordion.Panel>
                <ReadOnly value={current.settings[section]} />
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      </section>
    </Stack>
  );
}

/** Proposed changes waiting for a prescriber's signature; the admin can withdraw one. */
function PendingProposals() {
  const queryClient = useQueryClient();
  const proposals = useQuery({ queryKey: adminKeys.proposals, queryFn: () => adminApi.settingsProposals('pending') });
  const withdraw = useMutation({
    mutationFn: (id: string) => adminApi.withdrawProposal(id, 'Withdrawn by the administrator'),
    onSuccess: async () => queryClient.invalidateQueries({ queryKey: adminKeys.proposals }),
  });
  const items = proposals.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="proposals-heading">
      <Title order={2} size="h4" id="proposals-heading" mb="xs">
        Waiting for a prescriber’s signature
      </Title>
      <Stack gap="md">
        {items.map((p) => (
          <Stack key={p.id} gap="xs" data-testid="pending-proposal">
            <Text size="sm">
              Proposed by {p.proposedBy.name}, {formatDateTime(p.proposedAt)}: “{p.reason}”
            </Text>
            <SettingChangesTable changes={p.changes} />
            <Group>
              <Button size="xs" variant="default" color="red" onClick={() => withdraw.mutate(p.id)} loading={withdraw.isPending && withdraw.variables === p.id}>
                Withdraw
              </Button>
            </Group>
          </Stack>
        ))}
        {withdraw.error && <ProblemAlert error={withdraw.error} />}
      </Stack>
    </Paper>
  );
}

/** Program settings: the dosing limits and vitals thresholds as a form (If-Match version), the rest read-only. */
export function SettingsPage() {
  const settings = useQuery({ queryKey: adminKeys.settings, queryFn: adminApi.settings });
  return (
    <>
      <PageHeader title="Settings" description="Program settings: every clinical number, over its published default." />
      <QueryView query={settings} what="the settings" loadingLabel="Loading settings…">
        {(data) => <SettingsForm current={data} />}
      </QueryView>
    </>
  );
}
