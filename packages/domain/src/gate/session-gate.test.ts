import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultDosingSettings, type DosingSettings } from '../settings/program-settings.ts';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, toIso } from '../settings/time-units.ts';
import { samplePlanTerms } from '../plan/fixtures.ts';
import { evaluateGate, type GateInput, type GatePlan } from './session-gate.ts';
import { GATE_REASON_CODES, gateReasonHelp, type GateReasonCode } from './gate-reasons.ts';
import { authorizedGateInput } from './fixtures.ts';
import { validateVitalsReading } from './vitals-reading.ts';

const now = new Date('2025-03-10T18:00:00.000Z');
const ago = (ms: number): string => toIso(now.getTime() - ms);
const base = (): GateInput => authorizedGateInput(now);
const codes = (input: GateInput, settings: DosingSettings = defaultDosingSettings, at: Date = now): GateReasonCode[] => {
  const d = evaluateGate(input, at, settings);
  return d.kind === 'blocked' ? d.reasons.map((r) => r.code) : [];
};
const withPlan = (i: GateInput, p: Partial<GatePlan>): GateInput => ({ ...i, activePlan: { ...(i.activePlan as GatePlan), ...p } });
const withSessions = (i: GateInput, ...agoMs: number[]): GateInput => ({
  ...i,
  previousDoseTimes: agoMs.map(ago),
  lastSessionAt: agoMs.length > 0 ? ago(Math.min(...agoMs)) : null,
});

describe('evaluateGate: the authorized baseline', () => {
  it('authorizes the fixture with the plan dose, the check time and the limits applied', () => {
    const d = evaluateGate(base(), now, defaultDosingSettings);
    expect(d).toMatchObject({ kind: 'authorized', doseMg: 300, checkedAt: now.toISOString(), planId: 'plan-1', reasons: [] });
  });
  it('authorizes a first session (no history at all)', () => {
    expect(codes({ ...withSessions(base()), lastClinicianVisitAt: null })).toEqual([]);
  });
  it('authorizes when the requested dose equals the plan dose', () => {
    expect(codes({ ...base(), requestedDoseMg: 300 })).toEqual([]);
  });
});

