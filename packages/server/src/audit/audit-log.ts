import { sql, type Kysely } from 'kysely';
import type { AuditOutcome, Database } from '../db/schema.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { literal, twoTripTransaction } from '../db/two-trip-transaction.ts';
import { activeAuditKeys, hmacHex, type AuditKeyring } from './audit-keys.ts';

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
  /**
   * A list read (the clinician panel): every patient it showed, in the order shown, instead of `patientId`. The row
   * goes in the system chain; each named patient's access log finds it by this column (docs/security.md).
   */
  patientIds?: readonly string[] | undefined;
  outcome: AuditOutcome;
  /** Codes and ids only: never names, answers, notes or other health content. */
  detail?: Record<string, unknown>;
}

/** The columns an audit entry writes, before the chain (key, sequence, previous hash, hash) is added. */
export function auditRow(ctx: RequestContext, entry: AuditEntry) {
  return {
    at: ctx.now,
    actor_id: ctx.actorId,
    actor_role: ctx.actorRole,
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId ?? null,
    patient_id: entry.patientId ?? null,
    patient_ids: entry.patientIds ? [...entry.patientIds] : null,
    outcome: entry.outcome,
    request_id: ctx.requestId,
    client_address: ctx.clientAddress,
    detail: entry.detail ?? {},
  };
}

/** The fields of a row that its hash covers. */
export interface AuditRowFields {
  id: number;
  key_id: string;
  chain_key: string;
  seq: number;
  prev_hash: string;
  at: Date;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  patient_id: string | null;
  patient_ids: readonly string[] | null;
  outcome: AuditOutcome;
  request_id: string | null;
  client_address: string | null;
  detail: unknown;
}

/** A value as JSON sees it: what its `toJSON` gives (a Date: its ISO text), the value itself otherwise. */
const asJson = (value: unknown): unknown => {
  const toJSON = value !== null && typeof value === 'object' ? (value as { toJSON?: unknown }).toJSON : undefined;
  return typeof toJSON === 'function' ? (toJSON as () => unknown).call(value) : value;
};

/**
 * JSON with object keys sorted at every level: one text for one value, whatever order it was built in. It keeps
 * exactly what JSON keeps, so a detail is signed as it is stored: in an object a member whose value JSON has no
 * text for (undefined, a function, a symbol, a `toJSON` that gives undefined) is left out, in an array it is null.
 */
export function canonicalJson(value: unknown): string {
  return canonicalOf(asJson(value));
}

