import type { Role } from './auth-types.ts';

const homes: Record<Role, string> = {
  patient: '/patient',
  sitter: '/sitter',
  clinician: '/clinician',
  coach: '/coach',
  admin: '/admin',
};

export function roleHome(role: Role): string {
  return homes[role];
}

const labels: Record<Role, string> = {
  patient: 'Patient',
  sitter: 'Sitter',
  clinician: 'Clinician',
  coach: 'Integration coach',
  admin: 'Administrator',
};

export function roleLabel(role: Role): string {
  return labels[role];
}
