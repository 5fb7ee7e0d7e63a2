import { Anchor, Button, Card, Checkbox, Group, PasswordInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { recordsApi, recordsKeys, type DisclosureKind, type OutsideClinicianKind } from '../../api/records-api.ts';
import { auditActionWords, roleWord } from '../../components/audit-words.ts';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { label } from '../../components/labels.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { atTime } from '../../components/when.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';

function accessWords(action: string, resourceType: string): string {
  const words = auditActionWords(action, resourceType).replace(/\bthe (profile|intake|screening result|consent form|treatment plan|medication record|timeline|care team|journal|discharge summary|risk summary|sitter’s confirmation|session checklist)\b/, 'your $1');
  return words.charAt(0).toLowerCase() + words.slice(1);
}

function AccessLogSection() {
  const patientId = usePatientId();
  const log = useQuery({ queryKey: recordsKeys.part(patientId, 'access-log'), queryFn: () => recordsApi.accessLog(patientId) });
  const [showAll, setShowAll] = useState(false);
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="access-heading">
      <Title order={2} size="h3" id="access-heading" mb={4}>
        Who looked at your record
      </Title>
      <Text size="sm" mb="sm">
        As promised in your consent form: every time someone else opens or changes your record, it is written down here.
      </Text>
      <QueryView query={log} label="Loading your access log…">
        {(data) =>
          data.items.length === 0 ? (
            <Text size="sm">Nobody else has opened your record yet.</Text>
          ) : (
            <Stack gap={6}>
              <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {(showAll ? data.items : data.items.slice(0, 15)).map((e, i) => (
                <Text key={`${e.at}-${i}`} component="li" size="sm">
                  <strong>{atTime(e.at)}</strong>: {e.who}
                  {e.role ? ` (${roleWord(e.role)})` : ''} {accessWords(e.action, e.resourceType)}
                  {e.outcome === 'denied' ? ' — and was refused' : ''}
                </Text>
              ))}
              </Stack>
              {data.items.length > 15 && (
                <Button variant="subtle" size="xs" w="fit-content" onClick={() => setShowAll((v) => !v)}>
                  {showAll ? 'Show fewer' : `Show all ${data.items.length}`}
                </Button>
              )}
            </Stack>
          )
        }
      </QueryView>
    </Card>
  );
}

const clinicianKinds: { value: OutsideClinicianKind; label: string }[] = [
  { value: 'psychiatrist', label: 'Psychiatrist' },
  { value: 'therapist', label: 'Therapist' },
  { value: 'primary_care', label: 'Primary care doctor' },
  { value: 'other', label: 'Other clinician' },
];

