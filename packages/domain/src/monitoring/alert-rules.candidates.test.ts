// Each alert candidate in full: code, severity, hold, escalation time, cause, title, evidence, recommended actions and
// the message the patient sees (docs/monitoring.md; docs/clinical-basis.md §1, §4, §7). The sibling
// alert-rules.test.ts pins when each alert is raised; this file pins what it says and each boundary. Every expected
// string and number is written out here by hand, from the default alert settings
// (packages/domain/src/monitoring/monitoring-settings.ts: escalate after 240 min for low and moderate, 30 for high and
// critical; session vitals above 160/100/110 during or after the dose; a sitter check every 15 minutes, 5 of grace).
import { describe, expect, it } from 'vitest';
import { alertsForEvent, alertsForEvents, evidenceKey, signalAlertCandidates, type AlertCandidate, type AlertSourceEvent } from './alert-rules.ts';
import { defaultMonitoringSettings, type AlertSettings } from './monitoring-settings.ts';
import type { WarningSignal } from './warning-signs.ts';

const NOW = new Date('2025-06-30T12:00:00.000Z');
const settings = defaultMonitoringSettings.alerts;
const raise = (e: AlertSourceEvent, s: AlertSettings = settings): AlertCandidate[] => alertsForEvent(e, NOW, s);

const CRISIS =
  'If you are thinking about harming yourself or are in danger, please reach out now. Call or text 988 (Suicide & Crisis Lifeline), chat at 988lifeline.org, or text HOME to 741741. Veterans: call 988 and press 1. In an emergency, call 911. Your care team has been notified.';
const EMERGENCY = 'If you have chest pain, trouble breathing, a sudden severe headache, a seizure, or someone cannot be woken, call 911 now. Your care team has been notified.';
const EMERGENCY_ACTIONS = [
  'Call the sitter and the patient now',
  'If no one answers, or the patient is not breathing normally, make sure emergency services (911) are on the way',
  'Dosing held until a clinician has reviewed what happened',
];

describe('PHQ-9 item 9 in full', () => {
  const phq9 = (item9Points: number, item9Positive: boolean): AlertSourceEvent => ({ kind: 'phq9_submitted', assessmentId: 'a1', at: '2025-06-30T11:00:00.000Z', item9Points, item9Positive });
  const expected = (points: string): AlertCandidate[] => [
    {
      code: 'SUICIDE_RISK_PHQ9_ITEM9',
      severity: 'high',
      holdsDosing: true,
      escalateAfterMinutes: 30,
      cause: 'assessment:a1',
      title: 'PHQ-9 item 9 positive: thoughts of death or self-harm',
      evidence: [{ type: 'assessment', id: 'a1', summary: `PHQ-9 item 9 answered ${points}` }],
      recommendedActions: ['Clinician follow-up the same day', 'Ask the patient to complete the C-SSRS screener', 'Dosing held until a clinician clears it'],
      patientMessage: CRISIS,
    },
  ];
  it('flagged', () => {
    expect(raise(phq9(2, true))).toStrictEqual(expected('2'));
  });
  it('an endless item 9 is not a number that can be read: raised whatever the flag', () => {
    expect(raise(phq9(Number.POSITIVE_INFINITY, false))).toStrictEqual(expected('Infinity'));
  });
  it('not flagged', () => {
    expect(raise(phq9(0, false))).toStrictEqual([]);
  });
});

