import { Alert, Anchor, Button, Card, Divider, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import { authApi } from '../../auth/auth-api.ts';
import { useAuth } from '../../auth/auth-context.ts';
import { NewPasswordFields, newPasswordErrors } from '../../auth/new-password-fields.tsx';
import { roleLabel } from '../../auth/role-home.ts';
import { SignInForm } from '../../auth/sign-in-form.tsx';
import { useFragmentToken } from '../../auth/use-fragment-token.ts';
import { MissingTokenAlert } from '../../components/missing-token-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PageLoader } from '../../components/page-loader.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';

type Outcome = { createdAccount: boolean };

function NewSitterForm({ token, onDone }: { token: string; onDone: (o: Outcome) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const local = newPasswordErrors(password, confirm, submitted);
  const nameError = submitted && name.trim() === '' ? 'Enter your name.' : undefined;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitted(true);
    setError(null);
    if (name.trim() === '' || !newPasswordErrors(password, confirm, true).valid) return;
    setPending(true);
    try {
      onDone(await authApi.acceptSitterInvitation({ token, name: name.trim(), password }));
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  const serverError = (field: string) => (isApiError(error) ? error.fieldError(field) : undefined);
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="sm">
        <TextInput label="Your name" autoComplete="name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={serverError('name') ?? nameError} />
        <NewPasswordFields
          password={password}
          confirm={confirm}
          onPasswordChange={setPassword}
          onConfirmChange={setConfirm}
          passwordError={serverError('password') ?? local.passwordError}
          confirmError={local.confirmError}
        />
        {error !== null && <ProblemAlert error={error} fieldsShownInline={['name', 'password']} />}
        <Button type="submit" loading={pending}>
          Create sitter account and accept
        </Button>
      </Stack>
    </form>
  );
}

function AcceptAsSignedIn({ token, onDone }: { token: string; onDone: (o: Outcome) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const accept = async () => {
    setPending(true);
    setError(null);
    try {
      onDone(await authApi.acceptSitterInvitation({ token }));
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };
  return (
    <Stack gap="sm">
      {error !== null && <ProblemAlert error={error} />}
      <Button onClick={() => void accept()} loading={pending}>
        Accept invitation
      </Button>
    </Stack>
  );
}

/** `/sitter-invitation#token=…`: a patient asked this person to be their sitter. */
export function SitterInvitationPage() {
  const token = useFragmentToken();
  const { status, user } = useAuth();
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  let body;
  if (!token) body = <MissingTokenAlert what="sitter invitation" />;
  else if (outcome) {
    body = (
      <Alert variant="light" color="keel" title="Invitation accepted" role="status">
        {user ? (
          <Anchor component={Link} to="/sitter">
            Go to your sitter page
          </Anchor>
        ) : (
          <>
            Your sitter account is ready.{' '}
            <Anchor component={Link} to="/">
              Sign in
            </Anchor>{' '}
            with your email and new password.
          </>
        )}
      </Alert>
    );
  } else if (status === 'loading') body = <PageLoader />;
  else if (user && user.role === 'sitter') {
    body = (
      <Card withBorder padding="lg">
        <Text mb="md">You are signed in as {user.name}. Accept the invitation to be this patient&rsquo;s sitter.</Text>
        <AcceptAsSignedIn token={token} onDone={setOutcome} />
      </Card>
    );
  } else if (user) {
    body = (
      <Alert color="yellow" variant="light" title="This invitation is for a sitter account" role="note">
        You are signed in as {user.name} ({roleLabel(user.role).toLowerCase()}). Sign out, then open the invitation link
        again to accept it with a sitter account.
      </Alert>
    );
  } else {
    body = (
      <Stack gap="lg">
        <Card withBorder padding="lg" component="section" aria-labelledby="new-sitter-heading">
          <Title order={2} size="h4" id="new-sitter-heading" mb="sm">
            New to Keel
          </Title>
          <NewSitterForm token={token} onDone={setOutcome} />
        </Card>
        <Divider label="or" labelPosition="center" />
        <Card withBorder padding="lg" component="section" aria-labelledby="existing-sitter-heading">
          <Title order={2} size="h4" id="existing-sitter-heading" mb="sm">
            Already a Keel sitter
          </Title>
          <Text size="sm" mb="sm">
            Sign in with your sitter account, then accept the invitation.
          </Text>
          <SignInForm onSignedIn={() => undefined} />
        </Card>
      </Stack>
    );
  }

  return (
    <Stack gap="lg" maw={560}>
      <PageHeader
        title="Become a sitter"
        description="Someone in the Keel program has asked you to be their sitter: a sober adult who stays with them for the whole of each treatment session."
      />
      {body}
    </Stack>
  );
}