function ReleasesSection() {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const clinicians = useQuery({ queryKey: recordsKeys.part(patientId, 'outside'), queryFn: () => recordsApi.outsideClinicians(patientId) });
  const consents = useQuery({ queryKey: recordsKeys.part(patientId, 'consents'), queryFn: () => recordsApi.disclosureConsents(patientId) });
  const disclosures = useQuery({ queryKey: recordsKeys.part(patientId, 'disclosures'), queryFn: () => recordsApi.disclosures(patientId) });
  const [name, setName] = useState('');
  const [kind, setKind] = useState<OutsideClinicianKind>('primary_care');
  const [target, setTarget] = useState<string | null>(null);
  const [purposes, setPurposes] = useState<DisclosureKind[]>(['start_of_treatment']);
  const [substance, setSubstance] = useState(false);
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const add = useMutation({
    mutationFn: () => recordsApi.addOutsideClinician(patientId, { kind, name: name.trim() }),
    onSuccess: (data) => {
      setName('');
      queryClient.setQueryData(recordsKeys.part(patientId, 'outside'), data);
    },
  });
  const sign = useMutation({
    mutationFn: () => recordsApi.signDisclosureConsent(patientId, { outsideClinicianId: target ?? '', purposes, includeSubstanceUse: substance, signature: { password } }),
    onSuccess: (data) => {
      setPassword('');
      setTried(false);
      queryClient.setQueryData(recordsKeys.part(patientId, 'consents'), data);
    },
  });
  const revoke = useMutation({
    mutationFn: (consentId: string) => recordsApi.revokeDisclosureConsent(patientId, consentId),
    onSuccess: (data) => queryClient.setQueryData(recordsKeys.part(patientId, 'consents'), data),
  });
  const nameOf = (id: string) => clinicians.data?.items.find((c) => c.id === id)?.name ?? 'an outside clinician';
  const submitSign = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!target || purposes.length === 0 || password === '') return;
    sign.mutate();
  };
  const togglePurpose = (p: DisclosureKind, on: boolean) => setPurposes((list) => (on ? [...new Set([...list, p])] : list.filter((x) => x !== p)));
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="roi-heading">
      <Title order={2} size="h3" id="roi-heading" mb={4}>
        Sharing with your other clinicians
      </Title>
      <Text size="sm" mb="sm">
        Your care team sends letters to your own doctor or therapist only when you sign a release here. You can take it back at any time.
      </Text>
      <QueryView query={consents} label="Loading your releases…">
        {(data) =>
          data.items.length === 0 ? (
            <Text size="sm" mb="sm">
              You have not signed a release yet.
            </Text>
          ) : (
            <Stack gap="xs" mb="sm">
              {data.items.map((c) => (
                <Card key={c.id} withBorder radius="md" padding="sm">
                  <Text fw={650}>To {nameOf(c.outsideClinicianId)}</Text>
                  <Text size="sm">
                    For the {c.purposes.map((p) => label(p).toLowerCase()).join(' and the ')}. Substance-use information {c.includeSubstanceUse ? 'is' : 'is not'} included. Signed {atTime(c.grantedAt)}.
                  </Text>
                  {c.active ? (
                    <Group mt="xs">
                      <ConfirmAction
                        label="Take back this release"
                        title="Take back this release?"
                        consequence={`Your care team will send nothing more to ${nameOf(c.outsideClinicianId)}. Letters already sent stay with them.`}
                        confirmLabel="Take it back"
                        loading={revoke.isPending}
                        buttonProps={{ size: 'xs' }}
                        onConfirm={() => revoke.mutate(c.id)}
                      />
                    </Group>
                  ) : (
                    <Text size="sm">{c.revokedAt ? `You took it back ${atTime(c.revokedAt)}.` : 'This release has ended.'}</Text>
                  )}
                </Card>
              ))}
            </Stack>
          )
        }
      </QueryView>
      <Title order={3} size="h5" mt="sm" mb={4}>
        Your other clinicians
      </Title>
      <QueryView query={clinicians} label="Loading…">
        {(data) => (
          <Stack gap="xs">
            {data.items.length === 0 && <Text size="sm">Add the doctor or therapist you would like kept informed.</Text>}
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (name.trim() !== '') add.mutate();
              }}
              noValidate
            >
              <Group align="flex-end" gap="xs" wrap="wrap">
                <TextInput label="Their name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={isApiError(add.error) ? add.error.fieldError('name') : undefined} />
                <Select label="They are your" data={clinicianKinds} value={kind} onChange={(v) => setKind((v) ?? 'other')} allowDeselect={false} w={200} />
                <Button type="submit" variant="outline" loading={add.isPending}>
                  Add
                </Button>
              </Group>
            </form>
            {data.items.length > 0 && (
              <form onSubmit={submitSign} noValidate aria-label="Sign a release of information">
                <Stack gap="xs" mt="sm">
                  <Select label="Sign a release for" data={data.items.map((c) => ({ value: c.id, label: c.name }))} value={target} onChange={setTarget} error={tried && !target ? 'Choose who may receive letters.' : undefined} maw={360} />
                  <Checkbox label="A letter when I start treatment" checked={purposes.includes('start_of_treatment')} onChange={(e) => togglePurpose('start_of_treatment', e.currentTarget.checked)} />
                  <Checkbox label="My discharge summary when treatment ends" checked={purposes.includes('discharge_summary')} onChange={(e) => togglePurpose('discharge_summary', e.currentTarget.checked)} error={tried && purposes.length === 0 ? 'Choose at least one letter.' : undefined} />
                  <Checkbox label="Include information about alcohol or drug use (protected by federal law; leave unticked to keep it out)" checked={substance} onChange={(e) => setSubstance(e.currentTarget.checked)} />
                  <PasswordInput label="Your password (your signature)" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={tried && password === '' ? 'Enter your password to sign.' : isApiError(sign.error) ? sign.error.fieldError('signature.password') : undefined} maw={360} />
                  {sign.error && <ProblemAlert error={sign.error} fieldsShownInline={['signature.password']} />}
                  <Button type="submit" loading={sign.isPending} w="fit-content">
                    Sign the release
                  </Button>
                </Stack>
              </form>
            )}
          </Stack>
        )}
      </QueryView>
      <QueryView query={disclosures} label="Loading…">
        {(data) =>
          data.items.length === 0 ? null : (
            <>
              <Title order={3} size="h5" mt="md" mb={4}>
                Letters sent
              </Title>
              <Stack gap={4}>
                {data.items.map((d) => (
                  <Text key={d.id} size="sm">
                    {label(d.kind)} to {nameOf(d.outsideClinicianId)}, {atTime(d.disclosedAt)}.{' '}
                    <Anchor href={recordsApi.disclosureLetterUrl(patientId, d.id)} download underline="always">
                      Download the letter
                    </Anchor>
                  </Text>
                ))}
              </Stack>
            </>
          )
        }
      </QueryView>
    </Card>
  );
}

function DownloadsSection() {
  const patientId = usePatientId();
  const discharge = useQuery({ queryKey: recordsKeys.part(patientId, 'discharge'), queryFn: () => recordsApi.discharge(patientId), retry: false });
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="download-heading">
      <Title order={2} size="h3" id="download-heading" mb={4}>
        Take your record with you
      </Title>
      <Text size="sm" mb="sm">
        Download everything Keel holds about your treatment in a standard format (FHIR) that other clinics can read.
      </Text>
      <Group gap="sm" wrap="wrap">
        <Button component="a" href={recordsApi.fhirUrl(patientId)} download="my-keel-record.json" variant="outline">
          Download my record
        </Button>
        {discharge.data && (
          <Button component="a" href={recordsApi.dischargePdfUrl(patientId)} download variant="outline">
            Download my discharge summary
          </Button>
        )}
      </Group>
    </Card>
  );
}

/** Privacy and records: the access log, releases of information, and downloads. */
export function RecordsPage() {
  return (
    <>
      <PageHeader title="Privacy and records" description="Who has seen your record, who may receive letters about you, and a copy of your record to keep." />
      <Stack gap="lg">
        <AccessLogSection />
        <ReleasesSection />
        <DownloadsSection />
      </Stack>
    </>
  );
}
