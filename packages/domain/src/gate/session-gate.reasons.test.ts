// Each reason the gate gives, in full: code, message and detail, exactly as the patient reads it and the audit log
// stores it (docs/safety/<CODE>.md). The sibling session-gate.test.ts pins which codes a case gives; this file pins
// what each says. Every expected string and number is written out here by hand, from the default settings
// (packages/domain/src/settings/program-settings.ts: 72 h interval, 2 sessions per 7 days, 4 h fast, holds
// 160/100/110, freshness 30/30/60 min, 90 days without a visit, 450 mg sublingual).
import { describe, expect, it } from 'vitest';
import { defaultDosingSettings, type DosingSettings } from '../settings/program-settings.ts';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, toIso } from '../settings/time-units.ts';
import { samplePlanTerms } from '../plan/fixtures.ts';
import { evaluateGate, type GateInput, type GatePlan, type GateReason } from './session-gate.ts';
import { authorizedGateInput } from './fixtures.ts';

const now = new Date('2025-03-10T18:00:00.000Z');
const ago = (ms: number): string => toIso(now.getTime() - ms);
const later = (ms: number): string => toIso(now.getTime() + ms);
const base = (): GateInput => authorizedGateInput(now);
const withPlan = (i: GateInput, p: Partial<GatePlan>): GateInput => ({ ...i, activePlan: { ...(i.activePlan as GatePlan), ...p } });
const withSignature = (i: GateInput, s: Record<string, unknown>): GateInput =>
  withPlan(i, { signature: { ...(i.activePlan as GatePlan).signature!, ...s } });
const withSessions = (i: GateInput, ...agoMs: number[]): GateInput => ({
  ...i,
  previousDoseTimes: agoMs.map(ago),
  lastSessionAt: agoMs.length > 0 ? ago(Math.min(...agoMs)) : null,
});
const reasons = (input: unknown, settings: DosingSettings = defaultDosingSettings, at: Date = now): readonly GateReason[] => {
  const d = evaluateGate(input as GateInput, at, settings);
  return d.kind === 'blocked' ? d.reasons : [];
};

// The messages, verbatim.
const INTAKE = 'Your intake has not been approved by a clinician yet. Finish and submit your intake, then wait for your clinician’s decision.';
const CONSENT = 'You need to sign the current consent form before a session. Open the consent form and sign the latest version.';
const EDUCATION_UNREADABLE = 'We could not confirm your required lessons are finished. Open your lessons and check they are all complete.';
const NO_PLAN = 'You do not have an active treatment plan, so no dose can be given. Your clinician needs to set up and sign your plan.';
const NOT_SIGNED = 'Your treatment plan has not been signed by your prescriber in its current form. Ask your clinician to review and sign it.';
const NOT_PLAN_DOSE_300 = 'The dose asked for is not the dose in your plan (300 mg). Take only your plan’s dose; only your prescriber can change it.';
const NOT_PLAN_DOSE_UNKNOWN = 'The dose asked for is not the dose in your plan. Take only your plan’s dose; only your prescriber can change it.';
const INTERVAL_UNREADABLE = 'We could not check the time since your last session. Please contact your care team.';
const WEEKLY_UNREADABLE = 'We could not check how many sessions you have had this week. Please contact your care team.';
const NO_DOSES =
  'Your medication record shows no dose at home. Ask your care team about a refill; if you do have medication the record does not show, tell them so they can correct it.';
const NO_ATTESTATION = 'Your sitter has not confirmed they are with you. Ask your sitter to confirm in their own Keel account that they are with you and sober.';
const ATTESTATION_PROBLEMS = 'Your sitter has not confirmed they are with you and sober. Ask your sitter to confirm in their own Keel account.';
const SITTER_STALE = 'Your sitter confirmed more than 30 minutes ago. Ask your sitter to confirm again that they are with you and sober.';
const NOT_ASSIGNED =
  'The person who confirmed is not your assigned sitter. Ask your assigned sitter to confirm, or ask your care team to add this person as your sitter.';
const NO_VITALS = 'We need your blood pressure and heart rate before the session. Measure them now and enter them.';
const VITALS_UNUSABLE = 'Your blood pressure and heart rate reading could not be used. Measure them again and enter them carefully.';
const VITALS_STALE = 'Your blood pressure and heart rate were taken more than 30 minutes ago. Measure them again and enter them.';
const HOLD_ADVICE =
  'That is too high for a session right now. Sit quietly and rest, then measure again; if it is still high, do not dose today and contact your care team.';
const NO_CHECKLIST = 'Complete the pre-session safety checklist first.';
const CHECKLIST_UNREADABLE = 'Your checklist could not be read. Complete the pre-session safety checklist again.';
const CHECKLIST_STALE = 'Your checklist was completed more than 60 minutes ago. Complete it again.';
const ALERT =
  'Your care team has paused your sessions while they follow up with you. Your clinician will contact you. If you are in crisis, call or text 988; in an emergency call 911.';
