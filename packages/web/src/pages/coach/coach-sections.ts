import type { RoleSection } from '../../components/role-section.ts';

export const coachSections: readonly RoleSection[] = [
  { label: 'Caseload', path: '', summary: 'The patients you coach and your upcoming integration sessions.' },
  { label: 'Messages', path: 'messages', summary: 'Patient messages: urgent and overdue first; assign, read and reply.' },
  { label: 'Notes', path: 'notes', summary: 'Integration coaching notes for your patients.' },
  { label: 'Your account', path: 'account', summary: 'Your name and email, and the phone number the care team can call you on.' },
];