// Each row breaks one condition of an otherwise-authorized input and expects exactly that one reason.
const single: [string, GateReasonCode, (i: GateInput) => GateInput][] = [
  ['intake submitted, not approved', 'INTAKE_NOT_APPROVED', (i) => ({ ...i, intakeStatus: 'submitted' })],
  ['consent signed on an older version', 'CONSENT_NOT_CURRENT', (i) => ({ ...i, consent: { signedVersion: '1', currentVersion: '2' } })],
  ['consent never signed', 'CONSENT_NOT_CURRENT', (i) => ({ ...i, consent: { signedVersion: null, currentVersion: '2' } })],
  ['a required lesson not completed', 'EDUCATION_INCOMPLETE', (i) => ({ ...i, education: { requiredSlugs: ['a', 'b'], completedSlugs: ['a'] } })],
  ['no plan', 'NO_ACTIVE_PLAN', (i) => ({ ...i, activePlan: null })],
  ['a superseded plan', 'NO_ACTIVE_PLAN', (i) => withPlan(i, { status: 'superseded' })],
  ['a draft plan', 'NO_ACTIVE_PLAN', (i) => withPlan(i, { status: 'draft' })],
  ['plan without signature', 'PLAN_NOT_SIGNED', (i) => withPlan(i, { signature: null })],
  [
    'plan changed after signing (hash mismatch)',
    'PLAN_NOT_SIGNED',
    (i) => withPlan(i, { termsSha256: 'b'.repeat(64) }),
  ],
  [
    'signature dated in the future',
    'PLAN_NOT_SIGNED',
    (i) => withPlan(i, { signature: { ...(i.activePlan as GatePlan).signature!, signedAt: toIso(now.getTime() + MS_PER_MINUTE) } }),
  ],
  ['requested dose differs from the plan dose', 'DOSE_NOT_PLAN_DOSE', (i) => ({ ...i, requestedDoseMg: 350 })],
  ['requested dose is not a number', 'DOSE_NOT_PLAN_DOSE', (i) => ({ ...i, requestedDoseMg: Number.NaN })],
  [
    'plan current dose above the plan maximum',
    'DOSE_ABOVE_MAXIMUM',
    (i) => withPlan(i, { terms: samplePlanTerms({ currentDoseMg: 460, maximumDoseMg: 450 }) }),
  ],
  [
    'plan maximum above the program outer limit for the route',
    'DOSE_ABOVE_MAXIMUM',
    (i) => withPlan(i, { terms: samplePlanTerms({ currentDoseMg: 480, maximumDoseMg: 500 }) }),
  ],
  ['last session 71h59m ago', 'MIN_INTERVAL_NOT_MET', (i) => withSessions(i, 72 * MS_PER_HOUR - MS_PER_MINUTE)],
  ['two sessions in the last 7 days', 'WEEKLY_MAXIMUM_REACHED', (i) => withSessions(i, 6 * MS_PER_DAY, 3 * MS_PER_DAY)],
  ['nothing on hand', 'NO_DOSES_ON_HAND', (i) => ({ ...i, ledger: { onHandUnits: 0, unitsPerDose: 1 } })],
  ['fewer units than one dose needs', 'NO_DOSES_ON_HAND', (i) => ({ ...i, ledger: { onHandUnits: 1, unitsPerDose: 2 } })],
  ['negative on hand', 'NO_DOSES_ON_HAND', (i) => ({ ...i, ledger: { onHandUnits: -1, unitsPerDose: 1 } })],
  ['no sitter attestation', 'SITTER_NOT_ATTESTED', (i) => ({ ...i, sitterAttestation: null })],
  ['sitter not present', 'SITTER_NOT_ATTESTED', (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, present: false } })],
  ['sitter not sober', 'SITTER_NOT_ATTESTED', (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, sober: false } })],
  [
    'attested from the patient’s account',
    'SITTER_NOT_ATTESTED',
    (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, attestedInOwnSession: false } }),
  ],
  [
    'attestation 31 minutes old',
    'SITTER_ATTESTATION_STALE',
    (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, attestedAt: ago(31 * MS_PER_MINUTE) } }),
  ],
  [
    'attested by someone who is not the assigned sitter',
    'SITTER_NOT_ASSIGNED',
    (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, sitterUserId: 'sitter-2' } }),
  ],
  ['no pre-dose vitals', 'VITALS_MISSING', (i) => ({ ...i, preDoseVitals: null })],
  ['systolic outside human range', 'VITALS_MISSING', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 400 } })],
  ['heart rate not a number', 'VITALS_MISSING', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, heartRateBpm: Number.NaN } })],
  ['vitals 31 minutes old', 'VITALS_STALE', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, takenAt: ago(31 * MS_PER_MINUTE) } })],
  ['systolic 161', 'VITALS_ABOVE_HOLD', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 161 } })],
  ['diastolic 101', 'VITALS_ABOVE_HOLD', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, diastolicMmHg: 101 } })],
  ['heart rate 111', 'VITALS_ABOVE_HOLD', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, heartRateBpm: 111 } })],
  ['no checklist', 'CHECKLIST_MISSING', (i) => ({ ...i, checklist: null })],
  ['checklist 61 minutes old', 'CHECKLIST_STALE', (i) => ({ ...i, checklist: { ...i.checklist!, attestedAt: ago(61 * MS_PER_MINUTE) } })],
  ['fasted 3.9 hours', 'CHECKLIST_FAILED', (i) => ({ ...i, checklist: { ...i.checklist!, fastedHours: 3.9 } })],
  ['alcohol in 24h', 'CHECKLIST_FAILED', (i) => ({ ...i, checklist: { ...i.checklist!, alcohol24h: true } })],
  ['sedatives in 24h', 'CHECKLIST_FAILED', (i) => ({ ...i, checklist: { ...i.checklist!, sedatives24h: true } })],
  ['cannabis in 24h', 'CHECKLIST_FAILED', (i) => ({ ...i, checklist: { ...i.checklist!, cannabis24h: true } })],
  ['new medication', 'CHECKLIST_FAILED', (i) => ({ ...i, checklist: { ...i.checklist!, newMedication: true } })],
  ['unsafe setting', 'CHECKLIST_FAILED', (i) => ({ ...i, checklist: { ...i.checklist!, safeSetting: false } })],
  ['an open alert that holds dosing', 'ALERT_HOLDS_DOSING', (i) => ({ ...i, openAlerts: [{ id: 'al-1', holdsDosing: true, severity: 'high' }] })],
  ['follow-up due a minute ago', 'FOLLOW_UP_DUE', (i) => ({ ...i, followUpDue: { dueAt: ago(MS_PER_MINUTE) } })],
  ['follow-up due exactly now', 'FOLLOW_UP_DUE', (i) => ({ ...i, followUpDue: { dueAt: ago(0) } })],
  [
    '91 days since the last session, last visit before it',
    'VISIT_GAP_EXCEEDED',
    (i) => ({ ...withSessions(i, 91 * MS_PER_DAY), lastClinicianVisitAt: ago(100 * MS_PER_DAY) }),
  ],
  [
    '91 days since the last session, never a visit',
    'VISIT_GAP_EXCEEDED',
    (i) => ({ ...withSessions(i, 91 * MS_PER_DAY), lastClinicianVisitAt: null }),
  ],
  ['no prescribing pathway on record', 'PRESCRIBING_PATHWAY_MISSING', (i) => ({ ...i, prescribing: { ...i.prescribing, pathway: null } })],
  [
    'the prescriber’s licence is for another state',
    'PRESCRIBER_LICENCE_MISSING',
    (i) => ({ ...i, prescribing: { ...i.prescribing, prescriber: { id: 'clinician-1', credentials: i.prescribing.prescriber!.credentials.map((c) => (c.kind === 'state_licence' ? { ...c, state: 'NY' } : c)) } } }),
  ],
  [
    'the DEA registration lists only Schedule II',
    'PRESCRIBER_DEA_MISSING',
    (i) => ({ ...i, prescribing: { ...i.prescribing, prescriber: { id: 'clinician-1', credentials: i.prescribing.prescriber!.credentials.map((c) => (c.kind === 'dea_registration' ? { ...c, schedules: ['II'] } : c)) } } }),
  ],
  ['last PDMP check 91 days ago', 'PDMP_CHECK_MISSING', (i) => ({ ...i, prescribing: { ...i.prescribing, pdmpCheckedAt: [ago(91 * MS_PER_DAY)] } })],
  ['a plan whose terms cannot be read', 'GATE_INPUT_INVALID', (i) => withPlan(i, { terms: samplePlanTerms({ goals: [] }) })],
];

