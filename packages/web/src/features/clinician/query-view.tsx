import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { PageLoader } from '../../components/page-loader.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  loadingLabel?: string;
  /** Names what failed to load ("the panel"), for the error heading. */
  what?: string;
  children: (data: T) => ReactNode;
}

/** One query's three states: loading, the server's problem (its detail), or the data. */
export function QueryView<T>({ query, loadingLabel, what, children }: QueryViewProps<T>) {
  if (query.isPending) return <PageLoader label={loadingLabel ?? 'Loading…'} />;
  if (query.isError) return <ProblemAlert error={query.error} title={what ? `Could not load ${what}` : undefined} />;
  return <>{children(query.data)}</>;
}
