// Each warning sign in full: code, severity, every piece of evidence with its summary, and the signal's summary, as
// the clinician reads them on the alert (docs/clinical-basis.md §5, docs/monitoring.md). The sibling
// warning-signs.test.ts pins when each signal fires; this file pins what it says and the boundaries of each window.
// Every expected string, instant and count is written out here by hand, from the default settings
// (packages/domain/src/monitoring/monitoring-settings.ts: a 90-day lookback; lost or stolen within 6 months; two
// interval-blocked attempts within 14 days, retries within 60 minutes collapsed; craving ≥ 6 or rising over 3).
import { describe, expect, it } from 'vitest';
import { defaultMonitoringSettings, type WarningSignSettings } from './monitoring-settings.ts';
import type { SignalCode } from './monitoring-types.ts';
import { detectSignals, emptyWarningSignInput } from './warning-signs.ts';
import type { AssessmentRecord, CheckInRecord, GateEvaluationRecord, WarningSignInput, WarningSignal } from './warning-signs.ts';

// Now is 2025-06-30T12:00Z; the 90-day lookback starts at 2025-04-01T12:00Z.
const NOW = new Date('2025-06-30T12:00:00.000Z');
const defaults = defaultMonitoringSettings.warningSigns;
const thresholds = { cravingHighAtOrAbove: 6 };

const detect = (input: Partial<WarningSignInput>, settings: WarningSignSettings = defaults): WarningSignal[] =>
  detectSignals({ ...emptyWarningSignInput, ...input }, NOW, settings, thresholds);
const only = (input: Partial<WarningSignInput>, code: SignalCode, settings: WarningSignSettings = defaults): WarningSignal | undefined =>
  detect(input, settings).find((s) => s.code === code);
const tune = <K extends keyof WarningSignSettings>(key: K, value: Partial<WarningSignSettings[K]>): WarningSignSettings => ({
  ...defaults,
  [key]: { ...(defaults[key] as object), ...(value as object) },
});

const checkIn = (id: string, at: string, over: Partial<CheckInRecord> = {}): CheckInRecord => ({
  id,
  at,
  craving0to10: null,
  usedOutsideSession: false,
  bladderPositive: false,
  cognitiveComplaint: false,
  ...over,
});
const assessment = (id: string, code: string, at: string, total: number | null, over: Partial<AssessmentRecord> = {}): AssessmentRecord => ({
  id,
  code,
  at,
  total,
  context: 'followup',
  ...over,
});

describe('EARLY_REFILL_REQUEST in full', () => {
  const refill = (id: string, requestedAt: string, eligibleFrom: string, outcome: 'granted' | 'held' | 'denied' | 'pending' = 'held') => ({
    id,
    requestedAt,
    eligibleFrom,
    outcome,
  });
  it('one early request: low, with the dates and the outcome', () => {
    expect(only({ refillRequests: [refill('r1', '2025-06-20T11:59:59.999Z', '2025-06-20T12:00:00.000Z', 'pending')] }, 'EARLY_REFILL_REQUEST')).toStrictEqual({
      code: 'EARLY_REFILL_REQUEST',
      severity: 'low',
      evidence: [
        {
          type: 'refill_request',
          id: 'r1',
          at: '2025-06-20T11:59:59.999Z',
          summary: 'Refill asked for at 2025-06-20T11:59:59.999Z, eligible from 2025-06-20T12:00:00.000Z (pending)',
        },
      ],
      summary: '1 refill request(s) before the eligible date',
    });
  });
  it('two, one of them at the very start of the lookback and one whose dates cannot be read: moderate', () => {
    const s = only(
      {
        refillRequests: [
          refill('r1', '2025-04-01T12:00:00.000Z', '2025-04-05T00:00:00.000Z', 'denied'),
          refill('r2', '2025-06-01T10:00:00.000Z', 'soon', 'held'),
          refill('r3', '2025-03-31T12:00:00.000Z', '2025-04-05T00:00:00.000Z', 'denied'),
          refill('r4', '2025-06-10T10:00:00.000Z', '2025-06-10T10:00:00.000Z', 'granted'),
          refill('r5', '2025-07-01T10:00:00.000Z', '2025-07-05T10:00:00.000Z', 'pending'),
        ],
      },
      'EARLY_REFILL_REQUEST',
    );
    expect(s).toStrictEqual({
      code: 'EARLY_REFILL_REQUEST',
      severity: 'moderate',
      evidence: [
        { type: 'refill_request', id: 'r1', at: '2025-04-01T12:00:00.000Z', summary: 'Refill asked for at 2025-04-01T12:00:00.000Z, eligible from 2025-04-05T00:00:00.000Z (denied)' },
        { type: 'refill_request', id: 'r2', at: '2025-06-01T10:00:00.000Z', summary: 'Refill asked for at 2025-06-01T10:00:00.000Z, eligible from soon (held)' },
      ],
      summary: '2 refill request(s) before the eligible date',
    });
  });
  it('a request whose own time cannot be read counts (fail closed)', () => {
    expect(only({ refillRequests: [refill('r1', 'last week', '2025-06-20T12:00:00.000Z')] }, 'EARLY_REFILL_REQUEST')?.evidence.map((e) => e.id)).toStrictEqual(['r1']);
  });
  it('one millisecond before the lookback starts is not read', () => {
    expect(only({ refillRequests: [refill('r1', '2025-04-01T11:59:59.999Z', '2025-04-05T00:00:00.000Z')] }, 'EARLY_REFILL_REQUEST')).toBeUndefined();
  });
  it('repeats from the configured count', () => {
    const s = tune('earlyRefillRequest', { repeatCount: 3, repeatSeverity: 'high' });
    const two = [refill('r1', '2025-06-01T10:00:00.000Z', '2025-06-03T10:00:00.000Z'), refill('r2', '2025-06-11T10:00:00.000Z', '2025-06-13T10:00:00.000Z')];
    expect(only({ refillRequests: two }, 'EARLY_REFILL_REQUEST', s)?.severity).toBe('low');
    expect(only({ refillRequests: [...two, refill('r3', '2025-06-21T10:00:00.000Z', '2025-06-23T10:00:00.000Z')] }, 'EARLY_REFILL_REQUEST', s)?.severity).toBe('high');
  });
});

