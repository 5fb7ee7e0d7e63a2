import type { RoleSection } from '../../components/role-section.ts';

export const sitterSections: readonly RoleSection[] = [
  {
    label: "Today's session",
    path: '',
    summary: 'The session you are sitting for: confirm you are present and sober, record vital signs, and get help fast.',
  },
  { label: 'Your account', path: 'account', summary: 'Your name and email, and the phone number the care team can call you on.' },
];
