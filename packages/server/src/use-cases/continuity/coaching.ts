import { sql } from 'kysely';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db, type Tx } from '../../db/transaction.ts';
import { AppError, notFound, validationFailed } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { dateText } from './sql-helpers.ts';

// ---------------------------------------------------------------------------------------------------------------
// Practices library and assignments

const practiceColumns = ['p.id', 'p.slug', 'p.category', 'p.title', 'p.summary', 'p.instructions', 'p.minutes'] as const;

export async function practiceLibrary(db: Db) {
  return db.selectFrom('practices as p').select(practiceColumns).where('p.active', '=', true).orderBy('p.category').orderBy('p.title').execute();
}

async function practicesBySlug(tx: Tx, slugs: readonly string[], field: string) {
  if (slugs.length === 0) return [];
  const rows = await tx.selectFrom('practices').select(['id', 'slug']).where('slug', 'in', [...slugs]).where('active', '=', true).execute();
  const unknown = slugs.filter((s) => !rows.some((r) => r.slug === s));
  if (unknown.length > 0) throw validationFailed([{ field, message: `not in the practices library: ${unknown.join(', ')}` }]);
  return slugs.map((s) => rows.find((r) => r.slug === s)).filter((r) => r !== undefined);
}

export async function assignPractice(
  { deps, ctx }: UseCase,
  patientId: string,
  input: { practiceSlug: string; frequency?: string | undefined },
): Promise<string> {
  return inTransaction(deps.database.db, async (tx) => {
    const [practice] = await practicesBySlug(tx, [input.practiceSlug], 'practiceSlug');
    if (!practice) throw validationFailed([{ field: 'practiceSlug', message: 'not in the practices library' }]);
    const id = await insertAssignment(tx, { patientId, practiceId: practice.id, by: ctx.actorId ?? '', at: ctx.now, frequency: input.frequency ?? null, noteId: null });
    await writeAudit(tx, ctx, { action: 'practice.assign', resourceType: 'practice', resourceId: id, patientId, outcome: 'success', detail: { practice: practice.slug } });
    return id;
  });
}

async function insertAssignment(tx: Tx, a: { patientId: string; practiceId: string; by: string; at: Date; frequency: string | null; noteId: string | null }): Promise<string> {
  const id = crypto.randomUUID();
  await tx
    .insertInto('practice_assignments')
    .values({ id, patient_id: a.patientId, practice_id: a.practiceId, assigned_by: a.by, assigned_at: a.at, coaching_note_id: a.noteId, frequency: a.frequency, completed_at: null, completion_note: null })
    .execute();
  return id;
}

export async function completePractice({ deps, ctx }: UseCase, patientId: string, assignmentId: string, note: string | undefined): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const row = await tx.selectFrom('practice_assignments').select(['status']).where('id', '=', assignmentId).where('patient_id', '=', patientId).forUpdate().executeTakeFirst();
    if (!row) throw notFound('practice assignment');
    if (row.status !== 'assigned') throw new AppError('CONFLICT', `This practice is already ${row.status}.`);
    await tx.updateTable('practice_assignments').set({ status: 'completed', completed_at: ctx.now, completion_note: note ?? null }).where('id', '=', assignmentId).execute();
    await writeAudit(tx, ctx, { action: 'practice.complete', resourceType: 'practice', resourceId: assignmentId, patientId, outcome: 'success' });
  });
}

