import { writeAudit } from '../../audit/audit-log.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { newSecret, sha256Hex } from '../../auth/tokens.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import { publicBaseUrl, type UseCase } from '../deps.ts';
import { assertPasswordAcceptable } from './accounts.ts';

const inviteDays = 7;

/** A patient (or their clinician) invites an adult to sit their sessions; the sitter accepts with their own account. */
export async function inviteSitter(
  { deps, ctx }: UseCase,
  input: { patientId: string; email: string; name: string; relationship?: string | undefined },
): Promise<{ id: string; acceptUrl: string }> {
  return inTransaction(deps.database.db, async (tx) => {
    // The sitter is another adult: never the patient themselves.
    const own = await tx
      .selectFrom('patients as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .select('u.email')
      .where('p.id', '=', input.patientId)
      .executeTakeFirst();
    if (own && own.email.toLowerCase() === input.email.toLowerCase()) {
      throw validationFailed([{ field: 'email', message: 'must be someone other than the patient: a patient cannot be their own sitter' }]);
    }
    const active = await tx
      .selectFrom('sitter_assignments')
      .select('id')
      .where('patient_id', '=', input.patientId)
      .where('status', '<>', 'removed')
      .where((eb) => eb(eb.fn('lower', ['invite_email']), '=', input.email.toLowerCase()))
      .executeTakeFirst();
    if (active) throw new AppError('CONFLICT', 'This person is already invited or assigned as a sitter.');
    const token = newSecret();
    const id = crypto.randomUUID();
    await tx
      .insertInto('sitter_assignments')
      .values({
        id,
        patient_id: input.patientId,
        invite_email: input.email,
        invite_name: input.name,
        relationship: input.relationship ?? null,
        sitter_user_id: null,
        status: 'invited',
        invite_token_hash: sha256Hex(token),
        invite_expires_at: new Date(ctx.now.getTime() + inviteDays * 86_400_000),
        invited_by: ctx.actorId ?? '',
        created_at: ctx.now,
        accepted_at: null,
        removed_at: null,
        removed_by: null,
      })
      .execute();
    const acceptUrl = `${publicBaseUrl(deps)}/sitter-invitation#token=${token}`;
    await deps.notifier.enqueue(
      tx,
      {
        cause: `sitter_invitation:${id}`,
        channel: 'email',
        recipient: input.email,
        subject: 'You have been asked to be a session sitter on Keel',
        body: `Someone you know has asked you to be present during their treatment sessions. Read what it involves and accept within ${inviteDays} days here:\n${acceptUrl}\n`,
      },
      ctx.now,
    );
    await writeAudit(tx, ctx, { action: 'sitter.invite', resourceType: 'sitters', resourceId: id, patientId: input.patientId, outcome: 'success' });
    return { id, acceptUrl };
  });
}

/**
 * Accepts an invitation. A person who already has a sitter account signs in and accepts; a new person creates
 * their sitter account with a password here. Either way the sitter uses their own account, never the patient's.
 */
export async function acceptSitterInvitation(
  { deps, ctx }: UseCase,
  input: { token: string; password?: string | undefined; name?: string | undefined; signedInUserId?: string | null },
): Promise<{ sitterUserId: string; patientId: string; createdAccount: boolean }> {
  return inTransaction(deps.database.db, async (tx) => {
    const invite = await tx
      .selectFrom('sitter_assignments')
      .selectAll()
      .where('invite_token_hash', '=', sha256Hex(input.token))
      .forUpdate()
      .executeTakeFirst();
    if (!invite || invite.status !== 'invited' || !invite.invite_expires_at || new Date(invite.invite_expires_at) <= ctx.now) {
      throw new AppError('NOT_FOUND', 'This invitation is not valid: it may have expired, been used, or been withdrawn.');
    }
    let sitterUserId: string;
    let createdAccount = false;
    const existing = await tx
      .selectFrom('users')
      .select(['id', 'role', 'status'])
      .where((eb) => eb(eb.fn('lower', ['email']), '=', invite.invite_email.toLowerCase()))
      .executeTakeFirst();
    if (existing) {
      if (existing.role !== 'sitter' || existing.status !== 'active' || input.signedInUserId !== existing.id) {
        throw new AppError('CONFLICT', 'Sign in with the sitter account for this email address to accept.');
      }
      sitterUserId = existing.id;
    } else {
      if (!input.password) throw new AppError('VALIDATION_FAILED', 'Choose a password for your sitter account.', [{ field: 'password', message: 'is required' }]);
      assertPasswordAcceptable(input.password, { email: invite.invite_email });
      sitterUserId = crypto.randomUUID();
      createdAccount = true;
      await tx
        .insertInto('users')
        .values({ id: sitterUserId, email: invite.invite_email, name: input.name ?? invite.invite_name, role: 'sitter', password_hash: await hashPassword(input.password), mfa_secret: null, mfa_last_step: null, dea_registration: null, deactivated_at: null })
        .execute();
    }
    // A sitter the patient invited starts only once a clinician on the care team approves them; one a clinician
    // (or an admin) invited is approved by the invitation itself.
    const inviter = await tx.selectFrom('users').select('role').where('id', '=', invite.invited_by).executeTakeFirst();
    const approved = inviter?.role === 'clinician' || inviter?.role === 'admin';
    await tx
      .updateTable('sitter_assignments')
      .set({ status: approved ? 'active' : 'pending_approval', sitter_user_id: sitterUserId, accepted_at: ctx.now, invite_token_hash: null })
      .where('id', '=', invite.id)
      .execute();
    await writeAudit(tx, { ...ctx, actorId: sitterUserId, actorRole: 'sitter' }, {
      action: 'sitter.accept',
      resourceType: 'sitters',
      resourceId: invite.id,
      patientId: invite.patient_id,
      outcome: 'success',
    });
    return { sitterUserId, patientId: invite.patient_id, createdAccount };
  });
}

/** A clinician on the care team approves a sitter the patient invited, after the sitter accepted: access starts now. */
export async function approveSitter({ deps, ctx }: UseCase, input: { patientId: string; assignmentId: string }): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const result = await tx
      .updateTable('sitter_assignments')
      .set({ status: 'active' })
      .where('id', '=', input.assignmentId)
      .where('patient_id', '=', input.patientId)
      .where('status', '=', 'pending_approval')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      const row = await tx.selectFrom('sitter_assignments').select('status').where('id', '=', input.assignmentId).where('patient_id', '=', input.patientId).executeTakeFirst();
      if (!row || row.status === 'removed') throw notFound('sitter');
      throw new AppError('CONFLICT', row.status === 'active' ? 'This sitter is already approved.' : 'The sitter has not accepted the invitation yet.');
    }
    await writeAudit(tx, ctx, { action: 'sitter.approve', resourceType: 'sitters', resourceId: input.assignmentId, patientId: input.patientId, outcome: 'success' });
  });
}

