import type { RoleSection } from '../../components/role-section.ts';

export const adminSections: readonly RoleSection[] = [
  { label: 'Accounts', path: '', summary: 'Invite staff and sitters, and manage who can sign in.' },
  { label: 'Care teams', path: 'care-teams', summary: 'Assign clinicians and coaches to patients.' },
  { label: 'Settings', path: 'settings', summary: 'Program settings, including clinical limits and timeouts.' },
  { label: 'Audit log', path: 'audit-log', summary: 'Who did what, and when, across the program.' },
];
