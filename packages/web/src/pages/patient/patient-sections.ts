import type { RoleSection } from '../../components/role-section.ts';

export const patientSections: readonly RoleSection[] = [
  { label: 'Home', path: '', summary: 'Your next steps in the program, at a glance.' },
  { label: 'Intake', path: 'intake', summary: 'Health questions and screening that a clinician reviews before treatment.' },
  { label: 'Consent', path: 'consent', summary: 'The consent form you signed, and a new version when there is one.' },
  { label: 'Lessons', path: 'education', summary: 'Short lessons about treatment, safety and your sessions.' },
  { label: 'Sessions', path: 'sessions', summary: 'Schedule and run your dosing sessions, with your sitter present.' },
  { label: 'Check-in', path: 'check-in', summary: 'A short daily check-in on mood, sleep and how you are feeling.' },
  { label: 'Progress', path: 'progress', summary: 'How you have been feeling over time.' },
  { label: 'Journal', path: 'journal', summary: 'Private notes and reflections between sessions.' },
  { label: 'Practices', path: 'practices', summary: 'Exercises from your integration coach.' },
  { label: 'Messages', path: 'messages', summary: 'Messages with your care team. Not for emergencies.' },
  { label: 'Appointments', path: 'appointments', summary: 'Visits with your clinician and integration coach.' },
  { label: 'Medication', path: 'medication', summary: 'Refills and questions about your dose.' },
  { label: 'Support', path: 'support', summary: 'Your sitters and the people you want in your support circle.' },
  { label: 'Privacy and records', path: 'records', summary: 'Who saw your record, sharing with your other clinicians, and downloads.' },
  { label: 'Your account', path: 'account', summary: 'Your name and email, and the phone number the care team can call you on.' },
];