describe('evaluateGate: each reason alone', () => {
  it.each(single)('%s → %s', (_name, code, mutate) => {
    expect(codes(mutate(base()))).toEqual([code]);
  });

  it('covers every reason code in the table above', () => {
    const covered = new Set(single.map(([, c]) => c));
    // The end of the telemedicine flexibilities needs its own clock and setting: tested at its boundary below.
    expect(GATE_REASON_CODES.filter((c) => !covered.has(c))).toEqual(['TELEMEDICINE_FLEXIBILITY_ENDED', 'AUTHORIZATION_EXPIRED']);
  });

  it('names each vital above the hold in the detail and the message', () => {
    const i = base();
    const d = evaluateGate({ ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 161, diastolicMmHg: 101, heartRateBpm: 111 } }, now, defaultDosingSettings);
    expect(d.kind).toBe('blocked');
    if (d.kind !== 'blocked') return;
    expect(d.reasons).toHaveLength(1);
    const r = d.reasons[0]!;
    expect(r.detail?.exceeded).toEqual([
      { measure: 'systolicMmHg', value: 161, limit: 160 },
      { measure: 'diastolicMmHg', value: 101, limit: 100 },
      { measure: 'heartRateBpm', value: 111, limit: 110 },
    ]);
    expect(r.message).toMatch(/systolic.*diastolic.*heart rate/);
  });

  it('names each failed checklist item', () => {
    const i = base();
    const d = evaluateGate(
      { ...i, checklist: { ...i.checklist!, fastedHours: 1, alcohol24h: true, sedatives24h: true, cannabis24h: true, newMedication: true, safeSetting: false } },
      now,
      defaultDosingSettings,
    );
    expect(d.kind === 'blocked' && d.reasons[0]?.detail?.failedItems).toEqual([
      'fastedHours',
      'alcohol24h',
      'sedatives24h',
      'cannabis24h',
      'newMedication',
      'safeSetting',
    ]);
  });

  it('lets an open alert that does not hold dosing through', () => {
    expect(codes({ ...base(), openAlerts: [{ id: 'al-2', holdsDosing: false, severity: 'low' }] })).toEqual([]);
  });

  it('does not count a follow-up that is not yet due', () => {
    expect(codes({ ...base(), followUpDue: { dueAt: toIso(now.getTime() + MS_PER_DAY) } })).toEqual([]);
  });

  it('accepts a clinician visit after a long gap', () => {
    expect(codes({ ...withSessions(base(), 120 * MS_PER_DAY), lastClinicianVisitAt: ago(MS_PER_DAY) })).toEqual([]);
  });

  it('gives the next eligible time with the interval block', () => {
    const d = evaluateGate(withSessions(base(), 70 * MS_PER_HOUR), now, defaultDosingSettings);
    expect(d.kind === 'blocked' && d.reasons[0]?.detail?.nextEligibleAt).toBe(toIso(now.getTime() + 2 * MS_PER_HOUR));
  });
});

