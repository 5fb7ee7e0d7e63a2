import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import { forgetSessions } from '../../auth/session-cache.ts';

export class DemoAccountsInProductionError extends Error {
  override name = 'DemoAccountsInProductionError';
}

/**
 * The demo accounts share one published password. Under NODE_ENV=production Keel does not start while any of them
 * can still sign in; `keel deactivate-demo` deactivates them (and ends their sessions).
 */
export async function refuseDemoAccountsInProduction(db: Kysely<Database>, config: Config): Promise<void> {
  if (config.NODE_ENV !== 'production') return;
  const active = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('is_demo', '=', true)
    .where('status', '<>', 'deactivated')
    .executeTakeFirst();
  const n = Number(active?.n ?? 0);
  if (n > 0) {
    throw new DemoAccountsInProductionError(
      `NODE_ENV=production, but ${n} demo account(s) with the published demo password can still sign in: run \`keel deactivate-demo\` first`,
    );
  }
}

/** Deactivates every demo account and ends its sessions; returns how many were deactivated. */
export async function deactivateDemoAccounts(db: Kysely<Database>, now: Date): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const users = await tx
      .updateTable('users')
      .set({ status: 'deactivated', deactivated_at: now, password_hash: null })
      .where('is_demo', '=', true)
      .where('status', '<>', 'deactivated')
      .returning('id')
      .execute();
    for (const u of users) forgetSessions({ userId: u.id });
    if (users.length > 0) await tx.deleteFrom('auth_sessions').where('user_id', 'in', users.map((u) => u.id)).execute();
    await writeAudit(tx, { actorId: null, actorRole: 'cli', requestId: null, clientAddress: 'cli', now }, {
      action: 'demo.deactivate',
      resourceType: 'user',
      outcome: 'success',
      detail: { count: users.length },
    });
    return users.length;
  });
}