const FOLLOW_UP = 'A follow-up visit with your clinician is due before your next session. Book or attend your follow-up visit.';
const VISIT_GAP =
  'It has been more than 90 days since your last session, so your clinician needs to see you first. Book a visit with your clinician.';
const INVALID =
  'Something needed for the safety check could not be read, so the session cannot be allowed. Try again; if it keeps happening, contact your care team.';

const invalid = (...problems: string[]): GateReason => ({ code: 'GATE_INPUT_INVALID', message: INVALID, detail: { problems } });

describe('evaluateGate: each reason in full', () => {
  const table: [string, (i: GateInput) => unknown, GateReason[]][] = [
    // Enrolment, consent, education
    ['intake submitted', (i) => ({ ...i, intakeStatus: 'submitted' }), [{ code: 'INTAKE_NOT_APPROVED', message: INTAKE, detail: { intakeStatus: 'submitted' } }]],
    ['intake status not text', (i) => ({ ...i, intakeStatus: 1 }), [{ code: 'INTAKE_NOT_APPROVED', message: INTAKE, detail: { intakeStatus: null } }]],
    [
      'consent on an older version',
      (i) => ({ ...i, consent: { signedVersion: '1', currentVersion: '2' } }),
      [{ code: 'CONSENT_NOT_CURRENT', message: CONSENT, detail: { signedVersion: '1', currentVersion: '2' } }],
    ],
    [
      'consent versions that are not text',
      (i) => ({ ...i, consent: { signedVersion: 2, currentVersion: 2 } }),
      [{ code: 'CONSENT_NOT_CURRENT', message: CONSENT, detail: { signedVersion: null, currentVersion: null } }],
    ],
    [
      'consent "signed" on an empty current version',
      (i) => ({ ...i, consent: { signedVersion: '', currentVersion: '' } }),
      [{ code: 'CONSENT_NOT_CURRENT', message: CONSENT, detail: { signedVersion: '', currentVersion: '' } }],
    ],
    [
      'consent versions that are the same list, not text',
      (i) => {
        const version = ['2'];
        return { ...i, consent: { signedVersion: version, currentVersion: version } };
      },
      [{ code: 'CONSENT_NOT_CURRENT', message: CONSENT, detail: { signedVersion: null, currentVersion: null } }],
    ],
    ['consent not an object', (i) => ({ ...i, consent: 'v2' }), [{ code: 'CONSENT_NOT_CURRENT', message: CONSENT, detail: { signedVersion: null, currentVersion: null } }]],
    [
      'one lesson missing',
      (i) => ({ ...i, education: { requiredSlugs: ['a', 'b'], completedSlugs: ['b'] } }),
      [{ code: 'EDUCATION_INCOMPLETE', message: 'Finish your required lessons first: a.', detail: { missingSlugs: ['a'] } }],
    ],
    [
      'two lessons missing',
      (i) => ({ ...i, education: { requiredSlugs: ['a', 'b'], completedSlugs: [] } }),
      [{ code: 'EDUCATION_INCOMPLETE', message: 'Finish your required lessons first: a and b.', detail: { missingSlugs: ['a', 'b'] } }],
    ],
    [
      'three lessons missing',
      (i) => ({ ...i, education: { requiredSlugs: ['a', 'b', 'c'], completedSlugs: ['x'] } }),
      [{ code: 'EDUCATION_INCOMPLETE', message: 'Finish your required lessons first: a, b and c.', detail: { missingSlugs: ['a', 'b', 'c'] } }],
    ],
    [
      'a lesson id that is not text is named as text',
      (i) => ({ ...i, education: { requiredSlugs: [7], completedSlugs: [] } }),
      [{ code: 'EDUCATION_INCOMPLETE', message: 'Finish your required lessons first: 7.', detail: { missingSlugs: ['7'] } }],
    ],
    ['education missing', (i) => ({ ...i, education: null }), [{ code: 'EDUCATION_INCOMPLETE', message: EDUCATION_UNREADABLE, detail: { problem: 'unreadable' } }]],
    [
      'required lessons missing, completed ones listed',
      (i) => ({ ...i, education: { completedSlugs: [] } }),
      [{ code: 'EDUCATION_INCOMPLETE', message: EDUCATION_UNREADABLE, detail: { problem: 'unreadable' } }],
    ],
    [
      'completed lessons missing, required ones listed',
      (i) => ({ ...i, education: { requiredSlugs: [] } }),
      [{ code: 'EDUCATION_INCOMPLETE', message: EDUCATION_UNREADABLE, detail: { problem: 'unreadable' } }],
    ],

    // Plan and dose
    ['no plan (a reason without detail)', (i) => ({ ...i, activePlan: null }), [{ code: 'NO_ACTIVE_PLAN', message: NO_PLAN }]],
    [
      'not signed',
      (i) => withPlan(i, { signature: null }),
      [{ code: 'PLAN_NOT_SIGNED', message: NOT_SIGNED, detail: { planId: 'plan-1', problem: 'not signed' } }],
    ],
    [
      'terms changed after signing',
      (i) => withPlan(i, { termsSha256: 'b'.repeat(64) }),
      [{ code: 'PLAN_NOT_SIGNED', message: NOT_SIGNED, detail: { planId: 'plan-1', problem: 'the plan changed after it was signed' } }],
    ],
    [
      'no hash on either side (empty equals empty is not a signature)',
      (i) => withSignature(withPlan(i, { termsSha256: '' }), { termsSha256: '' }),
      [{ code: 'PLAN_NOT_SIGNED', message: NOT_SIGNED, detail: { planId: 'plan-1', problem: 'the plan changed after it was signed' } }],
    ],
    [
      'signed by nobody',
      (i) => withSignature(i, { signedBy: '' }),
      [{ code: 'PLAN_NOT_SIGNED', message: NOT_SIGNED, detail: { planId: 'plan-1', problem: 'no signer' } }],
    ],
    [
      'signed in the future',
      (i) => withSignature(i, { signedAt: later(1) }),
      [{ code: 'PLAN_NOT_SIGNED', message: NOT_SIGNED, detail: { planId: 'plan-1', problem: 'signature time unreadable or in the future' } }],
    ],
    ['signed exactly now', (i) => withSignature(i, { signedAt: ago(0) }), []],
    [
      'another dose asked for',
      (i) => ({ ...i, requestedDoseMg: 350 }),
      [{ code: 'DOSE_NOT_PLAN_DOSE', message: NOT_PLAN_DOSE_300, detail: { requestedDoseMg: 350, planDoseMg: 300 } }],
    ],
    [
      'an infinite dose is unreadable, not above the maximum',
      (i) => ({ ...i, requestedDoseMg: Number.POSITIVE_INFINITY }),
      [{ code: 'DOSE_NOT_PLAN_DOSE', message: NOT_PLAN_DOSE_300, detail: { requestedDoseMg: null, planDoseMg: 300 } }],
    ],
    [
      'a dose given as text is unreadable',
      (i) => ({ ...i, requestedDoseMg: '500' }),
      [{ code: 'DOSE_NOT_PLAN_DOSE', message: NOT_PLAN_DOSE_300, detail: { requestedDoseMg: null, planDoseMg: 300 } }],
    ],
    [
      'a zero dose is unreadable',
      (i) => ({ ...i, requestedDoseMg: 0 }),
      [{ code: 'DOSE_NOT_PLAN_DOSE', message: NOT_PLAN_DOSE_300, detail: { requestedDoseMg: null, planDoseMg: 300 } }],
    ],
    [
      'a plan whose dose is not a number',
      (i) => withPlan(i, { terms: samplePlanTerms({ currentDoseMg: 'x' as unknown as number }) }),
      [
        { code: 'DOSE_NOT_PLAN_DOSE', message: NOT_PLAN_DOSE_UNKNOWN, detail: { requestedDoseMg: null, planDoseMg: null } },
        invalid('plan terms: currentDoseMg'),
      ],
    ],
    [
      'a plan dose above the plan maximum',
      (i) => withPlan(i, { terms: samplePlanTerms({ currentDoseMg: 460 }) }),
      [
        {
          code: 'DOSE_ABOVE_MAXIMUM',
          message: 'The dose (460 mg) is above the maximum allowed (450 mg). Do not take it; contact your clinician.',
          detail: { doseMg: 460, maximumDoseMg: 450 },
        },
      ],
    ],
    [
      'a plan with no readable goals',
      (i) => withPlan(i, { terms: samplePlanTerms({ goals: [] }) }),
      [invalid('plan terms: goals')],
    ],
    [
      'a plan with two unreadable terms',
      (i) => withPlan(i, { terms: samplePlanTerms({ goals: [], phase: 'x' as never }) }),
      [invalid('plan terms: phase, goals')],
    ],

    // Pacing
    [
      'last session 70 hours ago',
      (i) => withSessions(i, 70 * MS_PER_HOUR),
      [
        {
          code: 'MIN_INTERVAL_NOT_MET',
          message: 'Sessions must be at least 72 hours apart. Your next session can start from 2025-03-10T20:00:00.000Z.',
          detail: { lastDoseAt: '2025-03-07T20:00:00.000Z', minHoursBetweenSessions: 72, nextEligibleAt: '2025-03-10T20:00:00.000Z' },
        },
      ],
    ],
    [
      'two sessions in 7 days',
      (i) => withSessions(i, 6 * MS_PER_DAY, 3 * MS_PER_DAY),
      [
        {
          code: 'WEEKLY_MAXIMUM_REACHED',
          message: 'You have had 2 sessions in the last 7 days, the most allowed. Your next session can start from 2025-03-11T18:00:00.000Z.',
          detail: { sessionsInWindow: 2, maxSessions: 2, windowDays: 7, nextEligibleAt: '2025-03-11T18:00:00.000Z' },
        },
      ],
    ],
    [
      'an hour and two days ago: both, with one next time',
      (i) => withSessions(i, MS_PER_HOUR, 2 * MS_PER_DAY),
      [
        {
          code: 'MIN_INTERVAL_NOT_MET',
          message: 'Sessions must be at least 72 hours apart. Your next session can start from 2025-03-15T18:00:00.000Z.',
          detail: { lastDoseAt: '2025-03-10T17:00:00.000Z', minHoursBetweenSessions: 72, nextEligibleAt: '2025-03-15T18:00:00.000Z' },
        },
        {
          code: 'WEEKLY_MAXIMUM_REACHED',
          message: 'You have had 2 sessions in the last 7 days, the most allowed. Your next session can start from 2025-03-15T18:00:00.000Z.',
          detail: { sessionsInWindow: 2, maxSessions: 2, windowDays: 7, nextEligibleAt: '2025-03-15T18:00:00.000Z' },
        },
      ],
    ],
    [
      'an unreadable session time',
      (i) => ({ ...i, previousDoseTimes: [ago(4 * MS_PER_DAY), 'Tuesday'] }),
      [
        { code: 'MIN_INTERVAL_NOT_MET', message: INTERVAL_UNREADABLE, detail: { problem: 'session history unreadable' } },
        { code: 'WEEKLY_MAXIMUM_REACHED', message: WEEKLY_UNREADABLE, detail: { problem: 'session history unreadable' } },
      ],
    ],

    // Doses on hand
    ['none on hand', (i) => ({ ...i, ledger: { onHandUnits: 0, unitsPerDose: 1 } }), [{ code: 'NO_DOSES_ON_HAND', message: NO_DOSES, detail: { onHandUnits: 0, unitsPerDose: 1 } }]],
    ['on hand given as text', (i) => ({ ...i, ledger: { onHandUnits: '3', unitsPerDose: 1 } }), [{ code: 'NO_DOSES_ON_HAND', message: NO_DOSES, detail: { problem: 'ledger unreadable' } }]],
    ['units per dose given as text', (i) => ({ ...i, ledger: { onHandUnits: 3, unitsPerDose: '1' } }), [{ code: 'NO_DOSES_ON_HAND', message: NO_DOSES, detail: { problem: 'ledger unreadable' } }]],
    ['no ledger', (i) => ({ ...i, ledger: null }), [{ code: 'NO_DOSES_ON_HAND', message: NO_DOSES, detail: { problem: 'ledger unreadable' } }]],

    // Sitter
    ['no attestation', (i) => ({ ...i, sitterAttestation: null }), [{ code: 'SITTER_NOT_ATTESTED', message: NO_ATTESTATION, detail: { problem: 'no attestation' } }]],
    [
      'every attestation problem at once',
      (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, present: false, sober: false, attestedInOwnSession: false, attestedAt: later(MS_PER_MINUTE) } }),
      [
        {
          code: 'SITTER_NOT_ATTESTED',
          message: ATTESTATION_PROBLEMS,
          detail: { problems: ['not present', 'not sober', 'not made from the sitter’s own account', 'time in the future'] },
        },
      ],
    ],
    [
      'an unreadable attestation time',
      (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, attestedAt: 'now' } }),
      [{ code: 'SITTER_NOT_ATTESTED', message: ATTESTATION_PROBLEMS, detail: { problems: ['time unreadable'] } }],
    ],
    ['attested exactly now', (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, attestedAt: ago(0) } }), []],
    [
      'attested 31 minutes ago',
      (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, attestedAt: ago(31 * MS_PER_MINUTE) } }),
      [{ code: 'SITTER_ATTESTATION_STALE', message: SITTER_STALE, detail: { attestedAt: '2025-03-10T17:29:00.000Z', freshnessMinutes: 30 } }],
    ],
    [
      'attested by someone else',
      (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, sitterUserId: 'sitter-2' } }),
      [{ code: 'SITTER_NOT_ASSIGNED', message: NOT_ASSIGNED, detail: { sitterUserId: 'sitter-2' } }],
    ],
    [
      'attested by an empty id that is on the list',
      (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, sitterUserId: '', assignedSitterIds: [''] } }),
      [{ code: 'SITTER_NOT_ASSIGNED', message: NOT_ASSIGNED, detail: { sitterUserId: '' } }],
    ],
    [
      'attested by an id that is not text',
      (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, sitterUserId: 7, assignedSitterIds: [7] } }),
      [{ code: 'SITTER_NOT_ASSIGNED', message: NOT_ASSIGNED, detail: { sitterUserId: null } }],
    ],
    [
      'no list of assigned sitters',
      (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, assignedSitterIds: undefined } }),
      [{ code: 'SITTER_NOT_ASSIGNED', message: NOT_ASSIGNED, detail: { sitterUserId: 'sitter-1' } }],
    ],

    // Vitals
    ['no reading', (i) => ({ ...i, preDoseVitals: null }), [{ code: 'VITALS_MISSING', message: NO_VITALS, detail: { problem: 'no reading' } }]],
    [
      'a reading out of human range and from the future',
      (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 400, takenAt: later(MS_PER_MINUTE) } }),
      [{ code: 'VITALS_MISSING', message: VITALS_UNUSABLE, detail: { problems: ['systolicMmHg: OUTSIDE_HUMAN_RANGE', 'takenAt in the future'] } }],
    ],
    [
      'a reading with two bad values and no readable time',
      (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, heartRateBpm: 'fast', spo2Pct: 40, takenAt: '' } }),
      [
        {
          code: 'VITALS_MISSING',
          message: VITALS_UNUSABLE,
          detail: { problems: ['heartRateBpm: NOT_A_NUMBER', 'spo2Pct: OUTSIDE_HUMAN_RANGE', 'takenAt unreadable'] },
        },
      ],
    ],
    [
      'a reading 31 minutes old',
      (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, takenAt: ago(31 * MS_PER_MINUTE) } }),
      [{ code: 'VITALS_STALE', message: VITALS_STALE, detail: { takenAt: '2025-03-10T17:29:00.000Z', freshnessMinutes: 30 } }],
    ],
    [
      'systolic above the hold',
      (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 161 } }),
      [
        {
          code: 'VITALS_ABOVE_HOLD',
          message: `Your upper (systolic) blood pressure is 161 (limit 160 mmHg). ${HOLD_ADVICE}`,
          detail: { exceeded: [{ measure: 'systolicMmHg', value: 161, limit: 160 }] },
        },
      ],
    ],
    [
      'diastolic and heart rate above the hold',
      (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, diastolicMmHg: 101, heartRateBpm: 111 } }),
      [
        {
          code: 'VITALS_ABOVE_HOLD',
          message: `Your lower (diastolic) blood pressure is 101 (limit 100 mmHg) and heart rate is 111 (limit 110 beats per minute). ${HOLD_ADVICE}`,
          detail: {
            exceeded: [
              { measure: 'diastolicMmHg', value: 101, limit: 100 },
              { measure: 'heartRateBpm', value: 111, limit: 110 },
            ],
          },
        },
      ],
    ],
    [
      'all three above the hold',
      (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 170, diastolicMmHg: 105, heartRateBpm: 120 } }),
      [
        {
          code: 'VITALS_ABOVE_HOLD',
          message:
            `Your upper (systolic) blood pressure is 170 (limit 160 mmHg), lower (diastolic) blood pressure is 105 (limit 100 mmHg) ` +
            `and heart rate is 120 (limit 110 beats per minute). ${HOLD_ADVICE}`,
          detail: {
            exceeded: [
              { measure: 'systolicMmHg', value: 170, limit: 160 },
              { measure: 'diastolicMmHg', value: 105, limit: 100 },
              { measure: 'heartRateBpm', value: 120, limit: 110 },
            ],
          },
        },
      ],
    ],
    [
      'an impossible systolic is not "above the hold", a high diastolic still is',
      (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 400, diastolicMmHg: 105 } }),
      [
        { code: 'VITALS_MISSING', message: VITALS_UNUSABLE, detail: { problems: ['systolicMmHg: OUTSIDE_HUMAN_RANGE'] } },
        {
          code: 'VITALS_ABOVE_HOLD',
          message: `Your lower (diastolic) blood pressure is 105 (limit 100 mmHg). ${HOLD_ADVICE}`,
          detail: { exceeded: [{ measure: 'diastolicMmHg', value: 105, limit: 100 }] },
        },
      ],
    ],

    // Checklist
    ['no checklist', (i) => ({ ...i, checklist: null }), [{ code: 'CHECKLIST_MISSING', message: NO_CHECKLIST, detail: { problem: 'no checklist' } }]],
    [
      'a checklist from the future',
      (i) => ({ ...i, checklist: { ...i.checklist!, attestedAt: later(MS_PER_MINUTE) } }),
      [{ code: 'CHECKLIST_MISSING', message: CHECKLIST_UNREADABLE, detail: { problem: 'time in the future' } }],
    ],
    [
      'a checklist with no readable time',
      (i) => ({ ...i, checklist: { ...i.checklist!, attestedAt: null } }),
      [{ code: 'CHECKLIST_MISSING', message: CHECKLIST_UNREADABLE, detail: { problem: 'time unreadable' } }],
    ],
    [
      'a checklist 61 minutes old',
      (i) => ({ ...i, checklist: { ...i.checklist!, attestedAt: ago(61 * MS_PER_MINUTE) } }),
      [{ code: 'CHECKLIST_STALE', message: CHECKLIST_STALE, detail: { attestedAt: '2025-03-10T16:59:00.000Z', freshnessMinutes: 60 } }],
    ],
    [
      'one failed item',
      (i) => ({ ...i, checklist: { ...i.checklist!, cannabis24h: true } }),
      [
        {
          code: 'CHECKLIST_FAILED',
          message: 'It is not safe to dose right now: cannabis in the last 24 hours.',
          detail: { failedItems: ['cannabis24h'], requiredFastingHours: 4 },
        },
      ],
    ],
    [
      'a fast that is not a number',
      (i) => ({ ...i, checklist: { ...i.checklist!, fastedHours: Number.NaN } }),
      [
        {
          code: 'CHECKLIST_FAILED',
          message: 'It is not safe to dose right now: you need to have fasted for 4 hours.',
          detail: { failedItems: ['fastedHours'], requiredFastingHours: 4 },
        },
      ],
    ],
    [
      'every item failed',
      (i) => ({
        ...i,
        checklist: { ...i.checklist!, fastedHours: '6', alcohol24h: true, sedatives24h: null, cannabis24h: 'no', newMedication: true, safeSetting: 'yes' },
      }),
      [
        {
          code: 'CHECKLIST_FAILED',
          message:
            'It is not safe to dose right now: you need to have fasted for 4 hours, alcohol in the last 24 hours, ' +
            'sedatives or benzodiazepines in the last 24 hours, cannabis in the last 24 hours, ' +
            'a new medication (check it with your care team first) and ' +
            'a safe setting is needed (lying down, no bath, no driving until the next day after sleep).',
          detail: { failedItems: ['fastedHours', 'alcohol24h', 'sedatives24h', 'cannabis24h', 'newMedication', 'safeSetting'], requiredFastingHours: 4 },
        },
      ],
    ],

    // Alerts, follow-up, visit gap
    ['alerts unreadable', (i) => ({ ...i, openAlerts: 'none' }), [{ code: 'ALERT_HOLDS_DOSING', message: ALERT, detail: { problem: 'alerts unreadable' } }]],
    [
      'holding alerts named by id, unreadable ones as null',
      (i) => ({
        ...i,
        openAlerts: [
          { id: 'al-1', holdsDosing: true, severity: 'high' },
          { id: 'al-2', holdsDosing: false, severity: 'low' },
          { id: 3, severity: 'high' },
          null,
        ],
      }),
      [{ code: 'ALERT_HOLDS_DOSING', message: ALERT, detail: { alertIds: ['al-1', null, null] } }],
    ],
    [
      'a follow-up due an hour ago',
      (i) => ({ ...i, followUpDue: { dueAt: ago(MS_PER_HOUR) } }),
      [{ code: 'FOLLOW_UP_DUE', message: FOLLOW_UP, detail: { dueAt: '2025-03-10T17:00:00.000Z' } }],
    ],
    ['a follow-up with a due time that is not text', (i) => ({ ...i, followUpDue: { dueAt: 5 } }), [{ code: 'FOLLOW_UP_DUE', message: FOLLOW_UP, detail: { dueAt: null } }]],
    ['a follow-up that is not an object', (i) => ({ ...i, followUpDue: 'tomorrow' }), [{ code: 'FOLLOW_UP_DUE', message: FOLLOW_UP, detail: { dueAt: null } }]],
    [
      '91 days since the last session, visit before it',
      (i) => ({ ...withSessions(i, 91 * MS_PER_DAY), lastClinicianVisitAt: ago(100 * MS_PER_DAY) }),
      [
        {
          code: 'VISIT_GAP_EXCEEDED',
          message: VISIT_GAP,
          detail: { lastSessionAt: '2024-12-09T18:00:00.000Z', lastClinicianVisitAt: '2024-11-30T18:00:00.000Z', maxDaysWithoutClinicianVisit: 90 },
        },
      ],
    ],
    [
      '91 days since the last session, never a visit',
      (i) => ({ ...withSessions(i, 91 * MS_PER_DAY), lastClinicianVisitAt: null }),
      [
        {
          code: 'VISIT_GAP_EXCEEDED',
          message: VISIT_GAP,
          detail: { lastSessionAt: '2024-12-09T18:00:00.000Z', lastClinicianVisitAt: null, maxDaysWithoutClinicianVisit: 90 },
        },
      ],
    ],
    [
      '91 days since the last session, a visit that claims to be tomorrow',
      (i) => ({ ...withSessions(i, 91 * MS_PER_DAY), lastClinicianVisitAt: later(MS_PER_DAY) }),
      [
        {
          code: 'VISIT_GAP_EXCEEDED',
          message: VISIT_GAP,
          detail: { lastSessionAt: '2024-12-09T18:00:00.000Z', lastClinicianVisitAt: '2025-03-11T18:00:00.000Z', maxDaysWithoutClinicianVisit: 90 },
        },
      ],
    ],
    ['91 days since the last session, a visit exactly now', (i) => ({ ...withSessions(i, 91 * MS_PER_DAY), lastClinicianVisitAt: ago(0) }), []],
    [
      'last session time missing (undefined)',
      (i) => ({ ...i, lastSessionAt: undefined }),
      [{ code: 'VISIT_GAP_EXCEEDED', message: VISIT_GAP, detail: { problem: 'visit or session history unreadable' } }],
    ],
    [
      'last session time unreadable',
      (i) => ({ ...i, lastSessionAt: 'last week' }),
      [{ code: 'VISIT_GAP_EXCEEDED', message: VISIT_GAP, detail: { problem: 'last session time unreadable' } }],
    ],
    [
      'never dosed, an open authorization 91 days old, never a visit',
      (i) => ({ ...i, previousDoseTimes: [ago(91 * MS_PER_DAY)], lastSessionAt: null, lastClinicianVisitAt: null }),
      [
        {
          code: 'VISIT_GAP_EXCEEDED',
          message: VISIT_GAP,
          detail: { lastSessionAt: '2024-12-09T18:00:00.000Z', lastClinicianVisitAt: null, maxDaysWithoutClinicianVisit: 90 },
        },
      ],
    ],
    [
      'never dosed, open authorizations 100 and 10 days old: the latest counts',
      (i) => ({ ...i, previousDoseTimes: [ago(100 * MS_PER_DAY), ago(10 * MS_PER_DAY)], lastSessionAt: null, lastClinicianVisitAt: null }),
      [],
    ],
    [
      'never dosed, only an unreadable time: no gap can be dated from it',
      (i) => ({ ...i, previousDoseTimes: ['soon'], lastSessionAt: null, lastClinicianVisitAt: null }),
      [
        { code: 'MIN_INTERVAL_NOT_MET', message: INTERVAL_UNREADABLE, detail: { problem: 'session history unreadable' } },
        { code: 'WEEKLY_MAXIMUM_REACHED', message: WEEKLY_UNREADABLE, detail: { problem: 'session history unreadable' } },
      ],
    ],
    [
      'never dosed, an unreadable time beside an old one: the readable one still counts for the gap',
      (i) => ({ ...i, previousDoseTimes: ['soon', ago(91 * MS_PER_DAY)], lastSessionAt: null, lastClinicianVisitAt: null }),
      [
        { code: 'MIN_INTERVAL_NOT_MET', message: INTERVAL_UNREADABLE, detail: { problem: 'session history unreadable' } },
        { code: 'WEEKLY_MAXIMUM_REACHED', message: WEEKLY_UNREADABLE, detail: { problem: 'session history unreadable' } },
        {
          code: 'VISIT_GAP_EXCEEDED',
          message: VISIT_GAP,
          detail: { lastSessionAt: '2024-12-09T18:00:00.000Z', lastClinicianVisitAt: null, maxDaysWithoutClinicianVisit: 90 },
        },
      ],
    ],
  ];
  it.each(table)('%s', (_name, mutate, expected) => {
    expect(reasons(mutate(base()))).toStrictEqual(expected);
  });
});

