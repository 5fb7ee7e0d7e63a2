import { Button, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../api/api-error.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { NewPasswordFields, newPasswordErrors } from './new-password-fields.tsx';

interface TokenPasswordFormProps {
  submitLabel: string;
  /** Sends the new password; throws ApiError on failure. */
  onSubmit: (password: string) => Promise<void>;
}

/** Choose a password (reset link, staff invitation): typed twice, checked for length here and by the server. */
export function TokenPasswordForm({ submitLabel, onSubmit }: TokenPasswordFormProps) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const local = newPasswordErrors(password, confirm, submitted);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitted(true);
    setError(null);
    if (!newPasswordErrors(password, confirm, true).valid) return;
    setPending(true);
    try {
      await onSubmit(password);
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="sm">
        <NewPasswordFields
          password={password}
          confirm={confirm}
          onPasswordChange={setPassword}
          onConfirmChange={setConfirm}
          passwordError={(isApiError(error) ? error.fieldError('password') : undefined) ?? local.passwordError}
          confirmError={local.confirmError}
        />
        {error !== null && <ProblemAlert error={error} fieldsShownInline={['password']} />}
        <Button type="submit" loading={pending}>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
