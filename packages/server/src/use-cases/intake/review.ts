import { sql, type Selectable } from 'kysely';
import { writeAudit } from '../../audit/audit-log.ts';
import type { IntakeDecisionKind, IntakeDecisionsTable, IntakeStatus } from '../../db/tables/intake.tables.ts';
import type { PatientStatus } from '../../db/schema.ts';
import { inTransaction, type Db, type Tx } from '../../db/transaction.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { publicBaseUrl, type UseCase } from '../deps.ts';
import { loadSignature, recordDigest, verifySignature, type SignatureMeaning, type SignatureRecord } from '../identity/signatures.ts';
import { storedScreeningOf } from './intake-flow.ts';
import { inSigningTransaction, type Signer } from '../identity/signatures.ts';

// ── Review queue ─────────────────────────────────────────────────────────────────────────────────────────────

/** Where the patient is located: the state given in the intake, else the state given at signup. */
const patientStateSql = sql<string>`coalesce(i.answers #>> '{demographics,state}', p.state)`;

/**
 * Submitted intakes awaiting a decision, oldest first, that this clinician may review: those of patients on the
 * clinician's care team, and — because a new signup has no care team yet — every one from a state where the
 * clinician is licensed (docs/intake.md, "Who sees the review queue").
 */
export async function reviewQueue(uc: UseCase, clinicianId: string) {
  const { deps, ctx } = uc;
  const db = deps.database.db;
  const clinician = await db.selectFrom('users').select('state_licenses').where('id', '=', clinicianId).executeTakeFirstOrThrow();
  const licenses = clinician.state_licenses;
  const rows = await db
    .selectFrom('intakes as i')
    .innerJoin('patients as p', 'p.id', 'i.patient_id')
    .select((eb) => [
      'i.id',
      'i.patient_id',
      'p.name',
      patientStateSql.as('state'),
      'i.submitted_at',
      'i.eligibility',
      'i.risk_tier',
      'i.screening',
      eb
        .exists(
          eb
            .selectFrom('care_team_members as c')
            .select('c.id')
            .whereRef('c.patient_id', '=', 'p.id')
            .where('c.user_id', '=', clinicianId)
            .where('c.unassigned_at', 'is', null),
        )
        .as('on_care_team'),
      eb
        .selectFrom('alerts as a')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('a.patient_id', '=', 'p.id')
        .where('a.status', '<>', 'resolved')
        .where('a.code', 'like', 'SUICIDE_RISK_%')
        .as('open_safety_alerts'),
    ])
    .where('i.status', '=', 'submitted')
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('care_team_members as c')
            .select('c.id')
            .whereRef('c.patient_id', '=', 'p.id')
            .where('c.user_id', '=', clinicianId)
            .where('c.unassigned_at', 'is', null),
        ),
        ...(licenses.length > 0 ? [sql<boolean>`${patientStateSql} = ANY(${sql.val(licenses)}::text[])`] : []),
      ]),
    )
    .orderBy('i.submitted_at', 'asc')
    .orderBy('i.id', 'asc')
    .limit(200)
    .execute();
  await writeAudit(db, ctx, { action: 'review_queue.read', resourceType: 'review_queue', outcome: 'success', detail: { count: rows.length } });
  return rows.map((r) => {
    const screening = storedScreeningOf(r);
    const excluded = (screening?.reasons ?? []).filter((x) => x.outcome === 'exclude').map((x) => x.rule);
    return {
      patientId: r.patient_id,
      intakeId: r.id,
      name: r.name,
      state: r.state,
      submittedAt: new Date(r.submitted_at ?? 0).toISOString(),
      eligibility: r.eligibility ?? 'needs_review',
      riskTier: r.risk_tier ?? 'low',
      flags: [...(screening?.flags ?? []), ...excluded],
      rules: (screening?.reasons ?? []).map((x) => ({ rule: x.rule, outcome: x.outcome })),
      openSafetyAlerts: Number(r.open_safety_alerts ?? 0),
      onCareTeam: Boolean(r.on_care_team),
    };
  });
}

// ── Claim ────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A clinician takes a submitted intake from the queue: they join the patient's care team (as primary clinician
 * when the patient has none), which gives them the relationship the decision route requires. Allowed only for an
 * intake awaiting review that the clinician can see in their queue; anything else is "not found".
 */
