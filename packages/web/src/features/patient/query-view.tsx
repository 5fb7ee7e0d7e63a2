import { Button, Stack } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { PageLoader } from '../../components/page-loader.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  label?: string;
  children: (data: T) => ReactNode;
}

/** Loading, error (the problem's detail, and a retry) or the data. */
export function QueryView<T>({ query, label, children }: QueryViewProps<T>) {
  if (query.isPending) return <PageLoader label={label ?? 'Loading…'} />;
  if (query.isError)
    return (
      <Stack gap="xs" align="flex-start">
        <ProblemAlert error={query.error} />
        <Button variant="default" size="xs" onClick={() => void query.refetch()}>
          Try again
        </Button>
      </Stack>
    );
  return <>{children(query.data)}</>;
}
