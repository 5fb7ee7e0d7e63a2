import { describe, expect, it } from 'vitest';
import { alertsForEvent, alertsForEvents, signalAlertCandidates } from './alert-rules.ts';
import type { WarningSignal } from './warning-signs.ts';
import type { AlertSourceEvent } from './alert-rules.ts';
import { crisisMessage, crisisResources, cssrsEscalation } from './crisis-resources.ts';
import { defaultMonitoringSettings } from './monitoring-settings.ts';
import type { CssrsRiskLevel } from './monitoring-types.ts';

const NOW = new Date('2025-06-30T12:00:00.000Z');
const settings = defaultMonitoringSettings.alerts;
const minutesAgo = (m: number): string => new Date(NOW.getTime() - m * 60_000).toISOString();
const raise = (e: AlertSourceEvent) => alertsForEvent(e, NOW, settings);

describe('PHQ-9 item 9', () => {
  // The instrument flags item 9 (its threshold is instruments.phq9Item9FlagAbove); the rule follows the flag, and an
  // unreadable item 9 raises whatever the flag says (fail closed).
  it.each([
    [0, false, false],
    [1, true, true],
    [3, true, true],
    [2, false, false],
    [Number.NaN, false, true],
  ])('item 9 = %s, flagged %s, raises: %s', (item9Points, item9Positive, raised) => {
    const alerts = raise({ kind: 'phq9_submitted', assessmentId: 'a1', at: minutesAgo(1), item9Points, item9Positive });
    expect(alerts.length > 0).toBe(raised);
    if (raised) {
      expect(alerts[0]).toMatchObject({
        code: 'SUICIDE_RISK_PHQ9_ITEM9',
        severity: 'high',
        holdsDosing: true,
        cause: 'assessment:a1',
        escalateAfterMinutes: 30,
        patientMessage: crisisMessage,
      });
    }
  });
});

describe('C-SSRS screener', () => {
  it.each<[CssrsRiskLevel, string | null, string | null, boolean | null, number | null]>([
    ['none', null, null, null, null],
    ['low', 'SUICIDE_RISK_CSSRS_LOW', 'moderate', false, 240],
    ['moderate', 'SUICIDE_RISK_CSSRS_MODERATE', 'high', true, 30],
    ['high', 'SUICIDE_RISK_CSSRS_HIGH', 'critical', true, 30],
  ])('risk %s → %s (%s, holds %s, escalate %s min)', (risk, code, severity, holdsDosing, escalate) => {
    const alerts = raise({ kind: 'cssrs_submitted', assessmentId: 'c1', at: minutesAgo(1), risk });
    if (code === null) {
      expect(alerts).toEqual([]);
      return;
    }
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ code, severity, holdsDosing, escalateAfterMinutes: escalate, cause: 'assessment:c1' });
    expect(alerts[0]?.patientMessage).toBe(crisisMessage);
    expect(alerts[0]?.recommendedActions).toEqual(cssrsEscalation[risk as 'low' | 'moderate' | 'high'].actions);
  });
});

describe('serious adverse event', () => {
  it('raises a hold for a serious event and nothing for a non-serious one', () => {
    const base = { kind: 'adverse_event_reported' as const, adverseEventId: 'ae1', at: minutesAgo(2), sessionId: 's1' };
    expect(raise({ ...base, serious: true })[0]).toMatchObject({
      code: 'SERIOUS_ADVERSE_EVENT_REPORTED',
      holdsDosing: true,
      cause: 'adverse-event:ae1',
    });
    expect(raise({ ...base, serious: false })).toEqual([]);
    expect(raise({ ...base, serious: false, severity: 'moderate' })).toEqual([]);
  });
  it('a severe event not marked serious still reaches the clinician', () => {
    const base = { kind: 'adverse_event_reported' as const, adverseEventId: 'ae2', at: minutesAgo(2) };
    expect(raise({ ...base, serious: false, severity: 'severe' }).map((a) => [a.code, a.severity, a.holdsDosing, a.title])).toEqual([
      ['SERIOUS_ADVERSE_EVENT_REPORTED', 'critical', true, 'Severe adverse event reported'],
    ]);
  });
});