export async function claimIntake(uc: UseCase, clinicianId: string, patientId: string) {
  const { deps, ctx } = uc;
  const denied = async (reason: string) => {
    await writeAudit(deps.database.db, ctx, { action: 'intake.claim', resourceType: 'intake', patientId, outcome: 'denied', detail: { reason } });
    return notFound('intake awaiting review');
  };
  const outcome = await inTransaction(deps.database.db, async (tx) => {
    const row = await tx
      .selectFrom('intakes as i')
      .innerJoin('patients as p', 'p.id', 'i.patient_id')
      .select(['i.id', 'i.status', patientStateSql.as('state')])
      .where('i.patient_id', '=', patientId)
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.status !== 'submitted') return { kind: 'denied' as const, reason: 'no intake awaiting review' };
    const clinician = await tx.selectFrom('users').select(['state_licenses', 'role', 'status']).where('id', '=', clinicianId).executeTakeFirstOrThrow();
    const team = await tx
      .selectFrom('care_team_members')
      .select(['user_id', 'is_primary'])
      .where('patient_id', '=', patientId)
      .where('member_role', '=', 'clinician')
      .where('unassigned_at', 'is', null)
      .execute();
    const member = team.find((m) => m.user_id === clinicianId);
    if (member) return { kind: 'claimed' as const, primary: member.is_primary, alreadyOnCareTeam: true };
    if (clinician.role !== 'clinician' || !clinician.state_licenses.includes(row.state)) {
      return { kind: 'denied' as const, reason: 'not licensed in the patient state' };
    }
    const primary = !team.some((m) => m.is_primary);
    await tx
      .insertInto('care_team_members')
      .values({ id: crypto.randomUUID(), patient_id: patientId, user_id: clinicianId, member_role: 'clinician', is_primary: primary, assigned_at: ctx.now, assigned_by: clinicianId, unassigned_at: null })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'intake.claim',
      resourceType: 'intake',
      resourceId: row.id,
      patientId,
      outcome: 'success',
      detail: { clinicianId, primary },
    });
    await writeAudit(tx, ctx, { action: 'care_team.assign', resourceType: 'care_team', resourceId: clinicianId, patientId, outcome: 'success', detail: { role: 'clinician', primary, via: 'intake.claim' } });
    return { kind: 'claimed' as const, primary, alreadyOnCareTeam: false };
  });
  if (outcome.kind === 'denied') throw await denied(outcome.reason);
  return { patientId, clinicianId, primary: outcome.primary, alreadyOnCareTeam: outcome.alreadyOnCareTeam };
}

// ── Decision ─────────────────────────────────────────────────────────────────────────────────────────────────

export type DecisionRow = Selectable<IntakeDecisionsTable>;

const meaningOf: Record<IntakeDecisionKind, SignatureMeaning> = {
  approve: 'approved',
  decline: 'declined',
  request_info: 'requested_information',
};
const intakeStatusAfter: Record<IntakeDecisionKind, IntakeStatus> = {
  approve: 'approved',
  decline: 'declined',
  request_info: 'info_requested',
};
// Requesting information sends the patient back to filling in the intake.
const patientStatusAfter: Record<IntakeDecisionKind, PatientStatus> = {
  approve: 'approved',
  decline: 'declined',
  request_info: 'intake',
};

/**
 * The record a decision signature is bound to. Built from the stored columns, so changing any of them after
 * signing (the decision, the note, who or when, the answers it was made on) breaks verification.
 */
export function decisionRecord(
  row: Pick<DecisionRow, 'id' | 'patient_id' | 'intake_id' | 'decision' | 'note' | 'decided_by' | 'decided_at' | 'eligibility' | 'intake_answers_sha256'> & { note_visible_to_patient?: boolean },
) {
  return {
    // An internal note is part of what was signed; a note shown to the patient is the original record's form, so
    // decisions signed before the choice existed still verify.
    ...(row.note_visible_to_patient === false ? { noteVisibleToPatient: false } : {}),
    type: 'intake_decision',
    id: row.id,
    patientId: row.patient_id,
    intakeId: row.intake_id,
    decision: row.decision,
    note: row.note,
    decidedBy: row.decided_by,
    decidedAt: new Date(row.decided_at).toISOString(),
    eligibility: row.eligibility,
    intakeAnswersSha256: row.intake_answers_sha256,
  };
}

/** Valid only if the stored columns and the stored record both still hash to what was signed. */
export function decisionSignatureValid(row: DecisionRow, signature: SignatureRecord | undefined): boolean {
  if (!signature || signature.recordId !== row.id || signature.recordType !== 'intake_decision') return false;
  return verifySignature(signature, decisionRecord(row)) && verifySignature(signature, row.record);
}

export interface DecideInput {
  decisionId: string;
  clinicianId: string;
  patientId: string;
  decision: IntakeDecisionKind;
  note: string;
  /** Default: the patient reads the note. */
  noteVisibleToPatient?: boolean | undefined;
}

/**
 * Records a clinician's decision on a submitted intake with its electronic signature, in one transaction: the
 * decision row, the signature bound to it, the intake's and the patient's new status, the care-team assignment
 * on approval, the patient's notice and the audit row.
 */