describe('evaluateGate: prescribing compliance for the dose', () => {
  const flexibility = (i: GateInput): GateInput => ({ ...i, prescribing: { ...i.prescribing, pathway: { kind: 'telemedicine_flexibility', details: {} } } });
  const until = (date: string): DosingSettings => ({ ...defaultDosingSettings, compliance: { ...defaultDosingSettings.compliance, telemedicineFlexibilityUntil: date } });
  // 2025-03-10 in New York is EDT (UTC−4, since 9 March): the day ends at 2025-03-11T04:00Z.
  it('a telemedicine pathway holds through 23:59:59.999 of the last day in the program time zone', () => {
    const at = new Date('2025-03-11T03:59:59.999Z');
    expect(codes(flexibility(authorizedGateInput(at)), until('2025-03-10'), at)).toEqual([]);
  });
  it('and blocks from local midnight, saying what is needed', () => {
    const at = new Date('2025-03-11T04:00:00.000Z');
    const d = evaluateGate(flexibility(authorizedGateInput(at)), at, until('2025-03-10'));
    expect(d.kind === 'blocked' && d.reasons.map((r) => r.code)).toEqual(['TELEMEDICINE_FLEXIBILITY_ENDED']);
    expect(d.kind === 'blocked' && d.reasons[0]?.message).toMatch(/in-person medical evaluation.*special telemedicine registration/);
  });
  it('blocks with every compliance reason when the prescribing facts are missing (fail closed)', () => {
    const { prescribing: _gone, ...rest } = base();
    expect(codes(rest as GateInput)).toEqual(['PRESCRIBING_PATHWAY_MISSING', 'PRESCRIBER_LICENCE_MISSING', 'PRESCRIBER_DEA_MISSING', 'PDMP_CHECK_MISSING']);
  });
});

