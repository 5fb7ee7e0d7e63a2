import type { RoleSection } from '../../components/role-section.ts';

export const clinicianSections: readonly RoleSection[] = [
  { label: 'Panel', path: '', summary: 'Your patients at a glance: status, risk, open alerts and next sessions.' },
  { label: 'Live board', path: 'board', summary: 'Sessions under way for the patients you cover now, most urgent first, with who is on call; it updates by itself.' },
  { label: 'Alerts', path: 'alerts', summary: 'Warning signs raised by check-ins, sessions and questionnaires, most severe first.' },
  { label: 'Messages', path: 'messages', summary: 'Patient messages: urgent and overdue first; assign, read and reply.' },
  { label: 'Review queue', path: 'review-queue', summary: 'Submitted intakes waiting for your eligibility decision, oldest first.' },
  { label: 'Patients', path: 'patients', summary: 'Look up a patient’s record, plan, sessions and outcomes.' },
  { label: 'Outcomes', path: 'outcomes', summary: 'How your patients are doing as a group: severity over time, safety, dependence watch and engagement.' },
  { label: 'Telemedicine lapse', path: 'telemedicine-lapse', summary: 'Patients whose prescribing pathway lapses when the telemedicine flexibility ends, with the days left.' },
  { label: 'Settings to sign', path: 'settings-changes', summary: 'Proposed changes that loosen a clinical limit, waiting for a prescriber’s signature.' },
  { label: 'Your account', path: 'account', summary: 'Your name and email, and the phone number the care team can call you on.' },
];
