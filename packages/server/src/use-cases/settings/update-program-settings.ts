// Changing the program settings (docs/safety/SETTINGS_CHANGE_COSIGNED.md). Every clinical number is bounded in the
// domain (CLINICAL_BOUNDS: outside them is a 422 naming the field). Within the bounds:
// - a change that only makes limits stricter applies at once on the administrator's word;
// - a change that loosens a limit (or that the domain cannot classify) needs a reason and becomes a proposal, which
//   applies only when a prescriber signs it with their password — two people, one clinically accountable.
// Optimistic concurrency on the document version (If-Match); a proposal signed after the settings moved on is
// refused. Every step is audited with the changed paths and their before/after values (configuration, not health
// data).
import { changesAreTightening, diffSettings, type SettingChange } from '@keel/domain';
import { settingChangeSchema } from '@keel/contract';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../../audit/audit-log.ts';
import type { SettingsChangeProposalsTable } from '../../db/schema.ts';
import { parseStored } from '../../db/stored-document.ts';
import { inTransaction, type Db, type Tx } from '../../db/transaction.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { inSigningTransaction } from '../identity/signatures.ts';
import {
  loadStoredProgramSettings,
  mergeOverDefaults,
  programSettingsErrors,
  type ProgramSettings,
  type StoredProgramSettings,
} from './program-settings.service.ts';

export type SettingsPatch = Partial<Record<keyof ProgramSettings, Record<string, unknown> | undefined>>;

export type SettingsUpdateResult = { kind: 'applied'; stored: StoredProgramSettings; changes: SettingChange[] } | { kind: 'proposed'; proposal: ProposalView };

function applyPatch(current: ProgramSettings, patch: SettingsPatch): { next: ProgramSettings; sections: (keyof ProgramSettings)[] } {
  const sections = Object.keys(patch).filter((k): k is keyof ProgramSettings => patch[k as keyof ProgramSettings] !== undefined);
  const next: ProgramSettings = { ...current };
  for (const section of sections) {
    // mergeOverDefaults deep-merges the patch over the section as it stands, ignoring unknown keys.
    (next as unknown as Record<string, unknown>)[section] = mergeOverDefaults(current[section], patch[section]);
  }
  return { next, sections };
}

async function lockVersion(tx: Tx, expectedVersion: number): Promise<{ exists: boolean; current: StoredProgramSettings }> {
  const locked = await tx.selectFrom('program_settings').select('version').where('id', '=', 1).forUpdate().executeTakeFirst();
  const current = await loadStoredProgramSettings(tx);
  if ((locked?.version ?? 0) !== expectedVersion) {
    throw new AppError('PRECONDITION_FAILED', `The settings changed since you read them (now version ${current.version}). Reload and apply your change again.`, undefined, {
      currentVersion: current.version,
    });
  }
  return { exists: locked !== undefined, current };
}

async function store(tx: Tx, exists: boolean, version: number, next: ProgramSettings, actorId: string | null, now: Date): Promise<void> {
  const document = JSON.stringify(next);
  if (exists) {
    await tx.updateTable('program_settings').set({ version, settings: document, updated_at: now, updated_by: actorId }).where('id', '=', 1).execute();
  } else {
    await tx.insertInto('program_settings').values({ id: 1, version, settings: document, updated_at: now, updated_by: actorId }).execute();
  }
}

/** Audit detail for changes: the paths with their before and after values (configuration, never health data). */
const changeDetail = (changes: readonly SettingChange[]) => changes.map((c) => ({ path: c.path, before: c.before, after: c.after, direction: c.direction }));