describe('evaluateGate: every failing reason at once', () => {
  it('reports all reasons that can hold together, in code order', () => {
    const i = base();
    const settings: DosingSettings = { ...defaultDosingSettings, retention: { dispensingRecordYears: 2, auditYears: 1 } };
    const broken: GateInput = {
      ...i,
      intakeStatus: 'draft',
      consent: { signedVersion: null, currentVersion: '2' },
      education: { requiredSlugs: ['a'], completedSlugs: [] },
      activePlan: { ...(i.activePlan as GatePlan), signature: null },
      requestedDoseMg: 1000,
      previousDoseTimes: [ago(MS_PER_HOUR), ago(2 * MS_PER_DAY)],
      lastSessionAt: ago(100 * MS_PER_DAY),
      lastClinicianVisitAt: null,
      ledger: { onHandUnits: 0, unitsPerDose: 1 },
      sitterAttestation: { ...i.sitterAttestation!, present: false, sitterUserId: 'x', attestedAt: ago(40 * MS_PER_MINUTE) },
      preDoseVitals: { takenAt: ago(40 * MS_PER_MINUTE), systolicMmHg: 400, diastolicMmHg: 105, heartRateBpm: 72 },
      checklist: { ...i.checklist!, attestedAt: ago(90 * MS_PER_MINUTE), alcohol24h: true },
      openAlerts: [{ id: 'a', holdsDosing: true, severity: 'high' }],
      followUpDue: { dueAt: ago(MS_PER_DAY) },
      prescribing: { patientState: 'CA', pathway: { kind: 'telemedicine_flexibility', details: {} }, prescriber: { id: 'clinician-1', credentials: [] }, pdmpCheckedAt: [] },
    };
    const ended: DosingSettings = { ...settings, compliance: { ...settings.compliance, telemedicineFlexibilityUntil: '2025-01-01' } };
    const expected = GATE_REASON_CODES.filter(
      (c) => c !== 'NO_ACTIVE_PLAN' && c !== 'CHECKLIST_MISSING' && c !== 'AUTHORIZATION_EXPIRED' && c !== 'PRESCRIBING_PATHWAY_MISSING',
    );
    expect(codes(broken, ended)).toEqual(expected);
  });

  it('reports the plan-free reasons alongside NO_ACTIVE_PLAN and an unreadable checklist with its failed items', () => {
    const i = base();
    const broken: GateInput = {
      ...i,
      activePlan: null,
      intakeStatus: 'declined',
      checklist: { ...i.checklist!, attestedAt: 'not a time', safeSetting: false },
      sitterAttestation: null,
    };
    expect(codes(broken)).toEqual(['INTAKE_NOT_APPROVED', 'NO_ACTIVE_PLAN', 'SITTER_NOT_ATTESTED', 'CHECKLIST_MISSING', 'CHECKLIST_FAILED']);
  });

  it('gives every reason a message a patient can act on', () => {
    const d = evaluateGate({ ...base(), sitterAttestation: null, preDoseVitals: null, checklist: null }, now, defaultDosingSettings);
    expect(d.kind).toBe('blocked');
    for (const r of d.reasons) expect(r.message.length).toBeGreaterThan(20);
  });
});