describe('C-SSRS screener in full', () => {
  const cssrs = (risk: 'none' | 'low' | 'moderate' | 'high'): AlertSourceEvent => ({ kind: 'cssrs_submitted', assessmentId: 'c1', at: '2025-06-30T11:00:00.000Z', risk });
  it('low', () => {
    expect(raise(cssrs('low'))).toStrictEqual([
      {
        code: 'SUICIDE_RISK_CSSRS_LOW',
        severity: 'moderate',
        holdsDosing: false,
        escalateAfterMinutes: 240,
        cause: 'assessment:c1',
        title: 'C-SSRS screener: low suicide risk',
        evidence: [{ type: 'assessment', id: 'c1', summary: 'C-SSRS screener scored low risk' }],
        recommendedActions: ['Give the crisis numbers', 'Review or make a safety plan', 'Clinician follow-up within a week'],
        patientMessage: CRISIS,
      },
    ]);
  });
  it('high', () => {
    expect(raise(cssrs('high'))).toStrictEqual([
      {
        code: 'SUICIDE_RISK_CSSRS_HIGH',
        severity: 'critical',
        holdsDosing: true,
        escalateAfterMinutes: 30,
        cause: 'assessment:c1',
        title: 'C-SSRS screener: high suicide risk',
        evidence: [{ type: 'assessment', id: 'c1', summary: 'C-SSRS screener scored high risk' }],
        recommendedActions: ['Immediate clinician contact', 'Do not leave the patient alone', 'Arrange emergency evaluation', 'Hold dosing until a clinician clears it'],
        patientMessage: CRISIS,
      },
    ]);
  });
});

describe('adverse events in full', () => {
  const ae = (over: Partial<Extract<AlertSourceEvent, { kind: 'adverse_event_reported' }>>): AlertSourceEvent => ({
    kind: 'adverse_event_reported',
    adverseEventId: 'ae1',
    at: '2025-06-30T11:00:00.000Z',
    serious: false,
    ...over,
  });
  const expected = (title: string, summary: string): AlertCandidate[] => [
    {
      code: 'SERIOUS_ADVERSE_EVENT_REPORTED',
      severity: 'critical',
      holdsDosing: true,
      escalateAfterMinutes: 30,
      cause: 'adverse-event:ae1',
      title,
      evidence: [{ type: 'adverse_event', id: 'ae1', summary }],
      recommendedActions: ['Contact the patient now', 'Dosing held until the event is resolved by a clinician'],
      patientMessage: EMERGENCY,
    },
  ];
  it('serious, during a session', () => {
    expect(raise(ae({ serious: true, severity: 'mild', sessionId: 's1' }))).toStrictEqual(expected('Serious adverse event reported', 'Serious adverse event during session s1'));
  });
  it('severe but not ticked serious, outside a session', () => {
    expect(raise(ae({ severity: 'severe' }))).toStrictEqual(expected('Severe adverse event reported', 'Serious adverse event'));
  });
  it('neither serious nor severe', () => {
    expect(raise(ae({ severity: 'moderate', sessionId: 's1' }))).toStrictEqual([]);
    expect(raise(ae({}))).toStrictEqual([]);
  });
});