export async function updateProgramSettings(
  { deps, ctx }: UseCase,
  input: { expectedVersion: number; patch: SettingsPatch; reason?: string | undefined },
): Promise<SettingsUpdateResult> {
  return inTransaction(deps.database.db, async (tx) => {
    const { exists, current } = await lockVersion(tx, input.expectedVersion);
    const { next, sections } = applyPatch(current.settings, input.patch);
    const errors = programSettingsErrors(next);
    if (errors.length > 0) throw validationFailed(errors.map((e) => ({ field: `settings.${e.field}`, message: e.message })));
    const changes = diffSettings(current.settings, next);
    if (changesAreTightening(changes)) {
      const version = current.version + 1;
      await store(tx, exists, version, next, ctx.actorId, ctx.now);
      await writeAudit(tx, ctx, {
        action: 'settings.update',
        resourceType: 'program_settings',
        resourceId: '1',
        outcome: 'success',
        detail: { version, sections, reason: input.reason ?? null, changes: changeDetail(changes) },
      });
      return { kind: 'applied', stored: { version, settings: next, updatedAt: ctx.now, updatedBy: ctx.actorId }, changes };
    }
    if (input.reason === undefined || input.reason.trim() === '') {
      throw validationFailed(
        [{ field: 'reason', message: 'is required: this change loosens a clinical limit and needs a reason for the prescriber who signs it' }],
        'This change loosens a clinical limit: give a reason. A prescriber must then sign it before it applies.',
      );
    }
    const id = crypto.randomUUID();
    await tx
      .insertInto('settings_change_proposals')
      .values({
        id,
        base_version: current.version,
        patch: JSON.stringify(input.patch),
        changes: JSON.stringify(changes),
        reason: input.reason.trim(),
        proposed_by: ctx.actorId ?? '',
        proposed_at: ctx.now,
        decided_by: null,
        decided_at: null,
        decision_note: null,
        signature_id: null,
        applied_version: null,
      })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'settings.propose',
      resourceType: 'program_settings',
      resourceId: id,
      outcome: 'success',
      detail: { baseVersion: current.version, sections, changes: changeDetail(changes) },
    });
    return { kind: 'proposed', proposal: await proposalView(tx, id) };
  });
}

type ProposalRow = Selectable<SettingsChangeProposalsTable>;

async function proposalRow(db: Db, id: string): Promise<ProposalRow> {
  const row = await db.selectFrom('settings_change_proposals').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('settings proposal');
  return row;
}

export type ProposalView = Awaited<ReturnType<typeof proposalView>>;

async function proposalView(db: Db, id: string) {
  const row = await proposalRow(db, id);
  const people = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', [row.proposed_by, ...(row.decided_by ? [row.decided_by] : [])]).execute();
  const person = (userId: string) => ({ id: userId, name: people.find((p) => p.id === userId)?.name ?? 'Unknown' });
  return {
    id: row.id,
    status: row.status,
    baseVersion: row.base_version,
    changes: parseStored(z.array(settingChangeSchema), row.changes, { table: 'settings_change_proposals', column: 'changes', id: row.id }),
    reason: row.reason,
    proposedBy: person(row.proposed_by),
    proposedAt: new Date(row.proposed_at).toISOString(),
    decidedBy: row.decided_by ? person(row.decided_by) : null,
    decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
    decisionNote: row.decision_note,
    appliedVersion: row.applied_version,
  };
}

export async function listSettingsProposals({ deps }: UseCase, status: 'pending' | 'all'): Promise<ProposalView[]> {
  let q = deps.database.db.selectFrom('settings_change_proposals').select('id').orderBy('proposed_at', 'desc').limit(100);
  if (status === 'pending') q = q.where('status', '=', 'pending');
  const ids = await q.execute();
  return Promise.all(ids.map((r) => proposalView(deps.database.db, r.id)));
}

/** The record a prescriber signs: exactly what will change, why, and the version it changes. */
const signedRecord = (row: ProposalRow) => ({ proposalId: row.id, baseVersion: row.base_version, changes: row.changes, reason: row.reason });

/**
 * A prescriber signs a pending proposal: their password, a signature bound to the proposal's hash, and the change
 * applied in the same transaction — refused if the settings moved on since it was proposed (it is then superseded)
 * or if the signer proposed it.
 */
