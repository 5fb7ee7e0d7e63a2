import { sql } from 'kysely';
import type { Relation } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { notFound, validationFailed } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { completedSessions } from './collaborator-reads.ts';

export const postSessionPrompt =
  'Looking back on your session: what stood out — images, feelings, memories, or insights — and what would you like to carry into the days ahead?';

export const generalPrompts = [
  'What felt different this week, even slightly?',
  'Where did you notice your body holding tension today, and what helped it ease?',
  'What is one thing you would like your coach to know before your next integration session?',
  'Which small practice helped most this week, and when did you do it?',
];

export interface JournalInput {
  body: string;
  prompt?: string | undefined;
  sessionId?: string | undefined;
  sharedWithCoach: boolean;
  sharedWithClinician: boolean;
}

/** A journal entry is the patient's own; it is private unless they share it, per entry, with their coach or clinician. */
export async function createJournalEntry({ deps, ctx }: UseCase, patientId: string, input: JournalInput): Promise<string> {
  return inTransaction(deps.database.db, async (tx) => {
    if (input.sessionId) {
      const sessions = await completedSessions(tx, patientId);
      if (!sessions.some((s) => s.id === input.sessionId)) throw validationFailed([{ field: 'sessionId', message: 'is not one of your completed sessions' }]);
    }
    const id = crypto.randomUUID();
    await tx
      .insertInto('journal_entries')
      .values({
        id,
        patient_id: patientId,
        author_id: ctx.actorId ?? '',
        body: input.body,
        prompt: input.prompt ?? (input.sessionId ? postSessionPrompt : null),
        session_id: input.sessionId ?? null,
        shared_with_coach: input.sharedWithCoach,
        shared_with_clinician: input.sharedWithClinician,
        written_at: ctx.now,
        updated_at: ctx.now,
      })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'journal.create',
      resourceType: 'journal',
      resourceId: id,
      patientId,
      outcome: 'success',
      detail: { sharedWithCoach: input.sharedWithCoach, sharedWithClinician: input.sharedWithClinician },
    });
    return id;
  });
}

export async function setJournalSharing(
  { deps, ctx }: UseCase,
  patientId: string,
  entryId: string,
  sharing: { sharedWithCoach: boolean; sharedWithClinician: boolean },
): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const updated = await tx
      .updateTable('journal_entries')
      .set({ shared_with_coach: sharing.sharedWithCoach, shared_with_clinician: sharing.sharedWithClinician, updated_at: ctx.now })
      .where('id', '=', entryId)
      .where('patient_id', '=', patientId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw notFound('journal entry');
    await writeAudit(tx, ctx, { action: 'journal.share', resourceType: 'journal', resourceId: entryId, patientId, outcome: 'success', detail: sharing });
  });
}

export interface JournalQuery {
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * The patient's entries (relation `self`: all of them), or for a coach or clinician only those the patient shared
 * with that role. The filter is in the query itself, so a private entry never leaves the database for staff.
 */
export async function listJournal(db: Db, patientId: string, viewer: Relation, query: JournalQuery, ids?: string[]) {
  let q = db.selectFrom('journal_entries').selectAll().where('patient_id', '=', patientId).orderBy('written_at', 'desc').limit(500);
  switch (viewer) {
    case 'self':
      break;
    case 'coach':
      q = q.where('shared_with_coach', '=', true);
      break;
    case 'clinician':
      q = q.where('shared_with_clinician', '=', true);
      break;
    case 'sitter':
    case 'reviewer':
    case 'on_call':
    case 'none':
      return [];
  }
  if (ids) q = q.where('id', 'in', ids);
  if (query.q) {
    const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb(eb.fn('lower', ['body']), 'like', pattern), eb(eb.fn('lower', [eb.fn.coalesce('prompt', sql.lit(''))]), 'like', pattern)]));
  }
  if (query.from) q = q.where('written_at', '>=', new Date(query.from));
  if (query.to) q = q.where('written_at', '<=', new Date(query.to));
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    prompt: r.prompt,
    sessionId: r.session_id,
    sharedWithCoach: r.shared_with_coach,
    sharedWithClinician: r.shared_with_clinician,
    writtenAt: new Date(r.written_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}

/** A post-session prompt for every completed session the patient has not yet written about. */
export async function journalPrompts(db: Db, patientId: string) {
  const sessions = await completedSessions(db, patientId);
  const written = await db.selectFrom('journal_entries').select('session_id').where('patient_id', '=', patientId).where('session_id', 'is not', null).execute();
  const done = new Set(written.map((w) => w.session_id));
  return {
    postSession: sessions
      .filter((s) => !done.has(s.id))
      .reverse()
      .map((s) => ({ sessionId: s.id, completedAt: s.completedAt.toISOString(), prompt: postSessionPrompt })),
    general: generalPrompts,
  };
}
