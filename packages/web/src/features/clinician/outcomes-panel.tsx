import { SimpleGrid } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { PatientOutcomesResponse } from '../../api/clinician-api.ts';
import { api } from '../../api/client.ts';
import { OutcomeChart } from './outcome-chart.tsx';
import { QueryView } from './query-view.tsx';
import { useInstruments } from './use-instruments.ts';

interface OutcomeSettings {
  responseMinReductionPct?: number;
  remissionBelow?: { phq9?: number; gad7?: number };
}

/** Response and remission lines come from the program settings (clinicians may read them); none are assumed. */
function useOutcomeSettings() {
  return useQuery({
    queryKey: ['settings', 'outcomes'],
    queryFn: async () => {
      const s = await api.get<{ settings: { monitoring: { outcomes?: OutcomeSettings } } }>('/settings');
      return s.settings.monitoring.outcomes ?? {};
    },
    staleTime: 5 * 60_000,
  });
}

/** PHQ-9 and GAD-7 over time, each with its bands, response and remission lines, and a table. */
export function OutcomesPanel({ patientId, load }: { patientId: string; load: (patientId: string) => Promise<PatientOutcomesResponse> }) {
  const outcomes = useQuery({ queryKey: ['outcomes', patientId], queryFn: () => load(patientId) });
  const instruments = useInstruments();
  const settings = useOutcomeSettings();
  const def = (code: string) => instruments.data?.find((i) => i.code === code);
  const s = settings.data ?? {};
  return (
    <QueryView query={outcomes} what="outcomes" loadingLabel="Loading outcomes…">
      {(o) => (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
          <OutcomeChart title="PHQ-9 (depression)" outcome={o.phq9} bands={def('phq9')?.bands ?? []} range={def('phq9')?.range ?? { min: 0, max: 27 }} responseMinReductionPct={s.responseMinReductionPct ?? null} remissionBelow={s.remissionBelow?.phq9 ?? null} />
          <OutcomeChart title="GAD-7 (anxiety)" outcome={o.gad7} bands={def('gad7')?.bands ?? []} range={def('gad7')?.range ?? { min: 0, max: 21 }} responseMinReductionPct={s.responseMinReductionPct ?? null} remissionBelow={s.remissionBelow?.gad7 ?? null} />
        </SimpleGrid>
      )}
    </QueryView>
  );
}
