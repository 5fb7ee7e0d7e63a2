// Assembles the session gate's input from the database, inside the authorizing transaction and under the patient
// lock, so every fact is read fresh and as it stands at commit (I1). Nothing here decides: `evaluateGate` does.
// Anything the loader cannot find is passed as "missing" (null), which the gate treats as blocking.
import { canonicalJson, doseTimesForPacing, lastDoseAt, type GateDecision, type GateInput, type GatePlan, type SessionPacingRecord, type TreatmentPlanTerms } from '@keel/domain';
import { sha256Hex } from '../../auth/tokens.ts';
import type { Tx } from '../../db/transaction.ts';
import { openDosingHolds } from '../alerts/raise-alerts.ts';
import { loadSignature } from '../identity/signatures.ts';
import { currentConsent } from '../intake/consent-document.ts';
import { requiredEducationSlugs } from '../intake/education-library.ts';
import { activePlan, iso, isoOrNull, ledgerRows, planTermsForLimits, toLedgerEntry, unitsPerDose } from './treatment-common.ts';
import { summarizeLedger } from '@keel/domain';
import { loadComplianceInput } from '../compliance/compliance-input.ts';

/** The ids of the rows a decision read: stored with the evaluation so a reviewer (and the race tests) can see them. */
export interface GateInputRefs {
  planId: string | null;
  attestationId: string | null;
  vitalsId: string | null;
  vitalsSeq: number | null;
  checklistId: string | null;
  unitsPerDose: number;
  onHandUnits: number;
}

/**
 * Stores one gate decision with every reason and the ids of the rows it read, for the authorization and for the
 * start check alike; returns the evaluation's id.
 */
export async function recordGateEvaluation(
  tx: Tx,
  e: { patientId: string; sessionId: string; stage: 'authorize' | 'start'; decision: GateDecision; refs: GateInputRefs; actorId: string | null; now: Date },
): Promise<string> {
  const id = crypto.randomUUID();
  const reasons = e.decision.kind === 'blocked' ? e.decision.reasons : [];
  await tx
    .insertInto('gate_evaluations')
    .values({
      id,
      patient_id: e.patientId,
      session_id: e.sessionId,
      stage: e.stage,
      evaluated_at: e.now,
      outcome: e.decision.kind,
      reason_codes: reasons.map((r) => r.code),
      reasons: JSON.stringify(reasons),
      dose_mg: e.decision.kind === 'authorized' ? e.decision.doseMg : null,
      actor_id: e.actorId,
      inputs: JSON.stringify(e.refs),
    })
    .execute();
  return id;
}

/**
 * `stage: 'start'` assembles the same facts for the start check: the units this session's authorization reserved
 * are counted as on hand (they are the dose about to be taken), and this session's own authorization is not a
 * previous dose.
 */
