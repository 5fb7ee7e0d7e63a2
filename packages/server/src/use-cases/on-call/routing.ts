// Who hears of what while someone is on call (docs/live-board.md, "Routing"): urgent and critical alerts, every
// sitter concern and every escalation reach the clinician on call at that moment as well as the patient's owner,
// never twice to one person. What was on call is stored with the alert, so the routing can be audited.
import type { OnCallRecord } from '../../db/schema.ts';
import type { Db } from '../../db/transaction.ts';
import { publicBaseUrl, type UseCaseDeps } from '../deps.ts';
import { shiftAt } from './rota.ts';

export interface OnCall {
  shiftId: string;
  primaryId: string;
  backupId: string | null;
}

export async function onCallAt(db: Db, at: Date): Promise<OnCall | null> {
  const shift = await shiftAt(db, at);
  return shift ? { shiftId: shift.id, primaryId: shift.clinicianId, backupId: shift.backupClinicianId } : null;
}

/** True when the clinician is the on-call primary or backup at `at`. */
export async function isOnCall(db: Db, clinicianId: string, at: Date): Promise<boolean> {
  const on = await onCallAt(db, at);
  return on !== null && (on.primaryId === clinicianId || on.backupId === clinicianId);
}

async function activeEmail(db: Db, userId: string): Promise<string | null> {
  const row = await db.selectFrom('users').select(['email', 'status']).where('id', '=', userId).executeTakeFirst();
  return row && row.status === 'active' ? row.email : null;
}

/**
 * Tells the on-call primary (through the outbox, in the caller's transaction) unless they are the owner, who is
 * told by the caller. Returns what was on call and who was told, for the record.
 */
export async function notifyOnCall(
  tx: Db,
  deps: UseCaseDeps,
  input: { causePrefix: string; ownerId: string | null; subject: string; body: string; now: Date },
): Promise<OnCallRecord | null> {
  const on = await onCallAt(tx, input.now);
  if (!on) return null;
  const notified: string[] = [];
  if (on.primaryId !== input.ownerId) {
    const email = await activeEmail(tx, on.primaryId);
    if (email) {
      await deps.notifier.enqueue(tx, { cause: `${input.causePrefix}:on-call:${on.primaryId}`, channel: 'email', recipient: email, subject: input.subject, body: input.body }, input.now);
      notified.push(on.primaryId);
    }
  }
  return { shiftId: on.shiftId, primaryId: on.primaryId, backupId: on.backupId, notified };
}

/** A sign-in link to the live board, the only content a notice carries. */
export const boardLink = (deps: UseCaseDeps): string => `${publicBaseUrl(deps)}/clinician/board`;

/**
 * The escalation target while someone is on call: the on-call primary, then the on-call backup (each unless they
 * are the alert's owner or not active). Null when nobody on call can take it: the caller falls back to the care team.
 */
export async function onCallEscalationTarget(tx: Db, ownerId: string | null, now: Date): Promise<{ target: { id: string; email: string } | null; record: OnCallRecord | null }> {
  const on = await onCallAt(tx, now);
  if (!on) return { target: null, record: null };
  for (const id of [on.primaryId, on.backupId]) {
    if (id === null || id === ownerId) continue;
    const email = await activeEmail(tx, id);
    if (email) return { target: { id, email }, record: { shiftId: on.shiftId, primaryId: on.primaryId, backupId: on.backupId, notified: [id] } };
  }
  return { target: null, record: { shiftId: on.shiftId, primaryId: on.primaryId, backupId: on.backupId, notified: [] } };
}