describe('DOSE_ESCALATION_PRESSURE in full', () => {
  it('a request for more and a tolerance report: moderate, each summarised by its kind', () => {
    expect(
      only(
        {
          doseChangeRequests: [
            { id: 'd1', at: '2025-05-01T09:00:00.000Z', kind: 'increase_request', note: 'please' },
            { id: 'd2', at: '2025-06-01T09:00:00.000Z', kind: 'decrease_request' },
            { id: 'd3', at: '2025-06-02T09:00:00.000Z', kind: 'tolerance_report' },
            { id: 'd4', at: '2025-03-01T09:00:00.000Z', kind: 'increase_request' },
          ],
        },
        'DOSE_ESCALATION_PRESSURE',
      ),
    ).toStrictEqual({
      code: 'DOSE_ESCALATION_PRESSURE',
      severity: 'moderate',
      evidence: [
        { type: 'dose_change_request', id: 'd1', at: '2025-05-01T09:00:00.000Z', summary: 'Asked for a higher dose' },
        { type: 'dose_change_request', id: 'd3', at: '2025-06-02T09:00:00.000Z', summary: 'Reported the dose stopped working' },
      ],
      summary: '2 request(s) for a higher dose or report(s) of tolerance',
    });
  });
  it('one tolerance report: low', () => {
    expect(only({ doseChangeRequests: [{ id: 'd1', at: '2025-06-02T09:00:00.000Z', kind: 'tolerance_report' }] }, 'DOSE_ESCALATION_PRESSURE')).toStrictEqual({
      code: 'DOSE_ESCALATION_PRESSURE',
      severity: 'low',
      evidence: [{ type: 'dose_change_request', id: 'd1', at: '2025-06-02T09:00:00.000Z', summary: 'Reported the dose stopped working' }],
      summary: '1 request(s) for a higher dose or report(s) of tolerance',
    });
  });
  it('a request for more outside the lookback is not read', () => {
    expect(only({ doseChangeRequests: [{ id: 'd1', at: '2025-03-01T09:00:00.000Z', kind: 'increase_request' }] }, 'DOSE_ESCALATION_PRESSURE')).toBeUndefined();
  });
});

describe('COUNT_MISMATCH in full', () => {
  const count = (id: string, occurredAt: string, countedUnits?: number, expectedUnits?: number) => ({
    id,
    kind: 'counted' as const,
    occurredAt,
    ...(countedUnits === undefined ? {} : { countedUnits }),
    ...(expectedUnits === undefined ? {} : { expectedUnits }),
  });
  it('a surplus then a shortfall: the higher severity, each count with its difference', () => {
    expect(
      only(
        {
          ledgerEntries: [
            count('c1', '2025-05-01T10:00:00.000Z', 5, 4),
            count('c2', '2025-05-15T10:00:00.000Z', 4, 4),
            count('c3', '2025-06-01T10:00:00.000Z', 1, 4),
            { id: 'x1', kind: 'dispensed', units: 4, occurredAt: '2025-06-02T10:00:00.000Z', countedUnits: 0, expectedUnits: 9 },
            count('c4', '2025-03-01T10:00:00.000Z', 0, 9),
          ],
        },
        'COUNT_MISMATCH',
      ),
    ).toStrictEqual({
      code: 'COUNT_MISMATCH',
      severity: 'moderate',
      evidence: [
        { type: 'ledger_entry', id: 'c1', at: '2025-05-01T10:00:00.000Z', summary: 'Counted 5 unit(s), ledger expected 4 (+1)' },
        { type: 'ledger_entry', id: 'c3', at: '2025-06-01T10:00:00.000Z', summary: 'Counted 1 unit(s), ledger expected 4 (-3)' },
      ],
      summary: '2 pill count(s) differ from the ledger',
    });
  });
  it('a shortfall then a surplus keeps the higher severity', () => {
    expect(only({ ledgerEntries: [count('c1', '2025-05-01T10:00:00.000Z', 3, 4), count('c2', '2025-06-01T10:00:00.000Z', 6, 4)] }, 'COUNT_MISMATCH')?.severity).toBe('moderate');
  });
  it('a surplus alone is low', () => {
    expect(only({ ledgerEntries: [count('c1', '2025-05-01T10:00:00.000Z', 6, 4)] }, 'COUNT_MISMATCH')).toStrictEqual({
      code: 'COUNT_MISMATCH',
      severity: 'low',
      evidence: [{ type: 'ledger_entry', id: 'c1', at: '2025-05-01T10:00:00.000Z', summary: 'Counted 6 unit(s), ledger expected 4 (+2)' }],
      summary: '1 pill count(s) differ from the ledger',
    });
  });
  it.each([
    ['without the counted units', count('c1', '2025-05-01T10:00:00.000Z', undefined, 4)],
    ['without the expected units', count('c1', '2025-05-01T10:00:00.000Z', 4, undefined)],
  ])('a count %s is a shortfall (fail closed)', (_name, entry) => {
    expect(only({ ledgerEntries: [entry] }, 'COUNT_MISMATCH')).toStrictEqual({
      code: 'COUNT_MISMATCH',
      severity: 'moderate',
      evidence: [{ type: 'ledger_entry', id: 'c1', at: '2025-05-01T10:00:00.000Z', summary: 'Pill count recorded without counted and expected units' }],
      summary: '1 pill count(s) differ from the ledger',
    });
  });
  it('differences below the configured minimum are ignored, at it they count', () => {
    const s = tune('countMismatch', { minDifferenceUnits: 2 });
    expect(only({ ledgerEntries: [count('c1', '2025-05-01T10:00:00.000Z', 3, 4), count('c2', '2025-05-02T10:00:00.000Z', 5, 4)] }, 'COUNT_MISMATCH', s)).toBeUndefined();
    expect(only({ ledgerEntries: [count('c1', '2025-05-01T10:00:00.000Z', 2, 4)] }, 'COUNT_MISMATCH', s)?.evidence.map((e) => e.id)).toStrictEqual(['c1']);
    expect(only({ ledgerEntries: [count('c1', '2025-05-01T10:00:00.000Z', 6, 4)] }, 'COUNT_MISMATCH', s)?.evidence.map((e) => e.id)).toStrictEqual(['c1']);
  });
});