describe('evaluateGate: boundaries', () => {
  const h = MS_PER_HOUR;
  const m = MS_PER_MINUTE;
  const table: [string, (i: GateInput) => GateInput, GateReasonCode[]][] = [
    ['interval exactly 72h', (i) => withSessions(i, 72 * h), []],
    ['interval 71h59m', (i) => withSessions(i, 72 * h - m), ['MIN_INTERVAL_NOT_MET']],
    ['interval 72h − 1 ms', (i) => withSessions(i, 72 * h - 1), ['MIN_INTERVAL_NOT_MET']],
    ['window: earlier session exactly 7 days ago has left the window', (i) => withSessions(i, 7 * MS_PER_DAY, 3.5 * MS_PER_DAY), []],
    ['window: earlier session 7 days − 1 ms ago still counts', (i) => withSessions(i, 7 * MS_PER_DAY - 1, 3.5 * MS_PER_DAY), ['WEEKLY_MAXIMUM_REACHED']],
    ['vitals exactly 160/100/110', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 160, diastolicMmHg: 100, heartRateBpm: 110 } }), []],
    ['vitals 161/101/111', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 161, diastolicMmHg: 101, heartRateBpm: 111 } }), ['VITALS_ABOVE_HOLD']],
    ['attestation exactly 30 min', (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, attestedAt: ago(30 * m) } }), []],
    ['attestation 30 min + 1 ms', (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, attestedAt: ago(30 * m + 1) } }), ['SITTER_ATTESTATION_STALE']],
    ['attestation 31 min', (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, attestedAt: ago(31 * m) } }), ['SITTER_ATTESTATION_STALE']],
    ['vitals exactly 30 min', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, takenAt: ago(30 * m) } }), []],
    ['vitals 31 min', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, takenAt: ago(31 * m) } }), ['VITALS_STALE']],
    ['checklist exactly 60 min', (i) => ({ ...i, checklist: { ...i.checklist!, attestedAt: ago(60 * m) } }), []],
    ['checklist 61 min', (i) => ({ ...i, checklist: { ...i.checklist!, attestedAt: ago(61 * m) } }), ['CHECKLIST_STALE']],
    ['fasted exactly 4h', (i) => ({ ...i, checklist: { ...i.checklist!, fastedHours: 4 } }), []],
    ['one unit on hand', (i) => ({ ...i, ledger: { onHandUnits: 1, unitsPerDose: 1 } }), []],
    ['dose exactly at the maximum', (i) => withPlan(i, { terms: samplePlanTerms({ currentDoseMg: 450 }) }), []],
    ['exactly 90 days since last session, no visit', (i) => ({ ...withSessions(i, 90 * MS_PER_DAY), lastClinicianVisitAt: null }), []],
    ['90 days + 1 ms since last session, no visit', (i) => ({ ...withSessions(i, 90 * MS_PER_DAY + 1), lastClinicianVisitAt: null }), ['VISIT_GAP_EXCEEDED']],
    [
      'visit at the same instant as the last session does not count',
      (i) => ({ ...withSessions(i, 91 * MS_PER_DAY), lastClinicianVisitAt: ago(91 * MS_PER_DAY) }),
      ['VISIT_GAP_EXCEEDED'],
    ],
  ];
  it.each(table)('%s', (_name, mutate, expected) => {
    expect(codes(mutate(base()))).toEqual(expected);
  });
});

describe('evaluateGate: the plan narrows and settings configure', () => {
  const table: [string, GateInput, DosingSettings, GateReasonCode[]][] = [
    ['plan hold 140 blocks systolic 141', (() => {
      const i = withPlan(base(), { terms: samplePlanTerms({ vitalsHold: { systolicMmHg: 140, diastolicMmHg: 90, heartRateBpm: 100 } }) });
      return { ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 141 } };
    })(), defaultDosingSettings, ['VITALS_ABOVE_HOLD']],
    ['plan minimum 96h blocks at 80h', withSessions(withPlan(base(), { terms: samplePlanTerms({ minHoursBetweenSessions: 96 }) }), 80 * MS_PER_HOUR), defaultDosingSettings, ['MIN_INTERVAL_NOT_MET']],
    ['plan 1 per week blocks a second session at 5 days', withSessions(withPlan(base(), { terms: samplePlanTerms({ maxSessionsPer7Days: 1 }) }), 5 * MS_PER_DAY), defaultDosingSettings, ['WEEKLY_MAXIMUM_REACHED']],
    ['plan fasting 6h fails at 5h', (() => {
      const i = withPlan(base(), { terms: samplePlanTerms({ fastingHours: 6 }) });
      return { ...i, checklist: { ...i.checklist!, fastedHours: 5 } };
    })(), defaultDosingSettings, ['CHECKLIST_FAILED']],
    ['a plan looser than the program cannot loosen it (hold 200, reading 170)', (() => {
      const i = withPlan(base(), { terms: samplePlanTerms({ vitalsHold: { systolicMmHg: 200, diastolicMmHg: 100, heartRateBpm: 110 } }) });
      return { ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 170 } };
    })(), defaultDosingSettings, ['VITALS_ABOVE_HOLD']],
    ['a plan looser than the program cannot loosen it (48h plan, 50h gap)', withSessions(withPlan(base(), { terms: samplePlanTerms({ minHoursBetweenSessions: 48 }) }), 50 * MS_PER_HOUR), defaultDosingSettings, ['MIN_INTERVAL_NOT_MET']],
    ['program settings 140/90 hold', (() => {
      const i = base();
      return { ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 150 } };
    })(), { ...defaultDosingSettings, vitalsHold: { systolicMmHg: 140, diastolicMmHg: 90, heartRateBpm: 100 } }, ['VITALS_ABOVE_HOLD']],
    ['program attestation freshness lowered to 4 min', base(), { ...defaultDosingSettings, sitterAttestationFreshnessMinutes: 4 }, ['SITTER_ATTESTATION_STALE']],
    ['program outer limit lowered under a signed plan', base(), { ...defaultDosingSettings, maxDoseMgByRoute: { sublingual: 250, oral: 600 } }, ['DOSE_ABOVE_MAXIMUM']],
  ];
  it.each(table)('%s', (_name, input, settings, expected) => {
    expect(codes(input, settings)).toEqual(expected);
  });
});

