import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../ledger/index.ts';
import { defaultMonitoringSettings } from './monitoring-settings.ts';
import type { SignalCode } from './monitoring-types.ts';
import { detectSignals, emptyWarningSignInput } from './warning-signs.ts';
import type { CheckInRecord, WarningSignInput, WarningSignal } from './warning-signs.ts';

const NOW = new Date('2025-06-30T12:00:00.000Z');
const settings = defaultMonitoringSettings.warningSigns;
const thresholds = { cravingHighAtOrAbove: 6 };
const daysAgo = (d: number): string => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const minutesAgo = (m: number): string => new Date(NOW.getTime() - m * 60_000).toISOString();

const detect = (input: Partial<WarningSignInput>): WarningSignal[] =>
  detectSignals({ ...emptyWarningSignInput, ...input }, NOW, settings, thresholds);
const find = (input: Partial<WarningSignInput>, code: SignalCode): WarningSignal | undefined =>
  detect(input).find((s) => s.code === code);

const checkIn = (id: string, at: string, over: Partial<CheckInRecord> = {}): CheckInRecord => ({
  id,
  at,
  craving0to10: 0,
  usedOutsideSession: false,
  bladderPositive: false,
  cognitiveComplaint: false,
  ...over,
});

describe('detectSignals', () => {
  it('finds nothing in an empty record', () => {
    expect(detect({})).toEqual([]);
  });

  describe('EARLY_REFILL_REQUEST', () => {
    it('fires for a refill asked for before its eligible date, with the request as evidence', () => {
      const s = find(
        { refillRequests: [{ id: 'r1', requestedAt: daysAgo(10), eligibleFrom: daysAgo(7), outcome: 'held' }] },
        'EARLY_REFILL_REQUEST',
      );
      expect(s?.severity).toBe('low');
      expect(s?.evidence).toEqual([expect.objectContaining({ type: 'refill_request', id: 'r1' })]);
    });
    it('is moderate when it repeats', () => {
      const s = find(
        {
          refillRequests: [
            { id: 'r1', requestedAt: daysAgo(40), eligibleFrom: daysAgo(35), outcome: 'denied' },
            { id: 'r2', requestedAt: daysAgo(10), eligibleFrom: daysAgo(7), outcome: 'held' },
          ],
        },
        'EARLY_REFILL_REQUEST',
      );
      expect(s?.severity).toBe('moderate');
    });
    it('is absent for a refill asked for on its eligible date, and for an early one outside the lookback', () => {
      expect(
        find(
          {
            refillRequests: [
              { id: 'r1', requestedAt: daysAgo(7), eligibleFrom: daysAgo(7), outcome: 'granted' },
              { id: 'r2', requestedAt: daysAgo(91), eligibleFrom: daysAgo(85), outcome: 'held' },
            ],
          },
          'EARLY_REFILL_REQUEST',
        ),
      ).toBeUndefined();
    });
  });

  describe('DOSE_ESCALATION_PRESSURE', () => {
    it('fires for a request for a higher dose and for a tolerance report', () => {
      const s = find(
        {
          doseChangeRequests: [
            { id: 'd1', at: daysAgo(20), kind: 'increase_request' },
            { id: 'd2', at: daysAgo(5), kind: 'tolerance_report' },
          ],
        },
        'DOSE_ESCALATION_PRESSURE',
      );
      expect(s?.severity).toBe('moderate');
      expect(s?.evidence.map((e) => e.id)).toEqual(['d1', 'd2']);
    });
    it('is absent for a request to lower the dose', () => {
      expect(
        find({ doseChangeRequests: [{ id: 'd1', at: daysAgo(5), kind: 'decrease_request' }] }, 'DOSE_ESCALATION_PRESSURE'),
      ).toBeUndefined();
    });
  });

  describe('COUNT_MISMATCH', () => {
    it('fires moderate for a count below what the ledger expects', () => {
      const s = find(
        { ledgerEntries: [{ id: 'c1', kind: 'counted', units: 0, occurredAt: daysAgo(3), countedUnits: 2, expectedUnits: 4 }] },
        'COUNT_MISMATCH',
      );
      expect(s?.severity).toBe('moderate');
      expect(s?.evidence[0]?.summary).toContain('-2');
    });
    it('fires low for a count above what the ledger expects', () => {
      const s = find(
        { ledgerEntries: [{ id: 'c1', kind: 'counted', units: 0, occurredAt: daysAgo(3), countedUnits: 5, expectedUnits: 4 }] },
        'COUNT_MISMATCH',
      );
      expect(s?.severity).toBe('low');
    });
    it('is absent when the count matches', () => {
      expect(
        find(
          { ledgerEntries: [{ id: 'c1', kind: 'counted', units: 0, occurredAt: daysAgo(3), countedUnits: 4, expectedUnits: 4 }] },
          'COUNT_MISMATCH',
        ),
      ).toBeUndefined();
    });
  });

  describe('LOST_OR_STOLEN', () => {
    const lost = (id: string, at: string) => ({ id, kind: 'lost' as const, units: 2, occurredAt: at, circumstance: 'lost' as const });
    it('one report is moderate', () => {
      expect(find({ ledgerEntries: [lost('l1', daysAgo(100))] }, 'LOST_OR_STOLEN')?.severity).toBe('moderate');
    });
    it('two within 6 months are high (a report older than the 90-day lookback still counts)', () => {
      const s = find(
        { ledgerEntries: [lost('l1', daysAgo(170)), { id: 's1', kind: 'lost', units: 3, occurredAt: daysAgo(10), circumstance: 'stolen' }] },
        'LOST_OR_STOLEN',
      );
      expect(s?.severity).toBe('high');
      expect(s?.evidence.map((e) => e.id)).toEqual(['l1', 's1']);
    });
    it('two reports 7 months apart leave only one in the window: moderate', () => {
      const s = find({ ledgerEntries: [lost('l1', daysAgo(215)), lost('l2', daysAgo(2))] }, 'LOST_OR_STOLEN');
      expect(s?.severity).toBe('moderate');
      expect(s?.evidence.map((e) => e.id)).toEqual(['l2']);
    });
    it('is absent with no report in the last 6 months', () => {
      expect(find({ ledgerEntries: [lost('l1', daysAgo(190))] }, 'LOST_OR_STOLEN')).toBeUndefined();
    });
  });

  describe('USE_OUTSIDE_SESSIONS', () => {
    it('fires high on a craving check that reports use outside a session', () => {
      const s = find({ assessments: [{ id: 'k1', code: 'craving', at: daysAgo(1), total: 2, context: 'followup', flags: ['USE_OUTSIDE_SESSION'] }] }, 'USE_OUTSIDE_SESSIONS');
      expect(s?.severity).toBe('high');
      expect(s?.evidence).toEqual([expect.objectContaining({ type: 'assessment', id: 'k1' })]);
    });
    it('counts an expired authorization’s reserved dose as accounted for, not as use outside a session', () => {
      const s = find(
        {
          sessions: [{ id: 'sess-e', status: 'expired', authorizedAt: daysAgo(1) }],
          ledgerEntries: [{ id: 'l1', kind: 'administered', units: 1, occurredAt: daysAgo(1), sessionId: 'sess-e' }],
        },
        'USE_OUTSIDE_SESSIONS',
      );
      expect(s).toBeUndefined();
    });
    it('fires high on a self-report at check-in', () => {
      const s = find({ checkIns: [checkIn('c1', daysAgo(2), { usedOutsideSession: true })] }, 'USE_OUTSIDE_SESSIONS');
      expect(s?.severity).toBe('high');
      expect(s?.evidence[0]).toMatchObject({ type: 'check_in', id: 'c1' });
    });
    it('fires for units administered with no session, or against a session that was never authorized', () => {
      const s = find(
        {
          sessions: [{ id: 'sess-x', status: 'scheduled' }],
          ledgerEntries: [
            { id: 'a1', kind: 'administered', units: 1, occurredAt: daysAgo(4) },
            { id: 'a2', kind: 'administered', units: 1, occurredAt: daysAgo(2), sessionId: 'sess-x' },
          ],
        },
        'USE_OUTSIDE_SESSIONS',
      );
      expect(s?.evidence.map((e) => e.id)).toEqual(['a1', 'a2']);
    });
    it('is absent when every administered unit matches an authorized session', () => {
      expect(
        find(
          {
            sessions: [{ id: 's1', status: 'completed', authorizedAt: daysAgo(3), completedAt: daysAgo(3) }],
            ledgerEntries: [{ id: 'a1', kind: 'administered', units: 1, occurredAt: daysAgo(3), sessionId: 's1' }],
            checkIns: [checkIn('c1', daysAgo(2))],
          },
          'USE_OUTSIDE_SESSIONS',
        ),
      ).toBeUndefined();
    });
  });

  describe('INTERVAL_PRESSURE', () => {
    const blocked = (id: string, at: string, reasonCodes: string[] = ['MIN_INTERVAL_NOT_MET']) => ({
      id,
      at,
      outcome: 'blocked' as const,
      reasonCodes,
    });
    it('fires for two attempts blocked by the minimum interval within 14 days', () => {
      const s = find({ gateEvaluations: [blocked('g1', daysAgo(13)), blocked('g2', daysAgo(1))] }, 'INTERVAL_PRESSURE');
      expect(s?.severity).toBe('moderate');
      expect(s?.evidence.map((e) => e.id)).toEqual(['g1', 'g2']);
    });
    it('is absent for one attempt, for two 15 days apart, for a retry minutes later, and for other reasons', () => {
      expect(find({ gateEvaluations: [blocked('g1', daysAgo(1))] }, 'INTERVAL_PRESSURE')).toBeUndefined();
      expect(find({ gateEvaluations: [blocked('g1', daysAgo(16)), blocked('g2', daysAgo(1))] }, 'INTERVAL_PRESSURE')).toBeUndefined();
      expect(find({ gateEvaluations: [blocked('g1', minutesAgo(10)), blocked('g2', minutesAgo(9))] }, 'INTERVAL_PRESSURE')).toBeUndefined();
      expect(
        find({ gateEvaluations: [blocked('g1', daysAgo(3), ['SITTER_NOT_ATTESTED']), blocked('g2', daysAgo(1), ['VITALS_STALE'])] }, 'INTERVAL_PRESSURE'),
      ).toBeUndefined();
    });
  });

  describe('CRAVING', () => {
    it('reads the craving check beside the daily check-ins, at the instrument’s threshold', () => {
      const s = find({ assessments: [{ id: 'k1', code: 'craving', at: daysAgo(1), total: 9, context: 'followup', flags: ['CRAVING_HIGH'] }] }, 'CRAVING');
      expect(s?.severity).toBe('moderate');
      expect(s?.evidence).toEqual([expect.objectContaining({ type: 'assessment', id: 'k1', summary: 'Craving 9/10' })]);
      expect(find({ assessments: [{ id: 'k1', code: 'craving', at: daysAgo(1), total: 5, context: 'followup', flags: [] }] }, 'CRAVING')).toBeUndefined();
    });
    it('sees a rise across check-ins and craving checks together', () => {
      const s = find(
        {
          checkIns: [checkIn('c1', daysAgo(3), { craving0to10: 1 }), checkIn('c3', daysAgo(1), { craving0to10: 5 })],
          assessments: [{ id: 'k2', code: 'craving', at: daysAgo(2), total: 3, context: 'followup' }],
        },
        'CRAVING',
      );
      expect(s?.evidence.map((e) => e.id)).toEqual(['c1', 'k2', 'c3']);
    });
    it('fires moderate at a craving score of 6', () => {
      const s = find({ checkIns: [checkIn('c1', daysAgo(1), { craving0to10: 6 })] }, 'CRAVING');
      expect(s?.severity).toBe('moderate');
      expect(s?.evidence.map((e) => e.id)).toEqual(['c1']);
    });
    it('is absent at a craving score of 5', () => {
      expect(find({ checkIns: [checkIn('c1', daysAgo(1), { craving0to10: 5 })] }, 'CRAVING')).toBeUndefined();
    });
    it('fires low when craving rises over three consecutive check-ins', () => {
      const s = find(
        {
          checkIns: [
            checkIn('c1', daysAgo(3), { craving0to10: 1 }),
            checkIn('c2', daysAgo(2), { craving0to10: 3 }),
            checkIn('c3', daysAgo(1), { craving0to10: 4 }),
          ],
        },
        'CRAVING',
      );
      expect(s?.severity).toBe('low');
      expect(s?.summary).toContain('1 → 3 → 4');
    });
    it('is absent when the scores plateau or dip, and skips unanswered check-ins', () => {
      expect(
        find(
          {
            checkIns: [
              checkIn('c1', daysAgo(3), { craving0to10: 1 }),
              checkIn('c2', daysAgo(2), { craving0to10: 3 }),
              checkIn('c3', daysAgo(1), { craving0to10: 3 }),
            ],
          },
          'CRAVING',
        ),
      ).toBeUndefined();
      expect(
        find(
          {
            checkIns: [
              checkIn('c1', daysAgo(4), { craving0to10: 1 }),
              checkIn('c2', daysAgo(3), { craving0to10: 3 }),
              checkIn('c3', daysAgo(2), { craving0to10: null }),
              checkIn('c4', daysAgo(1), { craving0to10: 2 }),
            ],
          },
          'CRAVING',
        ),
      ).toBeUndefined();
    });
  });

  describe('BLADDER_SYMPTOMS', () => {
    it('fires on a positive check-in and on a positive bladder check', () => {
      const s = find(
        {
          checkIns: [checkIn('c1', daysAgo(2), { bladderPositive: true })],
          assessments: [{ id: 'b1', code: 'bladder', at: daysAgo(5), total: 2, context: 'followup' }],
        },
        'BLADDER_SYMPTOMS',
      );
      expect(s?.severity).toBe('moderate');
      expect(s?.evidence.map((e) => e.id).sort()).toEqual(['b1', 'c1']);
    });
    it('is urgent (high) when the bladder check reports pain or blood in the urine', () => {
      const s = find(
        { assessments: [{ id: 'b1', code: 'bladder', at: daysAgo(1), total: 1, context: 'followup', flags: ['BLADDER_POSITIVE', 'BLADDER_URGENT'] }] },
        'BLADDER_SYMPTOMS',
      );
      expect(s?.severity).toBe('high');
      expect(s?.summary).toMatch(/urgent/);
    });
    it('is absent when the bladder check scores 0', () => {
      expect(
        find({ assessments: [{ id: 'b1', code: 'bladder', at: daysAgo(5), total: 0, context: 'followup' }] }, 'BLADDER_SYMPTOMS'),
      ).toBeUndefined();
    });
  });

  describe('COGNITIVE_COMPLAINTS', () => {
    it('fires low on a reported memory or concentration problem', () => {
      expect(find({ checkIns: [checkIn('c1', daysAgo(2), { cognitiveComplaint: true })] }, 'COGNITIVE_COMPLAINTS')?.severity).toBe('low');
    });
    it('is absent when the complaint is older than the lookback', () => {
      expect(find({ checkIns: [checkIn('c1', daysAgo(91), { cognitiveComplaint: true })] }, 'COGNITIVE_COMPLAINTS')).toBeUndefined();
    });
  });

  describe('SITTER_CONCERN', () => {
    it('fires moderate on a sitter concern without copying the note into the evidence', () => {
      const s = find({ sitterConcerns: [{ id: 'sc1', at: daysAgo(1), note: 'private words' }] }, 'SITTER_CONCERN');
      expect(s?.severity).toBe('moderate');
      expect(JSON.stringify(s)).not.toContain('private words');
    });
    it('is absent with no concern in the lookback', () => {
      expect(find({ sitterConcerns: [{ id: 'sc1', at: daysAgo(120) }] }, 'SITTER_CONCERN')).toBeUndefined();
    });
  });

  describe('DISENGAGEMENT', () => {
    const dosed = { id: 's1', status: 'completed' as const, authorizedAt: daysAgo(1), completedAt: daysAgo(1) };
    it('fires when two integration sessions are missed and dosing continues after them', () => {
      const s = find(
        {
          sessions: [dosed],
          integrationAppointments: [
            { id: 'i1', at: daysAgo(20), status: 'missed' },
            { id: 'i2', at: daysAgo(10), status: 'missed' },
          ],
        },
        'DISENGAGEMENT',
      );
      expect(s?.severity).toBe('low');
      expect(s?.evidence.map((e) => e.id)).toEqual(['i1', 'i2', 's1']);
    });
    it('is absent with one miss, with cancellations, or when no dosing followed the misses', () => {
      expect(
        find({ sessions: [dosed], integrationAppointments: [{ id: 'i1', at: daysAgo(10), status: 'missed' }, { id: 'i2', at: daysAgo(5), status: 'cancelled' }] }, 'DISENGAGEMENT'),
      ).toBeUndefined();
      expect(
        find(
          {
            sessions: [{ id: 's0', status: 'completed', authorizedAt: daysAgo(30) }],
            integrationAppointments: [
              { id: 'i1', at: daysAgo(20), status: 'missed' },
              { id: 'i2', at: daysAgo(10), status: 'missed' },
            ],
          },
          'DISENGAGEMENT',
        ),
      ).toBeUndefined();
    });
  });

  describe('SUBSTANCE_SCREENS_WORSENING', () => {
    it('fires when a follow-up AUDIT-C is higher than at intake (the intake score may be older than the lookback)', () => {
      const s = find(
        {
          assessments: [
            { id: 'a0', code: 'audit-c', at: daysAgo(200), total: 2, context: 'intake' },
            { id: 'a1', code: 'audit-c', at: daysAgo(10), total: 3, context: 'followup' },
          ],
        },
        'SUBSTANCE_SCREENS_WORSENING',
      );
      expect(s?.severity).toBe('moderate');
      expect(s?.evidence.map((e) => e.id)).toEqual(['a0', 'a1']);
    });
    it('is absent when the latest DAST-10 follow-up equals the intake score, even if an earlier one was higher', () => {
      expect(
        find(
          {
            assessments: [
              { id: 'd0', code: 'dast10', at: daysAgo(100), total: 1, context: 'intake' },
              { id: 'd1', code: 'dast10', at: daysAgo(40), total: 3, context: 'followup' },
              { id: 'd2', code: 'dast10', at: daysAgo(5), total: 1, context: 'followup' },
            ],
          },
          'SUBSTANCE_SCREENS_WORSENING',
        ),
      ).toBeUndefined();
    });
  });

  describe('MULTIPLE_PRESCRIBERS', () => {
    it('fires when a PDMP check records other controlled prescriptions', () => {
      expect(
        find({ pdmpChecks: [{ id: 'p1', at: daysAgo(3), otherControlledPrescriptions: true }] }, 'MULTIPLE_PRESCRIBERS')?.severity,
      ).toBe('moderate');
    });
    it('is absent when the PDMP check is clean', () => {
      expect(find({ pdmpChecks: [{ id: 'p1', at: daysAgo(3), otherControlledPrescriptions: false }] }, 'MULTIPLE_PRESCRIBERS')).toBeUndefined();
    });
  });

  describe('input shape', () => {
    it('takes the ledger module\'s entries as they are (a type error here means the two have drifted)', () => {
      const entries: readonly LedgerEntry[] = [
        { id: 'l1', patientId: 'p1', recordedBy: 'u1', occurredAt: daysAgo(1), kind: 'lost', units: 1, circumstance: 'stolen' },
        { id: 'c1', patientId: 'p1', recordedBy: 'u1', occurredAt: daysAgo(1), kind: 'counted', countedUnits: 1, expectedUnits: 2 },
      ];
      const codes = detect({ ledgerEntries: entries }).map((x) => x.code);
      expect(codes).toEqual(['COUNT_MISMATCH', 'LOST_OR_STOLEN']);
      expect(find({ ledgerEntries: entries }, 'LOST_OR_STOLEN')?.evidence[0]?.summary).toContain('stolen');
    });
  });

  describe('windowing and settings', () => {
    it('does not read records dated after now', () => {
      expect(find({ sitterConcerns: [{ id: 'sc1', at: '2025-07-01T00:00:00.000Z' }] }, 'SITTER_CONCERN')).toBeUndefined();
    });
    it('counts a record whose time cannot be read (fail closed)', () => {
      expect(find({ sitterConcerns: [{ id: 'sc1', at: 'yesterday' }] }, 'SITTER_CONCERN')).toBeDefined();
    });
    it('reads its thresholds from settings, not literals', () => {
      const input = { ...emptyWarningSignInput, checkIns: [checkIn('c1', daysAgo(1), { craving0to10: 5 })] };
      expect(detectSignals(input, NOW, settings, thresholds).map((s) => s.code)).toEqual([]);
      expect(detectSignals(input, NOW, settings, { cravingHighAtOrAbove: 5 }).map((s) => s.code)).toEqual(['CRAVING']);
    });
    it('lists the most severe signals first', () => {
      const codes = detect({
        checkIns: [checkIn('c1', daysAgo(1), { cognitiveComplaint: true, usedOutsideSession: true })],
        sitterConcerns: [{ id: 'sc1', at: daysAgo(1) }],
      }).map((s) => s.code);
      expect(codes).toEqual(['USE_OUTSIDE_SESSIONS', 'SITTER_CONCERN', 'COGNITIVE_COMPLAINTS']);
    });
  });
});
