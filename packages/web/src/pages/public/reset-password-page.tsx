import { Alert, Anchor, Card, Stack } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { authApi } from '../../auth/auth-api.ts';
import { TokenPasswordForm } from '../../auth/token-password-form.tsx';
import { useFragmentToken } from '../../auth/use-fragment-token.ts';
import { MissingTokenAlert } from '../../components/missing-token-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';

/** `/reset-password#token=…` from the reset email. */
export function ResetPasswordPage() {
  const token = useFragmentToken();
  const [done, setDone] = useState(false);
  return (
    <Stack gap="lg" maw={520}>
      <PageHeader title="Choose a new password" />
      {!token && <MissingTokenAlert what="password reset" retry={{ to: '/forgot-password', label: 'Or ask for a new link.' }} />}
      {token && done && (
        <Alert variant="light" color="keel" title="Password changed" role="status">
          Your password has been changed.{' '}
          <Anchor component={Link} to="/">
            Sign in with your new password
          </Anchor>
          .
        </Alert>
      )}
      {token && !done && (
        <Card withBorder padding="lg">
          <TokenPasswordForm
            submitLabel="Change password"
            onSubmit={async (password) => {
              await authApi.completePasswordReset(token, password);
              setDone(true);
            }}
          />
        </Card>
      )}
    </Stack>
  );
}
