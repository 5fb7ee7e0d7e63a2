import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useId, useState, type FormEvent } from 'react';
import { isApiError } from '../api/api-error.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { useAuth } from './auth-context.ts';
import type { LoginInput, SessionUser } from './auth-types.ts';
import { OneTimeCodeInput } from './one-time-code-input.tsx';

interface SignInFormProps {
  onSignedIn: (user: SessionUser) => void;
  initialEmail?: string;
  submitLabel?: string;
}

type Step = 'password' | 'second-factor';

/** Email and password, then (when the account has MFA) a 6-digit code or a recovery code. */
export function SignInForm({ onSignedIn, initialEmail = '', submitLabel = 'Sign in' }: SignInFormProps) {
  const { signIn } = useAuth();
  const formId = useId();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<Step>('password');
  const [code, setCode] = useState('');
  const [useRecoveryCode, setUseRecoveryCode] = useState(false);
  const [recoveryCode, setRecoveryCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    const input: LoginInput = { email: email.trim(), password };
    if (step === 'second-factor') {
      if (useRecoveryCode) input.recoveryCode = recoveryCode.trim();
      else input.totp = code;
    }
    try {
      const user = await signIn(input);
      setPassword('');
      onSignedIn(user);
    } catch (caught) {
      if (isApiError(caught) && caught.code === 'MFA_REQUIRED' && step === 'password') {
        setStep('second-factor');
      } else {
        setError(caught);
      }
    } finally {
      setPending(false);
    }
  };

  const restart = () => {
    setStep('password');
    setCode('');
    setRecoveryCode('');
    setError(null);
  };

  return (
    <form onSubmit={(e) => void submit(e)} aria-describedby={error ? `${formId}-error` : undefined}>
      <Stack gap="sm">
        {step === 'password' ? (
          <>
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              // With the email already filled in (signing in again), the password is where to start.
              data-autofocus={initialEmail ? true : undefined}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
          </>
        ) : (
          <>
            <Alert variant="light" color="keel" title="One more step" role="note">
              Your account uses two-step sign-in. {useRecoveryCode ? 'Enter one of your recovery codes.' : 'Enter the current code from your authenticator app.'}
            </Alert>
            {useRecoveryCode ? (
              <TextInput
                label="Recovery code"
                autoComplete="off"
                required
                autoFocus
                value={recoveryCode}
                onChange={(e) => setRecoveryCode(e.currentTarget.value)}
              />
            ) : (
              <OneTimeCodeInput value={code} onChange={setCode} autoFocus />
            )}
            <Anchor component="button" type="button" size="sm" onClick={() => setUseRecoveryCode((v) => !v)}>
              {useRecoveryCode ? 'Use a code from my authenticator app' : 'Use a recovery code instead'}
            </Anchor>
          </>
        )}
        {error !== null && (
          <div id={`${formId}-error`}>
            <ProblemAlert error={error} title={isApiError(error) && error.status === 401 ? 'Could not sign in' : undefined} />
          </div>
        )}
        <Button type="submit" loading={pending} fullWidth>
          {submitLabel}
        </Button>
        {step === 'second-factor' && (
          <Anchor component="button" type="button" size="sm" onClick={restart}>
            Start over with a different account
          </Anchor>
        )}
      </Stack>
    </form>
  );
}
