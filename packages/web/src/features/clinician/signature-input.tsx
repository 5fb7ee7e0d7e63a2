import { PasswordInput } from '@mantine/core';

interface SignatureInputProps {
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  /** What the signature means, e.g. "I approve this intake". */
  meaning: string;
}

/** An electronic signature: the signer re-enters their password; the meaning is stated beside it. */
export function SignatureInput({ value, onChange, error, meaning }: SignatureInputProps) {
  return (
    <PasswordInput
      label="Your password (electronic signature)"
      description={`Signing means: ${meaning}`}
      autoComplete="current-password"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      required
    />
  );
}