describe('vitals during a session', () => {
  const vitals = (over: Partial<Extract<AlertSourceEvent, { kind: 'vitals_recorded' }>>): AlertSourceEvent => ({
    kind: 'vitals_recorded',
    vitalsId: 'v1',
    sessionId: 's1',
    at: minutesAgo(1),
    phase: 'during',
    systolicMmHg: 150,
    diastolicMmHg: 90,
    heartRateBpm: 90,
    ...over,
  });
  it.each([
    ['at the limits', { systolicMmHg: 160, diastolicMmHg: 100, heartRateBpm: 110 }, false],
    ['systolic 161', { systolicMmHg: 161 }, true],
    ['diastolic 101', { diastolicMmHg: 101 }, true],
    ['heart rate 111', { heartRateBpm: 111 }, true],
    ['pre-dose reading over the limit (the gate blocks it instead)', { phase: 'pre' as const, systolicMmHg: 170 }, false],
    ['post-dose reading over the limit', { phase: 'post' as const, systolicMmHg: 170 }, true],
    ['implausible reading (input error)', { systolicMmHg: 400 }, false],
  ])('%s → alert: %s', (_name, over, raised) => {
    const alerts = raise(vitals(over));
    expect(alerts.length > 0).toBe(raised);
    if (raised) expect(alerts[0]).toMatchObject({ code: 'SESSION_VITALS_ABOVE_LIMITS', cause: 'vitals:v1', severity: 'high' });
  });
});

describe('missed sitter checks', () => {
  const session = (lastSitterCheckAt: string | undefined, startedAt = minutesAgo(60)): AlertSourceEvent => ({
    kind: 'session_in_progress',
    sessionId: 's1',
    startedAt,
    lastSitterCheckAt,
  });
  it('is quiet up to interval + grace (20 min) and raises once past it', () => {
    expect(raise(session(minutesAgo(20)))).toEqual([]);
    const alerts = raise(session(minutesAgo(21)));
    expect(alerts[0]).toMatchObject({ code: 'SITTER_CHECK_OVERDUE', severity: 'high', escalateAfterMinutes: 30 });
  });
  it('counts from the start of the session when no check was recorded', () => {
    expect(raise(session(undefined, minutesAgo(10)))).toEqual([]);
    expect(raise(session(undefined, minutesAgo(25)))[0]?.cause).toBe('session:s1:after:start');
  });
  it('keys the cause on the last check, so the same gap dedups and a new gap is a new alert', () => {
    const last = minutesAgo(30);
    const first = alertsForEvent(session(last), NOW, settings)[0]?.cause;
    const later = alertsForEvent(session(last), new Date(NOW.getTime() + 5 * 60_000), settings)[0]?.cause;
    expect(first).toBe(`session:s1:after:${last}`);
    expect(later).toBe(first);
    expect(raise(session(minutesAgo(25)))[0]?.cause).not.toBe(first);
  });
});

describe('urgent message language', () => {
  const message = (text: string, senderRole: 'patient' | 'clinician' = 'patient'): AlertSourceEvent => ({
    kind: 'message_sent',
    messageId: 'm1',
    at: minutesAgo(1),
    senderRole,
    text,
  });
  it('raises a critical hold with crisis text, and keeps the words out of the evidence', () => {
    const alerts = raise(message('I want to end my life'));
    expect(alerts[0]).toMatchObject({
      code: 'URGENT_MESSAGE_LANGUAGE',
      severity: 'critical',
      holdsDosing: true,
      cause: 'message:m1',
      patientMessage: crisisMessage,
    });
    expect(JSON.stringify(alerts)).not.toContain('end my life');
  });
  it('does not raise for everyday language or for a clinician writing about risk', () => {
    expect(raise(message('Killing it at work, feeling great'))).toEqual([]);
    expect(raise(message('Screened for suicide risk today', 'clinician'))).toEqual([]);
  });
});

describe('message reply overdue', () => {
  const waiting = (dueAt: string): AlertSourceEvent => ({ kind: 'message_reply_overdue', threadId: 't1', awaitingSince: '2025-06-27T13:00:00.000Z', dueAt });
  it('raises a moderate alert without a dosing hold once the due time has passed, one per wait', () => {
    expect(raise(waiting(minutesAgo(1)))).toEqual([
      expect.objectContaining({ code: 'MESSAGE_REPLY_OVERDUE', severity: 'moderate', holdsDosing: false, cause: 'thread:t1:since:2025-06-27T13:00:00.000Z', escalateAfterMinutes: 240 }),
    ]);
  });
  it('stays quiet before the due time, and fails closed on an unreadable one', () => {
    expect(raise(waiting(new Date(NOW.getTime() + 60_000).toISOString()))).toEqual([]);
    expect(raise(waiting('not a time'))).toHaveLength(1);
  });
});

