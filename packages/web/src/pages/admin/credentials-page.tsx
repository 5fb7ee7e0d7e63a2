import { Alert, Anchor, Button, Checkbox, FileInput, Group, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { DEA_SCHEDULES } from '@keel/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { adminApi, adminKeys } from '../../api/admin-api.ts';
import { complianceApi, complianceKeys, complianceLinks, type Credential, type CredentialKind, type CredentialRequest, type ExpiringCredential } from '../../api/compliance-api.ts';
import { label } from '../../components/labels.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { usStates } from '../../components/us-states.ts';
import { daysUntil } from '../../features/compliance/days.ts';
import { amber } from '../../features/clinician/badges.tsx';
import { formatDate } from '../../features/clinician/format.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';

/** Credentials expiring within this many days are listed and highlighted (the expiry notice's lead time). */
const expiringWithinDays = 30;
type Schedule = NonNullable<CredentialRequest['schedules']>[number];
/** The document types the API accepts. */
const documentTypes: readonly string[] = ['application/pdf', 'image/png', 'image/jpeg'];
const stateOptions = [{ value: '', label: 'Choose…' }, ...usStates.map((s) => ({ value: s.code, label: `${s.name} (${s.code})` }))];

/** A file's bytes as base64 (without the data: URL prefix), for the JSON body. */
export function fileAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

function ExpiryText({ expiresOn }: { expiresOn: string }) {
  const left = daysUntil(expiresOn);
  if (left < 0) {
    return (
      <Text size="sm" fw={700} c="red.8">
        {formatDate(expiresOn)} (expired)
      </Text>
    );
  }
  if (left <= expiringWithinDays) {
    return (
      <Text size="sm" fw={700} c={amber}>
        {formatDate(expiresOn)} ({left === 0 ? 'expires today' : `${left} day${left === 1 ? '' : 's'} left`})
      </Text>
    );
  }
  return <Text size="sm">{formatDate(expiresOn)}</Text>;
}

function ExpiringSection() {
  const expiring = useQuery({ queryKey: complianceKeys.expiring, queryFn: () => complianceApi.expiring(expiringWithinDays) });
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="expiring-heading" style={{ borderColor: expiring.data && expiring.data.credentials.length > 0 ? amber : undefined, borderWidth: expiring.data && expiring.data.credentials.length > 0 ? 2 : undefined }}>
      <Title order={2} size="h4" id="expiring-heading" mb="xs">
        Expiring within {expiringWithinDays} days
      </Title>
      <QueryView query={expiring} what="the expiring credentials" loadingLabel="Loading expiring credentials…">
        {(data) =>
          data.credentials.length === 0 ? (
            <Text size="sm">No licence or DEA registration expires in the next {expiringWithinDays} days.</Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table withTableBorder fz="sm" data-testid="expiring-credentials">
                <VisuallyHidden component="caption">Credentials expiring within {expiringWithinDays} days</VisuallyHidden>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Clinician</Table.Th>
                    <Table.Th scope="col">Credential</Table.Th>
                    <Table.Th scope="col">Number and state</Table.Th>
                    <Table.Th scope="col">Expires</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {[...data.credentials]
                    .sort((a: ExpiringCredential, b: ExpiringCredential) => a.daysLeft - b.daysLeft)
                    .map((c) => (
                      <Table.Tr key={c.id}>
                        <Table.Th scope="row">{c.clinicianName}</Table.Th>
                        <Table.Td>{label(c.kind)}</Table.Td>
                        <Table.Td>
                          {c.number}, {c.state}
                        </Table.Td>
                        <Table.Td>
                          <ExpiryText expiresOn={c.expiresOn} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
    </Paper>
  );
}

function CredentialTable({ credentials }: { credentials: Credential[] }) {
  if (credentials.length === 0) return <NothingHereYet description="No licence or DEA registration recorded for this clinician. Without both, signing plans and dispensing are refused." />;
  const sorted = [...credentials].sort((a, b) => a.kind.localeCompare(b.kind) || a.state.localeCompare(b.state) || b.expiresOn.localeCompare(a.expiresOn));
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table withTableBorder striped fz="sm">
        <VisuallyHidden component="caption">Licences and DEA registrations</VisuallyHidden>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Credential</Table.Th>
            <Table.Th scope="col">Number</Table.Th>
            <Table.Th scope="col">State</Table.Th>
            <Table.Th scope="col">Schedules</Table.Th>
            <Table.Th scope="col">Expires</Table.Th>
            <Table.Th scope="col">Document</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Th scope="row" fw={500}>
                {label(c.kind)}
              </Table.Th>
              <Table.Td>{c.number}</Table.Td>
              <Table.Td>{c.state}</Table.Td>
              <Table.Td>{c.kind === 'dea_registration' ? c.schedules.join(', ') || '—' : '—'}</Table.Td>
              <Table.Td>
                <ExpiryText expiresOn={c.expiresOn} />
              </Table.Td>
              <Table.Td>
                <Anchor href={complianceLinks.credentialDocument(c.id)} size="sm" aria-label={`Document for ${label(c.kind).toLowerCase()} ${c.number}: ${c.documentName}`}>
                  {c.documentName}
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function AddCredentialForm({ clinicianId }: { clinicianId: string }) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<CredentialKind>('state_licence');
  const [number, setNumber] = useState('');
  const [state, setState] = useState('');
  const [schedules, setSchedules] = useState<Schedule[]>(['III', 'IIIN']);
  const [expiresOn, setExpiresOn] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const add = useMutation({
    mutationFn: async () => {
      const doc = file as File;
      const contentType = doc.type as CredentialRequest['document']['contentType'];
      return complianceApi.addCredential(clinicianId, {
        kind,
        number: number.trim(),
        state,
        ...(kind === 'dea_registration' ? { schedules } : {}),
        expiresOn,
        document: { filename: doc.name, contentType, base64: await fileAsBase64(doc) },
      });
    },
    onSuccess: async () => {
      setNumber('');
      setExpiresOn('');
      setFile(null);
      await queryClient.invalidateQueries({ queryKey: ['compliance', 'credentials'] });
    },
  });
  const fe = (k: string) => missing[k] ?? (isApiError(add.error) ? add.error.fieldError(k) : undefined);
  return (
    <form
      noValidate
      aria-labelledby="add-credential-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const errs: Record<string, string> = {};
        if (!number.trim()) errs['number'] = kind === 'dea_registration' ? 'Enter the DEA registration number.' : 'Enter the licence number.';
        if (!state) errs['state'] = 'Choose the state.';
        if (!expiresOn) errs['expiresOn'] = 'Enter the expiry date.';
        if (kind === 'dea_registration' && schedules.length === 0) errs['schedules'] = 'Choose the schedules the registration covers.';
        if (!file) errs['document'] = 'Attach the document (a scan or PDF).';
        else if (!documentTypes.includes(file.type)) errs['document'] = 'Attach a PDF, PNG or JPEG file.';
        setMissing(errs);
        if (Object.keys(errs).length === 0) add.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={3} size="h4" id="add-credential-heading">
          Add a licence or DEA registration
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NativeSelect
            label="Credential"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value === 'dea_registration' ? 'dea_registration' : 'state_licence')}
            data={[
              { value: 'state_licence', label: label('state_licence') },
              { value: 'dea_registration', label: label('dea_registration') },
            ]}
          />
          <TextInput label={kind === 'dea_registration' ? 'DEA registration number' : 'Licence number'} required value={number} onChange={(e) => setNumber(e.currentTarget.value)} error={fe('number')} />
          <NativeSelect label="State" required value={state} onChange={(e) => setState(e.currentTarget.value)} data={stateOptions} error={fe('state')} />
          <TextInput type="date" label="Expires on" description="Valid through this date." required value={expiresOn} onChange={(e) => setExpiresOn(e.currentTarget.value)} error={fe('expiresOn')} />
        </SimpleGrid>
        {kind === 'dea_registration' && (
          <Checkbox.Group label="Schedules covered" description="Ketamine is Schedule III: a registration must cover III (or IIIN)." value={schedules} onChange={(v) => setSchedules(DEA_SCHEDULES.filter((s) => v.includes(s)))} error={fe('schedules')} required>
            <Group gap="md" mt={4}>
              {DEA_SCHEDULES.map((s) => (
                <Checkbox key={s} value={s} label={s} />
              ))}
            </Group>
          </Checkbox.Group>
        )}
        <FileInput label="Document" description="A scan or PDF of the licence or registration." required value={file} onChange={setFile} clearable accept="application/pdf,image/png,image/jpeg" error={fe('document') ?? fe('document.base64')} />
        {add.error && <ProblemAlert error={add.error} fieldsShownInline={['number', 'state', 'expiresOn', 'schedules', 'document', 'document.base64']} />}
        {add.isSuccess && (
          <Text size="sm" role="status">
            {label(add.data.credential.kind)} {add.data.credential.number} added.
          </Text>
        )}
        <Button type="submit" loading={add.isPending} w="fit-content">
          Add credential
        </Button>
      </Stack>
    </form>
  );
}

/** Admin: each clinician's state licences and DEA registrations with their documents; what expires soon first. */
export function CredentialsPage() {
  const clinicians = useQuery({
    queryKey: adminKeys.accounts({ role: 'clinician' }),
    queryFn: () => adminApi.accounts({ role: 'clinician' }),
  });
  const [clinicianId, setClinicianId] = useState('');
  const credentials = useQuery({ queryKey: complianceKeys.credentials(clinicianId), queryFn: () => complianceApi.credentials(clinicianId), enabled: clinicianId !== '' });
  const chosen = clinicians.data?.items.find((c) => c.id === clinicianId);
  return (
    <>
      <PageHeader title="Credentials" description="Prescribers’ state licences and DEA registrations. Signing plans and dispensing need an unexpired licence and a DEA registration covering Schedule III in the patient’s state." />
      <Stack gap="lg">
        <ExpiringSection />
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="clinician-credentials-heading">
          <Stack gap="md">
            <Title order={2} size="h4" id="clinician-credentials-heading">
              A clinician’s credentials
            </Title>
            {clinicians.isError && <ProblemAlert error={clinicians.error} title="Could not load the clinicians" />}
            <NativeSelect
              label="Clinician"
              maw={420}
              value={clinicianId}
              onChange={(e) => setClinicianId(e.currentTarget.value)}
              data={[{ value: '', label: clinicians.isPending ? 'Loading clinicians…' : 'Choose a clinician…' }, ...(clinicians.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name}${c.status === 'deactivated' ? ' (deactivated)' : ''}` }))]}
            />
            {clinicianId === '' ? (
              <Text size="sm">Choose a clinician to see and add their licences and registrations.</Text>
            ) : (
              <>
                <Group gap="md">
                  <Text size="sm">Records for inspection ({chosen?.name ?? 'this clinician'}):</Text>
                  <Anchor href={complianceLinks.clinicianReport(clinicianId, 'csv')} size="sm" download>
                    Compliance report (CSV)
                  </Anchor>
                  <Anchor href={complianceLinks.clinicianReport(clinicianId, 'pdf')} size="sm" download>
                    Compliance report (PDF)
                  </Anchor>
                </Group>
                <QueryView query={credentials} what="the credentials" loadingLabel="Loading credentials…">
                  {(data) => <CredentialTable credentials={data.credentials} />}
                </QueryView>
                <AddCredentialForm key={clinicianId} clinicianId={clinicianId} />
              </>
            )}
          </Stack>
        </Paper>
        <Alert variant="light" color="gray" title="Expiry notices">
          Keel emails the clinician and the administrators {expiringWithinDays} days before a licence or registration expires.
        </Alert>
      </Stack>
    </>
  );
}
