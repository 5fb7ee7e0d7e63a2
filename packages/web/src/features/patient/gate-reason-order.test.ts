import { describe, expect, it } from 'vitest';
import { standingReasons, type GateReason } from './gate-reason-order.ts';

const r = (code: GateReason['code']): GateReason => ({ code, message: code });
const checkedAt = '2026-06-03T16:00:00.000Z';
const session = (over: Partial<{ checklists: string[]; vitals: string[]; attestations: string[] }> = {}) => ({
  gateEvaluations: [{ evaluatedAt: '2026-06-03T15:00:00.000Z' }, { evaluatedAt: checkedAt }],
  checklists: (over.checklists ?? []).map((attestedAt) => ({ attestedAt })),
  vitals: (over.vitals ?? []).map((takenAt) => ({ phase: 'pre', takenAt })),
  sitterAttestations: (over.attestations ?? []).map((attestedAt) => ({ attestedAt })),
});

describe('gate reasons as the patient sees them', () => {
  it('puts what waits on the care team first, keeping the rest in the gate’s order', () => {
    const codes = standingReasons([r('VITALS_MISSING'), r('CHECKLIST_MISSING'), r('ALERT_HOLDS_DOSING'), r('MIN_INTERVAL_NOT_MET'), r('FOLLOW_UP_DUE')]).map((x) => x.code);
    expect(codes).toEqual(['ALERT_HOLDS_DOSING', 'FOLLOW_UP_DUE', 'VITALS_MISSING', 'CHECKLIST_MISSING', 'MIN_INTERVAL_NOT_MET']);
  });

  it('drops a reason as soon as its step is done after the last check, and only then', () => {
    const reasons = [r('VITALS_STALE'), r('CHECKLIST_MISSING'), r('SITTER_NOT_ATTESTED'), r('ALERT_HOLDS_DOSING')];
    // Vitals taken after the check, checklist before it, sitter after it.
    const s = session({ vitals: ['2026-06-03T16:05:00.000Z'], checklists: ['2026-06-03T15:30:00.000Z'], attestations: ['2026-06-03T16:01:00.000Z'] });
    expect(standingReasons(reasons, s).map((x) => x.code)).toEqual(['ALERT_HOLDS_DOSING', 'CHECKLIST_MISSING']);
    // During or after the dose, a reading is not the pre-dose one the gate asked for.
    const during = { ...session(), vitals: [{ phase: 'during', takenAt: '2026-06-03T16:05:00.000Z' }] };
    expect(standingReasons([r('VITALS_MISSING')], during).map((x) => x.code)).toEqual(['VITALS_MISSING']);
    // A care-team hold never clears on the patient's side.
    expect(standingReasons([r('ALERT_HOLDS_DOSING')], s).map((x) => x.code)).toEqual(['ALERT_HOLDS_DOSING']);
  });
});
