import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { WebhookTransport } from '../notifications/notifier.ts';
import { hmacHex, type AuditKeyring } from './audit-keys.ts';
import { canonicalJson } from './audit-log.ts';

/**
 * A signed checkpoint: the heads (chain, sequence, hash) of every chain that grew since the last checkpoint,
 * signed with the audit key and written outside the database (a JSON-lines file, and the webhook when one is
 * configured). `keel audit verify --checkpoints <file>` then proves that no chain was cut short or re-chained
 * below a checkpointed head, which the database's owner cannot hide by editing the head table.
 */
export interface AuditCheckpoint {
  type: 'keel.audit.checkpoint';
  v: 1;
  at: string;
  keyId: string;
  heads: [chainKey: string, seq: number, hash: string][];
  mac: string;
}

export function signCheckpoint(keys: AuditKeyring, at: Date, heads: AuditCheckpoint['heads']): AuditCheckpoint {
  const body = { type: 'keel.audit.checkpoint' as const, v: 1 as const, at: at.toISOString(), keyId: keys.current.id, heads };
  return { ...body, mac: hmacHex(keys.current.key, canonicalJson(body)) };
}

/** Checks one checkpoint's signature; undefined when it is valid, else why not. */
export function checkpointProblem(keys: AuditKeyring, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not a checkpoint';
  const { mac, ...body } = value as Partial<AuditCheckpoint>;
  if (body.type !== 'keel.audit.checkpoint' || body.v !== 1 || !Array.isArray(body.heads) || typeof mac !== 'string') return 'not a checkpoint';
  const key = typeof body.keyId === 'string' ? keys.byId.get(body.keyId) : undefined;
  if (!key) return `signed with an unknown key id ${String(body.keyId)}`;
  if (hmacHex(key, canonicalJson(body)) !== mac) return 'the signature does not match';
  return undefined;
}

export interface CheckpointSink {
  file: string;
  /** Posts the signed checkpoint line (the webhook), when configured. */
  post?: ((line: string) => Promise<void>) | undefined;
}

/**
 * Exports one checkpoint of the heads that moved since the last export (audit_checkpoint_pending), then marks them
 * exported. A crash between the two exports them again next time, which is harmless. Returns the number of heads.
 */
export async function exportAuditCheckpoint(db: Kysely<Database>, keys: AuditKeyring, sink: CheckpointSink, now: Date): Promise<number> {
  const pending = await sql<{ chain_key: string; last_seq: number; last_hash: string }>`
    SELECT chain_key, last_seq, last_hash FROM audit_checkpoint_pending()`.execute(db);
  if (pending.rows.length === 0) return 0;
  const heads: AuditCheckpoint['heads'] = pending.rows.map((h) => [h.chain_key, Number(h.last_seq), h.last_hash]);
  const line = JSON.stringify(signCheckpoint(keys, now, heads));
  fs.mkdirSync(path.dirname(path.resolve(sink.file)), { recursive: true });
  fs.appendFileSync(sink.file, `${line}\n`, { mode: 0o600 });
  if (sink.post) await sink.post(line);
  await sql`SELECT audit_checkpoint_done(${heads.map((h) => h[0])}::text[], ${heads.map((h) => h[1])}::bigint[])`.execute(db);
  return heads.length;
}

/** The highest checkpointed head of each chain, from a file of signed checkpoints (each line checked). */
export function readCheckpoints(keys: AuditKeyring, file: string): Map<string, { seq: number; hash: string }> {
  const heads = new Map<string, { seq: number; hash: string }>();
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${index + 1}: not JSON`);
    }
    const problem = checkpointProblem(keys, parsed);
    if (problem) throw new Error(`${file}:${index + 1}: ${problem}`);
    for (const [chain, seq, hash] of (parsed as AuditCheckpoint).heads) {
      const known = heads.get(chain);
      if (!known || known.seq < seq) heads.set(chain, { seq, hash });
    }
  });
  return heads;
}

export function checkpointSinkFromConfig(config: Config): CheckpointSink {
  const webhook =
    config.KEEL_WEBHOOK_URL && config.KEEL_WEBHOOK_SECRET ? new WebhookTransport(config.KEEL_WEBHOOK_URL, config.KEEL_WEBHOOK_SECRET) : undefined;
  return {
    file: config.KEEL_AUDIT_CHECKPOINT_FILE,
    post: webhook
      ? (line) => webhook.send({ cause: 'audit.checkpoint', channel: 'webhook', recipient: 'audit', subject: 'Keel audit checkpoint', body: line })
      : undefined,
  };
}
