/**
 * Crisis resources shown on every page. One module, so the numbers are checked and changed in one place.
 * Sources: 988lifeline.org (call/text/chat 988; Veterans press 1), crisistextline.org (text HOME to 741741).
 */

export const emergencyMessage = 'If you are in danger or might act on thoughts of harming yourself, call 911 now.';

export const emergency = { label: 'Call 911', href: 'tel:911' } as const;

export interface CrisisAction {
  label: string;
  href: string;
}

export interface CrisisResource {
  id: string;
  name: string;
  description: string;
  actions: readonly CrisisAction[];
}

export const crisisResources: readonly CrisisResource[] = [
  {
    id: '988',
    name: '988 Suicide & Crisis Lifeline',
    description: 'Free and confidential, 24 hours a day. Call or text 988, or chat online.',
    actions: [
      { label: 'Call 988', href: 'tel:988' },
      { label: 'Text 988', href: 'sms:988' },
      { label: 'Chat at 988lifeline.org', href: 'https://988lifeline.org/chat/' },
    ],
  },
  {
    id: 'veterans',
    name: 'Veterans Crisis Line',
    description: 'Veterans and their families: dial 988, then press 1.',
    actions: [{ label: 'Call 988, then press 1', href: 'tel:988' }],
  },
  {
    id: 'crisis-text-line',
    name: 'Crisis Text Line',
    description: 'Text HOME to 741741 to reach a trained crisis counselor.',
    actions: [{ label: 'Text HOME to 741741', href: 'sms:741741?&body=HOME' }],
  },
];