/** `canonicalJson` of a value whose `toJSON` has already been applied (JSON applies it once). */
function canonicalOf(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .map(([k, item]) => [k, asJson(item)] as const)
    .filter(([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, item]) => `${JSON.stringify(k)}:${canonicalOf(item)}`).join(',')}}`;
}

const lower = (v: string | null): string | null => (v === null ? null : v.toLowerCase());

/**
 * The text a row's HMAC is computed over: a JSON array with one element per field in a fixed order. Every string
 * is quoted and escaped and null is distinct from "", so no two different rows encode the same way (unlike a
 * separator-joined string, where a `|` inside one field moves text into the next). UUIDs are compared in the
 * lower case PostgreSQL prints. A list read's row (patient_ids set) is tagged v3 and carries the list after the
 * patient; every other row keeps the v2 encoding it was sealed with, so clearing or setting the list on a row
 * changes its encoding either way.
 */
export function auditRowEncoding(r: AuditRowFields): string {
  const listed = r.patient_ids === null ? [] : [r.patient_ids.map((id) => id.toLowerCase())];
  return canonicalJson([
    r.patient_ids === null ? 'keel-audit-v2' : 'keel-audit-v3',
    r.id,
    r.key_id,
    r.chain_key,
    r.seq,
    r.prev_hash,
    r.at.toISOString(),
    lower(r.actor_id),
    r.actor_role,
    r.action,
    r.resource_type,
    r.resource_id,
    lower(r.patient_id),
    ...listed,
    r.outcome,
    r.request_id,
    r.client_address,
    r.detail ?? {},
  ]);
}

export function auditRowHash(keys: AuditKeyring, keyId: string, r: AuditRowFields): string | undefined {
  const key = keys.byId.get(keyId);
  return key ? hmacHex(key, auditRowEncoding(r)) : undefined;
}

export const chainKeyOf = (patientId: string | null | undefined): string => (patientId ? patientId.toLowerCase() : 'system');

/**
 * Appends an audit row. Called with the transaction that makes the change, so the change and its record commit
 * together or not at all.
 */
export async function writeAudit(db: Kysely<Database>, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  await writeAuditRows(db, [auditRow(ctx, entry)]);
}

/**
 * One entry in a transaction of its own (a read's record, written before the data leaves), in two round trips
 * (db/two-trip-transaction.ts): `BEGIN` with the chain head locked and the row's id drawn, then the sealed row with
 * `COMMIT`, instead of four (BEGIN, lock, insert, COMMIT).
 */
export async function writeAuditAlone(database: DatabaseHandle, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  const row = auditRow(ctx, entry);
  const keys = activeAuditKeys();
  const open = `SELECT nextval('audit_log_id_seq') AS id, h.last_seq AS seq, h.last_hash AS hash
    FROM audit_chain_lock(ARRAY[${literal(chainKeyOf(row.patient_id))}]) h`;
  const done = await twoTripTransaction<{ id: number | string; seq: number | string; hash: string }, true>(database, open, (head) => ({
    close: auditInsertStatement(sealAuditRow(keys, row, { id: Number(head.id), seq: Number(head.seq), hash: head.hash })),
    value: true,
  }));
  if (!done) throw new Error('the audit row was not written');
}

/** Several entries (one per patient shown by a list read, say) in one statement. */
export async function writeAuditEntries(db: Kysely<Database>, ctx: RequestContext, entries: AuditEntry[]): Promise<void> {
  if (entries.length > 0) await writeAuditRows(db, entries.map((e) => auditRow(ctx, e)));
}

type PendingRow = ReturnType<typeof auditRow>;

/**
 * One row at its chain position: `head` is the chain's head as audit_chain_lock returned it (locked by the caller's
 * transaction) and `id` the id drawn for the row. The row's HMAC, with the current key, covers its position too.
 */
export function sealAuditRow(
  keys: AuditKeyring,
  row: PendingRow,
  head: { id: number; seq: number; hash: string },
): AuditRowFields & { hash: string; detail: Record<string, unknown> } {
  const fields = { ...row, id: head.id, key_id: keys.current.id, chain_key: chainKeyOf(row.patient_id), seq: head.seq + 1, prev_hash: head.hash };
  return { ...fields, hash: hmacHex(keys.current.key, auditRowEncoding(fields)) };
}

/**
 * The INSERT of one sealed row as SQL text with its values as literals, for a message that also commits
 * (db/two-trip-transaction.ts): the row as one JSON document, read back into the table's row type.
 */
export function auditInsertStatement(sealed: ReturnType<typeof sealAuditRow>): string {
  const document = { ...sealed, at: sealed.at.toISOString() };
  return `INSERT INTO audit_log SELECT * FROM jsonb_populate_record(NULL::audit_log, ${literal(JSON.stringify(document))}::jsonb)`;
}

/**
 * Chains and inserts rows: lock the chain heads (audit_chain_lock, in chain order so two writers never wait on each
 * other in a cycle), compute each row's sequence, previous hash and HMAC here — the key never reaches the
 * database — and insert. The trigger checks that each row continues its chain's head and moves the head; a row
 * without the application's seal is refused. Outside a transaction, the rows get one of their own.
 */
async function writeAuditRows(db: Kysely<Database>, rows: PendingRow[]): Promise<void> {
  const work = async (tx: Kysely<Database>) => {
    const keys = activeAuditKeys();
    const chainKeys = [...new Set(rows.map((r) => chainKeyOf(r.patient_id)))].sort();
    // The rows' ids are drawn here too, so the HMAC covers the id as well as the chain position.
    const heads = await sql<{ chain_key: string; last_seq: number; last_hash: string; ids: number[] }>`
      SELECT chain_key, last_seq, last_hash,
             (SELECT array_agg(nextval('audit_log_id_seq')) FROM generate_series(1, ${rows.length}::int)) AS ids
      FROM audit_chain_lock(${chainKeys}::text[])`.execute(tx);
    const ids = (heads.rows[0]?.ids ?? []).map(Number).sort((a, b) => a - b);
    const state = new Map(heads.rows.map((h) => [h.chain_key, { seq: Number(h.last_seq), hash: h.last_hash }]));
    const sealed = rows.map((row, index) => {
      const id = ids[index];
      if (id === undefined) throw new Error('no audit row id was drawn');
      const head = state.get(chainKeyOf(row.patient_id));
      if (!head) throw new Error('audit_chain_lock returned no head for a chain it was given');
      const fields = sealAuditRow(keys, row, { id, ...head });
      state.set(fields.chain_key, { seq: fields.seq, hash: fields.hash });
      return { ...fields, patient_ids: row.patient_ids, detail: JSON.stringify(row.detail) };
    });
    await tx.insertInto('audit_log').values(sealed).execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

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
    | 'truncated_after_checkpoint'
    | 'archived_head_mismatch';
}

export interface VerifyOptions {
  /** The keys to verify with; this process's keyring (useAuditKeys) when absent. */
  keys?: AuditKeyring;
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
  patient_ids: string[] | null;
  outcome: AuditOutcome;
  request_id: string | null;
  client_address: string | null;
  detail: unknown;
}

/**
 * Where each chain resumes after its months were archived (detached past retention, migration 0023; only a prefix
 * of a chain is ever archived): the last row archived, which the live chain's next row must continue. While the
 * archived month's table is still in the database (until the operator has exported and dropped it), the recorded
 * head must be a row of it (read through audit_archived_head_row, as the server's role may not read the month), of
 * that chain, with that hash and a valid seal, and of the month its name says: a head written by hand to hide a
 * removed prefix of a chain is reported (`archived_head_mismatch`) and not trusted. Once the archive is dropped the
 * head is taken as recorded (docs/security.md).
 */
async function archivedHeads(db: Kysely<Database>, keys: AuditKeyring, breaks: ChainBreak[]): Promise<Map<string, { seq: number; hash: string }>> {
  const heads = await sql<{ chain_key: string; seq: string; hash: string; archive: string; present: boolean }>`
    SELECT chain_key, seq, hash, archive, to_regclass(archive) IS NOT NULL AS present FROM audit_archived_heads ORDER BY chain_key`.execute(db);
  const out = new Map<string, { seq: number; hash: string }>();
  for (const h of heads.rows) {
    const seq = Number(h.seq);
    const month = /^archived_audit_log_(\d{4})_(\d{2})(?:_[0-9a-f]{6})?$/.exec(h.archive);
    const bad = () => breaks.push({ chainKey: h.chain_key, seq, id: 0, problem: 'archived_head_mismatch' });
    if (!month) {
      bad();
      continue;
    }
    if (h.present) {
      const rows = await sql<Row>`
        SELECT a.id, a.chain_key, a.seq, a.prev_hash, a.hash, a.key_id,
               CASE WHEN a.key_id IS NULL THEN audit_row_digest(a.prev_hash, a) END AS legacy_digest, a.at, a.actor_id, a.actor_role, a.action,
               a.resource_type, a.resource_id, a.patient_id, a.patient_ids, a.outcome, a.request_id, a.client_address, a.detail
        FROM audit_archived_head_row(${h.chain_key}) a`.execute(db);
      const r = rows.rows[0];
      // A row from before the chain was keyed carries the unkeyed digest (verifyAuditChain says when those are trusted).
      const sealed = !r ? undefined : r.key_id === null ? (r.legacy_digest ?? undefined) : auditRowHash(keys, r.key_id, { ...r, id: Number(r.id), key_id: r.key_id, seq });
      const inMonth = r ? new Date(r.at).toISOString().slice(0, 7) === `${month[1]}-${month[2]}` : false;
      if (!r || Number(r.seq) !== seq || r.hash !== h.hash || sealed !== r.hash || !inMonth) {
        bad();
        continue;
      }
    }
    out.set(h.chain_key, { seq, hash: h.hash });
  }
  return out;
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
  options: VerifyOptions = {},
): Promise<{ rows: number; chains: number; breaks: ChainBreak[] }> {
  const { batchSize = 2000 } = options;
  const keys = options.keys ?? activeAuditKeys();
  const checkpoints: ReadonlyMap<string, { seq: number; hash: string }> = options.checkpoints ?? new Map<string, { seq: number; hash: string }>();
  const breaks: ChainBreak[] = [];
  let rows = 0;
  let chains = 0;
  let current: { key: string; seq: number; hash: string; keyed: boolean; id: number } | undefined;
  const seenCheckpointChains = new Set<string>();
  const archived = await archivedHeads(db, keys, breaks);

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
             a.at, a.actor_id, a.actor_role, a.action, a.resource_type, a.resource_id, a.patient_id, a.patient_ids, a.outcome,
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
        const resume = archived.get(r.chain_key);
        current = { key: r.chain_key, seq: resume?.seq ?? 0, hash: resume?.hash ?? '', keyed: resume !== undefined, id: r.id };
      }
      const at = (problem: ChainBreak['problem']) => breaks.push({ chainKey: r.chain_key, seq, id: r.id, problem });
      if (seq !== current.seq + 1) at('sequence_gap');
      if (r.prev_hash !== current.hash) at('prev_hash_mismatch');
      const cp = checkpoints.get(r.chain_key);
      if (r.key_id === null) {
        // The unkeyed digest does not cover patient_ids (added by migration 0018, long after rows were keyed): no
        // unkeyed row names a list, so one that does was edited.
        if (r.legacy_digest !== r.hash || r.patient_ids !== null) at('hash_mismatch');
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
    if (seenCheckpointChains.has(chainKey) || cp.seq <= (archived.get(chainKey)?.seq ?? 0)) continue;
    const present = await db.selectFrom('audit_log').select('id').where('chain_key', '=', chainKey).where('seq', '=', cp.seq).executeTakeFirst();
    if (!present) breaks.push({ chainKey, seq: cp.seq, id: 0, problem: 'truncated_after_checkpoint' });
  }

  // Heads that do not match the chain's last row (rows cut from the end, or a head moved), found by the database.
  const heads = await sql<{ chain_key: string; last_seq: number; id: number | null }>`
    SELECT h.chain_key, h.last_seq, l.id
    FROM audit_chain_heads h
    LEFT JOIN LATERAL (SELECT a.id, a.seq, a.hash FROM audit_log a WHERE a.chain_key = h.chain_key ORDER BY a.seq DESC LIMIT 1) l ON true
    LEFT JOIN audit_archived_heads x ON x.chain_key = h.chain_key
    WHERE h.last_seq > 0 AND (l.seq IS DISTINCT FROM h.last_seq OR l.hash IS DISTINCT FROM h.last_hash)
      -- A chain whose every row is archived ends at its archived head.
      AND NOT coalesce(l.seq IS NULL AND x.seq = h.last_seq AND x.hash = h.last_hash, false)`.execute(db);
  for (const h of heads.rows) breaks.push({ chainKey: h.chain_key, seq: Number(h.last_seq), id: h.id ?? 0, problem: 'head_mismatch' });
  return { rows, chains, breaks };
}