describe('LOST_OR_STOLEN in full', () => {
  // Six months before 2025-06-30T12:00Z is 2024-12-30T12:00Z.
  it('two reports, one at the very start of the six months: high, with units and circumstance', () => {
    expect(
      only(
        {
          ledgerEntries: [
            { id: 'l1', kind: 'lost', units: 2, occurredAt: '2024-12-30T12:00:00.000Z', circumstance: 'stolen' },
            { id: 'l2', kind: 'lost', occurredAt: '2025-06-01T10:00:00.000Z' },
            { id: 'l3', kind: 'lost', units: 1, occurredAt: '2024-12-30T11:59:59.999Z', circumstance: 'lost' },
            { id: 'x1', kind: 'disposed', units: 1, occurredAt: '2025-06-02T10:00:00.000Z' },
          ],
        },
        'LOST_OR_STOLEN',
      ),
    ).toStrictEqual({
      code: 'LOST_OR_STOLEN',
      severity: 'high',
      evidence: [
        { type: 'ledger_entry', id: 'l1', at: '2024-12-30T12:00:00.000Z', summary: '2 unit(s) reported stolen' },
        { type: 'ledger_entry', id: 'l2', at: '2025-06-01T10:00:00.000Z', summary: 'unknown unit(s) reported lost' },
      ],
      summary: '2 lost or stolen report(s) within 6 months',
    });
  });
  it('the window follows its setting', () => {
    const s = tune('lostOrStolen', { windowMonths: 1 });
    expect(only({ ledgerEntries: [{ id: 'l1', kind: 'lost', units: 1, occurredAt: '2025-05-30T12:00:00.000Z', circumstance: 'lost' }] }, 'LOST_OR_STOLEN', s)).toStrictEqual({
      code: 'LOST_OR_STOLEN',
      severity: 'moderate',
      evidence: [{ type: 'ledger_entry', id: 'l1', at: '2025-05-30T12:00:00.000Z', summary: '1 unit(s) reported lost' }],
      summary: '1 lost or stolen report(s) within 1 months',
    });
    expect(only({ ledgerEntries: [{ id: 'l1', kind: 'lost', units: 1, occurredAt: '2025-05-30T11:59:59.999Z' }] }, 'LOST_OR_STOLEN', s)).toBeUndefined();
  });
});

describe('USE_OUTSIDE_SESSIONS in full', () => {
  it('every source, each summarised, in the order read: check-ins, craving checks, ledger', () => {
    expect(
      only(
        {
          checkIns: [checkIn('c1', '2025-06-20T08:00:00.000Z', { usedOutsideSession: true }), checkIn('c2', '2025-03-01T08:00:00.000Z', { usedOutsideSession: true })],
          assessments: [
            assessment('k1', 'craving', '2025-06-21T08:00:00.000Z', 3, { flags: ['USE_OUTSIDE_SESSION'] }),
            assessment('k2', 'bladder', '2025-06-21T08:00:00.000Z', 1, { flags: ['USE_OUTSIDE_SESSION'] }),
            assessment('k3', 'craving', '2025-06-22T08:00:00.000Z', 3),
            assessment('k4', 'craving', '2025-03-01T08:00:00.000Z', 3, { flags: ['USE_OUTSIDE_SESSION'] }),
          ],
          sessions: [
            { id: 's-cancelled', status: 'cancelled', authorizedAt: '2025-06-10T08:00:00.000Z' },
            { id: 's-ok', status: 'completed', authorizedAt: '2025-06-11T08:00:00.000Z' },
          ],
          ledgerEntries: [
            { id: 'a1', kind: 'administered', units: 3, occurredAt: '2025-06-05T08:00:00.000Z' },
            { id: 'a2', kind: 'administered', occurredAt: '2025-06-10T08:00:00.000Z', sessionId: 's-cancelled' },
            { id: 'a3', kind: 'administered', units: 1, occurredAt: '2025-06-11T08:00:00.000Z', sessionId: 's-ok' },
            { id: 'a4', kind: 'administered', units: 1, occurredAt: '2025-06-12T08:00:00.000Z', sessionId: 's-unknown' },
            { id: 'a5', kind: 'administered', units: 1, occurredAt: '2025-03-01T08:00:00.000Z' },
            { id: 'a6', kind: 'dispensed', units: 1, occurredAt: '2025-06-13T08:00:00.000Z' },
          ],
        },
        'USE_OUTSIDE_SESSIONS',
      ),
    ).toStrictEqual({
      code: 'USE_OUTSIDE_SESSIONS',
      severity: 'high',
      evidence: [
        { type: 'check_in', id: 'c1', at: '2025-06-20T08:00:00.000Z', summary: 'Reported using ketamine outside a session' },
        { type: 'assessment', id: 'k1', at: '2025-06-21T08:00:00.000Z', summary: 'Craving check: used ketamine outside a session' },
        { type: 'ledger_entry', id: 'a1', at: '2025-06-05T08:00:00.000Z', summary: '3 unit(s) administered with no session' },
        { type: 'ledger_entry', id: 'a2', at: '2025-06-10T08:00:00.000Z', summary: 'unknown unit(s) administered against session s-cancelled, which was not authorized' },
        { type: 'ledger_entry', id: 'a4', at: '2025-06-12T08:00:00.000Z', summary: '1 unit(s) administered against session s-unknown, which was not authorized' },
      ],
      summary: 'Ketamine used outside an authorized session',
    });
  });
  it('the severity is the highest any source earns', () => {
    const s = tune('useOutsideSessions', { selfReportSeverity: 'low', unmatchedLedgerSeverity: 'moderate' });
    const selfReport = { checkIns: [checkIn('c1', '2025-06-20T08:00:00.000Z', { usedOutsideSession: true })] };
    const ledger = { ledgerEntries: [{ id: 'a1', kind: 'administered' as const, units: 1, occurredAt: '2025-06-05T08:00:00.000Z' }] };
    expect(only(selfReport, 'USE_OUTSIDE_SESSIONS', s)?.severity).toBe('low');
    expect(only({ ...selfReport, ...ledger }, 'USE_OUTSIDE_SESSIONS', s)?.severity).toBe('moderate');
    expect(only({ assessments: [assessment('k1', 'craving', '2025-06-21T08:00:00.000Z', 3, { flags: ['USE_OUTSIDE_SESSION'] })], ...ledger }, 'USE_OUTSIDE_SESSIONS', s)?.severity).toBe(
      'moderate',
    );
  });
});