describe('session vitals in full', () => {
  const vitals = (systolicMmHg: number, diastolicMmHg: number, heartRateBpm: number, phase: 'pre' | 'during' | 'post' = 'during'): AlertSourceEvent => ({
    kind: 'vitals_recorded',
    vitalsId: 'v1',
    sessionId: 's1',
    at: '2025-06-30T11:00:00.000Z',
    phase,
    systolicMmHg,
    diastolicMmHg,
    heartRateBpm,
  });
  const expected = (phase: string, summary: string): AlertCandidate[] => [
    {
      code: 'SESSION_VITALS_ABOVE_LIMITS',
      severity: 'high',
      holdsDosing: false,
      escalateAfterMinutes: 30,
      cause: 'vitals:v1',
      title: `Vitals above hold limits during a session (${phase})`,
      evidence: [
        { type: 'vitals', id: 'v1', summary },
        { type: 'session', id: 's1', summary: `Reading taken ${phase}-dose` },
      ],
      recommendedActions: ['Contact the patient and sitter', 'Repeat the reading; stay lying down', 'Review before the next session'],
      patientMessage: EMERGENCY,
    },
  ];
  it('every value one above its limit, after the dose', () => {
    expect(raise(vitals(161, 101, 111, 'post'))).toStrictEqual(expected('post', 'systolic 161 > 160 mmHg; diastolic 101 > 100 mmHg; heart rate 111 > 110 bpm'));
  });
  it.each([
    ['systolic', vitals(161, 100, 110), 'systolic 161 > 160 mmHg'],
    ['diastolic', vitals(160, 101, 110), 'diastolic 101 > 100 mmHg'],
    ['heart rate', vitals(160, 100, 111), 'heart rate 111 > 110 bpm'],
  ])('%s alone', (_name, event, summary) => {
    expect(raise(event)).toStrictEqual(expected('during', summary));
  });
  it('at the limits, or before the dose, nothing', () => {
    expect(raise(vitals(160, 100, 110))).toStrictEqual([]);
    expect(raise(vitals(200, 120, 130, 'pre'))).toStrictEqual([]);
  });
  it.each([
    ['systolic 50 is a reading', vitals(50, 60, 111), 'heart rate 111 > 110 bpm'],
    ['systolic 300 is a reading', vitals(300, 60, 80), 'systolic 300 > 160 mmHg'],
    ['diastolic 20 is a reading', vitals(120, 20, 111), 'heart rate 111 > 110 bpm'],
    ['diastolic 200 is a reading', vitals(120, 200, 80), 'diastolic 200 > 100 mmHg'],
    ['heart rate 20 is a reading', vitals(170, 80, 20), 'systolic 170 > 160 mmHg'],
    ['heart rate 250 is a reading', vitals(120, 80, 250), 'heart rate 250 > 110 bpm'],
  ])('%s', (_name, event, summary) => {
    expect(raise(event)).toStrictEqual(expected('during', summary));
  });
  it.each([
    ['systolic 49', vitals(49, 60, 111)],
    ['systolic 301', vitals(301, 60, 80)],
    ['diastolic 19', vitals(120, 19, 111)],
    ['diastolic 201', vitals(120, 201, 80)],
    ['heart rate 19', vitals(170, 80, 19)],
    ['heart rate 251', vitals(120, 80, 251)],
    ['a systolic that is not a number', vitals(Number.NaN, 80, 111)],
    ['an endless heart rate', vitals(170, 80, Number.POSITIVE_INFINITY)],
  ])('%s is an input error, not a reading: nothing', (_name, event) => {
    expect(raise(event)).toStrictEqual([]);
  });
});

describe('sitter checks overdue in full', () => {
  const inProgress = (startedAt: string, lastSitterCheckAt?: string): AlertSourceEvent => ({
    kind: 'session_in_progress',
    sessionId: 's1',
    startedAt,
    ...(lastSitterCheckAt === undefined ? {} : { lastSitterCheckAt }),
  });
  const expected = (after: string, summary: string): AlertCandidate[] => [
    {
      code: 'SITTER_CHECK_OVERDUE',
      severity: 'high',
      holdsDosing: false,
      escalateAfterMinutes: 30,
      cause: `session:s1:after:${after}`,
      title: 'Sitter check overdue during a session',
      evidence: [{ type: 'session', id: 's1', summary }],
      recommendedActions: ['Call the sitter and the patient now', 'If no one answers, call emergency services'],
    },
  ];
  it('no check 20 minutes and 1 ms after the start', () => {
    expect(raise(inProgress('2025-06-30T11:39:59.999Z'))).toStrictEqual(expected('start', 'No sitter check since the session started at 2025-06-30T11:39:59.999Z'));
  });
  it('exactly 20 minutes after the start is still in time', () => {
    expect(raise(inProgress('2025-06-30T11:40:00.000Z'))).toStrictEqual([]);
  });
  it('the last check 20 minutes and 1 ms ago; exactly 20 minutes is in time', () => {
    expect(raise(inProgress('2025-06-30T10:00:00.000Z', '2025-06-30T11:39:59.999Z'))).toStrictEqual(
      expected('2025-06-30T11:39:59.999Z', 'Last sitter check at 2025-06-30T11:39:59.999Z'),
    );
    expect(raise(inProgress('2025-06-30T10:00:00.000Z', '2025-06-30T11:40:00.000Z'))).toStrictEqual([]);
  });
  it('a last check whose time cannot be read is overdue (fail closed)', () => {
    expect(raise(inProgress('2025-06-30T11:55:00.000Z', 'a moment ago'))).toStrictEqual(expected('a moment ago', 'Last sitter check at a moment ago'));
  });
  it('follows the interval and grace in settings', () => {
    const s: AlertSettings = { ...settings, sitterChecks: { ...settings.sitterChecks, intervalMinutes: 10, graceMinutes: 2 } };
    expect(raise(inProgress('2025-06-30T11:48:00.000Z'), s)).toStrictEqual([]);
    expect(raise(inProgress('2025-06-30T11:47:59.999Z'), s)).toHaveLength(1);
  });
});

