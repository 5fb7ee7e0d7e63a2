import { Alert, Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { adminApi, adminKeys, type Account, type AccountRole, type CreateUserInput } from '../../api/admin-api.ts';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { useCurrentUser } from '../../auth/auth-context.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDate, formatDateTime } from '../../features/clinician/format.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';
import { label } from '../../components/labels.ts';

type InviteRole = CreateUserInput['role'];

function InviteForm() {
  const queryClient = useQueryClient();
  const [v, setV] = useState({ email: '', name: '', role: 'clinician' as InviteRole, licences: '', dea: '' });
  const [local, setLocal] = useState<Record<string, string>>({});
  const invite = useMutation({
    mutationFn: () => {
      const licences = v.licences.split(/[\s,]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
      return adminApi.invite({
        email: v.email.trim(),
        name: v.name.trim(),
        role: v.role,
        ...(v.role === 'clinician' && licences.length > 0 ? { stateLicenses: licences } : {}),
        ...(v.role === 'clinician' && v.dea.trim() ? { deaRegistration: v.dea.trim() } : {}),
      });
    },
    onSuccess: async () => {
      setV({ email: '', name: '', role: v.role, licences: '', dea: '' });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'accounts'] });
    },
  });
  const fe = (f: string) => local[f] ?? (isApiError(invite.error) ? invite.error.fieldError(f) : undefined);
  return (
    <form
      noValidate
      aria-labelledby="invite-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const errs: Record<string, string> = {};
        if (!v.name.trim()) errs['name'] = 'Enter their name.';
        if (!/^\S+@\S+\.\S+$/.test(v.email.trim())) errs['email'] = 'Enter an email address like name@example.com.';
        setLocal(errs);
        if (Object.keys(errs).length === 0) invite.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={2} size="h4" id="invite-heading">
          Invite someone
        </Title>
        <Text size="sm">They get an email with a link to set their own password. Patients sign up themselves; sitters are usually invited by their patient.</Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label="Name" required value={v.name} onChange={(e) => setV({ ...v, name: e.currentTarget.value })} error={fe('name')} />
          <TextInput label="Email" type="email" required value={v.email} onChange={(e) => setV({ ...v, email: e.currentTarget.value })} error={fe('email')} />
          <NativeSelect
            label="Role"
            value={v.role}
            onChange={(e) => setV({ ...v, role: e.currentTarget.value as InviteRole })}
            data={[
              { value: 'clinician', label: 'Clinician (prescriber)' },
              { value: 'coach', label: 'Integration coach' },
              { value: 'sitter', label: 'Sitter' },
              { value: 'admin', label: 'Administrator' },
            ]}
            error={fe('role')}
          />
          {v.role === 'clinician' && (
            <>
              <TextInput label="State licences" description="Two-letter codes, separated by commas (e.g. CA, NY)." value={v.licences} onChange={(e) => setV({ ...v, licences: e.currentTarget.value })} error={fe('stateLicenses')} />
              <TextInput label="DEA registration" value={v.dea} onChange={(e) => setV({ ...v, dea: e.currentTarget.value })} error={fe('deaRegistration')} />
            </>
          )}
        </SimpleGrid>
        {invite.error && <ProblemAlert error={invite.error} fieldsShownInline={['name', 'email', 'role', 'stateLicenses', 'deaRegistration']} />}
        {invite.data && (
          <Alert color="keel" variant="light" role="status" title="Invitation sent">
            {invite.data.user.name} ({invite.data.user.email}) is invited as {invite.data.user.role}. The link works until {formatDateTime(invite.data.invitationExpiresAt)}.
          </Alert>
        )}
        <Button type="submit" loading={invite.isPending} w="fit-content">
          Send invitation
        </Button>
      </Stack>
    </form>
  );
}

function StatusCell({ account }: { account: Account }) {
  const color = account.status === 'active' ? 'keel.8' : account.status === 'invited' ? '#8a4b00' : 'gray.8';
  return (
    <Badge color={color} variant="outline" radius="sm">
      {label(account.status)}
    </Badge>
  );
}

