import { Button, Stack } from '@mantine/core';
import { useAuth } from '../auth/auth-context.ts';
import { PageHeader } from '../components/page-header.tsx';
import { ProblemAlert } from '../components/problem-alert.tsx';

/** Keel could not tell whether anyone is signed in (offline, server down): say so and offer a retry. */
export function StartupError() {
  const { startupError, retryStartup } = useAuth();
  return (
    <Stack>
      <PageHeader title="Keel is not available right now" />
      <ProblemAlert error={startupError ?? new Error('unknown')} />
      <div>
        <Button onClick={retryStartup}>Try again</Button>
      </div>
    </Stack>
  );
}
