import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyring } from '../../src/audit/audit-keys.ts';
import { verifyAuditChain, writeAudit, type ChainBreak, type RequestContext } from '../../src/audit/audit-log.ts';
import { exportAuditCheckpoint, readCheckpoints } from '../../src/audit/audit-checkpoint.ts';
import type { Database } from '../../src/db/schema.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { testAuditKeys as keys } from '../support/setup-audit-keys.ts';

let database: DatabaseHandle;
const patientA = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a01';
const patientB = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a02';
const ctx = (minute: number): RequestContext => ({
  actorId: '5d1c6f3e-1111-4a4a-9b9b-000000000001',
  actorRole: 'clinician',
  requestId: `req-${minute}`,
  clientAddress: '192.0.2.7',
  now: new Date(Date.UTC(2026, 5, 1, 12, minute)),
});

beforeAll(async () => {
  database = await createTestDatabase();
  for (let i = 0; i < 6; i++) {
    await writeAudit(database.db, ctx(i), {
      action: 'record.read',
      resourceType: 'record',
      resourceId: `r-${i}`,
      patientId: i % 2 === 0 ? patientA : patientB,
      outcome: 'success',
      detail: { page: i, filters: { b: 'x|y', a: null } },
    });
  }
  await writeAudit(database.db, ctx(9), { action: 'system.tick', resourceType: 'system', outcome: 'success' });
  // A list read: one row in the system chain naming the patients it showed, in the order shown.
  await writeAudit(database.db, ctx(10), { action: 'panel.read', resourceType: 'panel', patientIds: [patientB, patientA], outcome: 'success', detail: { shown: 2 } });
});
afterAll(async () => {
  await database.close();
});