function AccountActions({ account }: { account: Account }) {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (reason: string) => (account.status === 'deactivated' ? adminApi.reactivate(account.id) : adminApi.deactivate(account.id, reason)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'accounts'] }),
  });
  if (account.id === me.id) return <Text size="sm">This is you</Text>;
  return (
    <Stack gap={4}>
      {account.status === 'deactivated' ? (
        <Button size="xs" variant="light" color="keel" loading={toggle.isPending} onClick={() => toggle.mutate('')}>
          Reactivate
          <VisuallyHidden> {account.name}</VisuallyHidden>
        </Button>
      ) : (
        <ConfirmAction
          label={`Deactivate`}
          title={`Deactivate ${account.name}?`}
          consequence={`${account.name} is signed out everywhere at once and can no longer sign in. Their records stay; you can reactivate the account later.`}
          confirmLabel="Deactivate account"
          reasonLabel="Why is this account deactivated?"
          loading={toggle.isPending}
          buttonProps={{ size: 'xs' }}
          ariaLabel={`Deactivate ${account.name}`}
          onConfirm={(reason) => toggle.mutate(reason)}
        />
      )}
      {toggle.error && (
        <Text size="xs" c="red.8" role="alert">
          {isApiError(toggle.error) ? toggle.error.detail : 'Could not change the account.'}
        </Text>
      )}
    </Stack>
  );
}

/** The admin's home: invite staff and sitters, and manage who can sign in. */
export function AccountsPage() {
  const user = useCurrentUser();
  const [role, setRole] = useState<AccountRole | ''>('');
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const q = { ...(role ? { role } : {}), ...(applied ? { q: applied } : {}) };
  const accounts = useQuery({ queryKey: adminKeys.accounts(q), queryFn: () => adminApi.accounts(q), placeholderData: (prev) => prev });
  const invited = accounts.data?.items.filter((a) => a.status === 'invited').length ?? 0;
  return (
    <>
      <PageHeader title="Accounts" description={`Welcome, ${user.name}. Invite staff and sitters, and manage who can sign in.`} />
      <Paper withBorder p="md" radius="md" mb="lg">
        <InviteForm />
      </Paper>
      <section aria-labelledby="accounts-heading">
        <Group justify="space-between" align="end" wrap="wrap" mb="sm">
          <Title order={2} size="h4" id="accounts-heading">
            Everyone with an account
          </Title>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setApplied(search.trim());
            }}
          >
            <Group gap="sm" align="end" wrap="wrap">
              <NativeSelect
                label="Role"
                value={role}
                onChange={(e) => setRole(e.currentTarget.value as AccountRole | '')}
                data={[
                  { value: '', label: 'All roles' },
                  { value: 'patient', label: 'Patients' },
                  { value: 'sitter', label: 'Sitters' },
                  { value: 'clinician', label: 'Clinicians' },
                  { value: 'coach', label: 'Coaches' },
                  { value: 'admin', label: 'Administrators' },
                ]}
              />
              <TextInput label="Name or email" type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
              <Button type="submit" variant="default">
                Search
              </Button>
            </Group>
          </form>
        </Group>
        <QueryView query={accounts} what="accounts" loadingLabel="Loading accounts…">
          {(data) =>
            data.items.length === 0 ? (
              <NothingHereYet description="No account matches." />
            ) : (
              <>
                <Text size="sm" mb="xs" role="status">
                  {data.items.length} account{data.items.length === 1 ? '' : 's'}
                  {invited > 0 ? ` · ${invited} invitation${invited === 1 ? '' : 's'} not yet accepted` : ''}
                  {data.items.length >= 500 ? ' (the first 500; narrow the search)' : ''}
                </Text>
                <Table.ScrollContainer minWidth={820}>
                  <Table striped withTableBorder verticalSpacing="xs">
                    <VisuallyHidden component="caption">Accounts</VisuallyHidden>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">Name</Table.Th>
                        <Table.Th scope="col">Email</Table.Th>
                        <Table.Th scope="col">Role</Table.Th>
                        <Table.Th scope="col">Status</Table.Th>
                        <Table.Th scope="col">MFA</Table.Th>
                        <Table.Th scope="col">Licences</Table.Th>
                        <Table.Th scope="col">Created</Table.Th>
                        <Table.Th scope="col">Action</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.items.map((a) => (
                        <Table.Tr key={a.id}>
                          <Table.Th scope="row" fw={600}>
                            {a.name}
                          </Table.Th>
                          <Table.Td>{a.email}</Table.Td>
                          <Table.Td>{a.role}</Table.Td>
                          <Table.Td>
                            <StatusCell account={a} />
                          </Table.Td>
                          <Table.Td>{a.mfaEnabled ? 'On' : 'Off'}</Table.Td>
                          <Table.Td>{a.stateLicenses.join(', ') || '—'}</Table.Td>
                          <Table.Td>{formatDate(a.createdAt)}</Table.Td>
                          <Table.Td>
                            <AccountActions account={a} />
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </>
            )
          }
        </QueryView>
      </section>
    </>
  );
}
