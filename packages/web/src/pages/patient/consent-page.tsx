import { Alert, Button, Card, Checkbox, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import { patientApi, patientKeys } from '../../api/patient-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDateTime } from '../../features/patient/format.ts';
import { MarkdownText } from '../../features/patient/markdown-text.tsx';
import { useConsents } from '../../features/patient/patient-queries.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';
import { patientBasePath } from './patient-base-path.ts';

/** The consent document (rendered as text, never as HTML) and the signature: reading confirmed, password re-entered. */
export function ConsentPage() {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const documentQuery = useQuery({ queryKey: ['consent-document'], queryFn: () => patientApi.consentDocument() });
  const consents = useConsents(patientId);
  const [read, setRead] = useState(false);
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const sign = useMutation({
    mutationFn: (version: number) => patientApi.signConsent(patientId, version, password),
    onSuccess: async () => {
      setPassword('');
      await queryClient.invalidateQueries({ queryKey: patientKeys.all(patientId) });
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>, version: number) => {
    event.preventDefault();
    setTried(true);
    if (!read || password === '') return;
    sign.mutate(version);
  };
  const passwordError =
    (isApiError(sign.error) ? (sign.error.fieldError('signature.password') ?? (sign.error.status === 401 || sign.error.status === 403 ? sign.error.detail : undefined)) : undefined) ??
    (tried && password === '' ? 'Enter your password to sign.' : undefined);

  return (
    <>
      <PageHeader title="Consent" description="What the program involves, its risks, and your rights. Please read it all before you sign." />
      <QueryView query={documentQuery} label="Loading the consent form…">
        {(doc) => {
          const signed = consents.data?.items.find((c) => c.version === doc.version);
          return (
            <Stack gap="lg">
              <Card withBorder radius="md" padding="lg" component="article" aria-labelledby="consent-title">
                <Title order={2} size="h3" id="consent-title">
                  {doc.title}
                </Title>
                <Text size="sm" c="dimmed" mb="md">
                  Version {doc.version}
                </Text>
                <MarkdownText markdown={doc.body} topLevel={3} skipFirstHeading />
              </Card>
              {consents.isError && <ProblemAlert error={consents.error} />}
              {signed || consents.data?.signedCurrent ? (
                <Alert color="keel" variant="light" title="You signed this consent form" role="status">
                  Signed {formatDateTime(signed?.signedAt)} as {signed?.signature.printedName}.{' '}
                  <Link to={`${patientBasePath}/education`}>Continue to the lessons</Link>.
                </Alert>
              ) : (
                <Card withBorder radius="md" padding="lg" component="form" onSubmit={(e: FormEvent<HTMLFormElement>) => submit(e, doc.version)} noValidate aria-labelledby="sign-heading">
                  <Title order={2} size="h4" id="sign-heading" mb="sm">
                    Sign the consent form
                  </Title>
                  <Stack gap="sm" maw={480}>
                    <Checkbox
                      label="I have read and understood this consent form, and my questions have been answered."
                      checked={read}
                      onChange={(e) => setRead(e.currentTarget.checked)}
                      error={tried && !read ? 'Confirm that you have read the form.' : undefined}
                    />
                    <PasswordInput
                      label="Your password"
                      description="Entering your password is your electronic signature."
                      autoComplete="current-password"
                      value={password}
                      onChange={(e) => setPassword(e.currentTarget.value)}
                      error={passwordError}
                    />
                    {sign.error !== null && !passwordError && <ProblemAlert error={sign.error} />}
                    <Group>
                      <Button type="submit" loading={sign.isPending}>
                        Sign consent form
                      </Button>
                    </Group>
                  </Stack>
                </Card>
              )}
            </Stack>
          );
        }}
      </QueryView>
    </>
  );
}
