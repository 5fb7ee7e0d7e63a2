import { sql, type Kysely } from 'kysely';
import type { AuditOutcome, Database } from '../db/schema.ts';
import type { AuditKeyring } from './audit-keys.ts';
import { auditRowHash } from './audit-log.ts';

export interface ChainBreak {
  chainKey: string;
  seq: number;
  id: number;
  problem:
    | 'hash_mismatch'
    | 'prev_hash_mismatch'
    | 'sequence_gap'
    | 'unknown_key'
    | 'unkeyed_row'
    | 'head_mismatch'
    | 'checkpoint_mismatch'
    | 'truncated_after_checkpoint';
}

export interface VerifyOptions {
  keys: AuditKeyring;
  /** The highest signed checkpoint of each chain (readCheckpoints). */
  checkpoints?: ReadonlyMap<string, { seq: number; hash: string }>;
  /** Rows read per query: verification streams the log in batches and holds one chain's position at a time. */
  batchSize?: number;
}

interface Row {
  id: number;
  chain_key: string;
  seq: number;
  prev_hash: string;
  hash: string;
  key_id: string | null;
  legacy_digest: string | null;
  at: Date;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  patient_id: string | null;
  outcome: AuditOutcome;
  request_id: string | null;
  client_address: string | null;
  detail: unknown;
}

/**
 * Recomputes every chain from its first row, reading the log in (chain, seq) order a batch at a time. Each keyed
 * row's HMAC is recomputed with its key; an edit to any column, a row removed from the middle or rows reordered
 * all show up, and without the key nobody can re-chain the rows after an edit. Rows written before the chain was
 * keyed (key_id null, the unkeyed digest) are accepted only at the start of a chain and only up to a signed
 * checkpoint that covers them; anything else unkeyed is a break, so re-chaining with the unkeyed digest is caught.
 * The head table and the signed checkpoints catch rows cut from the end of a chain.
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  options: VerifyOptions,
): Promise<{ rows: number; chains: number; breaks: ChainBreak[] }> {
  const { keys, batchSize = 2000 } = options;
  const checkpoints: ReadonlyMap<string, { seq: number; hash: string }> = options.checkpoints ?? new Map<string, { seq: number; hash: string }>();
  const breaks: ChainBreak[] = [];
  let rows = 0;
  let chains = 0;
  let current: { key: string; seq: number; hash: string; keyed: boolean; id: number } | undefined;
  const seenCheckpointChains = new Set<string>();

  const endChain = () => {
    if (!current) return;
    const cp = checkpoints.get(current.key);
    if (cp && cp.seq > current.seq) seenCheckpointChains.add(current.key);
    if (cp && cp.seq > current.seq) breaks.push({ chainKey: current.key, seq: current.seq, id: current.id, problem: 'truncated_after_checkpoint' });
  };

  let after: { chain: string; seq: number } | undefined;
  for (;;) {
    const batch = await sql<Row>`
      SELECT a.id, a.chain_key, a.seq, a.prev_hash, a.hash, a.key_id,
             CASE WHEN a.key_id IS NULL THEN audit_row_digest(a.prev_hash, a) END AS legacy_digest,
             a.at, a.actor_id, a.actor_role, a.action, a.resource_type, a.resource_id, a.patient_id, a.outcome,
             a.request_id, a.client_address, a.detail
      FROM audit_log a
      ${after ? sql`WHERE (a.chain_key, a.seq) > (${after.chain}, ${after.seq})` : sql``}
      ORDER BY a.chain_key, a.seq
      LIMIT ${batchSize}`.execute(db);
    for (const r of batch.rows) {
      const seq = Number(r.seq);
      rows++;
      if (current?.key !== r.chain_key) {
        endChain();
        chains++;
        current = { key: r.chain_key, seq: 0, hash: '', keyed: false, id: r.id };
      }
      const at = (problem: ChainBreak['problem']) => breaks.push({ chainKey: r.chain_key, seq, id: r.id, problem });
      if (seq !== current.seq + 1) at('sequence_gap');
      if (r.prev_hash !== current.hash) at('prev_hash_mismatch');
      const cp = checkpoints.get(r.chain_key);
      if (r.key_id === null) {
        if (r.legacy_digest !== r.hash) at('hash_mismatch');
        // Unkeyed rows can be trusted only as the prefix a signed checkpoint vouches for.
        if (current.keyed || !cp || cp.seq < seq) at('unkeyed_row');
      } else {
        const expected = auditRowHash(keys, r.key_id, { ...r, id: Number(r.id), key_id: r.key_id, seq });
        if (expected === undefined) at('unknown_key');
        else if (expected !== r.hash) at('hash_mismatch');
        current.keyed = true;
      }
      if (cp && cp.seq === seq) {
        seenCheckpointChains.add(r.chain_key);
        if (cp.hash !== r.hash) at('checkpoint_mismatch');
      }
      current.seq = seq;
      current.hash = r.hash;
      current.id = r.id;
    }
    const last = batch.rows.at(-1);
    if (!last || batch.rows.length < batchSize) break;
    after = { chain: last.chain_key, seq: Number(last.seq) };
  }
  endChain();

  // A chain named by a checkpoint whose checkpointed row is gone entirely.
  for (const [chainKey, cp] of checkpoints) {
    if (seenCheckpointChains.has(chainKey)) continue;
    const present = await db.selectFrom('audit_log').select('id').where('chain_key', '=', chainKey).where('seq', '=', cp.seq).executeTakeFirst();
    if (!present) breaks.push({ chainKey, seq: cp.seq, id: 0, problem: 'truncated_after_checkpoint' });
  }

  // Heads that do not match the chain's last row (rows cut from the end, or a head moved), found by the database.
  const heads = await sql<{ chain_key: string; last_seq: number; id: number | null }>`
    SELECT h.chain_key, h.last_seq, l.id
    FROM audit_chain_heads h
    LEFT JOIN LATERAL (SELECT a.id, a.seq, a.hash FROM audit_log a WHERE a.chain_key = h.chain_key ORDER BY a.seq DESC LIMIT 1) l ON true
    WHERE h.last_seq > 0 AND (l.seq IS DISTINCT FROM h.last_seq OR l.hash IS DISTINCT FROM h.last_hash)`.execute(db);
  for (const h of heads.rows) breaks.push({ chainKey: h.chain_key, seq: Number(h.last_seq), id: h.id ?? 0, problem: 'head_mismatch' });
  return { rows, chains, breaks };
}
