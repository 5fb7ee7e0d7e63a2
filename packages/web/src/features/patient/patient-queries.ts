import { useQuery } from '@tanstack/react-query';
import { isApiError } from '../../api/api-error.ts';
import { patientApi, patientKeys, type Plan } from '../../api/patient-api.ts';

/** A 404 for "the active plan" means there is none yet: an answer, not an error. */
async function planOrNull(patientId: string): Promise<Plan | null> {
  try {
    return (await patientApi.plan(patientId)).plan;
  } catch (error) {
    if (isApiError(error) && error.status === 404) return null;
    throw error;
  }
}

export const useIntake = (patientId: string) => useQuery({ queryKey: patientKeys.intake(patientId), queryFn: () => patientApi.intake(patientId) });
export const useConsents = (patientId: string, enabled = true) =>
  useQuery({ queryKey: patientKeys.consents(patientId), queryFn: () => patientApi.consents(patientId), enabled });
export const useEducation = (patientId: string, enabled = true) =>
  useQuery({ queryKey: patientKeys.education(patientId), queryFn: () => patientApi.education(), enabled });
export const usePlan = (patientId: string, enabled = true) =>
  useQuery({ queryKey: patientKeys.plan(patientId), queryFn: () => planOrNull(patientId), enabled });
export const useSessions = (patientId: string, enabled = true) =>
  useQuery({ queryKey: patientKeys.sessions(patientId), queryFn: () => patientApi.sessions(patientId), enabled });
export const useSchedule = (patientId: string, enabled = true) =>
  useQuery({ queryKey: patientKeys.schedule(patientId), queryFn: () => patientApi.schedule(patientId), enabled });
export const useCrisis = (patientId: string) =>
  useQuery({ queryKey: patientKeys.crisis(patientId), queryFn: () => patientApi.crisis(patientId), refetchInterval: 60_000 });
export const useInstruments = () => useQuery({ queryKey: ['instruments'], queryFn: () => patientApi.instruments(), staleTime: Infinity });
