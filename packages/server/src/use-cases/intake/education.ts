import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { notFound } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import { educationModule, educationModules, requiredEducationSlugs } from './education-library.ts';

export async function completions(db: Db, patientId: string): Promise<Map<string, Date>> {
  const rows = await db.selectFrom('education_completions').select(['slug', 'completed_at']).where('patient_id', '=', patientId).execute();
  return new Map(rows.map((r) => [r.slug, new Date(r.completed_at)]));
}

export function requiredRemaining(done: ReadonlyMap<string, Date>): string[] {
  return requiredEducationSlugs().filter((slug) => !done.has(slug));
}

/** The modules, each with this patient's completion (or null for everyone else). */
export function educationListing(done: ReadonlyMap<string, Date> | null) {
  return {
    items: educationModules().map((m) => ({
      slug: m.slug,
      title: m.title,
      required: m.required,
      order: m.order,
      minutes: m.minutes,
      completedAt: done?.get(m.slug)?.toISOString() ?? null,
    })),
    requiredRemaining: done ? requiredRemaining(done) : [],
  };
}

/** Marks a module complete for the patient; completing it again keeps the first completion time. */
export async function completeModule(uc: UseCase, patientId: string, slug: string) {
  const { deps, ctx } = uc;
  if (!educationModule(slug)) throw notFound('education module');
  return inTransaction(deps.database.db, async (tx) => {
    await tx
      .insertInto('education_completions')
      .values({ patient_id: patientId, slug, completed_at: ctx.now })
      .onConflict((oc) => oc.columns(['patient_id', 'slug']).doNothing())
      .execute();
    await writeAudit(tx, ctx, { action: 'education.complete', resourceType: 'education', resourceId: slug, patientId, outcome: 'success' });
    const done = await completions(tx, patientId);
    return { slug, completedAt: (done.get(slug) ?? ctx.now).toISOString(), requiredRemaining: requiredRemaining(done) };
  });
}

export async function patientIdOfUser(db: Db, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('patients').select('id').where('user_id', '=', userId).executeTakeFirst();
  return row?.id;
}