export async function recordDecision(tx: Tx, uc: UseCase, input: DecideInput, sign: (record: ReturnType<typeof decisionRecord>, meaning: SignatureMeaning, id: string) => Promise<SignatureRecord>) {
  const { deps, ctx } = uc;
  const intake = await tx.selectFrom('intakes').selectAll().where('patient_id', '=', input.patientId).forUpdate().executeTakeFirst();
  if (!intake) throw notFound('intake');
  if (intake.status !== 'submitted' || !intake.eligibility) {
    throw new AppError('CONFLICT', `Only a submitted intake awaiting review can be decided; this one is ${intake.status}.`, undefined, { intakeStatus: intake.status });
  }
  const base = {
    id: input.decisionId,
    patient_id: input.patientId,
    intake_id: intake.id,
    decision: input.decision,
    note: input.note,
    decided_by: input.clinicianId,
    decided_at: ctx.now,
    eligibility: intake.eligibility,
    intake_answers_sha256: recordDigest(intake.answers),
    note_visible_to_patient: input.noteVisibleToPatient ?? true,
  };
  const record = decisionRecord(base);
  const signature = await sign(record, meaningOf[input.decision], base.id);
  const row = await tx
    .insertInto('intake_decisions')
    .values({ ...base, record: JSON.stringify(record), signature_id: signature.id })
    .returningAll()
    .executeTakeFirstOrThrow();
  await tx
    .updateTable('intakes')
    .set({ status: intakeStatusAfter[input.decision], decided_at: ctx.now, updated_at: ctx.now })
    .where('id', '=', intake.id)
    .execute();
  const patient = await tx
    .updateTable('patients')
    .set({ status: patientStatusAfter[input.decision] })
    .where('id', '=', input.patientId)
    .where('status', 'in', ['intake', 'submitted'])
    .returning(['status'])
    .executeTakeFirst();
  if (input.decision === 'approve') {
    // The approving clinician becomes the primary clinician when the patient has none.
    const hasPrimary = await tx
      .selectFrom('care_team_members')
      .select('id')
      .where('patient_id', '=', input.patientId)
      .where('member_role', '=', 'clinician')
      .where('is_primary', '=', true)
      .where('unassigned_at', 'is', null)
      .executeTakeFirst();
    if (!hasPrimary) {
      await tx
        .updateTable('care_team_members')
        .set({ is_primary: true })
        .where('patient_id', '=', input.patientId)
        .where('user_id', '=', input.clinicianId)
        .where('unassigned_at', 'is', null)
        .execute();
    }
  }
  const account = await tx
    .selectFrom('patients as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['u.email', 'p.status'])
    .where('p.id', '=', input.patientId)
    .executeTakeFirstOrThrow();
  await deps.notifier.enqueue(
    tx,
    {
      cause: `intake-decision:${row.id}:patient`,
      channel: 'email',
      recipient: account.email,
      subject: 'Keel: an update on your application',
      body: `There is an update on your Keel application. Sign in to see it:\n${publicBaseUrl(deps)}/patient/intake\n`,
    },
    ctx.now,
  );
  await writeAudit(tx, ctx, {
    action: 'intake.decide',
    resourceType: 'intake_decision',
    resourceId: row.id,
    patientId: input.patientId,
    outcome: 'success',
    detail: { decision: input.decision, intakeId: intake.id, signatureId: signature.id },
  });
  return { row, signature, intakeStatus: intakeStatusAfter[input.decision], patientStatus: patient?.status ?? account.status };
}

export async function decideIntake(uc: UseCase, input: Omit<DecideInput, 'decisionId'> & { password: string }) {
  const decisionId = crypto.randomUUID();
  return inSigningTransaction(
    uc,
    { signerId: input.clinicianId, recordType: 'intake_decision', recordId: decisionId, patientId: input.patientId },
    (tx, sign: Signer) =>
      recordDecision(tx, uc, { ...input, decisionId }, (record, meaning, id) =>
        sign({ signerId: input.clinicianId, password: input.password, meaning, recordType: 'intake_decision', recordId: id, record, patientId: input.patientId }),
      ),
  );
}

/** A decision with its signature; for the patient, a note kept internal is left out of the note and the record. */
export async function decisionView(db: Db, row: DecisionRow, forPatient = false) {
  const hidden = forPatient && !row.note_visible_to_patient;
  const signature = await loadSignature(db, row.signature_id);
  const decider = await db.selectFrom('users').select('name').where('id', '=', row.decided_by).executeTakeFirst();
  if (!signature) throw new AppError('INTERNAL', 'A decision is missing its signature.');
  return {
    id: row.id,
    patientId: row.patient_id,
    intakeId: row.intake_id,
    decision: row.decision,
    note: hidden ? null : row.note,
    noteVisibleToPatient: row.note_visible_to_patient,
    decidedBy: { id: row.decided_by, name: decider?.name ?? '' },
    decidedAt: new Date(row.decided_at).toISOString(),
    eligibility: row.eligibility,
    intakeAnswersSha256: row.intake_answers_sha256,
    record: hidden ? Object.fromEntries(Object.entries(row.record).filter(([k]) => k !== 'note')) : row.record,
    signature,
    signatureValid: decisionSignatureValid(row, signature),
  };
}

export async function listDecisions(db: Db, patientId: string): Promise<DecisionRow[]> {
  return db.selectFrom('intake_decisions').selectAll().where('patient_id', '=', patientId).orderBy('decided_at', 'desc').orderBy('id', 'desc').execute();
}