describe('INTERVAL_PRESSURE in full', () => {
  const gate = (id: string, at: string, reasonCodes: string[] = ['MIN_INTERVAL_NOT_MET'], outcome: 'blocked' | 'authorized' = 'blocked'): GateEvaluationRecord => ({
    id,
    at,
    outcome,
    reasonCodes,
  });
  it('two attempts exactly 14 days apart, each with its reasons', () => {
    expect(
      only({ gateEvaluations: [gate('g2', '2025-06-15T10:00:00.000Z', ['MIN_INTERVAL_NOT_MET', 'SITTER_NOT_ATTESTED']), gate('g1', '2025-06-01T10:00:00.000Z')] }, 'INTERVAL_PRESSURE'),
    ).toStrictEqual({
      code: 'INTERVAL_PRESSURE',
      severity: 'moderate',
      evidence: [
        { type: 'gate_evaluation', id: 'g1', at: '2025-06-01T10:00:00.000Z', summary: 'Authorization blocked: MIN_INTERVAL_NOT_MET' },
        { type: 'gate_evaluation', id: 'g2', at: '2025-06-15T10:00:00.000Z', summary: 'Authorization blocked: MIN_INTERVAL_NOT_MET, SITTER_NOT_ATTESTED' },
      ],
      summary: '2 authorization attempts blocked by the minimum interval within 14 days',
    });
  });
  it('14 days and 1 ms apart are two separate windows', () => {
    expect(only({ gateEvaluations: [gate('g1', '2025-06-01T10:00:00.000Z'), gate('g2', '2025-06-15T10:00:00.001Z')] }, 'INTERVAL_PRESSURE')).toBeUndefined();
  });
  it('a retry 60 minutes after is a new attempt; 1 ms sooner it is the same one', () => {
    expect(only({ gateEvaluations: [gate('g1', '2025-06-01T10:00:00.000Z'), gate('g2', '2025-06-01T11:00:00.000Z')] }, 'INTERVAL_PRESSURE')?.evidence.map((e) => e.id)).toStrictEqual(['g1', 'g2']);
    expect(only({ gateEvaluations: [gate('g1', '2025-06-01T10:00:00.000Z'), gate('g2', '2025-06-01T10:59:59.999Z')] }, 'INTERVAL_PRESSURE')).toBeUndefined();
  });
  it('the busiest window wins, and only the counted attempts are cited', () => {
    const s = only(
      {
        gateEvaluations: [
          gate('g4', '2025-06-10T10:30:00.000Z'),
          gate('g1', '2025-04-10T10:00:00.000Z'),
          gate('g3', '2025-06-10T10:00:00.000Z'),
          gate('g2', '2025-06-01T10:00:00.000Z'),
          gate('g5', '2025-06-12T10:00:00.000Z'),
          gate('x1', '2025-06-11T10:00:00.000Z', ['MIN_INTERVAL_NOT_MET'], 'authorized'),
          gate('x2', '2025-06-11T12:00:00.000Z', ['VITALS_STALE']),
          gate('x3', 'not a time'),
          gate('x4', '2025-03-20T10:00:00.000Z'),
        ],
      },
      'INTERVAL_PRESSURE',
    );
    expect(s?.evidence.map((e) => e.id)).toStrictEqual(['g2', 'g3', 'g5']);
    expect(s?.summary).toBe('3 authorization attempts blocked by the minimum interval within 14 days');
  });
  it('an attempt whose time cannot be read is not counted', () => {
    expect(only({ gateEvaluations: [gate('g1', '2025-06-01T10:00:00.000Z'), gate('x', 'not a time')] }, 'INTERVAL_PRESSURE')).toBeUndefined();
  });
  it('follows its settings: three attempts within 3 days, retries within 10 minutes', () => {
    const s = tune('intervalPressure', { minAttempts: 3, windowDays: 3, distinctAfterMinutes: 10, severity: 'high' });
    const three = [gate('g1', '2025-06-01T10:00:00.000Z'), gate('g2', '2025-06-01T10:10:00.000Z'), gate('g3', '2025-06-04T10:00:00.000Z')];
    expect(only({ gateEvaluations: three }, 'INTERVAL_PRESSURE', s)).toStrictEqual({
      code: 'INTERVAL_PRESSURE',
      severity: 'high',
      evidence: [
        { type: 'gate_evaluation', id: 'g1', at: '2025-06-01T10:00:00.000Z', summary: 'Authorization blocked: MIN_INTERVAL_NOT_MET' },
        { type: 'gate_evaluation', id: 'g2', at: '2025-06-01T10:10:00.000Z', summary: 'Authorization blocked: MIN_INTERVAL_NOT_MET' },
        { type: 'gate_evaluation', id: 'g3', at: '2025-06-04T10:00:00.000Z', summary: 'Authorization blocked: MIN_INTERVAL_NOT_MET' },
      ],
      summary: '3 authorization attempts blocked by the minimum interval within 3 days',
    });
    expect(only({ gateEvaluations: three.slice(0, 2) }, 'INTERVAL_PRESSURE', s)).toBeUndefined();
  });
});

