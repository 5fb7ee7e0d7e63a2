import { Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { clinicianApi, clinicianKeys, type VisitRequest } from '../../api/clinician-api.ts';
import { useCurrentUser } from '../../auth/auth-context.ts';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { usStates } from '../../components/us-states.ts';
import { formatDate, formatDateTime, humanize, localDateTimeInputValue, localInputToIso } from './format.ts';
import { QueryView } from './query-view.tsx';
import { label } from '../../components/labels.ts';

function VisitForm({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const [v, setV] = useState({ occurredAt: localDateTimeInputValue(), modality: 'audio_video' as VisitRequest['modality'], patientState: '', prescriberLicenseState: '', inPersonEvaluationOn: '', note: '' });
  const [local, setLocal] = useState<Record<string, string>>({});
  const visit = useMutation({
    mutationFn: () =>
      clinicianApi.recordVisit(patientId, {
        occurredAt: localInputToIso(v.occurredAt),
        modality: v.modality,
        patientState: v.patientState,
        prescriberLicenseState: v.prescriberLicenseState,
        ...(v.inPersonEvaluationOn ? { inPersonEvaluationOn: v.inPersonEvaluationOn } : {}),
        ...(v.note.trim() ? { note: v.note.trim() } : {}),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clinicianKeys.patient(patientId) }),
  });
  const fe = (f: string) => local[f] ?? (isApiError(visit.error) ? visit.error.fieldError(f) : undefined);
  const states = [{ value: '', label: 'Choose…' }, ...usStates.map((s) => ({ value: s.code, label: `${s.name} (${s.code})` }))];
  return (
    <form
      noValidate
      aria-labelledby="visit-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const errs: Record<string, string> = {};
        if (!v.patientState) errs['patientState'] = 'Where was the patient during the visit?';
        if (!v.prescriberLicenseState) errs['prescriberLicenseState'] = 'Which state licence did you practise under?';
        setLocal(errs);
        if (Object.keys(errs).length === 0) visit.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={3} size="h5" id="visit-heading">
          Record a visit
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput type="datetime-local" label="When" required value={v.occurredAt} onChange={(e) => setV({ ...v, occurredAt: e.currentTarget.value })} error={fe('occurredAt')} />
          <NativeSelect label="Modality" value={v.modality} onChange={(e) => setV({ ...v, modality: e.currentTarget.value as VisitRequest['modality'] })} data={[{ value: 'audio_video', label: 'Audio and video' }, { value: 'in_person', label: 'In person' }]} />
          <NativeSelect label="Patient’s location (state)" required value={v.patientState} onChange={(e) => setV({ ...v, patientState: e.currentTarget.value })} data={states} error={fe('patientState')} />
          <NativeSelect label="Your licence state" required value={v.prescriberLicenseState} onChange={(e) => setV({ ...v, prescriberLicenseState: e.currentTarget.value })} data={states} error={fe('prescriberLicenseState')} />
          <TextInput type="date" label="In-person evaluation on (if any)" value={v.inPersonEvaluationOn} onChange={(e) => setV({ ...v, inPersonEvaluationOn: e.currentTarget.value })} error={fe('inPersonEvaluationOn')} />
        </SimpleGrid>
        <Textarea label="Note" autosize minRows={2} value={v.note} onChange={(e) => setV({ ...v, note: e.currentTarget.value })} error={fe('note')} />
        {visit.error && <ProblemAlert error={visit.error} fieldsShownInline={['occurredAt', 'patientState', 'prescriberLicenseState', 'inPersonEvaluationOn', 'note']} />}
        {visit.data && (
          <Text size="sm" role="status">
            Visit recorded{visit.data.completedFollowUps.length > 0 ? `; ${visit.data.completedFollowUps.length} follow-up(s) completed` : ''}.
          </Text>
        )}
        <Button type="submit" loading={visit.isPending} w="fit-content">
          Record visit
        </Button>
      </Stack>
    </form>
  );
}

/** Follow-ups due, appointments, clinician visits (the telehealth prescribing record), and the visit form. */
export function VisitsPanel({ patientId }: { patientId: string }) {
  const user = useCurrentUser();
  const visits = useQuery({ queryKey: [...clinicianKeys.patient(patientId), 'visits'], queryFn: () => clinicianApi.visits(patientId) });
  const appointments = useQuery({ queryKey: [...clinicianKeys.patient(patientId), 'appointments'], queryFn: () => clinicianApi.appointments(patientId) });
  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="followups-heading">
        <Title order={3} size="h5" id="followups-heading" mb="xs">
          Follow-ups and appointments
        </Title>
        <QueryView query={appointments} what="appointments">
          {(a) => (
            <Stack gap="sm">
              {a.followUps.length === 0 ? (
                <Text size="sm">No clinician follow-ups are due.</Text>
              ) : (
                <Stack gap={4}>
                  {a.followUps.map((f) => (
                    <Group key={f.id} gap="xs">
                      <Badge radius="sm" color={f.overdue ? 'red.8' : f.status === 'completed' ? 'keel.8' : '#8a4b00'} variant={f.overdue ? 'filled' : 'outline'}>
                        {f.overdue ? 'overdue' : label(f.status).toLowerCase()}
                      </Badge>
                      <Text size="sm">
                        {f.reason} — due {formatDateTime(f.dueAt)}
                        {f.appointmentId ? ' (booked)' : ''}
                      </Text>
                    </Group>
                  ))}
                </Stack>
              )}
              {a.items.length === 0 ? (
                <Text size="sm">No appointments.</Text>
              ) : (
                <Table.ScrollContainer minWidth={560}>
                  <Table fz="sm" withTableBorder>
                    <caption style={{ textAlign: 'left', captionSide: 'top', fontWeight: 650, paddingBottom: 4 }}>Appointments</caption>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">When</Table.Th>
                        <Table.Th scope="col">Kind</Table.Th>
                        <Table.Th scope="col">With</Table.Th>
                        <Table.Th scope="col">Status</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {a.items.map((ap) => (
                        <Table.Tr key={ap.id}>
                          <Table.Td>{formatDateTime(ap.startsAt)}</Table.Td>
                          <Table.Td>{humanize(ap.kind)}</Table.Td>
                          <Table.Td>{ap.staffName}</Table.Td>
                          <Table.Td>{label(ap.status)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Stack>
          )}
        </QueryView>
      </Paper>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="visits-heading">
        <Title order={3} size="h5" id="visits-heading" mb="xs">
          Clinician visits
        </Title>
        <QueryView query={visits} what="visits">
          {(data) =>
            data.items.length === 0 ? (
              <Text size="sm">No visits recorded.</Text>
            ) : (
              <Table.ScrollContainer minWidth={640}>
                <Table fz="sm" withTableBorder>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">When</Table.Th>
                      <Table.Th scope="col">Clinician</Table.Th>
                      <Table.Th scope="col">Modality</Table.Th>
                      <Table.Th scope="col">Patient in / licence</Table.Th>
                      <Table.Th scope="col">Note</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((vi) => (
                      <Table.Tr key={vi.id}>
                        <Table.Td>{formatDateTime(vi.occurredAt)}</Table.Td>
                        <Table.Td>
                          {vi.clinicianName}
                          {vi.prescriberDeaRegistration ? ` (DEA ${vi.prescriberDeaRegistration})` : ''}
                        </Table.Td>
                        <Table.Td>{humanize(vi.modality)}</Table.Td>
                        <Table.Td>
                          {vi.patientState} / {vi.prescriberLicenseState}
                          {vi.inPersonEvaluationOn ? ` · in person ${formatDate(vi.inPersonEvaluationOn)}` : ''}
                        </Table.Td>
                        <Table.Td>{vi.note ?? '—'}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </QueryView>
      </Paper>
      {user.role === 'clinician' && (
        <Paper withBorder p="md" radius="md">
          <VisitForm patientId={patientId} />
        </Paper>
      )}
    </Stack>
  );
}
