import { Alert, Anchor, Card, Stack } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { authApi } from '../../auth/auth-api.ts';
import { TokenPasswordForm } from '../../auth/token-password-form.tsx';
import { useFragmentToken } from '../../auth/use-fragment-token.ts';
import { MissingTokenAlert } from '../../components/missing-token-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';

/** `/accept-invitation#token=…`: a staff or sitter account created by an administrator sets its password. */
export function AcceptInvitationPage() {
  const token = useFragmentToken();
  const [done, setDone] = useState(false);
  return (
    <Stack gap="lg" maw={520}>
      <PageHeader title="Set up your Keel account" description="Choose a password to finish setting up your account." />
      {!token && <MissingTokenAlert what="invitation" />}
      {token && done && (
        <Alert variant="light" color="keel" title="Your account is ready" role="status">
          <Anchor component={Link} to="/">
            Sign in
          </Anchor>{' '}
          with your email and new password. Staff accounts may then be asked to set up two-step sign-in.
        </Alert>
      )}
      {token && !done && (
        <Card withBorder padding="lg">
          <TokenPasswordForm
            submitLabel="Set password"
            onSubmit={async (password) => {
              await authApi.acceptInvitation(token, password);
              setDone(true);
            }}
          />
        </Card>
      )}
    </Stack>
  );
}