describe('CRAVING in full', () => {
  it('high scores only: moderate, each cited', () => {
    expect(
      only(
        {
          checkIns: [checkIn('c1', '2025-06-20T08:00:00.000Z', { craving0to10: 7 }), checkIn('c2', '2025-06-10T08:00:00.000Z', { craving0to10: 6 })],
          assessments: [assessment('k1', 'craving', '2025-06-15T08:00:00.000Z', null), assessment('k2', 'phq9', '2025-06-16T08:00:00.000Z', 20)],
        },
        'CRAVING',
      ),
    ).toStrictEqual({
      code: 'CRAVING',
      severity: 'moderate',
      evidence: [
        { type: 'check_in', id: 'c2', at: '2025-06-10T08:00:00.000Z', summary: 'Craving 6/10' },
        { type: 'check_in', id: 'c1', at: '2025-06-20T08:00:00.000Z', summary: 'Craving 7/10' },
      ],
      summary: 'craving ≥ 6 on 2 report(s)',
    });
  });
  it('a rise only: low, naming the scores of the latest rising run', () => {
    expect(
      only(
        {
          checkIns: [
            checkIn('c1', '2025-06-01T08:00:00.000Z', { craving0to10: 1 }),
            checkIn('c2', '2025-06-02T08:00:00.000Z', { craving0to10: 2 }),
            checkIn('c3', '2025-06-03T08:00:00.000Z', { craving0to10: 3 }),
            checkIn('c4', '2025-06-04T08:00:00.000Z', { craving0to10: 4 }),
            checkIn('c5', '2025-03-01T08:00:00.000Z', { craving0to10: 0 }),
          ],
        },
        'CRAVING',
      ),
    ).toStrictEqual({
      code: 'CRAVING',
      severity: 'low',
      evidence: [
        { type: 'check_in', id: 'c2', at: '2025-06-02T08:00:00.000Z', summary: 'Craving 2/10' },
        { type: 'check_in', id: 'c3', at: '2025-06-03T08:00:00.000Z', summary: 'Craving 3/10' },
        { type: 'check_in', id: 'c4', at: '2025-06-04T08:00:00.000Z', summary: 'Craving 4/10' },
      ],
      summary: 'craving rising over 3 reports (2 → 3 → 4)',
    });
  });
  it('an earlier rise is found when the latest scores do not rise', () => {
    const s = only(
      {
        checkIns: [
          checkIn('c1', '2025-06-01T08:00:00.000Z', { craving0to10: 1 }),
          checkIn('c2', '2025-06-02T08:00:00.000Z', { craving0to10: 2 }),
          checkIn('c3', '2025-06-03T08:00:00.000Z', { craving0to10: 3 }),
          checkIn('c4', '2025-06-04T08:00:00.000Z', { craving0to10: 0 }),
          checkIn('c5', '2025-06-05T08:00:00.000Z', { craving0to10: 1 }),
        ],
      },
      'CRAVING',
    );
    expect(s?.summary).toBe('craving rising over 3 reports (1 → 2 → 3)');
    expect(s?.evidence.map((e) => e.id)).toStrictEqual(['c1', 'c2', 'c3']);
  });
  it('high and rising: the higher severity, each score cited once, in time order', () => {
    expect(
      only(
        {
          checkIns: [checkIn('c1', '2025-06-01T08:00:00.000Z', { craving0to10: 5 }), checkIn('c3', '2025-06-03T08:00:00.000Z', { craving0to10: 7 })],
          assessments: [assessment('k2', 'craving', '2025-06-02T08:00:00.000Z', 6)],
        },
        'CRAVING',
      ),
    ).toStrictEqual({
      code: 'CRAVING',
      severity: 'moderate',
      evidence: [
        { type: 'check_in', id: 'c1', at: '2025-06-01T08:00:00.000Z', summary: 'Craving 5/10' },
        { type: 'assessment', id: 'k2', at: '2025-06-02T08:00:00.000Z', summary: 'Craving 6/10' },
        { type: 'check_in', id: 'c3', at: '2025-06-03T08:00:00.000Z', summary: 'Craving 7/10' },
      ],
      summary: 'craving ≥ 6 on 2 report(s); craving rising over 3 reports (5 → 6 → 7)',
    });
  });
  it('a rising run found by the caller is taken as given', () => {
    const run = [
      { type: 'check_in' as const, id: 'c1', at: '2025-06-01T08:00:00.000Z', score: 1 },
      { type: 'assessment' as const, id: 'k2', at: '2025-06-02T08:00:00.000Z', score: 2 },
      { type: 'check_in' as const, id: 'c3', at: '2025-06-03T08:00:00.000Z', score: 6 },
    ];
    expect(only({ checkIns: [checkIn('c3', '2025-06-03T08:00:00.000Z', { craving0to10: 6 })], cravingRisingRun: run }, 'CRAVING')).toStrictEqual({
      code: 'CRAVING',
      severity: 'moderate',
      evidence: [
        { type: 'check_in', id: 'c1', at: '2025-06-01T08:00:00.000Z', summary: 'Craving 1/10' },
        { type: 'assessment', id: 'k2', at: '2025-06-02T08:00:00.000Z', summary: 'Craving 2/10' },
        { type: 'check_in', id: 'c3', at: '2025-06-03T08:00:00.000Z', summary: 'Craving 6/10' },
      ],
      summary: 'craving ≥ 6 on 1 report(s); craving rising over 3 reports (1 → 2 → 6)',
    });
  });
  it('a caller that found no run means none, even when the check-ins passed rise', () => {
    const rising = [1, 2, 3].map((n) => checkIn(`c${n}`, `2025-06-0${n}T08:00:00.000Z`, { craving0to10: n }));
    expect(only({ checkIns: rising, cravingRisingRun: null }, 'CRAVING')).toBeUndefined();
  });
  it('a rise over two reports when the program asks for two; never over one', () => {
    const two = [checkIn('c1', '2025-06-01T08:00:00.000Z', { craving0to10: 1 }), checkIn('c2', '2025-06-02T08:00:00.000Z', { craving0to10: 2 })];
    expect(only({ checkIns: two }, 'CRAVING', tune('craving', { risingCheckIns: 2 }))?.summary).toBe('craving rising over 2 reports (1 → 2)');
    expect(only({ checkIns: two }, 'CRAVING')).toBeUndefined();
    expect(only({ checkIns: [checkIn('c1', '2025-06-01T08:00:00.000Z', { craving0to10: 1 })] }, 'CRAVING', tune('craving', { risingCheckIns: 1 }))).toBeUndefined();
  });
});

describe('BLADDER_SYMPTOMS in full', () => {
  it('symptoms without pain or blood: moderate, evidence in time order', () => {
    expect(
      only(
        {
          checkIns: [checkIn('c1', '2025-06-20T08:00:00.000Z', { bladderPositive: true }), checkIn('c2', '2025-03-01T08:00:00.000Z', { bladderPositive: true })],
          assessments: [
            assessment('b1', 'bladder', '2025-06-10T08:00:00.000Z', 2, { flags: ['BLADDER_POSITIVE'] }),
            assessment('b2', 'bladder', '2025-06-11T08:00:00.000Z', 0),
            assessment('b3', 'bladder', '2025-03-01T08:00:00.000Z', 4, { flags: ['BLADDER_URGENT'] }),
            assessment('x1', 'craving', '2025-06-12T08:00:00.000Z', 4, { flags: ['BLADDER_URGENT'] }),
          ],
        },
        'BLADDER_SYMPTOMS',
      ),
    ).toStrictEqual({
      code: 'BLADDER_SYMPTOMS',
      severity: 'moderate',
      evidence: [
        { type: 'assessment', id: 'b1', at: '2025-06-10T08:00:00.000Z', summary: 'Bladder check positive (2 symptom(s))' },
        { type: 'check_in', id: 'c1', at: '2025-06-20T08:00:00.000Z', summary: 'Bladder symptom reported at check-in' },
      ],
      summary: 'Bladder symptoms reported (possible ketamine uropathy)',
    });
  });
  it('pain or blood in the urine, or a check without a total: urgent (high)', () => {
    expect(
      only(
        { assessments: [assessment('b1', 'bladder', '2025-06-10T08:00:00.000Z', 3, { flags: ['BLADDER_POSITIVE', 'BLADDER_URGENT'] }), assessment('b2', 'bladder', '2025-06-11T08:00:00.000Z', null)] },
        'BLADDER_SYMPTOMS',
      ),
    ).toStrictEqual({
      code: 'BLADDER_SYMPTOMS',
      severity: 'high',
      evidence: [
        { type: 'assessment', id: 'b1', at: '2025-06-10T08:00:00.000Z', summary: 'Bladder check positive (3 symptom(s)): pain or blood in the urine' },
        { type: 'assessment', id: 'b2', at: '2025-06-11T08:00:00.000Z', summary: 'Bladder check without a total' },
      ],
      summary: 'Bladder symptoms with pain or blood in the urine (possible ketamine uropathy: urgent)',
    });
    expect(only({ assessments: [assessment('b2', 'bladder', '2025-06-11T08:00:00.000Z', null)] }, 'BLADDER_SYMPTOMS')?.severity).toBe('high');
  });
});

