import { Button, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { api } from '../../api/client.ts';
import { useAuth, useCurrentUser } from '../../auth/auth-context.ts';
import type { SessionUser } from '../../auth/auth-types.ts';
import { roleLabel } from '../../auth/role-home.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { asE164, isE164 } from '../../components/phone.ts';
import { ProblemAlert } from '../../components/problem-alert.tsx';

function PhoneForm({ user }: { user: SessionUser }) {
  const { refreshUser } = useAuth();
  const [phone, setPhone] = useState(user.phone ?? '');
  const [invalid, setInvalid] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (value: string | null) => api.patch<SessionUser>('/me', { phone: value }),
    onSuccess: async (_data, value) => {
      setPhone(value ?? '');
      await refreshUser();
    },
  });
  const serverError = isApiError(save.error) ? save.error.fieldError('phone') : undefined;
  return (
    <form
      noValidate
      aria-labelledby="phone-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const value = asE164(phone);
        if (value !== '' && !isE164(value)) {
          setInvalid('Enter the number with its area code, such as (510) 555-0123, or with a country code, such as +44 20 7946 0958.');
          return;
        }
        setInvalid(null);
        save.mutate(value === '' ? null : value);
      }}
    >
      <Stack gap="sm">
        <Title order={2} size="h4" id="phone-heading">
          Phone number
        </Title>
        <Text size="sm">
          {user.role === 'patient' || user.role === 'sitter'
            ? 'During a session, the clinician covering it can call this number from the live board.'
            : 'The care team can reach you on this number.'}{' '}
          Leave it empty to remove it.
        </Text>
        <TextInput type="tel" label="Phone number" autoComplete="tel" maw={320} value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={invalid ?? serverError} />
        {save.error !== null && !serverError && <ProblemAlert error={save.error} title="The phone number was not saved" />}
        {save.isSuccess && (
          <Text size="sm" role="status">
            {save.variables === null ? 'Phone number removed.' : `Saved: ${save.variables}.`}
          </Text>
        )}
        <Button type="submit" loading={save.isPending} w="fit-content">
          Save phone number
        </Button>
      </Stack>
    </form>
  );
}

/** The signed-in person's own account: who they are, and the phone number the care team may call. */
export function AccountPage() {
  const user = useCurrentUser();
  return (
    <>
      <PageHeader title="Your account" description="Your name, email and the number the care team can call you on." />
      <Stack gap="lg" maw={640}>
        <Paper withBorder p="md" radius="md">
          <Table variant="vertical" withTableBorder={false} fz="sm">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row" w={120}>
                  Name
                </Table.Th>
                <Table.Td>{user.name}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Email</Table.Th>
                <Table.Td>{user.email}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Role</Table.Th>
                <Table.Td>{roleLabel(user.role)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <PhoneForm user={user} />
        </Paper>
      </Stack>
    </>
  );
}
