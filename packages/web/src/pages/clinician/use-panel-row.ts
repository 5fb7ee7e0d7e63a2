import { useQuery } from '@tanstack/react-query';
import { clinicianApi, clinicianKeys, type PanelQuery } from '../../api/clinician-api.ts';

/** The whole panel by name (up to the API's 500): the patients list and each chart's heading read it. */
export const allPatientsQuery: PanelQuery = { sort: 'name', limit: 500 };

export function useAllPatients() {
  return useQuery({ queryKey: clinicianKeys.panel(allPatientsQuery), queryFn: () => clinicianApi.panel(allPatientsQuery) });
}

export function usePanelRow(patientId: string) {
  const all = useAllPatients();
  return { ...all, row: all.data?.items.find((r) => r.patientId === patientId) };
}
