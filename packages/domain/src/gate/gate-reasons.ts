// The closed set of reasons the session gate can block for (docs/clinical-basis.md §4). Each code is documented in
// docs/safety/<CODE>.md. The order here is the order reasons are reported in: it follows the clinical basis's list, so a
// patient reads them roughly from "set up once" to "right now".

export const GATE_REASON_CODES = [
  'INTAKE_NOT_APPROVED',
  'CONSENT_NOT_CURRENT',
  'EDUCATION_INCOMPLETE',
  'NO_ACTIVE_PLAN',
  'PLAN_NOT_SIGNED',
  'DOSE_NOT_PLAN_DOSE',
  'DOSE_ABOVE_MAXIMUM',
  'MIN_INTERVAL_NOT_MET',
  'WEEKLY_MAXIMUM_REACHED',
  'NO_DOSES_ON_HAND',
  'SITTER_NOT_ATTESTED',
  'SITTER_ATTESTATION_STALE',
  'SITTER_NOT_ASSIGNED',
  'VITALS_MISSING',
  'VITALS_STALE',
  'VITALS_ABOVE_HOLD',
  'CHECKLIST_MISSING',
  'CHECKLIST_STALE',
  'CHECKLIST_FAILED',
  'ALERT_HOLDS_DOSING',
  'FOLLOW_UP_DUE',
  'VISIT_GAP_EXCEEDED',
  // Prescribing compliance (compliance/prescribing-compliance.ts, docs/compliance.md).
  'PRESCRIBING_PATHWAY_MISSING',
  'TELEMEDICINE_FLEXIBILITY_ENDED',
  'PRESCRIBER_LICENCE_MISSING',
  'PRESCRIBER_DEA_MISSING',
  'PDMP_CHECK_MISSING',
  'GATE_INPUT_INVALID',
  // Only at start: the authorization itself lapsed before the dose was taken.
  'AUTHORIZATION_EXPIRED',
] as const;

export type GateReasonCode = (typeof GATE_REASON_CODES)[number];

/** Reasons only the start check gives (session/session-lifecycle.ts `evaluateStart`), never `evaluateGate` alone. */
export const START_ONLY_REASON_CODES: readonly GateReasonCode[] = ['AUTHORIZATION_EXPIRED'];

export interface GateReasonHelp {
  /** A short heading for the UI. */
  readonly title: string;
  /** Why the session cannot go ahead, in plain words. */
  readonly explanation: string;
  /** What the patient (or their sitter) can do about it. */
  readonly whatToDo: string;
}