export async function signSettingsProposal(uc: UseCase, input: { proposalId: string; password: string; note?: string | undefined }): Promise<{ proposal: ProposalView; stored: StoredProgramSettings }> {
  const { ctx } = uc;
  const signerId = ctx.actorId ?? '';
  return inSigningTransaction(uc, { signerId, recordType: 'settings_proposal', recordId: input.proposalId, patientId: null }, async (tx, sign) => {
    const signer = await tx.selectFrom('users').select(['role', 'dea_registration', 'status']).where('id', '=', signerId).executeTakeFirst();
    if (!signer || signer.role !== 'clinician' || !signer.dea_registration || signer.status !== 'active') {
      throw new AppError('VALIDATION_FAILED', 'Only a prescriber (a clinician with a DEA registration) can sign a change to a clinical limit.', [
        { field: 'signer', message: 'needs to be a prescriber' },
      ]);
    }
    const row = await tx.selectFrom('settings_change_proposals').selectAll().where('id', '=', input.proposalId).forUpdate().executeTakeFirst();
    if (!row) throw notFound('settings proposal');
    if (row.status !== 'pending') throw new AppError('CONFLICT', `This proposal was already ${row.status}.`, undefined, { status: row.status });
    if (row.proposed_by === signerId) throw new AppError('CONFLICT', 'A change needs two people: someone other than its proposer must sign it.');
    // Two people means two people: not a prescriber account the proposer created, nor one made after the proposal.
    const created = await tx
      .selectFrom('audit_log')
      .select(['actor_id', 'at'])
      .where('action', '=', 'account.create')
      .where('resource_id', '=', signerId)
      .executeTakeFirst();
    if (created && (created.actor_id === row.proposed_by || new Date(created.at).getTime() >= new Date(row.proposed_at).getTime())) {
      throw new AppError('CONFLICT', 'A change needs two independent people: a prescriber whose account the proposer created, or that was created after the proposal, cannot sign it.');
    }
    const locked = await tx.selectFrom('program_settings').select('version').where('id', '=', 1).forUpdate().executeTakeFirst();
    const current = await loadStoredProgramSettings(tx);
    if ((locked?.version ?? 0) !== row.base_version) {
      await tx.updateTable('settings_change_proposals').set({ status: 'superseded', decided_at: ctx.now, decided_by: signerId, decision_note: 'The settings changed after this was proposed.' }).where('id', '=', row.id).execute();
      await writeAudit(tx, ctx, { action: 'settings.proposal_superseded', resourceType: 'program_settings', resourceId: row.id, outcome: 'success', detail: { baseVersion: row.base_version, currentVersion: current.version } });
      return { superseded: true as const, currentVersion: current.version };
    }
    const { next } = applyPatch(current.settings, row.patch);
    const errors = programSettingsErrors(next);
    if (errors.length > 0) throw validationFailed(errors.map((e) => ({ field: `settings.${e.field}`, message: e.message })));
    const signature = await sign({ signerId, password: input.password, meaning: 'approved', recordType: 'settings_proposal', recordId: row.id, record: signedRecord(row) });
    const version = current.version + 1;
    await store(tx, locked !== undefined, version, next, signerId, ctx.now);
    await tx
      .updateTable('settings_change_proposals')
      .set({ status: 'applied', decided_by: signerId, decided_at: ctx.now, decision_note: input.note ?? null, signature_id: signature.id, applied_version: version })
      .where('id', '=', row.id)
      .execute();
    const changes = diffSettings(current.settings, next);
    await writeAudit(tx, ctx, {
      action: 'settings.update',
      resourceType: 'program_settings',
      resourceId: '1',
      outcome: 'success',
      detail: { version, proposalId: row.id, proposedBy: row.proposed_by, signatureId: signature.id, reason: row.reason, changes: changeDetail(changes) },
    });
    return { superseded: false as const, proposal: await proposalView(tx, row.id), stored: { version, settings: next, updatedAt: ctx.now, updatedBy: signerId } };
  }).then((r) => {
    if (r.superseded) {
      throw new AppError('PRECONDITION_FAILED', `The settings changed after this was proposed (now version ${r.currentVersion}): it can no longer be applied as proposed. Ask for a new proposal.`, undefined, {
        currentVersion: r.currentVersion,
      });
    }
    return { proposal: r.proposal, stored: r.stored };
  });
}

/** A prescriber declines a proposal, or an administrator withdraws it, with a note. */
export async function rejectSettingsProposal({ deps, ctx }: UseCase, input: { proposalId: string; note: string }): Promise<ProposalView> {
  return inTransaction(deps.database.db, async (tx) => {
    const row = await tx.selectFrom('settings_change_proposals').selectAll().where('id', '=', input.proposalId).forUpdate().executeTakeFirst();
    if (!row) throw notFound('settings proposal');
    if (row.status !== 'pending') throw new AppError('CONFLICT', `This proposal was already ${row.status}.`, undefined, { status: row.status });
    await tx.updateTable('settings_change_proposals').set({ status: 'rejected', decided_by: ctx.actorId, decided_at: ctx.now, decision_note: input.note }).where('id', '=', row.id).execute();
    await writeAudit(tx, ctx, { action: 'settings.proposal_rejected', resourceType: 'program_settings', resourceId: row.id, outcome: 'success', detail: { by: ctx.actorRole } });
    return proposalView(tx, row.id);
  });
}