describe('dependence risk tier', () => {
  const evaluated = (previousTier: 'low' | 'elevated' | 'high' | null, tier: 'low' | 'elevated' | 'high'): AlertSourceEvent => ({
    kind: 'risk_tier_evaluated',
    evaluationId: 'r1',
    at: minutesAgo(1),
    previousTier,
    tier,
    reasons: ['1 high-severity signal(s)'],
  });
  it('raises a hold only when the tier moves into high', () => {
    expect(raise(evaluated('elevated', 'high'))[0]).toMatchObject({
      code: 'DEPENDENCE_RISK_BECAME_HIGH',
      holdsDosing: true,
      cause: 'risk-evaluation:r1',
    });
    expect(raise(evaluated('high', 'high'))).toEqual([]);
    expect(raise(evaluated('low', 'elevated'))).toEqual([]);
  });
});

describe('dedup and ordering', () => {
  const events: AlertSourceEvent[] = [
    { kind: 'phq9_submitted', assessmentId: 'a1', at: minutesAgo(1), item9Points: 1, item9Positive: true },
    { kind: 'cssrs_submitted', assessmentId: 'c1', at: minutesAgo(1), risk: 'high' },
    { kind: 'phq9_submitted', assessmentId: 'a1', at: minutesAgo(1), item9Points: 1, item9Positive: true },
  ];
  it('gives the same cause keys on every evaluation (retry-safe) and one alert per (code, cause)', () => {
    const once = alertsForEvents(events, NOW, settings);
    const again = alertsForEvents(events, new Date(NOW.getTime() + 60_000), settings);
    expect(once.map((a) => [a.code, a.cause])).toEqual([
      ['SUICIDE_RISK_CSSRS_HIGH', 'assessment:c1'],
      ['SUICIDE_RISK_PHQ9_ITEM9', 'assessment:a1'],
    ]);
    expect(again.map((a) => a.cause)).toEqual(once.map((a) => a.cause));
  });
  it('reads escalation times from settings', () => {
    const custom = { ...settings, escalateAfterMinutes: { ...settings.escalateAfterMinutes, high: 10 } };
    expect(alertsForEvent(events[0] as AlertSourceEvent, NOW, custom)[0]?.escalateAfterMinutes).toBe(10);
  });
});

describe('crisis resources', () => {
  it('lists 988 call, text and chat, the Veterans Crisis Line, Crisis Text Line and 911', () => {
    const instructions = crisisResources.map((r) => r.instruction);
    expect(instructions).toEqual([
      'Call 988',
      'Text 988',
      'Chat at 988lifeline.org',
      'Call 988, then press 1',
      'Text HOME to 741741',
      'Call 911 if you are in immediate danger',
    ]);
  });
  it('escalates by C-SSRS level as docs/clinical-basis.md §7 says', () => {
    expect(cssrsEscalation.low).toMatchObject({ clinicianContact: 'within_a_week', dosingHeld: false });
    expect(cssrsEscalation.moderate).toMatchObject({ clinicianContact: 'same_day', dosingHeld: true });
    expect(cssrsEscalation.high).toMatchObject({ clinicianContact: 'immediate', dosingHeld: true });
    expect(cssrsEscalation.high.actions).toContain('Do not leave the patient alone');
  });
  it('the default C-SSRS holds agree with the escalation guidance', () => {
    for (const level of ['low', 'moderate', 'high'] as const) {
      expect(settings.cssrs[level].holdsDosing).toBe(cssrsEscalation[level].dosingHeld);
    }
  });
});