// Written for the patient, who reads them alone at home just before a dose. The numbers in the live messages come
// from the settings in force; this static help speaks in general terms so it stays true when a clinic changes them.
export const gateReasonHelp: Readonly<Record<GateReasonCode, GateReasonHelp>> = Object.freeze({
  INTAKE_NOT_APPROVED: {
    title: 'Intake not approved yet',
    explanation: 'A clinician has to review and approve your intake before any session.',
    whatToDo: 'Finish and submit your intake, then wait for your clinician’s decision.',
  },
  CONSENT_NOT_CURRENT: {
    title: 'Consent needs signing',
    explanation: 'The consent form has a newer version than the one you signed, or you have not signed it yet.',
    whatToDo: 'Open the consent form, read it, and sign the current version.',
  },
  EDUCATION_INCOMPLETE: {
    title: 'Lessons to finish',
    explanation: 'Some required lessons about at-home sessions are not finished yet.',
    whatToDo: 'Finish the lessons listed, then try again.',
  },
  NO_ACTIVE_PLAN: {
    title: 'No treatment plan',
    explanation: 'You do not have an active treatment plan, so no dose can be given.',
    whatToDo: 'Your clinician needs to set up and sign your plan. Contact your care team.',
  },
  PLAN_NOT_SIGNED: {
    title: 'Plan not signed',
    explanation: 'Your treatment plan has not been signed by your prescriber in its current form.',
    whatToDo: 'Ask your clinician to review and sign your plan.',
  },
  DOSE_NOT_PLAN_DOSE: {
    title: 'Dose is not your plan’s dose',
    explanation: 'The dose asked for is not the dose in your treatment plan. Only your prescriber can change it.',
    whatToDo: 'Take only the dose in your plan. If you think it should change, talk to your clinician.',
  },
  DOSE_ABOVE_MAXIMUM: {
    title: 'Dose above the maximum',
    explanation: 'The dose is above the highest dose your plan or the program allows.',
    whatToDo: 'Do not take this dose. Contact your clinician; only your prescriber can change your dose.',
  },
  MIN_INTERVAL_NOT_MET: {
    title: 'Too soon since your last session',
    explanation: 'Sessions need a minimum time between them so your body can recover.',
    whatToDo: 'Wait until the time shown, then start your session.',
  },
  WEEKLY_MAXIMUM_REACHED: {
    title: 'Weekly limit reached',
    explanation: 'You have had the most sessions allowed in a rolling 7 days.',
    whatToDo: 'Wait until the time shown, then start your session.',
  },
  NO_DOSES_ON_HAND: {
    title: 'No dose on record',
    explanation: 'Your medication record shows no dose at home.',
    whatToDo:
      'Ask your care team about a refill. If you do have medication that the record does not show, tell them so they can correct the record.',
  },
  SITTER_NOT_ATTESTED: {
    title: 'Sitter has not confirmed',
    explanation: 'Your sitter must confirm, from their own account, that they are with you and sober.',
    whatToDo: 'Ask your sitter to confirm in their own Keel account that they are with you and sober.',
  },
  SITTER_ATTESTATION_STALE: {
    title: 'Sitter confirmation too old',
    explanation: 'Your sitter’s confirmation has expired; it must be recent when the session starts.',
    whatToDo: 'Ask your sitter to confirm again that they are with you and sober.',
  },
  SITTER_NOT_ASSIGNED: {
    title: 'Not your assigned sitter',
    explanation: 'The person who confirmed is not a sitter assigned to you.',
    whatToDo: 'Ask your assigned sitter to confirm, or ask your care team to add this person as your sitter.',
  },
  VITALS_MISSING: {
    title: 'Blood pressure and heart rate needed',
    explanation: 'We need a readable blood pressure and heart rate taken just before the session.',
    whatToDo: 'Measure your blood pressure and heart rate now and enter them. Check the numbers as you type them.',
  },
  VITALS_STALE: {
    title: 'Readings too old',
    explanation: 'Your blood pressure and heart rate must be recent when the session starts.',
    whatToDo: 'Measure your blood pressure and heart rate again and enter them.',
  },
  VITALS_ABOVE_HOLD: {
    title: 'Blood pressure or heart rate too high',
    explanation: 'A reading is above the safe limit for a session: ketamine raises blood pressure and heart rate.',
    whatToDo:
      'Sit quietly and rest, then measure again. If it is still high, do not dose today and contact your care team. If you have chest pain, a severe headache or trouble breathing, call 911.',
  },
  CHECKLIST_MISSING: {
    title: 'Checklist needed',
    explanation: 'The pre-session safety checklist has not been completed.',
    whatToDo: 'Complete the pre-session checklist.',
  },
  CHECKLIST_STALE: {
    title: 'Checklist too old',
    explanation: 'Your checklist must be recent when the session starts.',
    whatToDo: 'Complete the pre-session checklist again.',
  },
  CHECKLIST_FAILED: {
    title: 'Not safe to dose today',
    explanation:
      'Something on your checklist makes a session unsafe right now: not fasted long enough, alcohol, sedatives or cannabis in the last 24 hours, a new medication, or not in a safe setting.',
    whatToDo:
      'Wait until the item no longer applies (for example, until you have fasted long enough), or talk to your care team about a new medication.',
  },
  ALERT_HOLDS_DOSING: {
    title: 'Sessions paused by your care team',
    explanation: 'Your care team has paused sessions while they follow up on something that was reported.',
    whatToDo:
      'Your clinician will contact you. If you are in crisis, call or text 988 (Suicide & Crisis Lifeline); in an emergency call 911.',
  },
  FOLLOW_UP_DUE: {
    title: 'Follow-up visit due',
    explanation: 'A follow-up visit with your clinician is due before your next session.',
    whatToDo: 'Book or attend your follow-up visit.',
  },
  VISIT_GAP_EXCEEDED: {
    title: 'Visit needed after a long break',
    explanation: 'It has been a long time since your last session, so your clinician needs to see you before the next one.',
    whatToDo: 'Book a visit with your clinician.',
  },
  PRESCRIBING_PATHWAY_MISSING: {
    title: 'Prescribing record needed',
    explanation: 'The law sets how a controlled medicine may be prescribed to you (for example after an in-person evaluation). Your prescriber has not recorded how that applies to you.',
    whatToDo: 'Contact your care team: your prescriber needs to record it before your next session.',
  },
  TELEMEDICINE_FLEXIBILITY_ENDED: {
    title: 'An in-person evaluation is needed',
    explanation: 'You were prescribed under temporary telemedicine rules that have now ended. The law now needs an in-person medical evaluation (or a special registration your prescriber holds) first.',
    whatToDo: 'Contact your care team to arrange an in-person evaluation with your prescriber.',
  },
  PRESCRIBER_LICENCE_MISSING: {
    title: 'Prescriber’s licence not on record',
    explanation: 'Your prescriber’s licence for your state is not on record or has expired, so they cannot prescribe for you right now.',
    whatToDo: 'Contact your care team; they will sort this out. This is not something you did wrong.',
  },
  PRESCRIBER_DEA_MISSING: {
    title: 'Prescriber’s registration not on record',
    explanation: 'Your prescriber’s DEA registration for your state is not on record, has expired, or does not cover this medicine.',
    whatToDo: 'Contact your care team; they will sort this out. This is not something you did wrong.',
  },
  PDMP_CHECK_MISSING: {
    title: 'A routine prescription check is due',
    explanation: 'Your prescriber checks the state prescription monitoring program regularly while you are in treatment, and that check is due.',
    whatToDo: 'Contact your care team: your clinician needs to make the check before your next session.',
  },
  AUTHORIZATION_EXPIRED: {
    title: 'The go-ahead expired',
    explanation: 'A go-ahead is only good for a short time, because the checks it was based on (your sitter, your readings) have to be recent when you take the dose.',
    whatToDo: 'Start a new session: your sitter confirms again, you take your readings and do the checklist, then ask for the go-ahead again.',
  },
  GATE_INPUT_INVALID: {
    title: 'Safety check could not finish',
    explanation: 'Something needed for the safety check could not be read, so the session cannot be allowed.',
    whatToDo: 'Try again in a moment. If it keeps happening, contact your care team.',
  },
});