describe('session emergencies in full', () => {
  const check = (responsive: boolean, breathingNormally: boolean): AlertSourceEvent => ({
    kind: 'sitter_check_recorded',
    checkId: 'k1',
    sessionId: 's1',
    at: '2025-06-30T11:00:00.000Z',
    responsive,
    breathingNormally,
  });
  const expected = (found: string, summary: string): AlertCandidate[] => [
    {
      code: 'SESSION_EMERGENCY',
      severity: 'critical',
      holdsDosing: true,
      escalateAfterMinutes: 30,
      cause: 'sitter-check:k1',
      title: `Emergency during a session: the sitter found the patient ${found}`,
      evidence: [
        { type: 'sitter_check', id: 'k1', summary },
        { type: 'session', id: 's1', summary: 'Session in progress' },
      ],
      recommendedActions: EMERGENCY_ACTIONS,
      patientMessage: EMERGENCY,
    },
  ];
  it.each([
    [false, true, 'not responsive', 'Sitter check: not responsive'],
    [true, false, 'not breathing normally', 'Sitter check: not breathing normally'],
    [false, false, 'not responsive and not breathing normally', 'Sitter check: not responsive, not breathing normally'],
  ])('responsive %s, breathing normally %s', (responsive, breathing, found, summary) => {
    expect(raise(check(responsive, breathing))).toStrictEqual(expected(found, summary));
  });
  it('a normal check raises nothing', () => {
    expect(raise(check(true, true))).toStrictEqual([]);
  });
  it('a concern the sitter marks an emergency', () => {
    const concern = (emergency: boolean): AlertSourceEvent => ({ kind: 'sitter_concern_raised', concernId: 'sc1', sessionId: 's1', at: '2025-06-30T11:00:00.000Z', emergency });
    expect(raise(concern(true))).toStrictEqual([
      {
        code: 'SESSION_EMERGENCY',
        severity: 'critical',
        holdsDosing: true,
        escalateAfterMinutes: 30,
        cause: 'sitter-concern:sc1',
        title: 'Emergency during a session: the sitter reported that something is seriously wrong',
        evidence: [
          { type: 'sitter_concern', id: 'sc1', summary: 'Sitter marked the concern an emergency' },
          { type: 'session', id: 's1', summary: 'Session the concern was raised in' },
        ],
        recommendedActions: EMERGENCY_ACTIONS,
        patientMessage: EMERGENCY,
      },
    ]);
    expect(raise(concern(false))).toStrictEqual([]);
  });
  it('a session ended after the dose', () => {
    expect(raise({ kind: 'session_aborted_after_dose', sessionId: 's1', at: '2025-06-30T11:30:00.000Z', startedAt: '2025-06-30T11:00:00.000Z' })).toStrictEqual([
      {
        code: 'SESSION_ABORTED_AFTER_DOSE',
        severity: 'high',
        holdsDosing: false,
        escalateAfterMinutes: 30,
        cause: 'session-aborted:s1',
        title: 'Session ended after the dose, before the sitter confirmed the patient was back to baseline',
        evidence: [{ type: 'session', id: 's1', summary: 'Dose taken at 2025-06-30T11:00:00.000Z; session ended at 2025-06-30T11:30:00.000Z' }],
        recommendedActions: ['Contact the patient and the sitter now', 'Check the patient is safe, not driving, and not alone', 'Review before the next session'],
      },
    ]);
  });
});