describe('the single-source signals in full', () => {
  it('COGNITIVE_COMPLAINTS', () => {
    expect(
      only({ checkIns: [checkIn('c1', '2025-06-20T08:00:00.000Z', { cognitiveComplaint: true }), checkIn('c2', '2025-06-21T08:00:00.000Z')] }, 'COGNITIVE_COMPLAINTS'),
    ).toStrictEqual({
      code: 'COGNITIVE_COMPLAINTS',
      severity: 'low',
      evidence: [{ type: 'check_in', id: 'c1', at: '2025-06-20T08:00:00.000Z', summary: 'Memory or concentration problem reported' }],
      summary: '1 check-in(s) reporting memory or concentration problems',
    });
  });
  it('SITTER_CONCERN', () => {
    expect(only({ sitterConcerns: [{ id: 's1', at: '2025-06-20T08:00:00.000Z', note: 'slurred speech' }, { id: 's2', at: '2025-03-01T08:00:00.000Z' }] }, 'SITTER_CONCERN')).toStrictEqual({
      code: 'SITTER_CONCERN',
      severity: 'moderate',
      evidence: [{ type: 'sitter_concern', id: 's1', at: '2025-06-20T08:00:00.000Z', summary: 'Sitter reported a concern' }],
      summary: '1 concern(s) reported by the sitter',
    });
  });
  it('MULTIPLE_PRESCRIBERS', () => {
    expect(
      only(
        {
          pdmpChecks: [
            { id: 'p1', at: '2025-06-20T08:00:00.000Z', otherControlledPrescriptions: true },
            { id: 'p2', at: '2025-06-21T08:00:00.000Z', otherControlledPrescriptions: false },
            { id: 'p3', at: '2025-03-01T08:00:00.000Z', otherControlledPrescriptions: true },
          ],
        },
        'MULTIPLE_PRESCRIBERS',
      ),
    ).toStrictEqual({
      code: 'MULTIPLE_PRESCRIBERS',
      severity: 'moderate',
      evidence: [{ type: 'pdmp_check', id: 'p1', at: '2025-06-20T08:00:00.000Z', summary: 'PDMP check recorded other controlled-substance prescriptions' }],
      summary: '1 PDMP check(s) recorded other controlled prescriptions',
    });
  });
});

describe('DISENGAGEMENT in full', () => {
  it('two misses with dosing after each: the appointments and the doses after them, each dose cited once', () => {
    expect(
      only(
        {
          integrationAppointments: [
            { id: 'm1', at: '2025-06-01T08:00:00.000Z', status: 'missed' },
            { id: 'm2', at: '2025-06-10T08:00:00.000Z', status: 'missed' },
            { id: 'x1', at: '2025-06-12T08:00:00.000Z', status: 'cancelled' },
            { id: 'x2', at: '2025-03-01T08:00:00.000Z', status: 'missed' },
          ],
          sessions: [
            { id: 's1', status: 'completed', authorizedAt: '2025-06-04T20:00:00.000Z', startedAt: '2025-06-05T08:00:00.000Z' },
            { id: 's2', status: 'completed', authorizedAt: '2025-06-15T08:00:00.000Z' },
            { id: 's3', status: 'authorized', authorizedAt: '2025-06-20T08:00:00.000Z' },
            { id: 's4', status: 'in_progress', startedAt: '2025-07-05T08:00:00.000Z' },
            { id: 's5', status: 'aborted', authorizedAt: '2025-05-01T08:00:00.000Z' },
          ],
        },
        'DISENGAGEMENT',
      ),
    ).toStrictEqual({
      code: 'DISENGAGEMENT',
      severity: 'low',
      evidence: [
        { type: 'integration_appointment', id: 'm1', at: '2025-06-01T08:00:00.000Z', summary: 'Integration session missed' },
        { type: 'session', id: 's1', at: '2025-06-05T08:00:00.000Z', summary: 'Dose taken after a missed integration session' },
        { type: 'integration_appointment', id: 'm2', at: '2025-06-10T08:00:00.000Z', summary: 'Integration session missed' },
        { type: 'session', id: 's2', at: '2025-06-15T08:00:00.000Z', summary: 'Dose taken after a missed integration session' },
      ],
      summary: '2 integration session(s) missed while dosing continued',
    });
  });
  it('a dose at the very time of the miss is not after it; an in-progress session counts from its authorization', () => {
    const appts = [
      { id: 'm1', at: '2025-06-01T08:00:00.000Z', status: 'missed' as const },
      { id: 'm2', at: '2025-06-10T08:00:00.000Z', status: 'missed' as const },
    ];
    expect(only({ integrationAppointments: appts, sessions: [{ id: 's1', status: 'completed', startedAt: '2025-06-10T08:00:00.000Z' }] }, 'DISENGAGEMENT')).toBeUndefined();
    expect(only({ integrationAppointments: appts, sessions: [{ id: 's1', status: 'in_progress', authorizedAt: '2025-06-10T08:00:00.001Z' }] }, 'DISENGAGEMENT')?.evidence.map((e) => e.id)).toStrictEqual([
      'm1',
      'm2',
      's1',
    ]);
  });
  it('a missed appointment whose time cannot be read is followed by every dose (fail closed); one miss is enough when configured', () => {
    const s = tune('disengagement', { minMissed: 1 });
    expect(
      only({ integrationAppointments: [{ id: 'm1', at: 'June', status: 'missed' }], sessions: [{ id: 's1', status: 'completed', startedAt: '2025-05-10T08:00:00.000Z' }] }, 'DISENGAGEMENT', s),
    ).toStrictEqual({
      code: 'DISENGAGEMENT',
      severity: 'low',
      evidence: [
        { type: 'integration_appointment', id: 'm1', at: 'June', summary: 'Integration session missed' },
        { type: 'session', id: 's1', at: '2025-05-10T08:00:00.000Z', summary: 'Dose taken after a missed integration session' },
      ],
      summary: '1 integration session(s) missed while dosing continued',
    });
  });
});