describe('evaluateGate: what cannot be read, in full', () => {
  it('an invalid clock blocks every time-based condition and says why', () => {
    const input = { ...base(), followUpDue: { dueAt: later(MS_PER_DAY) } };
    expect(reasons(input, defaultDosingSettings, new Date(Number.NaN))).toStrictEqual([
      { code: 'PLAN_NOT_SIGNED', message: NOT_SIGNED, detail: { planId: 'plan-1', problem: 'signature time unreadable or in the future' } },
      { code: 'MIN_INTERVAL_NOT_MET', message: INTERVAL_UNREADABLE, detail: { problem: 'session history unreadable' } },
      { code: 'WEEKLY_MAXIMUM_REACHED', message: WEEKLY_UNREADABLE, detail: { problem: 'session history unreadable' } },
      { code: 'SITTER_NOT_ATTESTED', message: ATTESTATION_PROBLEMS, detail: { problems: ['time unreadable'] } },
      { code: 'VITALS_MISSING', message: VITALS_UNUSABLE, detail: { problems: ['takenAt unreadable'] } },
      { code: 'CHECKLIST_MISSING', message: CHECKLIST_UNREADABLE, detail: { problem: 'time unreadable' } },
      { code: 'FOLLOW_UP_DUE', message: FOLLOW_UP, detail: { dueAt: '2025-03-11T18:00:00.000Z' } },
      { code: 'VISIT_GAP_EXCEEDED', message: VISIT_GAP, detail: { problem: 'visit or session history unreadable' } },
      // Prescribing compliance cannot be judged without a clock either: each of its conditions is reported unmet.
      { code: 'PRESCRIBING_PATHWAY_MISSING', message: 'The prescribing pathway could not be checked. Contact the care team.', detail: { problem: 'input or settings unreadable' } },
      { code: 'PRESCRIBER_LICENCE_MISSING', message: 'The prescriber’s licence could not be checked.', detail: { problem: 'input or settings unreadable' } },
      { code: 'PRESCRIBER_DEA_MISSING', message: 'The prescriber’s DEA registration could not be checked.', detail: { problem: 'input or settings unreadable' } },
      { code: 'PDMP_CHECK_MISSING', message: 'The PDMP checks could not be read.', detail: { problem: 'input or settings unreadable' } },
      invalid('now is not a valid time'),
    ]);
  });

  it('invalid settings are named field by field', () => {
    const settings = { ...defaultDosingSettings, minHoursBetweenSessions: -1, rollingWindowDays: 0 };
    expect(reasons(base(), settings)).toStrictEqual([invalid('settings: minHoursBetweenSessions, rollingWindowDays')]);
  });

  it('settings that cannot even be validated block without running any check', () => {
    const settings = Object.defineProperty({ ...defaultDosingSettings }, 'minHoursBetweenSessions', {
      get(): never {
        throw new Error('unreadable');
      },
    });
    expect(reasons(base(), settings)).toStrictEqual([invalid('settings: settings', 'limits could not be computed')]);
  });

  it.each([null, 42, 'input'])('input %j is not an object', (junk) => {
    expect(reasons(junk)).toStrictEqual([invalid('input is not an object')]);
  });

  // A field whose getter throws stands for a record the server could not load; each check that fails this way is
  // named, and nothing else is reported for it.
  const throwing = <T extends object>(o: T, field: string): T =>
    Object.defineProperty({ ...o }, field, {
      get(): never {
        throw new Error(`cannot read ${field}`);
      },
    });
  const table: [string, () => unknown, string][] = [
    ['intakeStatus', () => throwing(base(), 'intakeStatus'), 'enrolment check failed'],
    ['consent', () => throwing(base(), 'consent'), 'consent check failed'],
    ['education', () => throwing(base(), 'education'), 'education check failed'],
    ['the plan signature', () => ({ ...base(), activePlan: throwing(base().activePlan!, 'signature') }), 'plan check failed'],
    ['previousDoseTimes', () => throwing(base(), 'previousDoseTimes'), 'pacing check failed'],
    ['ledger', () => throwing(base(), 'ledger'), 'ledger check failed'],
    ['sitterAttestation', () => throwing(base(), 'sitterAttestation'), 'sitter check failed'],
    ['preDoseVitals', () => throwing(base(), 'preDoseVitals'), 'vitals check failed'],
    ['checklist', () => throwing(base(), 'checklist'), 'checklist check failed'],
    ['openAlerts', () => throwing(base(), 'openAlerts'), 'alerts check failed'],
    ['followUpDue', () => throwing(base(), 'followUpDue'), 'followUp check failed'],
    ['lastSessionAt', () => throwing(base(), 'lastSessionAt'), 'visitGap check failed'],
    ['prescribing', () => throwing(base(), 'prescribing'), 'prescribing check failed'],
    ['activePlan', () => throwing(base(), 'activePlan'), 'limits could not be computed'],
  ];
  it.each(table)('a %s that cannot be read', (_name, build, problem) => {
    expect(reasons(build())).toStrictEqual([invalid(problem)]);
  });
});