describe('messages in full', () => {
  const message = (senderRole: 'patient' | 'sitter' | 'clinician' | 'coach', text: string): AlertSourceEvent => ({
    kind: 'message_sent',
    messageId: 'm1',
    at: '2025-06-30T11:00:00.000Z',
    senderRole,
    text,
  });
  const expected = (summary: string): AlertCandidate[] => [
    {
      code: 'URGENT_MESSAGE_LANGUAGE',
      severity: 'critical',
      holdsDosing: true,
      escalateAfterMinutes: 30,
      cause: 'message:m1',
      title: 'Message with possible self-harm language',
      evidence: [{ type: 'message', id: 'm1', summary }],
      recommendedActions: ['Read the message and contact the patient now', 'Ask the patient to complete the C-SSRS screener', 'Dosing held until a clinician clears it'],
      patientMessage: CRISIS,
    },
  ];
  it('from the patient or the sitter; never the words, only the categories, each once', () => {
    expect(raise(message('patient', 'I want to die'))).toStrictEqual(expected('Matched: suicidal_ideation'));
    expect(raise(message('sitter', 'She says she wants to end it all'))).toStrictEqual(expected('Matched: suicidal_ideation'));
    const phrases = [
      { phrase: 'no way out', category: 'hopelessness' as const },
      { phrase: 'pills', category: 'overdose' as const },
      { phrase: 'all the pills', category: 'overdose' as const },
    ];
    expect(alertsForEvent(message('patient', 'No way out. I took all the pills'), NOW, settings, { urgentPhrases: phrases })).toStrictEqual(expected('Matched: hopelessness, overdose'));
  });
  it('from staff, or without such language, nothing', () => {
    expect(raise(message('clinician', 'Screened for suicidal ideation: none'))).toStrictEqual([]);
    expect(raise(message('coach', 'Patient said they want to die last year'))).toStrictEqual([]);
    expect(raise(message('patient', 'See you on Tuesday'))).toStrictEqual([]);
  });
  it('a reply overdue: at the due time, and when the due time cannot be read', () => {
    const overdue = (dueAt: string): AlertSourceEvent => ({ kind: 'message_reply_overdue', threadId: 't1', awaitingSince: '2025-06-29T12:00:00.000Z', dueAt });
    const expectedOverdue: AlertCandidate[] = [
      {
        code: 'MESSAGE_REPLY_OVERDUE',
        severity: 'moderate',
        holdsDosing: false,
        escalateAfterMinutes: 240,
        cause: 'thread:t1:since:2025-06-29T12:00:00.000Z',
        title: 'A patient message is waiting past the reply time',
        evidence: [{ type: 'message', id: 't1', summary: 'Unanswered patient message past the promised reply time' }],
        recommendedActions: ['Open the staff inbox and answer the patient', 'Assign the conversation to a care-team member'],
      },
    ];
    expect(raise(overdue('2025-06-30T12:00:00.000Z'))).toStrictEqual(expectedOverdue);
    expect(raise(overdue('tomorrow'))).toStrictEqual(expectedOverdue);
    expect(raise(overdue('2025-06-30T12:00:00.001Z'))).toStrictEqual([]);
  });
});