describe('SUBSTANCE_SCREENS_WORSENING in full', () => {
  it('both screens worse: the latest intake against the latest later follow-up, each named', () => {
    expect(
      only(
        {
          assessments: [
            assessment('a0', 'audit-c', '2024-01-01T08:00:00.000Z', 5, { context: 'intake' }),
            assessment('a1', 'audit-c', '2024-02-01T08:00:00.000Z', 2, { context: 'intake' }),
            assessment('a3', 'audit-c', '2025-06-20T08:00:00.000Z', 3),
            assessment('a2', 'audit-c', '2025-06-01T08:00:00.000Z', 9),
            assessment('d0', 'dast10', '2025-05-01T08:00:00.000Z', 1, { context: 'intake' }),
            assessment('d1', 'dast10', '2025-04-20T08:00:00.000Z', 0),
            assessment('d2', 'dast10', '2025-06-02T08:00:00.000Z', 4),
            assessment('d3', 'dast10', '2025-06-03T08:00:00.000Z', null),
          ],
        },
        'SUBSTANCE_SCREENS_WORSENING',
      ),
    ).toStrictEqual({
      code: 'SUBSTANCE_SCREENS_WORSENING',
      severity: 'moderate',
      evidence: [
        { type: 'assessment', id: 'a1', at: '2024-02-01T08:00:00.000Z', summary: 'audit-c at intake: 2' },
        { type: 'assessment', id: 'a3', at: '2025-06-20T08:00:00.000Z', summary: 'audit-c follow-up: 3' },
        { type: 'assessment', id: 'd0', at: '2025-05-01T08:00:00.000Z', summary: 'dast10 at intake: 1' },
        { type: 'assessment', id: 'd2', at: '2025-06-02T08:00:00.000Z', summary: 'dast10 follow-up: 4' },
      ],
      summary: 'Substance screens higher than at intake: audit-c 2 → 3; dast10 1 → 4',
    });
  });
  it('a follow-up before the intake, or outside the lookback, is not compared', () => {
    expect(
      only(
        {
          assessments: [
            assessment('d0', 'dast10', '2025-05-01T08:00:00.000Z', 1, { context: 'intake' }),
            assessment('d1', 'dast10', '2025-04-20T08:00:00.000Z', 5),
            assessment('a0', 'audit-c', '2024-01-01T08:00:00.000Z', 1, { context: 'intake' }),
            assessment('a1', 'audit-c', '2025-03-01T08:00:00.000Z', 9),
          ],
        },
        'SUBSTANCE_SCREENS_WORSENING',
      ),
    ).toBeUndefined();
  });
  it('no intake, or an increase below the configured minimum, is no signal', () => {
    const s = tune('substanceScreensWorsening', { minIncrease: 3 });
    expect(only({ assessments: [assessment('a2', 'audit-c', '2025-06-01T08:00:00.000Z', 9)] }, 'SUBSTANCE_SCREENS_WORSENING')).toBeUndefined();
    const pair = (followup: number) => [assessment('a0', 'audit-c', '2025-05-01T08:00:00.000Z', 1, { context: 'intake' }), assessment('a1', 'audit-c', '2025-06-01T08:00:00.000Z', followup)];
    expect(only({ assessments: pair(3) }, 'SUBSTANCE_SCREENS_WORSENING', s)).toBeUndefined();
    expect(only({ assessments: pair(4) }, 'SUBSTANCE_SCREENS_WORSENING', s)?.summary).toBe('Substance screens higher than at intake: audit-c 1 → 4');
  });
});

describe('the order of the signals', () => {
  it('most severe first, then in the order of docs/clinical-basis.md §5', () => {
    const codes = detect({
      refillRequests: [{ id: 'r1', requestedAt: '2025-06-20T08:00:00.000Z', eligibleFrom: '2025-06-22T08:00:00.000Z', outcome: 'held' }],
      checkIns: [checkIn('c1', '2025-06-20T08:00:00.000Z', { cognitiveComplaint: true, craving0to10: 8 })],
      sitterConcerns: [{ id: 's1', at: '2025-06-20T08:00:00.000Z' }],
      assessments: [assessment('b1', 'bladder', '2025-06-11T08:00:00.000Z', null)],
      pdmpChecks: [{ id: 'p1', at: '2025-06-20T08:00:00.000Z', otherControlledPrescriptions: true }],
    }).map((s) => [s.code, s.severity]);
    expect(codes).toStrictEqual([
      ['BLADDER_SYMPTOMS', 'high'],
      ['CRAVING', 'moderate'],
      ['SITTER_CONCERN', 'moderate'],
      ['MULTIPLE_PRESCRIBERS', 'moderate'],
      ['EARLY_REFILL_REQUEST', 'low'],
      ['COGNITIVE_COMPLAINTS', 'low'],
    ]);
  });
});

