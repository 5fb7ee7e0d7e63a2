import type { RoleSection } from '../../components/role-section.ts';

export const patientSections: readonly RoleSection[] = [
  { label: 'Home', path: '', summary: 'Your next steps in the program, at a glance.' },
  { label: 'Intake', path: 'intake', summary: 'Health questions and screening that a clinician reviews before treatment.' },
  { label: 'Sessions', path: 'sessions', summary: 'Schedule and run your dosing sessions, with your sitter present.' },
  { label: 'Check-in', path: 'check-in', summary: 'A short daily check-in on mood, sleep and how you are feeling.' },
  { label: 'Progress', path: 'progress', summary: 'Your questionnaire scores over time.' },
  { label: 'Journal', path: 'journal', summary: 'Private notes and reflections between sessions.' },
  { label: 'Messages', path: 'messages', summary: 'Messages with your care team. Not for emergencies.' },
  { label: 'Appointments', path: 'appointments', summary: 'Visits with your clinician and integration coach.' },
  { label: 'Support', path: 'support', summary: 'Your sitters and the people you want in your support circle.' },
];