describe('dependence risk in full', () => {
  const tier = (previousTier: 'low' | 'elevated' | 'high' | null, next: 'low' | 'elevated' | 'high', reasons: string[]): AlertSourceEvent => ({
    kind: 'risk_tier_evaluated',
    evaluationId: 'r1',
    at: '2025-06-30T11:00:00.000Z',
    previousTier,
    tier: next,
    reasons,
  });
  const expected = (summary: string): AlertCandidate[] => [
    {
      code: 'DEPENDENCE_RISK_BECAME_HIGH',
      severity: 'high',
      holdsDosing: true,
      escalateAfterMinutes: 30,
      cause: 'risk-evaluation:r1',
      title: 'Dependence risk tier became high',
      evidence: [{ type: 'risk_evaluation', id: 'r1', summary }],
      recommendedActions: ['Review the warning signs and their evidence', 'Dosing held: a clinician decides whether to continue, limit dispensing, or taper'],
    },
  ];
  it('became high, with its reasons', () => {
    expect(raise(tier('elevated', 'high', ['1 high signal', 'intake risk elevated']))).toStrictEqual(expected('Tier elevated → high: 1 high signal; intake risk elevated'));
  });
  it('the first evaluation, without reasons', () => {
    expect(raise(tier(null, 'high', []))).toStrictEqual(expected('Tier none → high: no reasons given'));
  });
  it('staying high, or rising short of high, raises nothing', () => {
    expect(raise(tier('high', 'high', ['x']))).toStrictEqual([]);
    expect(raise(tier('low', 'elevated', ['x']))).toStrictEqual([]);
  });
});

describe('alertsForEvents', () => {
  it('one alert per code and cause (the first), most severe first', () => {
    const alerts = alertsForEvents(
      [
        { kind: 'cssrs_submitted', assessmentId: 'c1', at: '2025-06-30T11:00:00.000Z', risk: 'low' },
        { kind: 'phq9_submitted', assessmentId: 'a1', at: '2025-06-30T11:00:00.000Z', item9Points: 1, item9Positive: true },
        { kind: 'phq9_submitted', assessmentId: 'a1', at: '2025-06-30T11:00:00.000Z', item9Points: 3, item9Positive: true },
        { kind: 'phq9_submitted', assessmentId: 'a2', at: '2025-06-30T11:00:00.000Z', item9Points: 2, item9Positive: true },
        { kind: 'sitter_check_recorded', checkId: 'k1', sessionId: 's1', at: '2025-06-30T11:00:00.000Z', responsive: false, breathingNormally: true },
      ],
      NOW,
      settings,
    );
    expect(alerts.map((a) => [a.code, a.cause, a.severity, a.evidence[0]?.summary])).toStrictEqual([
      ['SESSION_EMERGENCY', 'sitter-check:k1', 'critical', 'Sitter check: not responsive'],
      ['SUICIDE_RISK_PHQ9_ITEM9', 'assessment:a1', 'high', 'PHQ-9 item 9 answered 1'],
      ['SUICIDE_RISK_PHQ9_ITEM9', 'assessment:a2', 'high', 'PHQ-9 item 9 answered 2'],
      ['SUICIDE_RISK_CSSRS_LOW', 'assessment:c1', 'moderate', 'C-SSRS screener scored low risk'],
    ]);
  });
  it('passes the phrase list on', () => {
    const alerts = alertsForEvents([{ kind: 'message_sent', messageId: 'm1', at: '2025-06-30T11:00:00.000Z', senderRole: 'patient', text: 'purple' }], NOW, settings, {
      urgentPhrases: [{ phrase: 'purple', category: 'self_harm' }],
    });
    expect(alerts.map((a) => a.evidence[0]?.summary)).toStrictEqual(['Matched: self_harm']);
  });
});

