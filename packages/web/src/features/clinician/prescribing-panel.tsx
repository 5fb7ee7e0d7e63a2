import { Alert, Anchor, Button, Checkbox, Group, List, MultiSelect, NativeSelect, Paper, SimpleGrid, Stack, Switch, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { clinicianApi, clinicianKeys } from '../../api/clinician-api.ts';
import {
  complianceApi,
  complianceKeys,
  complianceLinks,
  pathwayKinds,
  type Compliance,
  type OtherPrescription,
  type Pathway,
  type PathwayKind,
  type PathwayRequest,
  type PdmpCheck,
} from '../../api/compliance-api.ts';
import { label } from '../../components/labels.ts';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { usStates } from '../../components/us-states.ts';
import { daysUntil } from '../compliance/days.ts';
import { amber } from './badges.tsx';
import { ComplianceBadge } from './compliance-badge.tsx';
import { formatDate, formatDateTime, localDateTimeInputValue, localInputToIso, showValue } from './format.ts';
import { QueryView } from './query-view.tsx';
import { SignatureInput } from './signature-input.tsx';

/** The words for a pathway's recorded fields. */
const detailLabels: Record<string, string> = {
  evaluatedOn: 'Evaluated in person on',
  location: 'Where',
  attestation: 'Prescriber’s attestation',
  registrationNumber: 'Registration number',
  registrationType: 'Registration type',
  referringClinician: 'Referring clinician',
  referredOn: 'Referred on',
  documentReference: 'Referral document',
};

const isDay = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** What each pathway means, in a sentence (docs/compliance.md). */
const kindMeaning: Record<PathwayKind, string> = {
  in_person_evaluation: 'The prescriber (or a clinician for them) evaluated the patient in person before prescribing.',
  telemedicine_flexibility: 'Prescribing by telemedicine without an in-person evaluation, allowed only while the temporary federal flexibilities last.',
  special_registration: 'The prescriber holds a special registration for telemedicine prescribing.',
  referral_from_in_person_clinician: 'A clinician who evaluated the patient in person referred them for treatment.',
};

/** The program's telemedicine flexibility end date, wherever the settings document keeps it. */
export function flexibilityUntilOf(settings: unknown): string | null {
  if (typeof settings !== 'object' || settings === null) return null;
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'telemedicineFlexibilityUntil' && typeof value === 'string') return value;
    const nested = flexibilityUntilOf(value);
    if (nested) return nested;
  }
  return null;
}

