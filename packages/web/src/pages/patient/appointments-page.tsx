import { Anchor, Badge, Button, Card, Group, Modal, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { patientApi, patientKeys, type Appointment, type AppointmentKind } from '../../api/patient-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDateTime, formatTime } from '../../features/patient/format.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';
import { label } from '../../components/labels.ts';

const kindLabel: Record<AppointmentKind, string> = {
  initial_evaluation: 'First evaluation',
  clinician_follow_up: 'Clinician follow-up',
  integration: 'Integration session',
  sitter_orientation: 'Sitter orientation',
};

function BookForm() {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const team = useQuery({ queryKey: patientKeys.careTeam(patientId), queryFn: () => patientApi.careTeam(patientId) });
  const [staffId, setStaffId] = useState('');
  const [slot, setSlot] = useState('');
  const member = team.data?.members.find((m) => m.userId === staffId);
  const range = useMemo(() => {
    const from = new Date();
    const to = new Date(from.getTime() + 14 * 24 * 3600 * 1000);
    return { from: from.toISOString(), to: to.toISOString() };
  }, []);
  const availability = useQuery({
    queryKey: ['availability', staffId, range.from],
    queryFn: () => patientApi.availability(staffId, range.from, range.to),
    enabled: staffId !== '',
  });
  const book = useMutation({
    mutationFn: () => {
      const kind: AppointmentKind = member?.role === 'coach' ? 'integration' : 'clinician_follow_up';
      return patientApi.book(patientId, { staffId, kind, startsAt: slot });
    },
    onSuccess: async () => {
      setSlot('');
      await queryClient.invalidateQueries({ queryKey: patientKeys.appointments(patientId) });
      await queryClient.invalidateQueries({ queryKey: ['availability', staffId] });
    },
  });
  const slots = (availability.data?.openSlots ?? []).filter((s, i, all) => i === 0 || new Date(s.startsAt).getTime() - new Date(all[i - 1]?.startsAt ?? 0).getTime() >= 30 * 60 * 1000).slice(0, 60);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!staffId || !slot) return;
    book.mutate();
  };
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="book-appt-heading">
      <Title order={2} size="h4" id="book-appt-heading" mb="sm">
        Book an appointment
      </Title>
      {team.isError && <ProblemAlert error={team.error} />}
      {team.data && team.data.members.length === 0 ? (
        <Text size="sm">Once a clinician or coach joins your care team, you can book with them here.</Text>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm" maw={420}>
            <NativeSelect
              label="With"
              data={[
                { value: '', label: 'Choose a person' },
                ...(team.data?.members ?? []).map((m) => ({ value: m.userId, label: `${m.name} (${m.role === 'coach' ? 'integration coach' : 'clinician'})` })),
              ]}
              value={staffId}
              onChange={(e) => {
                setStaffId(e.currentTarget.value);
                setSlot('');
              }}
            />
            {staffId !== '' && (
              <>
                {availability.isError && <ProblemAlert error={availability.error} />}
                <NativeSelect
                  label={member?.role === 'coach' ? 'Time for an integration session' : 'Time for a follow-up visit'}
                  description={availability.isPending ? 'Loading open times…' : `Open times in the next two weeks, in your time zone.`}
                  data={[
                    { value: '', label: slots.length === 0 && !availability.isPending ? 'No open times' : 'Choose a time' },
                    ...slots.map((s) => ({ value: s.startsAt, label: `${formatDateTime(s.startsAt)} – ${formatTime(s.endsAt)}` })),
                  ]}
                  value={slot}
                  onChange={(e) => setSlot(e.currentTarget.value)}
                />
              </>
            )}
            {book.error !== null && <ProblemAlert error={book.error} />}
            {book.isSuccess && (
              <Text size="sm" role="status" c="teal.9" fw={600}>
                Booked.
              </Text>
            )}
            <Group>
              <Button type="submit" disabled={!staffId || !slot} loading={book.isPending}>
                Book
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Card>
  );
}

function CancelButton({ appointment }: { appointment: Appointment }) {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const cancel = useMutation({
    mutationFn: () => patientApi.cancelAppointment(appointment.id, reason.trim()),
    onSuccess: async () => {
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: patientKeys.appointments(patientId) });
    },
  });
  return (
    <>
      <Button size="compact-sm" variant="default" onClick={() => setOpen(true)}>
        Cancel
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Cancel this appointment?" closeButtonProps={{ "aria-label": "Close" }}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() !== '') cancel.mutate();
          }}
        >
          <Stack gap="sm">
            <Text size="sm">
              {kindLabel[appointment.kind]} with {appointment.staffName}, {formatDateTime(appointment.startsAt)}.
            </Text>
            <TextInput label="Reason" description="A few words for your care team." value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus />
            {cancel.error !== null && <ProblemAlert error={cancel.error} />}
            <Group>
              <Button type="submit" color="red" disabled={reason.trim() === ''} loading={cancel.isPending}>
                Cancel appointment
              </Button>
              <Button variant="default" onClick={() => setOpen(false)}>
                Keep it
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

