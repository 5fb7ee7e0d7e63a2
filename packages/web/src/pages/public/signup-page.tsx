import { Alert, Anchor, Button, Card, NativeSelect, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import { authApi } from '../../auth/auth-api.ts';
import { minPasswordLength } from '../../auth/password-rules.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { usStates } from '../../components/us-states.ts';

const fields = ['email', 'password', 'name', 'dateOfBirth', 'state'] as const;
type Field = (typeof fields)[number];
type Values = Record<Field, string>;

const empty: Values = { email: '', password: '', name: '', dateOfBirth: '', state: '' };

function localErrors(values: Values): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  if (values.name.trim() === '') errors.name = 'Enter your name.';
  if (!/^\S+@\S+\.\S+$/.test(values.email.trim())) errors.email = 'Enter an email address like name@example.com.';
  if (values.password.length < minPasswordLength) errors.password = `Use at least ${minPasswordLength} characters.`;
  if (values.dateOfBirth === '') errors.dateOfBirth = 'Enter your date of birth.';
  if (values.state === '') errors.state = 'Choose the state you live in.';
  return errors;
}

/** A new patient account. It opens an intake; a clinician decides eligibility, not this form. */
export function SignupPage() {
  const [sentTo, setSentTo] = useState<{ email: string; hours: number } | null>(null);
  const [values, setValues] = useState<Values>(empty);
  const [checked, setChecked] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const set = (field: Field) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const errorFor = (field: Field): string | undefined =>
    checked[field] ?? (isApiError(error) ? error.fieldError(field) : undefined);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const local = localErrors(values);
    setChecked(local);
    setError(null);
    if (Object.keys(local).length > 0) return;
    setPending(true);
    try {
      const sent = await authApi.signup({ ...values, email: values.email.trim(), name: values.name.trim() });
      setSentTo({ email: sent.email, hours: sent.expiresInHours });
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  if (sentTo) {
    return (
      <Stack gap="lg" maw={560}>
        <PageHeader title="Check your email" />
        <Alert variant="light" color="keel" title="One more step" role="status">
          We sent a link to <strong>{sentTo.email}</strong>. Open it within {sentTo.hours} hours to create your account and
          start your intake. If nothing arrives in a few minutes, check your spam folder. If you already have an account,
          the email tells you how to sign in instead.
        </Alert>
        <Text>
          Wrong address?{' '}
          <Anchor component="button" type="button" underline="always" onClick={() => setSentTo(null)}>
            Go back and correct it
          </Anchor>
        </Text>
      </Stack>
    );
  }

  return (
    <Stack gap="lg" maw={560}>
      <PageHeader
        title="Create a patient account"
        description="Your account opens your intake: questions about your health and history that a Keel clinician reviews."
      />
      <Alert variant="light" color="keel" title="A clinician decides eligibility" role="note">
        Creating an account does not mean treatment will be offered. A clinician reviews your intake to decide whether
        at-home ketamine treatment is safe and suitable for you, and may ask you for more information first.
      </Alert>
      <Card withBorder padding="lg">
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack gap="sm">
            <TextInput label="Full name" autoComplete="name" required value={values.name} onChange={(e) => set('name')(e.currentTarget.value)} error={errorFor('name')} />
            <TextInput label="Email" type="email" autoComplete="email" required value={values.email} onChange={(e) => set('email')(e.currentTarget.value)} error={errorFor('email')} />
            <PasswordInput
              label="Password"
              description={`At least ${minPasswordLength} characters. A few unrelated words make a strong one.`}
              autoComplete="new-password"
              required
              value={values.password}
              onChange={(e) => set('password')(e.currentTarget.value)}
              error={errorFor('password')}
            />
            <TextInput
              label="Date of birth"
              type="date"
              autoComplete="bday"
              required
              value={values.dateOfBirth}
              onChange={(e) => set('dateOfBirth')(e.currentTarget.value)}
              error={errorFor('dateOfBirth')}
            />
            <NativeSelect
              label="State you live in"
              description="Treatment can only be prescribed where a Keel clinician is licensed."
              required
              value={values.state}
              onChange={(e) => set('state')(e.currentTarget.value)}
              error={errorFor('state')}
              data={[{ value: '', label: 'Choose a state' }, ...usStates.map((s) => ({ value: s.code, label: s.name }))]}
            />
            {error !== null && <ProblemAlert error={error} fieldsShownInline={fields} />}
            <Button type="submit" loading={pending}>
              Create account
            </Button>
          </Stack>
        </form>
      </Card>
      <Text>
        Already have an account?{' '}
        <Anchor component={Link} to="/" underline="always">
          Sign in
        </Anchor>
      </Text>
    </Stack>
  );
}
