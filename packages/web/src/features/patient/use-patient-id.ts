import { useCurrentUser } from '../../auth/auth-context.ts';

/** The signed-in patient's record id (a patient account always has one). */
export function usePatientId(): string {
  const user = useCurrentUser();
  if (!user.patientId) throw new Error('This account has no patient record');
  return user.patientId;
}