describe('evaluateGate: the authorized decision in full', () => {
  it('carries the plan, its version, the check time and every limit applied', () => {
    const input = withPlan(base(), { version: 3, terms: samplePlanTerms({ minHoursBetweenSessions: 96, fastingHours: 6 }) });
    expect(evaluateGate(input, now, defaultDosingSettings)).toStrictEqual({
      kind: 'authorized',
      doseMg: 300,
      checkedAt: '2025-03-10T18:00:00.000Z',
      planId: 'plan-1',
      planVersion: 3,
      limits: {
        maximumDoseMg: 450,
        minHoursBetweenSessions: 96,
        maxSessionsPer7Days: 2,
        rollingWindowDays: 7,
        fastingHours: 6,
        vitalsHold: { systolicMmHg: 160, diastolicMmHg: 100, heartRateBpm: 110 },
        followUp: { afterFirstSession: true, everySessions: 6 },
      },
      reasons: [],
    });
  });
});

// The epoch is an instant like any other: a missing time must never be read as 1970-01-01 (null compares as 0 in
// JavaScript), so the decisions hold on a clock before it too.
describe('evaluateGate: a clock before 1970', () => {
  const early = new Date('1969-06-01T12:00:00.000Z');
  const earlyBase = (): GateInput => authorizedGateInput(early);
  it('authorizes a first session (no history is not a session at the epoch)', () => {
    const d = evaluateGate({ ...earlyBase(), previousDoseTimes: [], lastSessionAt: null, lastClinicianVisitAt: null }, early, defaultDosingSettings);
    expect(d.kind).toBe('authorized');
  });
  it('blocks on a follow-up whose due time cannot be read (not "due at the epoch", after now)', () => {
    expect(reasons({ ...earlyBase(), followUpDue: { dueAt: 'soon' } }, defaultDosingSettings, early)).toStrictEqual([
      { code: 'FOLLOW_UP_DUE', message: FOLLOW_UP, detail: { dueAt: 'soon' } },
    ]);
  });
  it('a last session before 1970 and no visit since: the gap is exceeded (no visit is not a visit at the epoch)', () => {
    const at = new Date('1970-03-15T00:00:00.000Z');
    const input = { ...authorizedGateInput(at), previousDoseTimes: ['1969-12-01T00:00:00.000Z'], lastSessionAt: '1969-12-01T00:00:00.000Z', lastClinicianVisitAt: null };
    expect(reasons(input, defaultDosingSettings, at)).toStrictEqual([
      {
        code: 'VISIT_GAP_EXCEEDED',
        message: VISIT_GAP,
        detail: { lastSessionAt: '1969-12-01T00:00:00.000Z', lastClinicianVisitAt: null, maxDaysWithoutClinicianVisit: 90 },
      },
    ]);
  });
});
