import type { instrumentList } from '@keel/contract';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../api/client.ts';

export type InstrumentDefinition = z.infer<typeof instrumentList>['items'][number];

/** The instrument definitions (items, options, bands): they change only with a release, so they are kept. */
export function useInstruments() {
  return useQuery({
    queryKey: ['instruments'],
    queryFn: async () => (await api.get<z.infer<typeof instrumentList>>('/instruments')).items,
    staleTime: Infinity,
  });
}