describe('evaluateGate: fails closed', () => {
  const table: [string, (i: GateInput) => unknown, GateReasonCode[]][] = [
    ['session history with an unreadable time', (i) => ({ ...i, previousDoseTimes: ['yesterday'] }), ['MIN_INTERVAL_NOT_MET', 'WEEKLY_MAXIMUM_REACHED']],
    ['session history that is not a list', (i) => ({ ...i, previousDoseTimes: undefined }), ['MIN_INTERVAL_NOT_MET', 'WEEKLY_MAXIMUM_REACHED']],
    ['a recorded session in the future', (i) => ({ ...i, previousDoseTimes: [toIso(now.getTime() + MS_PER_HOUR)] }), ['MIN_INTERVAL_NOT_MET']],
    ['an impossible calendar date', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, takenAt: '2025-02-30T10:00:00Z' } }), ['VITALS_MISSING']],
    ['a time without an offset', (i) => ({ ...i, checklist: { ...i.checklist!, attestedAt: '2025-03-10T17:55:00' } }), ['CHECKLIST_MISSING']],
    ['an attestation from the future', (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, attestedAt: toIso(now.getTime() + MS_PER_MINUTE) } }), ['SITTER_NOT_ATTESTED']],
    ['follow-up field missing (undefined, not null)', (i) => ({ ...i, followUpDue: undefined }), ['FOLLOW_UP_DUE']],
    ['follow-up with an unreadable date', (i) => ({ ...i, followUpDue: { dueAt: 'soon' } }), ['FOLLOW_UP_DUE']],
    ['visit field missing', (i) => ({ ...i, lastClinicianVisitAt: undefined }), ['VISIT_GAP_EXCEEDED']],
    ['alert with holdsDosing missing', (i) => ({ ...i, openAlerts: [{ id: 'x', severity: 'low' }] }), ['ALERT_HOLDS_DOSING']],
    ['alerts not a list', (i) => ({ ...i, openAlerts: null }), ['ALERT_HOLDS_DOSING']],
    ['sitter present given as the string "true"', (i) => ({ ...i, sitterAttestation: { ...i.sitterAttestation!, present: 'true' } }), ['SITTER_NOT_ATTESTED']],
    ['checklist item missing', (i) => ({ ...i, checklist: { ...i.checklist!, alcohol24h: undefined } }), ['CHECKLIST_FAILED']],
    ['on hand not a whole number', (i) => ({ ...i, ledger: { onHandUnits: 1.5, unitsPerDose: 1 } }), ['NO_DOSES_ON_HAND']],
    ['units per dose zero', (i) => ({ ...i, ledger: { onHandUnits: 3, unitsPerDose: 0 } }), ['NO_DOSES_ON_HAND']],
    ['education lists missing', (i) => ({ ...i, education: {} }), ['EDUCATION_INCOMPLETE']],
    ['consent missing', (i) => ({ ...i, consent: undefined }), ['CONSENT_NOT_CURRENT']],
    ['diastolic above systolic', (i) => ({ ...i, preDoseVitals: { ...i.preDoseVitals!, systolicMmHg: 90, diastolicMmHg: 95 } }), ['VITALS_MISSING']],
  ];
  it.each(table)('%s', (_name, mutate, expected) => {
    expect(codes(mutate(base()) as GateInput)).toEqual(expected);
  });

  it('blocks on an invalid clock, reporting every time-based condition', () => {
    const c = codes(base(), defaultDosingSettings, new Date(Number.NaN));
    expect(c).toContain('GATE_INPUT_INVALID');
    expect(c).toEqual(expect.arrayContaining(['MIN_INTERVAL_NOT_MET', 'SITTER_NOT_ATTESTED', 'VITALS_MISSING', 'CHECKLIST_MISSING', 'PLAN_NOT_SIGNED']));
  });

  it('blocks on invalid program settings', () => {
    expect(codes(base(), { ...defaultDosingSettings, minHoursBetweenSessions: -1 })).toEqual(['GATE_INPUT_INVALID']);
  });

  it.each([null, undefined, 42, 'x', [], {}])('never throws and blocks on input %j', (junk) => {
    const d = evaluateGate(junk as GateInput, now, defaultDosingSettings);
    expect(d.kind).toBe('blocked');
    expect(d.reasons.length).toBeGreaterThan(0);
  });

  it('blocks when an input getter throws', () => {
    const i = base();
    const hostile = { ...i, get checklist(): never { throw new Error('boom'); } };
    const c = codes(hostile);
    expect(c).toEqual(['GATE_INPUT_INVALID']);
  });
});