describe('the edges each rule reads past', () => {
  it('the empty input has every list, each empty', () => {
    expect(emptyWarningSignInput).toStrictEqual({
      refillRequests: [],
      doseChangeRequests: [],
      ledgerEntries: [],
      sessions: [],
      gateEvaluations: [],
      checkIns: [],
      sitterConcerns: [],
      integrationAppointments: [],
      assessments: [],
      pdmpChecks: [],
    });
  });
  it('EARLY_REFILL_REQUEST: a request whose time cannot be read is early even against an eligible date before 1970', () => {
    expect(
      only({ refillRequests: [{ id: 'r1', requestedAt: 'last week', eligibleFrom: '1969-12-31T00:00:00.000Z', outcome: 'held' }] }, 'EARLY_REFILL_REQUEST')?.evidence.map((e) => e.id),
    ).toStrictEqual(['r1']);
  });
  it('COUNT_MISMATCH: with a minimum of 0 every count is listed, and an equal count is no surplus', () => {
    expect(only({ ledgerEntries: [{ id: 'c1', kind: 'counted', occurredAt: '2025-05-01T10:00:00.000Z', countedUnits: 4, expectedUnits: 4 }] }, 'COUNT_MISMATCH', tune('countMismatch', { minDifferenceUnits: 0 }))).toStrictEqual({
      code: 'COUNT_MISMATCH',
      severity: 'moderate',
      evidence: [{ type: 'ledger_entry', id: 'c1', at: '2025-05-01T10:00:00.000Z', summary: 'Counted 4 unit(s), ledger expected 4 (0)' }],
      summary: '1 pill count(s) differ from the ledger',
    });
  });
  it('USE_OUTSIDE_SESSIONS: units administered with no session and no count', () => {
    expect(only({ ledgerEntries: [{ id: 'a1', kind: 'administered', occurredAt: '2025-06-05T08:00:00.000Z' }] }, 'USE_OUTSIDE_SESSIONS')?.evidence).toStrictEqual([
      { type: 'ledger_entry', id: 'a1', at: '2025-06-05T08:00:00.000Z', summary: 'unknown unit(s) administered with no session' },
    ]);
  });
  const gate = (id: string, at: string): GateEvaluationRecord => ({ id, at, outcome: 'blocked', reasonCodes: ['MIN_INTERVAL_NOT_MET'] });
  it('INTERVAL_PRESSURE: an attempt whose time cannot be read is not read as 1970', () => {
    // Now is 10 January 1970: an attempt on 5 January and one with no readable time are one attempt, not two.
    const at = new Date('1970-01-10T00:00:00.000Z');
    const input = { ...emptyWarningSignInput, gateEvaluations: [gate('g1', '1970-01-05T00:00:00.000Z'), gate('x', 'not a time')] };
    expect(detectSignals(input, at, defaults, thresholds)).toStrictEqual([]);
  });
  it('INTERVAL_PRESSURE: a single attempt when one is enough', () => {
    expect(only({ gateEvaluations: [gate('g1', '2025-06-01T10:00:00.000Z')] }, 'INTERVAL_PRESSURE', tune('intervalPressure', { minAttempts: 1 }))?.evidence.map((e) => e.id)).toStrictEqual(['g1']);
  });
  it('INTERVAL_PRESSURE: of two equally busy windows, the earlier is cited', () => {
    const s = only(
      { gateEvaluations: [gate('g1', '2025-04-10T10:00:00.000Z'), gate('g2', '2025-04-12T10:00:00.000Z'), gate('g3', '2025-06-01T10:00:00.000Z'), gate('g4', '2025-06-03T10:00:00.000Z')] },
      'INTERVAL_PRESSURE',
    );
    expect(s?.evidence.map((e) => e.id)).toStrictEqual(['g1', 'g2']);
  });
  it('CRAVING: unanswered check-ins, craving checks without a total and scores before the lookback are not scores', () => {
    expect(
      only(
        {
          checkIns: [
            checkIn('c0', '2025-03-01T08:00:00.000Z', { craving0to10: 0 }),
            checkIn('c1', '2025-06-01T08:00:00.000Z'),
            checkIn('c3', '2025-06-03T08:00:00.000Z', { craving0to10: 1 }),
            checkIn('c4', '2025-06-04T08:00:00.000Z', { craving0to10: 2 }),
          ],
          assessments: [assessment('k2', 'craving', '2025-06-02T08:00:00.000Z', null)],
        },
        'CRAVING',
      ),
    ).toBeUndefined();
  });
  it('CRAVING: a rise that starts from 0', () => {
    const rising = [0, 1, 2].map((n) => checkIn(`c${n}`, `2025-06-0${n + 1}T08:00:00.000Z`, { craving0to10: n }));
    expect(only({ checkIns: rising }, 'CRAVING')?.summary).toBe('craving rising over 3 reports (0 → 1 → 2)');
  });
  const missedJune = { id: 'm1', at: 'June', status: 'missed' as const };
  const oneMiss = tune('disengagement', { minMissed: 1 });
  it('DISENGAGEMENT: a dose whose time cannot be read is not a dose, even after a miss whose time cannot be read', () => {
    expect(only({ integrationAppointments: [missedJune], sessions: [{ id: 's1', status: 'completed', startedAt: 'yesterday' }] }, 'DISENGAGEMENT', oneMiss)).toBeUndefined();
  });
  it('DISENGAGEMENT: a dose at this very instant counts', () => {
    expect(
      only(
        { integrationAppointments: [{ id: 'm1', at: '2025-06-01T08:00:00.000Z', status: 'missed' }], sessions: [{ id: 's1', status: 'in_progress', startedAt: '2025-06-30T12:00:00.000Z' }] },
        'DISENGAGEMENT',
        oneMiss,
      )?.evidence.map((e) => e.id),
    ).toStrictEqual(['m1', 's1']);
  });
  it('DISENGAGEMENT: a miss whose time cannot be read is followed even by a dose before 1970', () => {
    expect(
      only({ integrationAppointments: [missedJune], sessions: [{ id: 's1', status: 'completed', startedAt: '1969-12-31T00:00:00.000Z' }] }, 'DISENGAGEMENT', oneMiss)?.evidence.map((e) => e.id),
    ).toStrictEqual(['m1', 's1']);
  });
  it('SUBSTANCE_SCREENS_WORSENING: an intake is never its own follow-up, even when its time cannot be read and no increase is asked', () => {
    const s = tune('substanceScreensWorsening', { minIncrease: 0 });
    expect(only({ assessments: [assessment('a0', 'audit-c', 'at intake', 3, { context: 'intake' })] }, 'SUBSTANCE_SCREENS_WORSENING', s)).toBeUndefined();
  });
  it('SUBSTANCE_SCREENS_WORSENING: a follow-up at the instant of the intake is not after it', () => {
    expect(
      only(
        { assessments: [assessment('a0', 'audit-c', '2025-06-01T08:00:00.000Z', 1, { context: 'intake' }), assessment('a1', 'audit-c', '2025-06-01T08:00:00.000Z', 5)] },
        'SUBSTANCE_SCREENS_WORSENING',
      ),
    ).toBeUndefined();
  });
  it('SUBSTANCE_SCREENS_WORSENING: an intake whose time cannot be read is compared with any recent follow-up, even one before 1970', () => {
    // Now is 31 December 1969: the follow-up ten days earlier has a negative epoch time.
    const at = new Date('1969-12-31T00:00:00.000Z');
    const input = {
      ...emptyWarningSignInput,
      assessments: [assessment('a0', 'audit-c', 'at intake', 1, { context: 'intake' }), assessment('a1', 'audit-c', '1969-12-21T00:00:00.000Z', 4)],
    };
    expect(detectSignals(input, at, defaults, thresholds).map((s) => [s.code, s.summary])).toStrictEqual([
      ['SUBSTANCE_SCREENS_WORSENING', 'Substance screens higher than at intake: audit-c 1 → 4'],
    ]);
  });
});
