// Crisis resources and the escalation owed at each C-SSRS level (docs/clinical-basis.md §7). Data, so every screen
// that reports a positive screen, and the patient's home page while a safety alert is open, shows the same list.

export interface CrisisResource {
  readonly id: string;
  readonly name: string;
  /** What the person does, in words a person in distress can follow. */
  readonly instruction: string;
  readonly contact: { readonly kind: 'call' | 'text' | 'chat'; readonly value: string; readonly href: string };
}

export const crisisResources: readonly CrisisResource[] = [
  {
    id: 'lifeline-988-call',
    name: '988 Suicide & Crisis Lifeline',
    instruction: 'Call 988',
    contact: { kind: 'call', value: '988', href: 'tel:988' },
  },
  {
    id: 'lifeline-988-text',
    name: '988 Suicide & Crisis Lifeline',
    instruction: 'Text 988',
    contact: { kind: 'text', value: '988', href: 'sms:988' },
  },
  {
    id: 'lifeline-988-chat',
    name: '988 Suicide & Crisis Lifeline',
    instruction: 'Chat at 988lifeline.org',
    contact: { kind: 'chat', value: '988lifeline.org', href: 'https://988lifeline.org' },
  },
  {
    id: 'veterans-crisis-line',
    name: 'Veterans Crisis Line',
    instruction: 'Call 988, then press 1',
    contact: { kind: 'call', value: '988, press 1', href: 'tel:988' },
  },
  {
    id: 'crisis-text-line',
    name: 'Crisis Text Line',
    instruction: 'Text HOME to 741741',
    contact: { kind: 'text', value: '741741', href: 'sms:741741?body=HOME' },
  },
  {
    id: 'emergency-911',
    name: 'Emergency services',
    instruction: 'Call 911 if you are in immediate danger',
    contact: { kind: 'call', value: '911', href: 'tel:911' },
  },
];

/** The message shown to the patient with an alert about suicide risk. */
export const crisisMessage =
  'If you are thinking about harming yourself or are in danger, please reach out now. ' +
  'Call or text 988 (Suicide & Crisis Lifeline), chat at 988lifeline.org, or text HOME to 741741. ' +
  'Veterans: call 988 and press 1. In an emergency, call 911. Your care team has been notified.';

export type ClinicianContact = 'within_a_week' | 'same_day' | 'immediate';

export interface CssrsEscalation {
  readonly clinicianContact: ClinicianContact;
  readonly dosingHeld: boolean;
  readonly actions: readonly string[];
}

/** docs/clinical-basis.md §7 escalation by C-SSRS level. The alert's hold comes from settings; this is the guidance shown with it. */
export const cssrsEscalation: Readonly<Record<'low' | 'moderate' | 'high', CssrsEscalation>> = {
  low: {
    clinicianContact: 'within_a_week',
    dosingHeld: false,
    actions: ['Give the crisis numbers', 'Review or make a safety plan', 'Clinician follow-up within a week'],
  },
  moderate: {
    clinicianContact: 'same_day',
    dosingHeld: true,
    actions: ['Clinician contact the same day', 'Review or make a safety plan', 'Hold dosing until a clinician clears it'],
  },
  high: {
    clinicianContact: 'immediate',
    dosingHeld: true,
    actions: [
      'Immediate clinician contact',
      'Do not leave the patient alone',
      'Arrange emergency evaluation',
      'Hold dosing until a clinician clears it',
    ],
  },
};
