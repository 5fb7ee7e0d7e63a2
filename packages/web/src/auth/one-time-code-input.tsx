import { TextInput } from '@mantine/core';

interface OneTimeCodeInputProps {
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  label?: string;
  autoFocus?: boolean;
}

/** A 6-digit authenticator code: numeric keyboard on phones, and browsers may fill it from an SMS/app. */
export function OneTimeCodeInput({ value, onChange, error, label = '6-digit code', autoFocus }: OneTimeCodeInputProps) {
  return (
    <TextInput
      label={label}
      description="From your authenticator app"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      maxLength={6}
      required
      error={error}
      autoFocus={autoFocus}
      styles={{ input: { letterSpacing: '0.3em', fontVariantNumeric: 'tabular-nums' } }}
    />
  );
}