describe('signalAlertCandidates in full', () => {
  const craving = (severity: 'low' | 'moderate' | 'high'): WarningSignal => ({
    code: 'CRAVING',
    severity,
    evidence: [
      { type: 'check_in', id: 'c1', at: '2025-06-01T08:00:00.000Z', summary: 'Craving 6/10' },
      { type: 'assessment', id: 'k2', at: '2025-06-02T08:00:00.000Z', summary: 'Craving 7/10' },
      { type: 'check_in', id: 'c3', at: '2025-06-03T08:00:00.000Z', summary: 'Craving 8/10' },
    ],
    summary: 'craving ≥ 6 on 3 report(s)',
  });
  const alerted =
    (...keys: string[]) =>
    (code: string, key: string): boolean =>
      code === 'CRAVING' && keys.includes(key);
  it('new evidence at or above the hold setting: one alert holding dosing, the new evidence marked', () => {
    expect(signalAlertCandidates([craving('moderate')], alerted('check_in:c1'), settings)).toStrictEqual([
      {
        code: 'CRAVING',
        severity: 'moderate',
        holdsDosing: true,
        cause: 'signal:assessment:k2',
        title: 'Warning sign: craving ≥ 6 on 3 report(s)',
        evidence: [
          { type: 'check_in', id: 'c1', summary: 'Craving 6/10' },
          { type: 'assessment', id: 'k2', summary: 'Craving 7/10 (new)' },
          { type: 'check_in', id: 'c3', summary: 'Craving 8/10 (new)' },
        ],
        recommendedActions: ['Review the warning sign and its evidence with the patient', 'Dosing held: decide whether to continue, limit dispensing, or taper'],
        escalateAfterMinutes: 240,
        evidenceKeys: ['assessment:k2', 'check_in:c3'],
      },
    ]);
  });
  it('below the hold setting: no hold; a high signal escalates sooner', () => {
    const [low] = signalAlertCandidates([craving('low')], alerted(), settings);
    expect(low?.holdsDosing).toBe(false);
    expect(low?.recommendedActions).toStrictEqual(['Review the warning sign and its evidence with the patient', 'Decide whether the plan needs to change']);
    expect(low?.cause).toBe('signal:check_in:c1');
    expect(low?.escalateAfterMinutes).toBe(240);
    expect(signalAlertCandidates([craving('high')], alerted(), settings)[0]?.escalateAfterMinutes).toBe(30);
  });
  it('nothing when every piece of evidence was alerted before, or when the signal is below the alert setting', () => {
    expect(signalAlertCandidates([craving('high')], alerted('check_in:c1', 'assessment:k2', 'check_in:c3'), settings)).toStrictEqual([]);
    const s: AlertSettings = { ...settings, warningSigns: { ...settings.warningSigns, CRAVING: { alertAtOrAbove: 'moderate', holdsDosingAtOrAbove: null } } };
    expect(signalAlertCandidates([craving('low')], alerted(), s)).toStrictEqual([]);
    const [moderate] = signalAlertCandidates([craving('moderate')], alerted(), s);
    expect(moderate?.holdsDosing).toBe(false);
  });
  it('a signal without an alert setting raises nothing; the others still do', () => {
    const unknown = { ...craving('high'), code: 'NOT_A_SIGNAL' } as unknown as WarningSignal;
    expect(signalAlertCandidates([unknown, craving('low')], alerted(), settings).map((a) => a.code)).toStrictEqual(['CRAVING']);
  });
  it('evidenceKey', () => {
    expect(evidenceKey({ type: 'ledger_entry', id: 'l1' })).toBe('ledger_entry:l1');
  });
});

describe('times that cannot be read are not read as 1970', () => {
  it('a sitter check whose time cannot be read is overdue even ten minutes after the epoch', () => {
    const at = new Date('1970-01-01T00:10:00.000Z');
    const event: AlertSourceEvent = { kind: 'session_in_progress', sessionId: 's1', startedAt: '1970-01-01T00:05:00.000Z', lastSitterCheckAt: 'a moment ago' };
    expect(alertsForEvent(event, at, settings).map((a) => a.cause)).toStrictEqual(['session:s1:after:a moment ago']);
  });
  it('a reply whose due time cannot be read is overdue even on a clock before 1970', () => {
    const at = new Date('1969-12-31T00:00:00.000Z');
    const event: AlertSourceEvent = { kind: 'message_reply_overdue', threadId: 't1', awaitingSince: '1969-12-30T00:00:00.000Z', dueAt: 'tomorrow' };
    expect(alertsForEvent(event, at, settings).map((a) => a.cause)).toStrictEqual(['thread:t1:since:1969-12-30T00:00:00.000Z']);
  });
});