function PathwayDetails({ pathway }: { pathway: Pathway }) {
  const rows = Object.entries(pathway.details).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return (
    <Stack gap={4}>
      <Text fw={650}>{label(pathway.kind)}</Text>
      {rows.length > 0 && (
        <Table fz="sm" withRowBorders={false} verticalSpacing={2}>
          <Table.Tbody>
            {rows.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Th scope="row" fw={500} w="40%">
                  {detailLabels[k] ?? label(k.replace(/([a-z])([A-Z])/g, '$1_$2'))}
                </Table.Th>
                <Table.Td>{k === 'attestation' && v === true ? 'Attested' : isDay(v) ? formatDate(v) : showValue(v)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="sm">
        Signed by {pathway.prescriberName} {formatDateTime(pathway.signedAt)}.
      </Text>
    </Stack>
  );
}

function StatusSection({ patientId, compliance }: { patientId: string; compliance: Compliance }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="compliance-heading" data-testid="compliance-status">
      <Group gap="sm" mb="xs">
        <Title order={3} size="h4" id="compliance-heading">
          Compliance status
        </Title>
        <ComplianceBadge status={compliance.status} />
      </Group>
      {compliance.reasons.length === 0 ? (
        <Stack gap={6}>
          <Text size="sm">Every prescribing condition holds today: a valid pathway, the prescriber’s licence and DEA registration, and a recent PDMP check.</Text>
          {compliance.status === 'action_needed' && (
            <Text size="sm" fw={650} data-testid="compliance-action-needed">
              {compliance.lapsesOn && daysUntil(compliance.lapsesOn) <= 30
                ? `The telemedicine flexibility this patient is prescribed under ends: from ${formatDate(compliance.lapsesOn)} prescribing, dispensing and dosing are blocked. Before then, record an in-person evaluation, a referral from a clinician who saw the patient in person, or a special registration.`
                : 'The prescriber’s state licence or DEA registration for this patient’s state expires within 30 days. An administrator records the renewed one on the Credentials page.'}
            </Text>
          )}
        </Stack>
      ) : (
        <Stack gap={6}>
          <Text size="sm">
            {compliance.status === 'blocked'
              ? 'Signing a plan, recording a dispense and authorizing a dose are refused until these are resolved:'
              : 'Prescribing is allowed today, but this needs attention soon:'}
          </Text>
          <List size="sm" spacing={4} data-testid="compliance-reasons">
            {compliance.reasons.map((r) => (
              <List.Item key={r.code} data-reason={r.code}>
                <Text span fw={650} size="sm">
                  {label(r.code)}.
                </Text>{' '}
                {r.message}
              </List.Item>
            ))}
          </List>
        </Stack>
      )}
      <SimpleGrid cols={{ base: 1, sm: 3 }} mt="sm" spacing="xs">
        <Text size="sm">
          <strong>Last PDMP check:</strong> {compliance.lastPdmpCheckAt ? formatDateTime(compliance.lastPdmpCheckAt) : 'none recorded'}
        </Text>
        <Text size="sm">
          <strong>Next PDMP check due:</strong> {compliance.nextPdmpDueAt ? formatDateTime(compliance.nextPdmpDueAt) : '—'}
        </Text>
        {compliance.lapsesOn && (
          <Text size="sm">
            <strong>Pathway lapses on:</strong> {formatDate(compliance.lapsesOn)}
          </Text>
        )}
      </SimpleGrid>
      <Group gap="md" mt="sm">
        <Text size="sm">Records for inspection:</Text>
        <Anchor href={complianceLinks.patientReport(patientId, 'csv')} size="sm" download>
          Compliance report (CSV)
        </Anchor>
        <Anchor href={complianceLinks.patientReport(patientId, 'pdf')} size="sm" download>
          Compliance report (PDF)
        </Anchor>
      </Group>
    </Paper>
  );
}

type PathwayForm = { kind: PathwayKind; evaluatedOn: string; location: string; attestation: boolean; registrationNumber: string; registrationType: string; referringClinician: string; referredOn: string; documentReference: string };
const blankPathway = (kind: PathwayKind): PathwayForm => ({ kind, evaluatedOn: '', location: '', attestation: false, registrationNumber: '', registrationType: '', referringClinician: '', referredOn: '', documentReference: '' });

/** The fields each kind requires, with the words shown when one is empty. */
const required: Record<PathwayKind, [keyof PathwayForm, string][]> = {
  in_person_evaluation: [
    ['evaluatedOn', 'Enter the date of the in-person evaluation.'],
    ['location', 'Say where the evaluation took place.'],
    ['attestation', 'Attest that the evaluation took place.'],
  ],
  telemedicine_flexibility: [],
  special_registration: [
    ['registrationNumber', 'Enter the registration number.'],
    ['registrationType', 'Enter the registration type.'],
  ],
  referral_from_in_person_clinician: [
    ['referringClinician', 'Name the referring clinician.'],
    ['referredOn', 'Enter the date of the referral.'],
    ['documentReference', 'Identify the referral document (its title, date or file reference).'],
  ],
};

function toRequest(f: PathwayForm, password: string): PathwayRequest {
  const t = (s: string) => s.trim();
  switch (f.kind) {
    case 'in_person_evaluation':
      return { kind: f.kind, evaluatedOn: f.evaluatedOn, location: t(f.location), ...(f.attestation ? { attestation: true as const } : {}), signature: { password } };
    case 'telemedicine_flexibility':
      return { kind: f.kind, signature: { password } };
    case 'special_registration':
      return { kind: f.kind, registrationNumber: t(f.registrationNumber), registrationType: t(f.registrationType), signature: { password } };
    case 'referral_from_in_person_clinician':
      return { kind: f.kind, referringClinician: t(f.referringClinician), referredOn: f.referredOn, documentReference: t(f.documentReference), signature: { password } };
  }
}

const pathwayFields = ['kind', 'evaluatedOn', 'location', 'attestation', 'registrationNumber', 'registrationType', 'referringClinician', 'referredOn', 'documentReference', 'signature.password'];

function PathwayFormSection({ patientId, current, flexibilityUntil }: { patientId: string; current: Pathway | null; flexibilityUntil: string | null }) {
  const queryClient = useQueryClient();
  const [f, setF] = useState<PathwayForm>(() => blankPathway('in_person_evaluation'));
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const record = useMutation({
    mutationFn: () => complianceApi.recordPathway(patientId, toRequest(f, password)),
    onSuccess: async () => {
      setPassword('');
      setF(blankPathway(f.kind));
      // The chart, the panel's column and the lapse list all change with the pathway.
      await queryClient.invalidateQueries({ queryKey: clinicianKeys.all });
      await queryClient.invalidateQueries({ queryKey: complianceKeys.lapseList });
    },
  });
  const fe = (k: string) => missing[k] ?? (isApiError(record.error) ? record.error.fieldError(k) : undefined);
  const set = <K extends keyof PathwayForm>(k: K, v: PathwayForm[K]) => setF((x) => ({ ...x, [k]: v }));
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="pathway-form-heading">
      <form
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          const errs: Record<string, string> = {};
          for (const [k, message] of required[f.kind]) if (f[k] === '' || f[k] === false) errs[k] = message;
          if (password === '') errs['signature.password'] = 'Enter your password to sign.';
          setMissing(errs);
          if (Object.keys(errs).length === 0) record.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4" id="pathway-form-heading">
            {current ? 'Record a new prescribing pathway' : 'Record the prescribing pathway'}
          </Title>
          {current && <Text size="sm">A new pathway replaces the current one; the current one stays in the history.</Text>}
          <NativeSelect
            label="Pathway"
            value={f.kind}
            onChange={(e) => {
              // Read the value now: the event's target is gone by the time a state updater runs.
              const kind = e.currentTarget.value as PathwayKind;
              setMissing({});
              setF((x) => ({ ...x, kind }));
            }}
            data={pathwayKinds.map((k) => ({ value: k, label: label(k) }))}
            description={kindMeaning[f.kind]}
            error={fe('kind')}
          />
          {f.kind === 'in_person_evaluation' && (
            <>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput type="date" label="Evaluated in person on" required value={f.evaluatedOn} onChange={(e) => set('evaluatedOn', e.currentTarget.value)} error={fe('evaluatedOn')} />
                <TextInput label="Where (clinic and address)" required value={f.location} onChange={(e) => set('location', e.currentTarget.value)} error={fe('location')} />
              </SimpleGrid>
              <Checkbox
                label="I attest that I (or a clinician acting for me) evaluated this patient in person on this date."
                checked={f.attestation}
                onChange={(e) => set('attestation', e.currentTarget.checked)}
                error={fe('attestation')}
              />
            </>
          )}
          {f.kind === 'telemedicine_flexibility' && (
            <Alert color={amber} variant="light" title="Valid only for a limited time">
              {flexibilityUntil
                ? `This pathway is valid through the end of ${formatDate(flexibilityUntil)} in the program’s time zone. After that the patient is blocked until an in-person evaluation or a special registration is recorded.`
                : 'This pathway is valid only until the program’s telemedicine flexibility date. After that the patient is blocked until an in-person evaluation or a special registration is recorded.'}
            </Alert>
          )}
          {f.kind === 'special_registration' && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label="Registration number" required value={f.registrationNumber} onChange={(e) => set('registrationNumber', e.currentTarget.value)} error={fe('registrationNumber')} />
              <TextInput label="Registration type" required value={f.registrationType} onChange={(e) => set('registrationType', e.currentTarget.value)} error={fe('registrationType')} />
            </SimpleGrid>
          )}
          {f.kind === 'referral_from_in_person_clinician' && (
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput label="Referring clinician" required value={f.referringClinician} onChange={(e) => set('referringClinician', e.currentTarget.value)} error={fe('referringClinician')} />
              <TextInput type="date" label="Referred on" required value={f.referredOn} onChange={(e) => set('referredOn', e.currentTarget.value)} error={fe('referredOn')} />
              <TextInput label="Referral document (reference)" required value={f.documentReference} onChange={(e) => set('documentReference', e.currentTarget.value)} error={fe('documentReference')} />
            </SimpleGrid>
          )}
          <SignatureInput value={password} onChange={setPassword} meaning={`I record ${label(f.kind).toLowerCase()} as this patient’s prescribing pathway.`} error={fe('signature.password')} />
          {record.error && <ProblemAlert error={record.error} fieldsShownInline={pathwayFields} />}
          {record.isSuccess && (
            <Text size="sm" role="status">
              Pathway recorded and signed.
            </Text>
          )}
          <Button type="submit" loading={record.isPending} w="fit-content">
            Sign and record pathway
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

function PdmpTable({ checks }: { checks: PdmpCheck[] }) {
  if (checks.length === 0) return <Text size="sm">No PDMP check recorded yet.</Text>;
  const sorted = [...checks].sort((a, b) => b.checkedAt.localeCompare(a.checkedAt));
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table withTableBorder striped fz="sm">
        <caption style={{ textAlign: 'left', fontWeight: 650, captionSide: 'top', paddingBottom: 4 }}>PDMP checks, newest first</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Checked</Table.Th>
            <Table.Th scope="col">States</Table.Th>
            <Table.Th scope="col">Result</Table.Th>
            <Table.Th scope="col">Other controlled prescriptions</Table.Th>
            <Table.Th scope="col">Other prescriber</Table.Th>
            <Table.Th scope="col">Checked by</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{formatDateTime(c.checkedAt)}</Table.Td>
              <Table.Td>{c.states.join(', ')}</Table.Td>
              <Table.Td>{c.resultSummary}</Table.Td>
              <Table.Td>
                {c.otherControlledPrescriptions.length === 0
                  ? 'None'
                  : c.otherControlledPrescriptions.map((p) => `${p.drug} from ${p.prescriber}, filled ${formatDate(p.filledOn)}`).join('; ')}
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={c.otherPrescriberFound ? 650 : undefined} c={c.otherPrescriberFound ? 'red.8' : undefined}>
                  {c.otherPrescriberFound ? 'Found' : 'None'}
                </Text>
              </Table.Td>
              <Table.Td>{c.checkedByName ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const blankRow = (): OtherPrescription => ({ drug: '', prescriber: '', filledOn: '' });
const pdmpFields = ['checkedAt', 'states', 'resultSummary', 'otherPrescriberFound'];

function PdmpForm({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const [checkedAt, setCheckedAt] = useState(localDateTimeInputValue());
  const [states, setStates] = useState<string[]>([]);
  const [summary, setSummary] = useState('');
  const [rows, setRows] = useState<OtherPrescription[]>([]);
  const [otherPrescriber, setOtherPrescriber] = useState(false);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const record = useMutation({
    mutationFn: () =>
      complianceApi.recordPdmpCheck(patientId, {
        checkedAt: localInputToIso(checkedAt),
        states,
        resultSummary: summary.trim(),
        otherControlledPrescriptions: rows.map((r) => ({ drug: r.drug.trim(), prescriber: r.prescriber.trim(), filledOn: r.filledOn })),
        otherPrescriberFound: otherPrescriber,
      }),
    onSuccess: async () => {
      setSummary('');
      setRows([]);
      setOtherPrescriber(false);
      setCheckedAt(localDateTimeInputValue());
      await queryClient.invalidateQueries({ queryKey: clinicianKeys.all });
    },
  });
  const fe = (k: string) => missing[k] ?? (isApiError(record.error) ? record.error.fieldError(k) : undefined);
  const setRow = (i: number, patch: Partial<OtherPrescription>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <form
      noValidate
      aria-labelledby="pdmp-form-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const errs: Record<string, string> = {};
        if (!checkedAt) errs['checkedAt'] = 'When was the PDMP checked?';
        if (states.length === 0) errs['states'] = 'Choose at least one state whose PDMP you checked.';
        if (summary.trim() === '') errs['resultSummary'] = 'Summarize what the PDMP showed.';
        rows.forEach((r, i) => {
          if (!r.drug.trim()) errs[`otherControlledPrescriptions.${i}.drug`] = 'Name the drug.';
          if (!r.prescriber.trim()) errs[`otherControlledPrescriptions.${i}.prescriber`] = 'Name the prescriber.';
          if (!r.filledOn) errs[`otherControlledPrescriptions.${i}.filledOn`] = 'Enter the fill date.';
        });
        setMissing(errs);
        if (Object.keys(errs).length === 0) record.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={3} size="h4" id="pdmp-form-heading">
          Record a PDMP check
        </Title>
        <Text size="sm">What the state prescription drug monitoring program showed. A check is needed before signing a plan, before every dispense and regularly during treatment.</Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput type="datetime-local" label="Checked at" required value={checkedAt} onChange={(e) => setCheckedAt(e.currentTarget.value)} error={fe('checkedAt')} />
          <MultiSelect label="States checked" required data={usStates.map((s) => ({ value: s.code, label: `${s.name} (${s.code})` }))} value={states} onChange={setStates} searchable error={fe('states')} />
        </SimpleGrid>
        <Textarea label="Result summary" required autosize minRows={2} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} error={fe('resultSummary')} />
        <Stack gap={6}>
          <Text fw={650} size="sm" id="other-rx-heading">
            Other controlled prescriptions found
          </Text>
          {rows.length === 0 && <Text size="sm">None added.</Text>}
          {rows.map((r, i) => (
            <Group key={i} align="end" gap="sm" wrap="wrap" role="group" aria-label={`Other prescription ${i + 1}`}>
              <TextInput label="Drug" value={r.drug} onChange={(e) => setRow(i, { drug: e.currentTarget.value })} error={fe(`otherControlledPrescriptions.${i}.drug`)} />
              <TextInput label="Prescriber" value={r.prescriber} onChange={(e) => setRow(i, { prescriber: e.currentTarget.value })} error={fe(`otherControlledPrescriptions.${i}.prescriber`)} />
              <TextInput type="date" label="Filled on" value={r.filledOn} onChange={(e) => setRow(i, { filledOn: e.currentTarget.value })} error={fe(`otherControlledPrescriptions.${i}.filledOn`)} />
              <Button variant="default" onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))} aria-label={`Remove other prescription ${i + 1}`}>
                Remove
              </Button>
            </Group>
          ))}
          <Button variant="light" size="xs" w="fit-content" onClick={() => setRows((rs) => [...rs, blankRow()])}>
            Add a prescription found
          </Button>
        </Stack>
        <Switch
          label="Another prescriber of controlled substances was found"
          description="Raises the “other controlled prescriptions” warning sign for the care team."
          checked={otherPrescriber}
          onChange={(e) => setOtherPrescriber(e.currentTarget.checked)}
        />
        {record.error && <ProblemAlert error={record.error} fieldsShownInline={[...pdmpFields, ...Object.keys(missing)]} />}
        {record.isSuccess && (
          <Text size="sm" role="status">
            PDMP check recorded.
          </Text>
        )}
        <Button type="submit" loading={record.isPending} w="fit-content">
          Record PDMP check
        </Button>
      </Stack>
    </form>
  );
}

/**
 * Prescribing compliance on the chart: the status with every reason, the pathway in force with its signer, the
 * form to record a new one (e-signed), the PDMP checks and the form to record one (docs/compliance.md).
 */
export function PrescribingPanel({ patientId }: { patientId: string }) {
  const compliance = useQuery({ queryKey: complianceKeys.patient(patientId), queryFn: () => complianceApi.compliance(patientId) });
  const checks = useQuery({ queryKey: complianceKeys.part(patientId, 'pdmp'), queryFn: () => complianceApi.pdmpChecks(patientId) });
  const settings = useQuery({ queryKey: ['clinician', 'program-settings'], queryFn: clinicianApi.programSettings, staleTime: 60_000 });
  const flexibilityUntil = flexibilityUntilOf(settings.data?.settings);
  return (
    <Stack gap="md">
      <QueryView query={compliance} what="the compliance status" loadingLabel="Loading the compliance status…">
        {(c) => (
          <Stack gap="md">
            <StatusSection patientId={patientId} compliance={c} />
            <Paper withBorder p="md" radius="md" component="section" aria-labelledby="pathway-heading">
              <Title order={3} size="h4" id="pathway-heading" mb="xs">
                Prescribing pathway
              </Title>
              {c.pathway ? <PathwayDetails pathway={c.pathway} /> : <Text size="sm">No pathway recorded. Record one below before prescribing.</Text>}
            </Paper>
            <PathwayFormSection patientId={patientId} current={c.pathway} flexibilityUntil={flexibilityUntil} />
          </Stack>
        )}
      </QueryView>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="pdmp-heading">
        <Title order={3} size="h4" id="pdmp-heading" mb="xs">
          PDMP checks
        </Title>
        <QueryView query={checks} what="the PDMP checks" loadingLabel="Loading PDMP checks…">
          {(data) => <PdmpTable checks={data.checks} />}
        </QueryView>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <PdmpForm patientId={patientId} />
      </Paper>
    </Stack>
  );
}