/**
 * Removal takes effect at once: the next request the sitter makes about this patient is a 404. Not while that sitter
 * is watching a dose (a session in progress they attested for): the patient cannot cut off the one person who can
 * call for help. A clinician may still remove one at any time (an unsafe sitter), and is then watching themselves.
 */
export async function removeSitter({ deps, ctx }: UseCase, input: { patientId: string; assignmentId: string }): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const assignment = await tx.selectFrom('sitter_assignments').select('sitter_user_id').where('id', '=', input.assignmentId).where('patient_id', '=', input.patientId).forUpdate().executeTakeFirst();
    if (assignment?.sitter_user_id && ctx.actorRole !== 'clinician') {
      const watching = await tx
        .selectFrom('dosing_sessions as s')
        .innerJoin('sitter_attestations as a', 'a.session_id', 's.id')
        .select('s.id')
        .where('s.patient_id', '=', input.patientId)
        .where('s.status', 'in', ['authorized', 'in_progress'])
        .where('a.sitter_user_id', '=', assignment.sitter_user_id)
        .limit(1)
        .executeTakeFirst();
      if (watching) {
        throw new AppError('CONFLICT', 'This sitter is with you for a session that is under way. They stay until it ends; remove them afterwards.', undefined, { sessionId: watching.id });
      }
    }
    const result = await tx
      .updateTable('sitter_assignments')
      .set({ status: 'removed', removed_at: ctx.now, removed_by: ctx.actorId, invite_token_hash: null })
      .where('id', '=', input.assignmentId)
      .where('patient_id', '=', input.patientId)
      .where('status', '<>', 'removed')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFound('sitter');
    await writeAudit(tx, ctx, { action: 'sitter.remove', resourceType: 'sitters', resourceId: input.assignmentId, patientId: input.patientId, outcome: 'success' });
  });
}

export async function listSitters({ deps }: UseCase, patientId: string) {
  const rows = await deps.database.db
    .selectFrom('sitter_assignments')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'removed')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.invite_name,
    email: r.invite_email,
    relationship: r.relationship,
    status: r.status,
    sitterUserId: r.sitter_user_id,
    invitedAt: new Date(r.created_at).toISOString(),
    acceptedAt: r.accepted_at ? new Date(r.accepted_at).toISOString() : null,
  }));
}