/** Appointments with the clinician and coach: list, book, cancel, add to calendar (.ics). */
export function AppointmentsPage() {
  const patientId = usePatientId();
  const appointments = useQuery({ queryKey: patientKeys.appointments(patientId), queryFn: () => patientApi.appointments(patientId) });
  return (
    <>
      <PageHeader title="Appointments" description="Visits with your clinician and integration coach, by video unless arranged otherwise." />
      <Stack gap="lg">
        <QueryView query={appointments} label="Loading appointments…">
          {(data) => {
            const upcoming = data.items.filter((a) => a.status === 'booked').sort((a, b) => a.startsAt.localeCompare(b.startsAt));
            const past = data.items.filter((a) => a.status !== 'booked');
            const dueFollowUps = data.followUps.filter((f) => f.status === 'due' && !f.appointmentId);
            return (
              <Stack gap="lg">
                {dueFollowUps.map((f) => (
                  <Card key={f.id} withBorder radius="md" padding="md" bg="orange.0">
                    <Text fw={600}>{f.reason}</Text>
                    <Text size="sm">Due {formatDateTime(f.dueAt)}{f.overdue ? ' (overdue)' : ''}. Book a clinician follow-up below.</Text>
                  </Card>
                ))}
                <Card withBorder radius="md" padding={0} component="section" aria-labelledby="upcoming-heading">
                  <Title order={2} size="h4" id="upcoming-heading" p="md" pb={0}>
                    Coming up
                  </Title>
                  {upcoming.length === 0 ? (
                    <Text p="md" size="sm">
                      No appointments booked.
                    </Text>
                  ) : (
                    <Table.ScrollContainer minWidth={560}>
                      <Table verticalSpacing="sm" horizontalSpacing="md">
                        <Table.Thead>
                          <Table.Tr>
                            <Table.Th scope="col">When</Table.Th>
                            <Table.Th scope="col">What</Table.Th>
                            <Table.Th scope="col">With</Table.Th>
                            <Table.Th scope="col">
                              <span style={{ position: 'absolute', left: -9999 }}>Actions</span>
                            </Table.Th>
                          </Table.Tr>
                        </Table.Thead>
                        <Table.Tbody>
                          {upcoming.map((a) => (
                            <Table.Tr key={a.id}>
                              <Table.Td>{formatDateTime(a.startsAt)}</Table.Td>
                              <Table.Td>
                                {kindLabel[a.kind]}
                                <Text size="xs" c="dimmed">
                                  {a.modality === 'audio_video' ? 'Video call' : 'In person'}
                                </Text>
                              </Table.Td>
                              <Table.Td>{a.staffName}</Table.Td>
                              <Table.Td>
                                <Group gap="xs" wrap="nowrap">
                                  <Anchor href={a.icsUrl} download size="sm" aria-label={`Add ${kindLabel[a.kind]} on ${formatDateTime(a.startsAt)} to your calendar (.ics)`}>
                                    Add to calendar
                                  </Anchor>
                                  <CancelButton appointment={a} />
                                </Group>
                              </Table.Td>
                            </Table.Tr>
                          ))}
                        </Table.Tbody>
                      </Table>
                    </Table.ScrollContainer>
                  )}
                </Card>
                {past.length > 0 && (
                  <Card withBorder radius="md" padding="md" component="section" aria-labelledby="past-heading">
                    <Title order={2} size="h4" id="past-heading" mb="xs">
                      Earlier and cancelled
                    </Title>
                    <Stack gap={4}>
                      {past.map((a) => (
                        <Group key={a.id} gap="xs" wrap="wrap">
                          <Text size="sm">
                            {formatDateTime(a.startsAt)} · {kindLabel[a.kind]} with {a.staffName}
                          </Text>
                          <Badge size="sm" variant="light" color="gray">
                            {label(a.status)}
                          </Badge>
                        </Group>
                      ))}
                    </Stack>
                  </Card>
                )}
                {data.items.length === 0 && dueFollowUps.length === 0 && <NothingHereYet description="No appointments yet." />}
              </Stack>
            );
          }}
        </QueryView>
        <BookForm />
      </Stack>
    </>
  );
}
