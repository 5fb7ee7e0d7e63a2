import { Anchor, Button, Group, List, Paper, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { recordsApi, recordsKeys, type DisclosureKind } from '../../api/records-api.ts';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { label } from '../../components/labels.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { atTime } from '../../components/when.ts';
import { ToneBadge } from './badges.tsx';
import { QueryView } from './query-view.tsx';
import { SignatureInput } from './signature-input.tsx';

function DischargeSection({ patientId, patientName }: { patientId: string; patientName: string }) {
  const queryClient = useQueryClient();
  const discharge = useQuery({ queryKey: recordsKeys.part(patientId, 'discharge'), queryFn: () => recordsApi.discharge(patientId), retry: false });
  const [reason, setReason] = useState('');
  const [recommendations, setRecommendations] = useState('');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const sign = useMutation({
    mutationFn: () =>
      recordsApi.dischargePatient(patientId, {
        reason: reason.trim(),
        recommendations: recommendations
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
        signature: { password },
      }),
    onSuccess: async (data) => {
      queryClient.setQueryData(recordsKeys.part(patientId, 'discharge'), data);
      await queryClient.invalidateQueries({ queryKey: ['clinician'] });
    },
  });
  const notDischarged = discharge.isError && isApiError(discharge.error) && discharge.error.status === 404;
  const missing = {
    reason: tried && reason.trim() === '' ? 'Write why treatment ends.' : undefined,
    recommendations: tried && recommendations.trim() === '' ? 'Write at least one recommendation, one per line.' : undefined,
    password: tried && password === '' ? 'Enter your password to sign.' : undefined,
  };
  const fieldError = (f: string) => (isApiError(sign.error) ? sign.error.fieldError(f) : undefined);
  return (
    <section aria-labelledby="discharge-heading">
      <Title order={3} size="h4" id="discharge-heading" mb="xs">
        Discharge summary
      </Title>
      {discharge.data ? (
        <Paper withBorder p="md" radius="md">
          <Stack gap={6}>
            <Text>
              Discharged {atTime(discharge.data.dischargedAt)}, signed by {discharge.data.signature.printedName}.
            </Text>
            <Text size="sm">Reason: {discharge.data.summary.reason}</Text>
            <Text size="sm">
              {discharge.data.summary.course.sessionsCompleted} sessions completed; {discharge.data.summary.course.clinicianVisits} clinician visits; {discharge.data.summary.course.integrationSessionsAttended} integration sessions.
            </Text>
            <List size="sm">
              {discharge.data.summary.recommendations.map((r) => (
                <List.Item key={r}>{r}</List.Item>
              ))}
            </List>
            <Anchor href={recordsApi.dischargePdfUrl(patientId)} download fw={650} underline="always">
              Download the discharge summary (PDF)
            </Anchor>
          </Stack>
        </Paper>
      ) : notDischarged ? (
        <Paper withBorder p="md" radius="md">
          <Stack gap="sm">
            <Text size="sm">Write the summary and sign it to discharge {patientName}. The summary adds the course, doses, outcomes and alerts from the record.</Text>
            <Textarea label="Why treatment ends" autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={missing.reason ?? fieldError('reason')} />
            <Textarea
              label="Recommendations"
              description="One per line: what the patient and their outside clinicians should do next."
              autosize
              minRows={3}
              value={recommendations}
              onChange={(e) => setRecommendations(e.currentTarget.value)}
              error={missing.recommendations ?? fieldError('recommendations')}
            />
            <SignatureInput value={password} onChange={setPassword} meaning="I discharge this patient and sign the summary." error={missing.password ?? fieldError('signature.password')} />
            {sign.error && <ProblemAlert error={sign.error} fieldsShownInline={['reason', 'recommendations', 'signature.password']} />}
            <ConfirmAction
              label="Sign and discharge"
              title={`Discharge ${patientName}?`}
              consequence={`Treatment in Keel ends: no further session can be authorized, booked appointments are cancelled, and the signed summary cannot be changed afterwards.`}
              confirmLabel="Discharge and sign"
              loading={sign.isPending}
              buttonProps={{ w: 'fit-content' }}
              onConfirm={() => {
                setTried(true);
                if (reason.trim() === '' || recommendations.trim() === '' || password === '') return;
                sign.mutate();
              }}
            />
          </Stack>
        </Paper>
      ) : (
        <QueryView query={discharge} what="the discharge summary">
          {() => null}
        </QueryView>
      )}
    </section>
  );
}

function DisclosuresSection({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const clinicians = useQuery({ queryKey: recordsKeys.part(patientId, 'outside'), queryFn: () => recordsApi.outsideClinicians(patientId) });
  const consents = useQuery({ queryKey: recordsKeys.part(patientId, 'consents'), queryFn: () => recordsApi.disclosureConsents(patientId) });
  const disclosures = useQuery({ queryKey: recordsKeys.part(patientId, 'disclosures'), queryFn: () => recordsApi.disclosures(patientId) });
  const [target, setTarget] = useState<string | null>(null);
  const [kind, setKind] = useState<DisclosureKind>('start_of_treatment');
  const disclose = useMutation({
    mutationFn: () => recordsApi.disclose(patientId, target ?? '', kind),
    onSuccess: (data) => queryClient.setQueryData(recordsKeys.part(patientId, 'disclosures'), data),
  });
  const nameOf = (id: string) => clinicians.data?.items.find((c) => c.id === id)?.name ?? 'an outside clinician';
  const active = consents.data?.items.filter((c) => c.active) ?? [];
  return (
    <section aria-labelledby="roi-heading">
      <Title order={3} size="h4" id="roi-heading" mb="xs">
        Releases of information and disclosures
      </Title>
      <QueryView query={consents} what="the releases of information">
        {(data) =>
          data.items.length === 0 ? (
            <NothingHereYet description="The patient has not signed a release of information. They can sign one from their Privacy and records page." />
          ) : (
            <Stack gap={6}>
              {data.items.map((c) => (
                <Paper key={c.id} withBorder p="xs" radius="md">
                  <Group gap="xs" wrap="wrap">
                    <Text size="sm" fw={650}>
                      To {nameOf(c.outsideClinicianId)}
                    </Text>
                    <ToneBadge color={c.active ? 'keel.8' : 'gray.8'} variant="outline">
                      {c.active ? 'Active' : c.revokedAt ? `Revoked ${atTime(c.revokedAt)}` : 'Expired'}
                    </ToneBadge>
                  </Group>
                  <Text size="sm">
                    For: {c.purposes.map((p) => label(p).toLowerCase()).join(' and ')}. Substance-use information {c.includeSubstanceUse ? 'included' : 'not included'}. Signed {atTime(c.grantedAt)}.
                  </Text>
                </Paper>
              ))}
            </Stack>
          )
        }
      </QueryView>
      {active.length > 0 && (
        <Paper withBorder p="sm" radius="md" mt="sm">
          <Stack gap="xs">
            <Text size="sm" fw={650}>
              Send a letter under an active release
            </Text>
            <Select
              label="To"
              data={[...new Set(active.map((c) => c.outsideClinicianId))].map((id) => ({ value: id, label: nameOf(id) }))}
              value={target}
              onChange={setTarget}
              maw={360}
            />
            <Select
              label="Letter"
              data={[
                { value: 'start_of_treatment', label: label('start_of_treatment') },
                { value: 'discharge_summary', label: label('discharge_summary') },
              ]}
              value={kind}
              onChange={(v) => setKind(v === 'discharge_summary' ? 'discharge_summary' : 'start_of_treatment')}
              allowDeselect={false}
              maw={360}
            />
            {disclose.error && <ProblemAlert error={disclose.error} />}
            <ConfirmAction
              label="Disclose the letter"
              title="Send this letter outside Keel?"
              consequence={`The ${label(kind).toLowerCase()} goes to ${target ? nameOf(target) : 'the chosen clinician'} under the patient's release. The disclosure is recorded in the patient's record and cannot be undone.`}
              confirmLabel="Disclose"
              danger={false}
              disabled={!target}
              loading={disclose.isPending}
              buttonProps={{ w: 'fit-content' }}
              onConfirm={() => disclose.mutate()}
            />
          </Stack>
        </Paper>
      )}
      <Title order={4} size="h5" mt="md" mb={4}>
        Disclosures made
      </Title>
      <QueryView query={disclosures} what="the disclosures">
        {(data) =>
          data.items.length === 0 ? (
            <Text size="sm">None yet.</Text>
          ) : (
            <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {data.items.map((d) => (
                <Paper key={d.id} component="li" withBorder p="xs" radius="md">
                  <Text size="sm">
                    {label(d.kind)} to {nameOf(d.outsideClinicianId)}, {atTime(d.disclosedAt)}.{' '}
                    <Anchor href={recordsApi.disclosureLetterUrl(patientId, d.id)} download underline="always">
                      Download the letter (PDF)
                    </Anchor>
                  </Text>
                </Paper>
              ))}
            </Stack>
          )
        }
      </QueryView>
    </section>
  );
}

function FhirSection({ patientId }: { patientId: string }) {
  return (
    <section aria-labelledby="fhir-heading">
      <Title order={3} size="h4" id="fhir-heading" mb="xs">
        Export the record
      </Title>
      <Text size="sm" mb="xs">
        The whole record in the FHIR standard (version R4), for another clinic’s system. The download is recorded in the patient’s access log.
      </Text>
      <Button component="a" href={recordsApi.fhirUrl(patientId)} download="keel-record-fhir.json" variant="outline" w="fit-content">
        Download FHIR export
      </Button>
    </section>
  );
}

/** Discharge, releases of information and disclosures, and the FHIR export. */
export function RecordsPanel({ patientId, patientName }: { patientId: string; patientName: string }) {
  return (
    <Stack gap="xl">
      <DischargeSection patientId={patientId} patientName={patientName} />
      <DisclosuresSection patientId={patientId} />
      <FhirSection patientId={patientId} />
    </Stack>
  );
}
