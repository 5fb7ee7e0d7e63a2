import type { GateReasonCode } from '@keel/domain';

export interface GateReason {
  code: GateReasonCode;
  message: string;
  detail?: Record<string, unknown> | undefined;
}

/** What the patient has done since the safety check last ran: the steps they can redo themselves. */
export interface SessionSteps {
  gateEvaluations: readonly { evaluatedAt: string }[];
  checklists: readonly { attestedAt: string }[];
  vitals: readonly { phase: string; takenAt: string }[];
  sitterAttestations: readonly { attestedAt: string }[];
}

/** What waits on the care team comes first: the patient cannot clear them, so they must not hide behind the rest. */
const careTeamHolds: ReadonlySet<GateReasonCode> = new Set(['ALERT_HOLDS_DOSING', 'FOLLOW_UP_DUE', 'VISIT_GAP_EXCEEDED', 'INTAKE_NOT_APPROVED', 'NO_ACTIVE_PLAN', 'PLAN_NOT_SIGNED']);

export const placedByCareTeam: ReadonlySet<GateReasonCode> = new Set(['ALERT_HOLDS_DOSING', 'FOLLOW_UP_DUE', 'VISIT_GAP_EXCEEDED']);

const stepOf: Partial<Record<GateReasonCode, 'checklist' | 'vitals' | 'sitter'>> = {
  CHECKLIST_MISSING: 'checklist',
  CHECKLIST_STALE: 'checklist',
  CHECKLIST_FAILED: 'checklist',
  VITALS_MISSING: 'vitals',
  VITALS_STALE: 'vitals',
  VITALS_ABOVE_HOLD: 'vitals',
  SITTER_NOT_ATTESTED: 'sitter',
  SITTER_ATTESTATION_STALE: 'sitter',
};

function latestIso(values: readonly string[]): string | null {
  return values.reduce<string | null>((a, b) => (a === null || b > a ? b : a), null);
}

/** Reasons still standing: a step redone after the last safety check is not a reason any more. */
export function standingReasons(reasons: readonly GateReason[], session?: SessionSteps): GateReason[] {
  const checkedAt = session ? latestIso(session.gateEvaluations.map((g) => g.evaluatedAt)) : null;
  const doneSince = (step: 'checklist' | 'vitals' | 'sitter'): boolean => {
    if (!session || !checkedAt) return false;
    const times =
      step === 'checklist' ? session.checklists.map((c) => c.attestedAt) : step === 'vitals' ? session.vitals.filter((v) => v.phase === 'pre').map((v) => v.takenAt) : session.sitterAttestations.map((a) => a.attestedAt);
    const last = latestIso(times);
    return last !== null && last > checkedAt;
  };
  const standing = reasons.filter((r) => {
    const step = stepOf[r.code];
    return step === undefined || !doneSince(step);
  });
  return [...standing.filter((r) => careTeamHolds.has(r.code)), ...standing.filter((r) => !careTeamHolds.has(r.code))];
}
