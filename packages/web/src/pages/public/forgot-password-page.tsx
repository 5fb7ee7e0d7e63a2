import { Alert, Anchor, Button, Card, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { authApi } from '../../auth/auth-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await authApi.requestPasswordReset(email.trim());
      setSent(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  return (
    <Stack gap="lg" maw={520}>
      <PageHeader title="Reset your password" description="We will email you a link to choose a new password." />
      {sent ? (
        <Alert variant="light" color="keel" title="Check your email" role="status">
          If there is a Keel account for {email.trim()}, a link to reset its password is on its way. If it does not
          arrive in a few minutes, check your spam folder or ask again.
        </Alert>
      ) : (
        <Card withBorder padding="lg">
          <form onSubmit={(e) => void submit(e)}>
            <Stack gap="sm">
              <TextInput label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
              {error !== null && <ProblemAlert error={error} fieldsShownInline={['email']} />}
              <Button type="submit" loading={pending}>
                Send reset link
              </Button>
            </Stack>
          </form>
        </Card>
      )}
      <Text>
        <Anchor component={Link} to="/">
          Back to sign in
        </Anchor>
      </Text>
    </Stack>
  );
}
