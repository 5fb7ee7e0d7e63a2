import { Alert, Anchor, Button, Card, Checkbox, Code, CopyButton, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import { authApi } from '../../auth/auth-api.ts';
import { useAuth } from '../../auth/auth-context.ts';
import type { MfaEnrollResult } from '../../auth/auth-types.ts';
import { OneTimeCodeInput } from '../../auth/one-time-code-input.tsx';
import { roleHome } from '../../auth/role-home.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { PageLoader } from '../../components/page-loader.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';

/** The secret in groups of four, easier to type into an authenticator app by hand. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function StartStep({ onEnrolled }: { onEnrolled: (r: MfaEnrollResult) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const start = async () => {
    setPending(true);
    setError(null);
    try {
      onEnrolled(await authApi.enrollMfa());
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };
  return (
    <Stack gap="sm">
      <Text>
        Staff accounts protect patients&rsquo; records with two-step sign-in. You need an authenticator app on your phone
        (any app that supports time-based one-time codes, TOTP).
      </Text>
      {error !== null && <ProblemAlert error={error} />}
      <Group>
        <Button onClick={() => void start()} loading={pending}>
          Set up two-step sign-in
        </Button>
      </Group>
    </Stack>
  );
}

function VerifyStep({ enrolment, onVerified }: { enrolment: MfaEnrollResult; onVerified: (codes: string[]) => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const result = await authApi.verifyMfa(code);
      onVerified(result.recoveryCodes ?? []);
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };
  return (
    <Stack gap="md">
      <List type="ordered" spacing="xs">
        <List.Item>In your authenticator app, add an account and choose to enter a setup key.</List.Item>
        <List.Item>
          Enter this key (time-based):
          <Group gap="xs" mt={4}>
            <Code fz="md" style={{ wordBreak: 'break-all' }} aria-label="Setup key">
              {grouped(enrolment.secret)}
            </Code>
            <CopyButton value={enrolment.secret}>
              {({ copied, copy }) => (
                <Button size="xs" variant="default" onClick={copy}>
                  {copied ? 'Copied' : 'Copy key'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="sm" mt={4}>
            On the phone with the app?{' '}
            <Anchor href={enrolment.otpauthUrl}>Open this key in your authenticator app</Anchor>.
          </Text>
        </List.Item>
        <List.Item>Type the 6-digit code the app shows.</List.Item>
      </List>
      <form onSubmit={(e) => void submit(e)}>
        <Stack gap="sm" maw={320}>
          <OneTimeCodeInput value={code} onChange={setCode} error={isApiError(error) ? error.fieldError('code') : undefined} />
          {error !== null && <ProblemAlert error={error} fieldsShownInline={['code']} />}
          <Button type="submit" loading={pending} disabled={code.length !== 6}>
            Confirm code
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}

function RecoveryCodesStep({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  return (
    <Stack gap="md">
      <Alert color="keel" variant="light" title="Two-step sign-in is on" role="status">
        Save these recovery codes somewhere safe, such as a password manager. Each one works once, in place of a code
        from your app if you lose your phone. They are shown only now.
      </Alert>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Recovery codes">
        {codes.map((c) => (
          <Code key={c} component="li" fz="md" p="xs">
            {c}
          </Code>
        ))}
      </SimpleGrid>
      <Group>
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy}>
              {copied ? 'Copied' : 'Copy all codes'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Checkbox label="I have saved my recovery codes" checked={saved} onChange={(e) => setSaved(e.currentTarget.checked)} />
      <Group>
        <Button onClick={onDone} disabled={!saved}>
          Continue to Keel
        </Button>
      </Group>
    </Stack>
  );
}

/** Staff whose session is not yet MFA-verified (and anyone choosing to turn it on) set up TOTP here. */
export function MfaSetupPage() {
  const { status, user, refreshUser } = useAuth();
  const navigate = useNavigate();
  const [enrolment, setEnrolment] = useState<MfaEnrollResult | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  if (status === 'loading') return <PageLoader />;
  if (!user) return <Navigate to="/" replace />;

  const finish = async () => {
    const fresh = await refreshUser();
    if (fresh) void navigate(roleHome(fresh.role), { replace: true });
  };

  return (
    <Stack gap="lg" maw={640}>
      <PageHeader title="Set up two-step sign-in" />
      <Card withBorder padding="lg">
        <Title order={2} size="h4" mb="sm">
          {codes ? 'Step 3 of 3: save your recovery codes' : enrolment ? 'Step 2 of 3: add Keel to your app' : 'Step 1 of 3: get ready'}
        </Title>
        {codes ? (
          <RecoveryCodesStep codes={codes} onDone={() => void finish()} />
        ) : enrolment ? (
          <VerifyStep
            enrolment={enrolment}
            onVerified={(recovery) => {
              if (recovery.length > 0) setCodes(recovery);
              else void finish();
            }}
          />
        ) : (
          <StartStep onEnrolled={setEnrolment} />
        )}
      </Card>
    </Stack>
  );
}
