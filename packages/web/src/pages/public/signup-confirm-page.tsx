import { Anchor, Button, Card, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { authApi } from '../../auth/auth-api.ts';
import { useAuth } from '../../auth/auth-context.ts';
import { roleHome } from '../../auth/role-home.ts';
import { useFragmentToken } from '../../auth/use-fragment-token.ts';
import { MissingTokenAlert } from '../../components/missing-token-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';

/**
 * `/signup/confirm#token=…` from the sign-up email. The account is created by a deliberate tap, not on page load, so
 * a mail scanner that opens links cannot use the link up.
 */
export function SignupConfirmPage() {
  const token = useFragmentToken();
  const { adoptSession } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const confirm = async () => {
    if (!token) return;
    setPending(true);
    setError(null);
    try {
      await authApi.confirmSignup(token);
      const user = await adoptSession();
      void navigate(roleHome(user.role), { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  return (
    <Stack gap="lg" maw={520}>
      <PageHeader title="Create your account" description="Your email address is confirmed by this link." />
      {!token && <MissingTokenAlert what="sign-up" retry={{ to: '/signup', label: 'Or sign up again for a new link.' }} />}
      {token && (
        <Card withBorder padding="lg">
          <Stack gap="sm">
            <Text>Create your patient account with the details and password you chose, and go to your intake.</Text>
            {error !== null && <ProblemAlert error={error} />}
            <Button onClick={() => void confirm()} loading={pending}>
              Create my account
            </Button>
            <Text size="sm">
              Already have an account?{' '}
              <Anchor component={Link} to="/" underline="always">
                Sign in
              </Anchor>
            </Text>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