export async function loadGateInput(
  tx: Tx,
  args: { patientId: string; patientStatus: string; sessionId: string; requestedDoseMg: number | null; now: Date; stage?: 'authorize' | 'start' },
): Promise<{ input: GateInput; refs: GateInputRefs; assignedSitterIds: string[] }> {
  const { patientId, sessionId } = args;

  const consent = currentConsent();
  const signedConsent = await tx
    .selectFrom('consent_signatures')
    .select('version')
    .where('patient_id', '=', patientId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const completed = await tx.selectFrom('education_completions').select('slug').where('patient_id', '=', patientId).execute();

  const planRow = await activePlan(tx, patientId);
  let plan: GatePlan | null = null;
  if (planRow) {
    // A plan whose stored terms fail the contract's schema goes to the gate as stored: the gate validates its own
    // input and answers GATE_INPUT_INVALID beside every other reason, so the clinician sees the whole picture.
    const terms = planTermsForLimits(planRow) ?? (planRow.terms as unknown as TreatmentPlanTerms);
    const signature = planRow.signature_id ? await loadSignature(tx, planRow.signature_id) : undefined;
    plan = {
      planId: planRow.id,
      version: planRow.version,
      status: planRow.status,
      terms,
      // Recomputed from the terms as loaded: a plan changed behind the signature's back no longer matches it.
      termsSha256: sha256Hex(canonicalJson(terms)),
      signature: signature ? { signedBy: signature.signerId, signedAt: signature.signedAt, termsSha256: signature.recordSha256 } : null,
    };
  }

  const sessions = await tx
    .selectFrom('dosing_sessions')
    .select(['id', 'status', 'authorized_at', 'authorization_expires_at', 'started_at'])
    .where('patient_id', '=', patientId)
    .execute();
  const pacing: SessionPacingRecord[] = sessions.map((s) => ({
    id: s.id,
    status: s.status,
    authorizedAt: isoOrNull(s.authorized_at),
    authorizationExpiresAt: isoOrNull(s.authorization_expires_at),
    startedAt: isoOrNull(s.started_at),
  }));
  // The interval counts from the dose actually taken; an open authorization elsewhere counts as one.
  const previousDoseTimes = doseTimesForPacing(pacing, args.now, sessionId);
  const lastSessionAt = lastDoseAt(pacing.filter((s) => s.id !== sessionId));

  // Units per dose follow the plan's dose: the only dose that can be authorized (any other is DOSE_NOT_PLAN_DOSE).
  const perDose = await unitsPerDose(tx, patientId, plan ? plan.terms.currentDoseMg : null);
  const ledger = await ledgerRows(tx, patientId);
  const reserved = args.stage === 'start' ? ledger.filter((e) => e.kind === 'administered' && e.session_id === sessionId).reduce((n, e) => n + e.units, 0) : 0;
  const onHandUnits = summarizeLedger(ledger.map(toLedgerEntry)).onHand + reserved;

  // The latest of each, by when it was taken and then by insertion order: a newer reading always supersedes an
  // older one, so a good reading cannot mask a high one taken after it.
  const attestation = await tx
    .selectFrom('sitter_attestations as a')
    .leftJoin('auth_sessions as s', 's.id', 'a.auth_session_id')
    .select(['a.id', 'a.sitter_user_id', 'a.attested_at', 'a.present', 'a.sober', 's.user_id as session_user_id'])
    .where('a.session_id', '=', sessionId)
    .orderBy('a.attested_at', 'desc')
    .orderBy('a.seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const assigned = await tx
    .selectFrom('sitter_assignments')
    .select('sitter_user_id')
    .where('patient_id', '=', patientId)
    .where('status', '=', 'active')
    .execute();
  const vitals = await tx
    .selectFrom('session_vitals')
    .select(['id', 'seq', 'taken_at', 'systolic_mmhg', 'diastolic_mmhg', 'heart_rate_bpm', 'spo2_pct'])
    .where('session_id', '=', sessionId)
    .where('phase', '=', 'pre')
    .orderBy('taken_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const checklist = await tx
    .selectFrom('session_checklists')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('attested_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();

  const holds = await openDosingHolds(tx, patientId);
  const followUp = await tx
    .selectFrom('follow_ups')
    .select('due_at')
    .where('patient_id', '=', patientId)
    .where('status', '=', 'due')
    .orderBy('due_at')
    .limit(1)
    .executeTakeFirst();
  const visit = await tx
    .selectFrom('clinician_visits')
    .select('occurred_at')
    .where('patient_id', '=', patientId)
    .orderBy('occurred_at', 'desc')
    .limit(1)
    .executeTakeFirst();

  // Prescribing compliance for the dose: the pathway, the plan signer's credentials, the PDMP checks.
  const { action: _action, ...prescribing } = await loadComplianceInput(tx, { patientId, action: 'dose' });

  const input: GateInput = {
    // patients.status moves approved → active when the first plan is signed; both mean the intake was approved.
    intakeStatus: args.patientStatus === 'approved' || args.patientStatus === 'active' ? 'approved' : args.patientStatus,
    consent: { signedVersion: signedConsent ? String(signedConsent.version) : null, currentVersion: String(consent.version) },
    education: { requiredSlugs: requiredEducationSlugs(), completedSlugs: completed.map((c) => c.slug) },
    activePlan: plan,
    requestedDoseMg: args.requestedDoseMg,
    previousDoseTimes,
    ledger: { onHandUnits, unitsPerDose: perDose },
    sitterAttestation: attestation
      ? {
          sitterUserId: attestation.sitter_user_id,
          assignedSitterIds: assigned.map((a) => a.sitter_user_id).filter((id): id is string => id !== null),
          attestedAt: iso(attestation.attested_at),
          present: attestation.present,
          sober: attestation.sober,
          attestedInOwnSession: attestation.session_user_id === attestation.sitter_user_id,
        }
      : null,
    preDoseVitals: vitals
      ? {
          takenAt: iso(vitals.taken_at),
          systolicMmHg: vitals.systolic_mmhg,
          diastolicMmHg: vitals.diastolic_mmhg,
          heartRateBpm: vitals.heart_rate_bpm,
          spo2Pct: vitals.spo2_pct,
        }
      : null,
    checklist: checklist
      ? {
          attestedAt: iso(checklist.attested_at),
          fastedHours: checklist.fasted_hours,
          alcohol24h: checklist.alcohol_24h,
          sedatives24h: checklist.sedatives_24h,
          cannabis24h: checklist.cannabis_24h,
          newMedication: checklist.new_medication,
          safeSetting: checklist.safe_setting,
        }
      : null,
    openAlerts: holds.map((h) => ({ id: h.id, holdsDosing: h.holdsDosing, severity: h.severity })),
    followUpDue: followUp ? { dueAt: iso(followUp.due_at) } : null,
    lastClinicianVisitAt: isoOrNull(visit?.occurred_at),
    lastSessionAt,
    prescribing,
  };
  return {
    input,
    assignedSitterIds: assigned.map((a) => a.sitter_user_id).filter((id): id is string => id !== null),
    refs: {
      planId: planRow?.id ?? null,
      attestationId: attestation?.id ?? null,
      vitalsId: vitals?.id ?? null,
      vitalsSeq: vitals?.seq ?? null,
      checklistId: checklist?.id ?? null,
      unitsPerDose: perDose,
      onHandUnits,
    },
  };
}