describe('session emergencies', () => {
  const check = (responsive: boolean, breathingNormally: boolean): AlertSourceEvent => ({
    kind: 'sitter_check_recorded',
    checkId: 'k1',
    sessionId: 's1',
    at: minutesAgo(1),
    responsive,
    breathingNormally,
  });
  it.each([
    [true, true, []],
    [false, true, [['SESSION_EMERGENCY', 'critical', true, 'sitter-check:k1']]],
    [true, false, [['SESSION_EMERGENCY', 'critical', true, 'sitter-check:k1']]],
    [false, false, [['SESSION_EMERGENCY', 'critical', true, 'sitter-check:k1']]],
  ])('a sitter check responsive=%s breathing=%s raises %j', (responsive, breathing, expected) => {
    expect(raise(check(responsive, breathing)).map((a) => [a.code, a.severity, a.holdsDosing, a.cause])).toEqual(expected);
  });
  it('a concern marked emergency raises a critical hold; an ordinary concern raises nothing here', () => {
    const concern = (emergency: boolean): AlertSourceEvent => ({ kind: 'sitter_concern_raised', concernId: 'c1', sessionId: 's1', at: minutesAgo(1), emergency });
    expect(raise(concern(true)).map((a) => [a.code, a.severity, a.holdsDosing, a.cause, a.escalateAfterMinutes])).toEqual([['SESSION_EMERGENCY', 'critical', true, 'sitter-concern:c1', 30]]);
    expect(raise(concern(false))).toEqual([]);
  });
  it('leaving a session after the dose alerts the clinician (high, not a hold by default)', () => {
    const alerts = raise({ kind: 'session_aborted_after_dose', sessionId: 's1', at: minutesAgo(0), startedAt: minutesAgo(20) });
    expect(alerts.map((a) => [a.code, a.severity, a.holdsDosing, a.cause])).toEqual([['SESSION_ABORTED_AFTER_DOSE', 'high', false, 'session-aborted:s1']]);
  });
  it('a serious adverse event is critical and holds', () => {
    const alerts = raise({ kind: 'adverse_event_reported', adverseEventId: 'e1', at: minutesAgo(1), serious: true });
    expect(alerts.map((a) => [a.code, a.severity, a.holdsDosing])).toEqual([['SERIOUS_ADVERSE_EVENT_REPORTED', 'critical', true]]);
  });
});

describe('warning-sign alerts', () => {
  const sig = (code: WarningSignal['code'], severity: WarningSignal['severity'], ids: string[]): WarningSignal => ({
    code,
    severity,
    summary: `${code} summary`,
    evidence: ids.map((id) => ({ type: 'ledger_entry', id, at: minutesAgo(5), summary: `row ${id}` })),
  });
  const none = () => false;
  it('raises one alert per signal with new evidence, the signal’s severity, holding at the signal’s hold setting', () => {
    const alerts = signalAlertCandidates([sig('LOST_OR_STOLEN', 'moderate', ['l1']), sig('USE_OUTSIDE_SESSIONS', 'high', ['u1'])], none, settings);
    expect(alerts.map((a) => [a.code, a.severity, a.holdsDosing, a.cause, a.evidenceKeys])).toEqual([
      ['LOST_OR_STOLEN', 'moderate', false, 'signal:ledger_entry:l1', ['ledger_entry:l1']],
      ['USE_OUTSIDE_SESSIONS', 'high', true, 'signal:ledger_entry:u1', ['ledger_entry:u1']],
    ]);
  });
  it('a second loss within the window is high and holds, and cites only the new report as new', () => {
    const covered = new Set(['LOST_OR_STOLEN|ledger_entry:l1']);
    const [alert] = signalAlertCandidates([sig('LOST_OR_STOLEN', 'high', ['l1', 'l2'])], (c, k) => covered.has(`${c}|${k}`), settings);
    expect(alert).toMatchObject({ code: 'LOST_OR_STOLEN', severity: 'high', holdsDosing: true, cause: 'signal:ledger_entry:l2', evidenceKeys: ['ledger_entry:l2'] });
    expect(alert?.evidence.map((e) => e.summary)).toEqual(['row l1', 'row l2 (new)']);
  });
  it('evidence already alerted raises nothing again, whatever the tier or an earlier resolution', () => {
    const covered = new Set(['CRAVING|ledger_entry:c1']);
    expect(signalAlertCandidates([sig('CRAVING', 'moderate', ['c1'])], (c, k) => covered.has(`${c}|${k}`), settings)).toEqual([]);
  });
  it('follows the settings: a signal below its alert threshold raises nothing; a hold threshold of null never holds', () => {
    const quiet = { ...settings, warningSigns: { ...settings.warningSigns, CRAVING: { alertAtOrAbove: 'high' as const, holdsDosingAtOrAbove: null } } };
    expect(signalAlertCandidates([sig('CRAVING', 'moderate', ['c1'])], none, quiet)).toEqual([]);
    const [alert] = signalAlertCandidates([sig('CRAVING', 'high', ['c1'])], none, quiet);
    expect(alert?.holdsDosing).toBe(false);
  });
});