/** Runs `tamper` as the database owner would (guard triggers off), verifies inside, then rolls everything back. */
async function afterTampering(tamper: (tx: Kysely<Database>) => Promise<void>, checkpoints?: Map<string, { seq: number; hash: string }>): Promise<ChainBreak[]> {
  let breaks: ChainBreak[] = [];
  await database.db
    .transaction()
    .execute(async (tx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
      await tamper(tx);
      await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(tx);
      breaks = (await verifyAuditChain(tx, { keys, ...(checkpoints ? { checkpoints } : {}) })).breaks;
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return breaks;
}
class Rollback extends Error {}

const middleRow = async (tx: Kysely<Database>) =>
  tx.selectFrom('audit_log').select(['id', 'chain_key', 'seq']).where('chain_key', '=', patientA).where('seq', '=', 2).executeTakeFirstOrThrow();

describe('the keyed audit chain', () => {
  it('is intact as written, and verification reads it in batches with the same result', async () => {
    const whole = await verifyAuditChain(database.db, { keys });
    expect(whole).toEqual({ rows: 8, chains: 3, breaks: [] });
    for (const batchSize of [1, 2, 3, 5]) expect(await verifyAuditChain(database.db, { keys, batchSize })).toEqual(whole);
  });

  // Every column of the table, each changed in turn to another value of its type.
  const edits: Record<string, string> = {
    id: 'id = id + 1000',
    at: "at = at + interval '1 second'",
    actor_id: "actor_id = '5d1c6f3e-1111-4a4a-9b9b-000000000002'",
    actor_role: "actor_role = 'admin'",
    action: "action = 'record.update'",
    resource_type: "resource_type = 'other'",
    resource_id: "resource_id = 'r-999'",
    patient_id: `patient_id = '${patientB}'`,
    // On a row that names no list: setting one must break it too.
    patient_ids: `patient_ids = ARRAY['${patientB}']::uuid[]`,
    outcome: "outcome = 'denied'",
    request_id: "request_id = 'req-x'",
    client_address: "client_address = '198.51.100.1'",
    detail: `detail = '{"page": 2, "filters": {"a": null, "b": "x"}}'`,
    chain_key: "chain_key = 'elsewhere'",
    seq: 'seq = seq + 100',
    prev_hash: "prev_hash = repeat('0', 64)",
    hash: "hash = repeat('f', 64)",
    key_id: "key_id = 'other-key'",
  };

  it('covers every column of the audit log with the edits below', async () => {
    const columns = await sql<{ column_name: string }>`
      SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_log' ORDER BY column_name`.execute(database.db);
    expect(columns.rows.map((c) => c.column_name).sort()).toEqual(Object.keys(edits).sort());
  });

  it.each(Object.entries(edits))('detects a change to %s', async (_column, assignment) => {
    const breaks = await afterTampering(async (tx) => {
      const row = await middleRow(tx);
      await sql`UPDATE audit_log SET ${sql.raw(assignment)} WHERE id = ${row.id}`.execute(tx);
    });
    expect(breaks.length).toBeGreaterThan(0);
  });

  // The digest itself, field by field: an edit to any field the row's HMAC covers must make that very row's hash
  // disagree (hash_mismatch at that row), whatever else it also breaks, and wherever the row sits in its chain. A
  // sequence gap or a broken link alone would hide a field the HMAC had stopped covering. An edit to key_id names a
  // key the program does not hold (unknown_key).
  const positions: [string, number][] = [
    ['first', 1],
    ['middle', 2],
    ['last', 3],
  ];
  const fieldCases = positions.flatMap(([where, seq]) =>
    Object.entries(edits).map(([column, assignment]) => [column, where, seq, assignment] as const),
  );
  it.each(fieldCases)('an edit to %s of the %s row breaks that row’s own hash', async (column, _where, seq, assignment) => {
    let editedId = 0;
    const breaks = await afterTampering(async (tx) => {
      const row = await tx.selectFrom('audit_log').select('id').where('chain_key', '=', patientA).where('seq', '=', seq).executeTakeFirstOrThrow();
      await sql`UPDATE audit_log SET ${sql.raw(assignment)} WHERE id = ${row.id}`.execute(tx);
      editedId = column === 'id' ? Number(row.id) + 1000 : Number(row.id);
    });
    const expected = column === 'key_id' ? 'unknown_key' : 'hash_mismatch';
    expect(breaks).toContainEqual(expect.objectContaining({ id: editedId, problem: expected }));
  });

  // The list a list read names, changed in every way an owner might: a patient dropped, added, swapped for another,
  // the order changed, the list emptied or cleared (the row then reads as a row that names nobody).
  const listEdits: Record<string, string> = {
    'a patient dropped': `patient_ids = ARRAY['${patientB}']::uuid[]`,
    'a patient added': `patient_ids = ARRAY['${patientB}', '${patientA}', '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a03']::uuid[]`,
    'a patient swapped for another': `patient_ids = ARRAY['${patientB}', '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a03']::uuid[]`,
    'the order changed': `patient_ids = ARRAY['${patientA}', '${patientB}']::uuid[]`,
    'the list emptied': `patient_ids = '{}'::uuid[]`,
    'the list cleared': 'patient_ids = NULL',
  };
  it.each(Object.entries(listEdits))('detects a list read’s patients changed: %s', async (_what, assignment) => {
    let editedId = 0;
    const breaks = await afterTampering(async (tx) => {
      const row = await tx.selectFrom('audit_log').select('id').where('action', '=', 'panel.read').executeTakeFirstOrThrow();
      await sql`UPDATE audit_log SET ${sql.raw(assignment)} WHERE id = ${row.id}`.execute(tx);
      editedId = Number(row.id);
    });
    expect(breaks).toContainEqual(expect.objectContaining({ chainKey: 'system', id: editedId, problem: 'hash_mismatch' }));
  });

  it('detects rows reordered: two rows swapping places in the chain, or swapping their contents', async () => {
    const swapPlaces = await afterTampering(async (tx) => {
      await sql`UPDATE audit_log SET seq = -1 WHERE chain_key = ${patientA} AND seq = 1`.execute(tx);
      await sql`UPDATE audit_log SET seq = 1 WHERE chain_key = ${patientA} AND seq = 2`.execute(tx);
      await sql`UPDATE audit_log SET seq = 2 WHERE chain_key = ${patientA} AND seq = -1`.execute(tx);
    });
    expect(swapPlaces.filter((b) => b.chainKey === patientA && b.problem === 'hash_mismatch').map((b) => b.seq).sort()).toEqual([1, 2]);

    // Everything but the chain position moves: the first event now reads as the second and the reverse.
    const swapContents = await afterTampering(async (tx) => {
      await sql`
        UPDATE audit_log a SET at = b.at, action = b.action, resource_id = b.resource_id, request_id = b.request_id, detail = b.detail
        FROM audit_log b
        WHERE a.chain_key = ${patientA} AND b.chain_key = ${patientA} AND ((a.seq = 1 AND b.seq = 2) OR (a.seq = 2 AND b.seq = 1))`.execute(tx);
    });
    expect(swapContents.filter((b) => b.chainKey === patientA && b.problem === 'hash_mismatch').map((b) => b.seq).sort()).toEqual([1, 2]);
  });

  it('detects the first row deleted, the last row deleted, and a forged row appended', async () => {
    const first = await afterTampering(async (tx) => {
      await sql`DELETE FROM audit_log WHERE chain_key = ${patientA} AND seq = 1`.execute(tx);
    });
    expect(first).toContainEqual(expect.objectContaining({ chainKey: patientA, seq: 2, problem: 'sequence_gap' }));
    expect(first).toContainEqual(expect.objectContaining({ chainKey: patientA, seq: 2, problem: 'prev_hash_mismatch' }));

    const last = await afterTampering(async (tx) => {
      await sql`DELETE FROM audit_log WHERE chain_key = ${patientA} AND seq = 3`.execute(tx);
    });
    expect(last).toContainEqual(expect.objectContaining({ chainKey: patientA, seq: 3, problem: 'head_mismatch' }));

    // A row appended with the right link and head but a hash its writer could not compute (no key).
    const forged = await afterTampering(async (tx) => {
      const tail = await tx.selectFrom('audit_log').selectAll().where('chain_key', '=', patientA).where('seq', '=', 3).executeTakeFirstOrThrow();
      const hash = 'c'.repeat(64);
      await sql`
        INSERT INTO audit_log (at, action, resource_type, patient_id, outcome, chain_key, seq, prev_hash, hash, key_id)
        VALUES (${new Date(Date.UTC(2026, 5, 1, 13))}, 'record.read', 'record', ${patientA}, 'success', ${patientA}, 4, ${tail.hash}, ${hash}, ${keys.current.id})`.execute(tx);
      await sql`UPDATE audit_chain_heads SET last_seq = 4, last_hash = ${hash} WHERE chain_key = ${patientA}`.execute(tx);
    });
    expect(forged).toEqual([expect.objectContaining({ chainKey: patientA, seq: 4, problem: 'hash_mismatch' })]);
  });

  it('detects a deleted row, and rows cut from the end when the head is moved back too, against a checkpoint', async () => {
    expect(
      await afterTampering(async (tx) => {
        const row = await middleRow(tx);
        await sql`DELETE FROM audit_log WHERE id = ${row.id}`.execute(tx);
      }),
    ).toContainEqual(expect.objectContaining({ chainKey: patientA, problem: 'sequence_gap' }));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-cp-'));
    const file = path.join(dir, 'checkpoints.jsonl');
    await exportAuditCheckpoint(database.db, keys, { file }, new Date('2026-06-01T13:00:00Z'));
    const checkpoints = readCheckpoints(keys, file);
    expect(checkpoints.get(patientA)?.seq).toBe(3);
    const cut = async (tx: Kysely<Database>) => {
      await sql`DELETE FROM audit_log WHERE chain_key = ${patientA} AND seq = 3`.execute(tx);
      await sql`UPDATE audit_chain_heads SET last_seq = 2, last_hash = (SELECT hash FROM audit_log WHERE chain_key = ${patientA} AND seq = 2) WHERE chain_key = ${patientA}`.execute(tx);
    };
    // Without a checkpoint the cut is invisible (the head was moved back with it); with one it is found.
    expect(await afterTampering(cut)).toEqual([]);
    expect(await afterTampering(cut, checkpoints)).toContainEqual(expect.objectContaining({ chainKey: patientA, problem: 'truncated_after_checkpoint' }));
  });

  it('detects re-chaining after an edit: with the old unkeyed digest, and with a key that is not the program’s', async () => {
    // The owner edits row 2 of patient A's chain and recomputes the rest of the chain and its head with the
    // unkeyed digest function that is still in the database.
    const rechainUnkeyed = async (tx: Kysely<Database>) => {
      const row = await middleRow(tx);
      await sql`UPDATE audit_log SET outcome = 'denied' WHERE id = ${row.id}`.execute(tx);
      const rows = await tx.selectFrom('audit_log').select(['id', 'seq']).where('chain_key', '=', patientA).orderBy('seq').execute();
      let prev = '';
      for (const r of rows) {
        await sql`UPDATE audit_log SET key_id = NULL, prev_hash = ${prev} WHERE id = ${r.id}`.execute(tx);
        await sql`UPDATE audit_log a SET hash = audit_row_digest(a.prev_hash, a) WHERE a.id = ${r.id}`.execute(tx);
        prev = (await tx.selectFrom('audit_log').select('hash').where('id', '=', r.id).executeTakeFirstOrThrow()).hash;
      }
      await sql`UPDATE audit_chain_heads SET last_hash = ${prev} WHERE chain_key = ${patientA}`.execute(tx);
    };
    const unkeyed = await afterTampering(rechainUnkeyed);
    expect(unkeyed.filter((b) => b.chainKey === patientA && b.problem === 'unkeyed_row')).toHaveLength(3);
    expect(unkeyed.every((b) => b.chainKey === patientA)).toBe(true);

    // The same with an HMAC under a key the attacker chose (the row names the real key id).
    const guessed = keyring(keys.current.id, Buffer.alloc(32, 7));
    const { auditRowHash } = await import('../../src/audit/audit-log.ts');
    const rechainGuessed = async (tx: Kysely<Database>) => {
      const row = await middleRow(tx);
      await sql`UPDATE audit_log SET outcome = 'denied' WHERE id = ${row.id}`.execute(tx);
      const rows = await tx.selectFrom('audit_log').selectAll().where('chain_key', '=', patientA).orderBy('seq').execute();
      let prev = '';
      for (const r of rows) {
        const hash = auditRowHash(guessed, guessed.current.id, { ...r, key_id: guessed.current.id, prev_hash: prev })!;
        await sql`UPDATE audit_log SET prev_hash = ${prev}, hash = ${hash} WHERE id = ${r.id}`.execute(tx);
        prev = hash;
      }
      await sql`UPDATE audit_chain_heads SET last_hash = ${prev} WHERE chain_key = ${patientA}`.execute(tx);
    };
    const guessedBreaks = await afterTampering(rechainGuessed);
    expect(guessedBreaks.filter((b) => b.problem === 'hash_mismatch').map((b) => b.seq)).toEqual([1, 2, 3]);
  });

  it('accepts rows from before the chain was keyed only as a prefix vouched for by a signed checkpoint', async () => {
    const legacyChain = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a03';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-cp-'));
    const file = path.join(dir, 'checkpoints.jsonl');
    await database.db
      .transaction()
      .execute(async (tx) => {
        // Two rows as the earlier, unkeyed trigger wrote them.
        await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain`.execute(tx);
        let prev = '';
        for (let seq = 1; seq <= 2; seq++) {
          const inserted = await sql<{ id: number }>`
            INSERT INTO audit_log (at, action, resource_type, patient_id, outcome, chain_key, seq, prev_hash, hash)
            VALUES (${new Date(Date.UTC(2025, 0, seq))}, 'legacy.read', 'record', ${legacyChain}, 'success', ${legacyChain}, ${seq}, ${prev}, '') RETURNING id`.execute(tx);
          const id = inserted.rows[0]!.id;
          await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(tx);
          await sql`UPDATE audit_log a SET hash = audit_row_digest(a.prev_hash, a) WHERE a.id = ${id}`.execute(tx);
          await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`.execute(tx);
          prev = (await tx.selectFrom('audit_log').select('hash').where('id', '=', id).executeTakeFirstOrThrow()).hash;
        }
        await sql`INSERT INTO audit_chain_heads (chain_key, last_seq, last_hash) VALUES (${legacyChain}, 2, ${prev})`.execute(tx);
        await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_chain`.execute(tx);

        expect((await verifyAuditChain(tx, { keys })).breaks.filter((b) => b.problem === 'unkeyed_row')).toHaveLength(2);
        await exportAuditCheckpoint(tx, keys, { file }, new Date('2026-06-01T13:00:00Z'));
        // Keyed rows continue the legacy prefix.
        await writeAudit(tx, ctx(30), { action: 'record.read', resourceType: 'record', patientId: legacyChain, outcome: 'success' });
        expect((await verifyAuditChain(tx, { keys, checkpoints: readCheckpoints(keys, file) })).breaks).toEqual([]);
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
  });

  // Rows from before the chain was keyed carry the unkeyed digest the database computes (audit_row_digest, docs/
  // security.md). Each field that digest covers must make that row's digest disagree when edited; the row id is not
  // among them (the earlier format did not cover it) and a key id on an unkeyed row makes it a keyed row whose HMAC
  // does not verify.
  const legacyEdits: Record<string, string> = {
    at: "at = at + interval '1 second'",
    actor_id: "actor_id = '5d1c6f3e-1111-4a4a-9b9b-000000000002'",
    actor_role: "actor_role = 'admin'",
    action: "action = 'legacy.update'",
    resource_type: "resource_type = 'other'",
    resource_id: "resource_id = 'r-999'",
    patient_id: `patient_id = '${patientB}'`,
    // The unkeyed digest predates the column; no unkeyed row ever names a list, so one that does is a break.
    patient_ids: `patient_ids = ARRAY['${patientB}']::uuid[]`,
    outcome: "outcome = 'denied'",
    request_id: "request_id = 'req-x'",
    client_address: "client_address = '198.51.100.1'",
    detail: `detail = '{"page": 3}'`,
    chain_key: "chain_key = 'elsewhere'",
    seq: 'seq = seq + 100',
    prev_hash: "prev_hash = repeat('0', 64)",
    hash: "hash = repeat('f', 64)",
    key_id: "key_id = 'test-1'",
  };
  it('covers every column but the id with the unkeyed edits below', async () => {
    const columns = await sql<{ column_name: string }>`
      SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_log' ORDER BY column_name`.execute(database.db);
    expect(columns.rows.map((c) => c.column_name).filter((c) => c !== 'id').sort()).toEqual(Object.keys(legacyEdits).sort());
  });
  it.each(Object.entries(legacyEdits))('an edit to %s of an unkeyed row breaks that row’s digest', async (_column, assignment) => {
    const legacyChain = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a04';
    let editedId = 0;
    const breaks = await afterTampering(async (tx) => {
      let prev = '';
      const ids: number[] = [];
      for (let seq = 1; seq <= 2; seq++) {
        const inserted = await sql<{ id: number }>`
          INSERT INTO audit_log (at, actor_id, actor_role, action, resource_type, resource_id, patient_id, outcome, request_id, client_address, detail, chain_key, seq, prev_hash, hash)
          VALUES (${new Date(Date.UTC(2025, 0, seq))}, '5d1c6f3e-1111-4a4a-9b9b-000000000001', 'clinician', 'legacy.read', 'record', ${`r-${seq}`},
                  ${legacyChain}, 'success', ${`req-${seq}`}, '192.0.2.7', ${JSON.stringify({ page: seq })}::jsonb, ${legacyChain}, ${seq}, ${prev}, '')
          RETURNING id`.execute(tx);
        const id = Number(inserted.rows[0]!.id);
        ids.push(id);
        await sql`UPDATE audit_log a SET hash = audit_row_digest(a.prev_hash, a) WHERE a.id = ${id}`.execute(tx);
        prev = (await tx.selectFrom('audit_log').select('hash').where('id', '=', id).executeTakeFirstOrThrow()).hash;
      }
      await sql`INSERT INTO audit_chain_heads (chain_key, last_seq, last_hash) VALUES (${legacyChain}, 2, ${prev})`.execute(tx);
      editedId = ids[0]!;
      await sql`UPDATE audit_log SET ${sql.raw(assignment)} WHERE id = ${editedId}`.execute(tx);
    });
    expect(breaks).toContainEqual(expect.objectContaining({ id: editedId, problem: 'hash_mismatch' }));
  });

  it('refuses a checkpoint file whose signature does not verify', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-cp-'));
    const file = path.join(dir, 'checkpoints.jsonl');
    await writeAudit(database.db, ctx(40), { action: 'record.read', resourceType: 'record', patientId: patientB, outcome: 'success' });
    await exportAuditCheckpoint(database.db, keys, { file }, new Date('2026-06-01T14:00:00Z'));
    const line = fs.readFileSync(file, 'utf8').trim();
    expect(readCheckpoints(keys, file).get(patientB)?.seq).toBe(4);
    fs.writeFileSync(file, line.replace(/"heads":\[\["[^"]+",4/, `"heads":[["${patientB}",3`) + '\n');
    expect(() => readCheckpoints(keys, file)).toThrow(/signature does not match/);
    expect(() => readCheckpoints(keyring('elsewhere', Buffer.alloc(32, 1)), file)).toThrow(/unknown key id/);
  });
});
