import { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/api-error.ts';

/**
 * Health data stays in memory only (this cache), never in Web Storage; it is cleared on sign-out and when someone
 * else signs in. Client errors (4xx) are answers, not glitches: they are not retried.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: true,
        retry: (failureCount, error) => {
          if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
          return failureCount < 2;
        },
      },
      mutations: { retry: false },
    },
  });
}