export async function listPracticeAssignments(db: Db, patientId: string) {
  const rows = await db
    .selectFrom('practice_assignments as a')
    .innerJoin('practices as p', 'p.id', 'a.practice_id')
    .select([...practiceColumns, 'a.id as assignment_id', 'a.assigned_by', 'a.assigned_at', 'a.frequency', 'a.status', 'a.completed_at', 'a.completion_note'])
    .where('a.patient_id', '=', patientId)
    .orderBy('a.assigned_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.assignment_id,
    practice: { id: r.id, slug: r.slug, category: r.category, title: r.title, summary: r.summary, instructions: r.instructions, minutes: r.minutes },
    assignedBy: r.assigned_by,
    assignedAt: new Date(r.assigned_at).toISOString(),
    frequency: r.frequency,
    status: r.status,
    completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
    completionNote: r.completion_note,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Coaching notes

export interface CoachingNoteInput {
  sessionOn: string;
  appointmentId?: string | undefined;
  themes: string[];
  insights: string;
  practicesAssigned: string[];
  nextSteps: string;
}

/** A structured integration-session note; each practice it assigns becomes an assignment the patient sees. */
export async function createCoachingNote({ deps, ctx }: UseCase, patientId: string, input: CoachingNoteInput): Promise<string> {
  return inTransaction(deps.database.db, async (tx) => {
    const practices = await practicesBySlug(tx, input.practicesAssigned, 'practicesAssigned');
    if (input.appointmentId) {
      const a = await tx.selectFrom('appointments').select(['patient_id', 'kind']).where('id', '=', input.appointmentId).executeTakeFirst();
      if (!a || a.patient_id !== patientId || a.kind !== 'integration') {
        throw validationFailed([{ field: 'appointmentId', message: "is not one of this patient's integration sessions" }]);
      }
    }
    const id = crypto.randomUUID();
    await tx
      .insertInto('coaching_notes')
      .values({
        id,
        patient_id: patientId,
        coach_id: ctx.actorId ?? '',
        appointment_id: input.appointmentId ?? null,
        session_on: input.sessionOn,
        themes: input.themes,
        insights: input.insights,
        practices_assigned: practices.map((p) => p.slug),
        next_steps: input.nextSteps,
        created_at: ctx.now,
      })
      .execute();
    for (const p of practices) await insertAssignment(tx, { patientId, practiceId: p.id, by: ctx.actorId ?? '', at: ctx.now, frequency: null, noteId: id });
    await writeAudit(tx, ctx, { action: 'coaching_note.create', resourceType: 'coaching_note', resourceId: id, patientId, outcome: 'success', detail: { practices: practices.length } });
    return id;
  });
}

export async function listCoachingNotes(db: Db, patientId: string, ids?: string[]) {
  let q = db
    .selectFrom('coaching_notes as n')
    .innerJoin('users as u', 'u.id', 'n.coach_id')
    .select(['n.id', 'n.patient_id', 'n.coach_id', 'u.name as coach_name', 'n.appointment_id', dateText('n.session_on').as('session_on'), 'n.themes', 'n.insights', 'n.practices_assigned', 'n.next_steps', 'n.created_at'])
    .where('n.patient_id', '=', patientId)
    .orderBy('n.created_at', 'desc')
    .limit(500);
  if (ids) q = q.where('n.id', 'in', ids);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    coachId: r.coach_id,
    coachName: r.coach_name,
    appointmentId: r.appointment_id,
    sessionOn: r.session_on,
    themes: r.themes,
    insights: r.insights,
    practicesAssigned: r.practices_assigned,
    nextSteps: r.next_steps,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Caseload

/** The coach's assigned patients with their next integration session, last note and journal entries shared with the coach. */
export async function coachCaseload(db: Db, coachId: string, now: Date) {
  const rows = await db
    .selectFrom('care_team_members as c')
    .innerJoin('patients as p', 'p.id', 'c.patient_id')
    .select((eb) => [
      'p.id',
      'p.name',
      'p.status',
      eb
        .selectFrom('appointments as a')
        .select(sql<Date>`min(a.starts_at)`.as('next'))
        .whereRef('a.patient_id', '=', 'p.id')
        .where('a.kind', '=', 'integration')
        .where('a.status', '=', 'booked')
        .where('a.starts_at', '>=', now)
        .as('next_integration'),
      eb
        .selectFrom('journal_entries as j')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('j.patient_id', '=', 'p.id')
        .where('j.shared_with_coach', '=', true)
        .as('shared_count'),
      eb
        .selectFrom('practice_assignments as pa')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('pa.patient_id', '=', 'p.id')
        .where('pa.status', '=', 'assigned')
        .as('open_practices'),
    ])
    .where('c.user_id', '=', coachId)
    .where('c.member_role', '=', 'coach')
    .where('c.unassigned_at', 'is', null)
    .orderBy('p.name')
    .limit(1000)
    .execute();
  const ids = rows.map((r) => r.id);
  const notes =
    ids.length === 0
      ? []
      : await db
          .selectFrom('coaching_notes')
          .select(['id', 'patient_id', dateText('session_on').as('session_on'), 'created_at'])
          .where('patient_id', 'in', ids)
          .orderBy('created_at', 'desc')
          .execute();
  return rows.map((r) => {
    const last = notes.find((n) => n.patient_id === r.id);
    return {
      patientId: r.id,
      name: r.name,
      status: r.status,
      nextIntegrationSession: r.next_integration ? new Date(r.next_integration).toISOString() : null,
      lastNote: last ? { id: last.id, sessionOn: last.session_on, createdAt: new Date(last.created_at).toISOString() } : null,
      sharedJournalCount: Number(r.shared_count ?? 0),
      openPractices: Number(r.open_practices ?? 0),
    };
  });
}
