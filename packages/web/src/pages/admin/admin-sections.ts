import type { RoleSection } from '../../components/role-section.ts';

export const adminSections: readonly RoleSection[] = [
  { label: 'Accounts', path: '', summary: 'Invite staff and sitters, and manage who can sign in.' },
  { label: 'Care teams', path: 'care-teams', summary: 'Assign clinicians and coaches to patients.' },
  { label: 'On-call rota', path: 'on-call', summary: 'Who is on call for urgent alerts over the next two weeks, with any gaps in the cover.' },
  { label: 'Credentials', path: 'credentials', summary: 'Clinicians’ state licences and DEA registrations, with the documents and what expires soon.' },
  { label: 'Telemedicine lapse', path: 'telemedicine-lapse', summary: 'Patients whose prescribing pathway lapses when the telemedicine flexibility ends.' },
  { label: 'Outcomes', path: 'outcomes', summary: 'Program outcomes: severity over time, safety, dependence watch and engagement, with exports.' },
  { label: 'Settings', path: 'settings', summary: 'Program settings, including clinical limits and timeouts.' },
  { label: 'Audit log', path: 'audit-log', summary: 'Who did what, and when, across the program.' },
  { label: 'Your account', path: 'account', summary: 'Your name and email, and the phone number the care team can call you on.' },
];