describe('gate reason help and docs', () => {
  it.each([...GATE_REASON_CODES])('%s has help text and a docs/safety page', (code) => {
    const help = gateReasonHelp[code];
    expect(help.title.length).toBeGreaterThan(0);
    expect(help.explanation.length).toBeGreaterThan(0);
    expect(help.whatToDo.length).toBeGreaterThan(0);
    const doc = fileURLToPath(new URL(`../../../../docs/safety/${code}.md`, import.meta.url));
    expect(existsSync(doc)).toBe(true);
  });
  it('reason codes are unique UPPER_SNAKE', () => {
    expect(new Set(GATE_REASON_CODES).size).toBe(GATE_REASON_CODES.length);
    for (const c of GATE_REASON_CODES) expect(c).toMatch(/^[A-Z]+(_[A-Z0-9]+)*$/);
  });
});

describe('validateVitalsReading', () => {
  const ok = { systolicMmHg: 120, diastolicMmHg: 80, heartRateBpm: 70 };
  const table: [string, Record<string, unknown>, string[]][] = [
    ['a normal reading', ok, []],
    ['range edges 50/20/20 SpO2 50', { systolicMmHg: 50, diastolicMmHg: 20, heartRateBpm: 20, spo2Pct: 50 }, []],
    ['range edges 300/200/250 SpO2 100', { systolicMmHg: 300, diastolicMmHg: 200, heartRateBpm: 250, spo2Pct: 100 }, []],
    ['systolic 400', { ...ok, systolicMmHg: 400 }, ['systolicMmHg']],
    ['systolic 49', { ...ok, systolicMmHg: 49 }, ['systolicMmHg']],
    ['diastolic 201', { ...ok, systolicMmHg: 250, diastolicMmHg: 201 }, ['diastolicMmHg']],
    ['diastolic 19', { ...ok, diastolicMmHg: 19 }, ['diastolicMmHg']],
    ['heart rate 251', { ...ok, heartRateBpm: 251 }, ['heartRateBpm']],
    ['heart rate 19', { ...ok, heartRateBpm: 19 }, ['heartRateBpm']],
    ['SpO2 101', { ...ok, spo2Pct: 101 }, ['spo2Pct']],
    ['SpO2 49', { ...ok, spo2Pct: 49 }, ['spo2Pct']],
    ['SpO2 null is allowed', { ...ok, spo2Pct: null }, []],
    ['missing heart rate', { systolicMmHg: 120, diastolicMmHg: 80 }, ['heartRateBpm']],
    ['a string value', { ...ok, systolicMmHg: '120' }, ['systolicMmHg']],
    ['diastolic equal to systolic', { ...ok, diastolicMmHg: 120 }, ['diastolicMmHg']],
  ];
  it.each(table)('%s', (_name, reading, fields) => {
    expect(validateVitalsReading(reading as never, defaultDosingSettings).map((e) => e.field)).toEqual(fields);
  });
});
