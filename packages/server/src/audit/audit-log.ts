import { sql, type Kysely } from 'kysely';
import type { AuditOutcome, Database } from '../db/schema.ts';

/** Who is acting and from where: carried from the request into every use-case. */
export interface RequestContext {
  actorId: string | null;
  actorRole: string | null;
  requestId: string | null;
  clientAddress: string | null;
  now: Date;
}

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null | undefined;
  patientId?: string | null | undefined;
  outcome: AuditOutcome;
  /** Codes and ids only: never names, answers, notes or other health content. */
  detail?: Record<string, unknown>;
}

/**
 * Appends an audit row. Called with the transaction that makes the change, so the change and its record commit
 * together or not at all. The chaining trigger fills the sequence and hashes.
 */
export async function writeAudit(db: Kysely<Database>, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(ctx, entry)).execute();
}

/** The columns an audit entry writes (the trigger adds the chain); also handed to SQL functions that append one. */
export function auditRow(ctx: RequestContext, entry: AuditEntry) {
  return {
    at: ctx.now,
    actor_id: ctx.actorId,
    actor_role: ctx.actorRole,
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId ?? null,
    patient_id: entry.patientId ?? null,
    outcome: entry.outcome,
    request_id: ctx.requestId,
    client_address: ctx.clientAddress,
    detail: JSON.stringify(entry.detail ?? {}),
  };
}

export interface ChainBreak {
  chainKey: string;
  seq: number;
  id: number;
  problem: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap';
}

/**
 * Recomputes every chain from its first row. A row edited behind the trigger's back, a row removed from the
 * middle, or rows reordered all show up as a break.
 */
export async function verifyAuditChain(db: Kysely<Database>): Promise<{ rows: number; chains: number; breaks: ChainBreak[] }> {
  const result = await sql<{
    id: number;
    chain_key: string;
    seq: number;
    prev_hash: string;
    hash: string;
    recomputed: string;
    prior_hash: string | null;
    prior_seq: number | null;
  }>`
    SELECT a.id, a.chain_key, a.seq, a.prev_hash, a.hash,
           audit_row_digest(a.prev_hash, a) AS recomputed,
           lag(a.hash) OVER w AS prior_hash,
           lag(a.seq) OVER w AS prior_seq
    FROM audit_log a
    WINDOW w AS (PARTITION BY a.chain_key ORDER BY a.seq)
    ORDER BY a.chain_key, a.seq`.execute(db);
  const breaks: ChainBreak[] = [];
  const chains = new Set<string>();
  for (const r of result.rows) {
    chains.add(r.chain_key);
    const expectedPrev = r.prior_hash ?? '';
    const expectedSeq = (r.prior_seq ?? 0) + 1;
    if (r.seq !== expectedSeq) breaks.push({ chainKey: r.chain_key, seq: r.seq, id: r.id, problem: 'sequence_gap' });
    if (r.prev_hash !== expectedPrev)
      breaks.push({ chainKey: r.chain_key, seq: r.seq, id: r.id, problem: 'prev_hash_mismatch' });
    if (r.recomputed !== r.hash) breaks.push({ chainKey: r.chain_key, seq: r.seq, id: r.id, problem: 'hash_mismatch' });
  }
  const heads = await db.selectFrom('audit_chain_heads').selectAll().execute();
  const lastByChain = new Map<string, { seq: number; hash: string; id: number }>();
  for (const r of result.rows) lastByChain.set(r.chain_key, { seq: r.seq, hash: r.hash, id: r.id });
  for (const head of heads) {
    const last = lastByChain.get(head.chain_key);
    if (!last || last.seq !== head.last_seq || last.hash !== head.last_hash) {
      breaks.push({ chainKey: head.chain_key, seq: head.last_seq, id: last?.id ?? 0, problem: 'sequence_gap' });
    }
  }
  return { rows: result.rows.length, chains: chains.size, breaks };
}
