import { PasswordInput, Stack } from '@mantine/core';
import { minPasswordLength } from './password-rules.ts';

interface NewPasswordFieldsProps {
  password: string;
  confirm: string;
  onPasswordChange: (value: string) => void;
  onConfirmChange: (value: string) => void;
  /** Shown under the password (the server's message wins over the local one). */
  passwordError?: string | undefined;
  confirmError?: string | undefined;
}

export function NewPasswordFields(props: NewPasswordFieldsProps) {
  return (
    <Stack gap="sm">
      <PasswordInput
        label="New password"
        description={`At least ${minPasswordLength} characters. A few unrelated words make a strong one.`}
        autoComplete="new-password"
        required
        minLength={minPasswordLength}
        value={props.password}
        onChange={(e) => props.onPasswordChange(e.currentTarget.value)}
        error={props.passwordError}
      />
      <PasswordInput
        label="Confirm new password"
        autoComplete="new-password"
        required
        value={props.confirm}
        onChange={(e) => props.onConfirmChange(e.currentTarget.value)}
        error={props.confirmError}
      />
    </Stack>
  );
}

/** Local checks before sending: long enough, and typed the same twice. */
export function newPasswordErrors(password: string, confirm: string, submitted: boolean) {
  let passwordError: string | undefined;
  if (password.length > 0 && password.length < minPasswordLength) {
    passwordError = `Use at least ${minPasswordLength} characters (${password.length} so far).`;
  } else if (submitted && password.length === 0) {
    passwordError = 'Enter a password.';
  }
  const confirmError = submitted && confirm !== password ? 'The two passwords do not match.' : undefined;
  return { passwordError, confirmError, valid: password.length >= minPasswordLength && confirm === password };
}
