import { Anchor, Badge, Button, Checkbox, Group, NativeSelect, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { adminApi, adminKeys } from '../../api/admin-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDateTime } from '../../features/clinician/format.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';
import { label } from '../../components/labels.ts';

function CareTeamEditor({ patientId, label }: { patientId: string; label: string }) {
  const queryClient = useQueryClient();
  const team = useQuery({ queryKey: adminKeys.careTeam(patientId), queryFn: () => adminApi.careTeam(patientId) });
  const staff = useQuery({ queryKey: adminKeys.accounts({ staff: true }), queryFn: async () => (await adminApi.accounts({})).items.filter((a) => (a.role === 'clinician' || a.role === 'coach') && a.status !== 'deactivated') });
  const [userId, setUserId] = useState('');
  const [primary, setPrimary] = useState(false);
  const refresh = (data: Awaited<ReturnType<typeof adminApi.careTeam>>) => queryClient.setQueryData(adminKeys.careTeam(patientId), data);
  const assign = useMutation({
    mutationFn: () => {
      const member = staff.data?.find((s) => s.id === userId);
      return adminApi.assign(patientId, { userId, role: member?.role === 'coach' ? 'coach' : 'clinician', primary });
    },
    onSuccess: (data) => {
      refresh(data);
      setUserId('');
      setPrimary(false);
    },
  });
  const unassign = useMutation({ mutationFn: (v: { memberId: string; reason: string }) => adminApi.unassign(patientId, v.memberId, v.reason), onSuccess: refresh });
  const onTeam = new Set(team.data?.members.map((m) => m.userId) ?? []);

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="team-heading">
      <Title order={2} size="h4" id="team-heading" mb="xs">
        Care team of {label}
      </Title>
      <QueryView query={team} what="the care team">
        {(data) =>
          data.members.length === 0 ? (
            <Text size="sm">Nobody is assigned yet.</Text>
          ) : (
            <Table withTableBorder fz="sm">
              <VisuallyHidden component="caption">Care team members</VisuallyHidden>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Role</Table.Th>
                  <Table.Th scope="col">Assigned</Table.Th>
                  <Table.Th scope="col">Action</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.members.map((m) => (
                  <Table.Tr key={m.userId}>
                    <Table.Th scope="row">
                      {m.name}{' '}
                      {m.primary && (
                        <Badge size="sm" radius="sm" variant="outline" color="keel.8">
                          primary
                        </Badge>
                      )}
                    </Table.Th>
                    <Table.Td>{m.role}</Table.Td>
                    <Table.Td>{formatDateTime(m.assignedAt)}</Table.Td>
                    <Table.Td>
                      <ConfirmAction
                        label="Unassign"
                        title={`Unassign ${m.name}?`}
                        consequence={`${m.name} loses access to this patient’s record at once: no chart, no messages, no alerts.${m.primary ? ' They are the primary clinician: assign another before the patient needs a decision.' : ''}`}
                        confirmLabel="Unassign"
                        reasonLabel="Why is this person unassigned?"
                        loading={unassign.isPending && unassign.variables.memberId === m.userId}
                        buttonProps={{ size: 'xs' }}
          ariaLabel={`Unassign ${m.name}`}
                        onConfirm={(reason) => unassign.mutate({ memberId: m.userId, reason })}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryView>
      {unassign.error && <ProblemAlert error={unassign.error} />}
      <form
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (userId) assign.mutate();
        }}
      >
        <Group align="end" gap="sm" mt="md" wrap="wrap">
          <NativeSelect
            label="Assign a clinician or coach"
            value={userId}
            onChange={(e) => setUserId(e.currentTarget.value)}
            data={[{ value: '', label: staff.isPending ? 'Loading staff…' : 'Choose…' }, ...(staff.data ?? []).filter((s) => !onTeam.has(s.id)).map((s) => ({ value: s.id, label: `${s.name} (${s.role})` }))]}
            error={isApiError(assign.error) ? assign.error.fieldError('userId') : undefined}
          />
          <Checkbox label="Primary" checked={primary} onChange={(e) => setPrimary(e.currentTarget.checked)} mb={8} />
          <Button type="submit" disabled={!userId} loading={assign.isPending}>
            Assign
          </Button>
        </Group>
        {assign.error && <ProblemAlert error={assign.error} fieldsShownInline={['userId']} />}
        {staff.isError && <ProblemAlert error={staff.error} title="Could not load staff accounts" />}
      </form>
    </Paper>
  );
}

/** Care teams: each patient account opens its care team, to assign clinicians and coaches or remove them. */
export function CareTeamsPage() {
  const patients = useQuery({ queryKey: adminKeys.accounts({ role: 'patient' }), queryFn: () => adminApi.accounts({ role: 'patient' }) });
  const [open, setOpen] = useState<{ id: string; label: string } | null>(null);

  return (
    <>
      <PageHeader title="Care teams" description="Assign clinicians and coaches to patients, and remove them." />
      <Stack gap="lg">
        {open && <CareTeamEditor key={open.id} patientId={open.id} label={open.label} />}
        <section aria-labelledby="patients-heading">
          <Title order={2} size="h4" id="patients-heading" mb="xs">
            Patient accounts
          </Title>
          <QueryView query={patients} what="patient accounts">
            {(data) => (
              <Stack gap="sm">
                {data.items.length === 0 ? (
                  <Text size="sm">No patient accounts.</Text>
                ) : (
                  <Table.ScrollContainer minWidth={520}>
                    <Table striped withTableBorder fz="sm">
                      <VisuallyHidden component="caption">Patient accounts</VisuallyHidden>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th scope="col">Name</Table.Th>
                          <Table.Th scope="col">Email</Table.Th>
                          <Table.Th scope="col">Account</Table.Th>
                          <Table.Th scope="col">Care team</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {data.items.map((p) => (
                          <Table.Tr key={p.id}>
                            <Table.Th scope="row">{p.name}</Table.Th>
                            <Table.Td>{p.email}</Table.Td>
                            <Table.Td>{label(p.status)}</Table.Td>
                            <Table.Td>
                              {p.patientId ? (
                                <Anchor component="button" type="button" onClick={() => p.patientId && setOpen({ id: p.patientId, label: p.name })}>
                                  Manage<VisuallyHidden> {p.name}’s care team</VisuallyHidden>
                                </Anchor>
                              ) : (
                                '—'
                              )}
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </Stack>
            )}
          </QueryView>
        </section>
      </Stack>
    </>
  );
}
