import type { RoleSection } from '../../components/role-section.ts';

export const coachSections: readonly RoleSection[] = [
  { label: 'Caseload', path: '', summary: 'The patients you coach and your upcoming integration sessions.' },
  { label: 'Notes', path: 'notes', summary: 'Integration coaching notes for your patients.' },
];
