import fs from 'node:fs';
import { writeAudit } from '../../audit/audit-log.ts';
import type { ResourceItem } from '../../db/tables/continuity.tables.ts';
import { inTransaction, type Db } from '../../db/transaction.ts';
import { notFound, validationFailed } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';

// ---------------------------------------------------------------------------------------------------------------
// Resources directory

const defaultDirectoryFile = new URL('../../../content/resources/directory.json', import.meta.url);

let defaults: ResourceItem[] | undefined;
/** The directory shipped with Keel (content/resources/directory.json), used until the program edits it. */
export function defaultResources(): ResourceItem[] {
  defaults ??= (JSON.parse(fs.readFileSync(defaultDirectoryFile, 'utf8')) as { items: ResourceItem[] }).items;
  return defaults;
}

export async function loadResources(db: Db): Promise<{ version: number; updatedAt: string | null; items: ResourceItem[] }> {
  const row = await db.selectFrom('resources_directory').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row) return { version: 0, updatedAt: null, items: defaultResources() };
  return { version: row.version, updatedAt: new Date(row.updated_at).toISOString(), items: row.items };
}

/**
 * Replaces the program's directory. The crisis line and emergency number may be reworded but not removed: the
 * docs/clinical-basis.md §7) asks for 988 and 911 wherever a patient in distress may look.
 */
export async function updateResources({ deps, ctx }: UseCase, items: ResourceItem[]): Promise<void> {
  const values = items.flatMap((i) => i.contacts.map((c) => c.value.replace(/\s/g, '')));
  const errors = [];
  if (!values.some((v) => v.startsWith('988'))) errors.push({ field: 'items', message: 'must keep the 988 Suicide & Crisis Lifeline' });
  if (!values.includes('911')) errors.push({ field: 'items', message: 'must keep 911 for emergencies' });
  const ids = items.map((i) => i.id);
  if (new Set(ids).size !== ids.length) errors.push({ field: 'items', message: 'ids must be unique' });
  if (errors.length > 0) throw validationFailed(errors);
  await inTransaction(deps.database.db, async (tx) => {
    const current = await tx.selectFrom('resources_directory').select('version').where('id', '=', 1).forUpdate().executeTakeFirst();
    const version = (current?.version ?? 0) + 1;
    await tx
      .insertInto('resources_directory')
      .values({ id: 1, version, items: JSON.stringify(items), updated_at: ctx.now, updated_by: ctx.actorId })
      .onConflict((oc) => oc.column('id').doUpdateSet({ version, items: JSON.stringify(items), updated_at: ctx.now, updated_by: ctx.actorId }))
      .execute();
    await writeAudit(tx, ctx, { action: 'resources_directory.update', resourceType: 'resources_directory', outcome: 'success', detail: { version, items: items.length } });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Support contacts

export interface SupportContactInput {
  name: string;
  relationship?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  isEmergencyContact: boolean;
  note?: string | undefined;
}

export async function addSupportContact({ deps, ctx }: UseCase, patientId: string, input: SupportContactInput): Promise<string> {
  if (!input.phone && !input.email) throw validationFailed([{ field: 'phone', message: 'give a phone number or an email address' }]);
  return inTransaction(deps.database.db, async (tx) => {
    const id = crypto.randomUUID();
    await tx
      .insertInto('support_contacts')
      .values({
        id,
        patient_id: patientId,
        name: input.name,
        relationship: input.relationship ?? null,
        phone: input.phone ?? null,
        email: input.email ?? null,
        is_emergency_contact: input.isEmergencyContact,
        note: input.note ?? null,
        created_at: ctx.now,
        removed_at: null,
      })
      .execute();
    await writeAudit(tx, ctx, { action: 'support_contact.create', resourceType: 'support_contact', resourceId: id, patientId, outcome: 'success' });
    return id;
  });
}

export async function removeSupportContact({ deps, ctx }: UseCase, patientId: string, contactId: string): Promise<void> {
  await inTransaction(deps.database.db, async (tx) => {
    const r = await tx
      .updateTable('support_contacts')
      .set({ removed_at: ctx.now })
      .where('id', '=', contactId)
      .where('patient_id', '=', patientId)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('support contact');
    await writeAudit(tx, ctx, { action: 'support_contact.remove', resourceType: 'support_contact', resourceId: contactId, patientId, outcome: 'success' });
  });
}

export async function listSupportContacts(db: Db, patientId: string) {
  const rows = await db.selectFrom('support_contacts').selectAll().where('patient_id', '=', patientId).where('removed_at', 'is', null).orderBy('created_at').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    relationship: r.relationship,
    phone: r.phone,
    email: r.email,
    isEmergencyContact: r.is_emergency_contact,
    note: r.note,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Sitters as the support page shows them: who, and whether they have accepted. No contact details of theirs. */
export async function listSupportSitters(db: Db, patientId: string) {
  const rows = await db
    .selectFrom('sitter_assignments')
    .select(['id', 'invite_name', 'relationship', 'status'])
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'removed')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.invite_name, relationship: r.relationship, status: r.status }));
}
