import { createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyring } from '../../src/audit/audit-keys.ts';
import { verifyAuditChain, writeAudit, writeAuditEntries, type ChainBreak, type RequestContext } from '../../src/audit/audit-log.ts';
import type { Database } from '../../src/db/schema.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { createTestDatabase, onPostgres } from '../support/test-database.ts';
import { testAuditKeys as keys } from '../support/setup-audit-keys.ts';

/**
 * The edges of the audit chain that the tamper tests (audit-tamper.test.ts) leave open: several entries written in
 * one statement, a log with no rows, verification under a keyring other than the process's, and the exact breaks
 * reported against a signed checkpoint (none missing, none reported twice, each at its row). Expected hashes are
 * recomputed here with node:crypto from encodings written out by hand (audit-digest.test.ts spells the format out);
 * checkpoints are written by hand as the map `readCheckpoints` returns.
 */
const testKeyHex = '9715cb29aa4dfdfd11197032d947956cd903de395a853581e8304585393741c0';
const hmac = (text: string) => createHmac('sha256', Buffer.from(testKeyHex, 'hex')).update(text, 'utf8').digest('hex');
const patientA = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0b01';
const patientB = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0b02';
const actor = '5d1c6f3e-1111-4a4a-9b9b-00000000000b';
const ctx: RequestContext = { actorId: actor, actorRole: 'clinician', requestId: 'req-many', clientAddress: '192.0.2.9', now: new Date('2026-07-01T10:00:00Z') };

interface StoredRow {
  id: number;
  chain_key: string;
  seq: number;
  prev_hash: string;
  hash: string;
  action: string;
}

let database: DatabaseHandle;
let emptyLog: Awaited<ReturnType<typeof verifyAuditChain>>;
// What the writes in beforeAll threw, if anything: kept and asserted by a test rather than thrown, because a hook
// that throws makes vitest skip the file's tests, and a mutation run counts skipped tests as passing.
let emptyWrite: unknown;
let manyWrite: unknown;
let written: StoredRow[] = [];
const row = (action: string): StoredRow => {
  const found = written.find((r) => r.action === action);
  if (!found) throw new Error(`no row ${action}`);
  return found;
};

beforeAll(async () => {
  database = await createTestDatabase();
  // Verified before anything is written: a log with no rows at all.
  emptyLog = await verifyAuditChain(database.db, { keys });
  // Nothing to write is not an error, and writes nothing.
  emptyWrite = await writeAuditEntries(database.db, ctx, []).then(() => 'written', (error: unknown) => error);
  // Four entries in one statement: two in patient A's chain, one in the system chain, one in patient B's, in that
  // order, so the second row of A's chain must follow the first row written in the same statement.
  manyWrite = await writeAuditEntries(database.db, ctx, [
    { action: 'a.first', resourceType: 'record', resourceId: 'r-1', patientId: patientA, outcome: 'success', detail: { list: [1, undefined, 'x|y'], nested: { z: null, a: '' } } },
    { action: 'system.between', resourceType: 'system', outcome: 'success' },
    { action: 'a.second', resourceType: 'record', patientId: patientA, outcome: 'denied', detail: { n: 2 } },
    { action: 'b.first', resourceType: 'record', patientId: patientB, outcome: 'failure' },
  ]).then(() => 'written', (error: unknown) => error);
  written = await database.db.selectFrom('audit_log').select(['id', 'chain_key', 'seq', 'prev_hash', 'hash', 'action']).orderBy('id').execute();
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

describe('a log with no rows', () => {
  it('verifies as no rows, no chains and no breaks', () => {
    expect(emptyLog).toEqual({ rows: 0, chains: 0, breaks: [] });
  });
});

describe('several entries written in one statement', () => {
  it('writes them in the order given, each continuing its own chain, and no row for an empty list', () => {
    expect(emptyWrite).toBe('written');
    expect(manyWrite).toBe('written');
    expect(written.map((r) => [r.action, r.chain_key, Number(r.seq)])).toEqual([
      ['a.first', patientA, 1],
      ['system.between', 'system', 1],
      ['a.second', patientA, 2],
      ['b.first', patientB, 1],
    ]);
    expect(row('a.first').prev_hash).toBe('');
    expect(row('a.second').prev_hash).toBe(row('a.first').hash);
    expect(row('system.between').prev_hash).toBe('');
    expect(row('b.first').prev_hash).toBe('');
  });

  it('seals each row with the HMAC of its own fields, the second row of a chain linked to the first', () => {
    const first = row('a.first');
    const second = row('a.second');
    const between = row('system.between');
    const b = row('b.first');
    // An undefined inside a list is stored as null (JSON), so it is signed as null.
    expect(first.hash).toBe(
      hmac(
        `["keel-audit-v2",${first.id},"test-1","${patientA}",1,"","2026-07-01T10:00:00.000Z","${actor}","clinician","a.first","record","r-1",` +
          `"${patientA}","success","req-many","192.0.2.9",{"list":[1,null,"x|y"],"nested":{"a":"","z":null}}]`,
      ),
    );
    expect(second.hash).toBe(
      hmac(
        `["keel-audit-v2",${second.id},"test-1","${patientA}",2,"${first.hash}","2026-07-01T10:00:00.000Z","${actor}","clinician","a.second","record",null,` +
          `"${patientA}","denied","req-many","192.0.2.9",{"n":2}]`,
      ),
    );
    expect(between.hash).toBe(
      hmac(
        `["keel-audit-v2",${between.id},"test-1","system",1,"","2026-07-01T10:00:00.000Z","${actor}","clinician","system.between","system",null,` +
          `null,"success","req-many","192.0.2.9",{}]`,
      ),
    );
    expect(b.hash).toBe(
      hmac(
        `["keel-audit-v2",${b.id},"test-1","${patientB}",1,"","2026-07-01T10:00:00.000Z","${actor}","clinician","b.first","record",null,` +
          `"${patientB}","failure","req-many","192.0.2.9",{}]`,
      ),
    );
  });

  it('moves each chain’s head to its last row', async () => {
    const heads = await database.db.selectFrom('audit_chain_heads').select(['chain_key', 'last_seq', 'last_hash']).orderBy('chain_key').execute();
    expect(heads.map((h) => [h.chain_key, Number(h.last_seq), h.last_hash])).toEqual([
      [patientA, 2, row('a.second').hash],
      [patientB, 1, row('b.first').hash],
      ['system', 1, row('system.between').hash],
    ]);
  });
});

describe('verification under the keyring it is given', () => {
  it('verifies the rows when the keyring holds their key, current or previous', async () => {
    expect(await verifyAuditChain(database.db, { keys })).toEqual({ rows: 4, chains: 3, breaks: [] });
    const rotated = keyring('test-2', Buffer.alloc(32, 2), [['test-1', Buffer.from(testKeyHex, 'hex')]]);
    expect(await verifyAuditChain(database.db, { keys: rotated })).toEqual({ rows: 4, chains: 3, breaks: [] });
  });

  it('reports every row as signed with an unknown key when the keyring given lacks it, whatever this process holds', async () => {
    const other = keyring('test-2', Buffer.alloc(32, 2));
    const { breaks } = await verifyAuditChain(database.db, { keys: other });
    expect(breaks).toEqual(
      [row('a.first'), row('a.second'), row('b.first'), row('system.between')].map((r) => ({ chainKey: r.chain_key, seq: Number(r.seq), id: r.id, problem: 'unknown_key' })),
    );
  });
});

describe('the breaks reported, exactly', () => {
  it('a last row deleted: the head names the row it expected and the row now last', async () => {
    const breaks = await afterTampering(async (tx) => {
      await sql`DELETE FROM audit_log WHERE chain_key = ${patientA} AND seq = 2`.execute(tx);
    });
    expect(breaks).toEqual([{ chainKey: patientA, seq: 2, id: row('a.first').id, problem: 'head_mismatch' }]);
  });

  it('rows cut from the end with the head moved back: one truncation at the row now last, against the checkpoint', async () => {
    const checkpoints = new Map([[patientA, { seq: 2, hash: row('a.second').hash }]]);
    const breaks = await afterTampering(async (tx) => {
      await sql`DELETE FROM audit_log WHERE chain_key = ${patientA} AND seq = 2`.execute(tx);
      await sql`UPDATE audit_chain_heads SET last_seq = 1, last_hash = ${row('a.first').hash} WHERE chain_key = ${patientA}`.execute(tx);
    }, checkpoints);
    expect(breaks).toEqual([{ chainKey: patientA, seq: 1, id: row('a.first').id, problem: 'truncated_after_checkpoint' }]);
  });

  it('the checkpointed row deleted from the middle of its chain: the gap at the next row, and the checkpointed row missing', async () => {
    const checkpoints = new Map([[patientA, { seq: 1, hash: row('a.first').hash }]]);
    const breaks = await afterTampering(async (tx) => {
      await sql`DELETE FROM audit_log WHERE chain_key = ${patientA} AND seq = 1`.execute(tx);
    }, checkpoints);
    const next = row('a.second').id;
    expect(breaks).toEqual([
      { chainKey: patientA, seq: 2, id: next, problem: 'sequence_gap' },
      { chainKey: patientA, seq: 2, id: next, problem: 'prev_hash_mismatch' },
      { chainKey: patientA, seq: 1, id: 0, problem: 'truncated_after_checkpoint' },
    ]);
  });

  it('a whole chain deleted with its head: one truncation naming the checkpointed position, with no row to name', async () => {
    const checkpoints = new Map([[patientB, { seq: 1, hash: row('b.first').hash }]]);
    const deleted = async (tx: Kysely<Database>) => {
      await sql`DELETE FROM audit_log WHERE chain_key = ${patientB}`.execute(tx);
      await sql`DELETE FROM audit_chain_heads WHERE chain_key = ${patientB}`.execute(tx);
    };
    expect(await afterTampering(deleted, checkpoints)).toEqual([{ chainKey: patientB, seq: 1, id: 0, problem: 'truncated_after_checkpoint' }]);
    // Without the checkpoint nothing is left to show it.
    expect(await afterTampering(deleted)).toEqual([]);
  });

  it('a whole chain deleted, its head left: the head reports it, with no row to name', async () => {
    const breaks = await afterTampering(async (tx) => {
      await sql`DELETE FROM audit_log WHERE chain_key = ${patientB}`.execute(tx);
    });
    expect(breaks).toEqual([{ chainKey: patientB, seq: 1, id: 0, problem: 'head_mismatch' }]);
  });

  it('the checkpointed row’s hash replaced (head moved with it): its own hash and the checkpoint disagree', async () => {
    const checkpoints = new Map([[patientA, { seq: 2, hash: row('a.second').hash }]]);
    const forged = 'f'.repeat(64);
    const breaks = await afterTampering(async (tx) => {
      await sql`UPDATE audit_log SET hash = ${forged} WHERE chain_key = ${patientA} AND seq = 2`.execute(tx);
      await sql`UPDATE audit_chain_heads SET last_hash = ${forged} WHERE chain_key = ${patientA}`.execute(tx);
    }, checkpoints);
    const id = row('a.second').id;
    expect(breaks).toEqual([
      { chainKey: patientA, seq: 2, id, problem: 'hash_mismatch' },
      { chainKey: patientA, seq: 2, id, problem: 'checkpoint_mismatch' },
    ]);
  });

  it('rows re-sealed with the unkeyed digest from the start of a chain: only the prefix the checkpoint covers is accepted', async () => {
    // The checkpoint names the re-sealed first row (as if that row had been checkpointed before the chain was keyed);
    // the second row, past it, is unkeyed and not vouched for.
    const checkpoints = new Map<string, { seq: number; hash: string }>();
    const breaks = await afterTampering(async (tx) => {
      await sql`UPDATE audit_log SET key_id = NULL WHERE chain_key = ${patientA}`.execute(tx);
      await sql`UPDATE audit_log a SET hash = audit_row_digest(a.prev_hash, a) WHERE a.chain_key = ${patientA} AND a.seq = 1`.execute(tx);
      const first = await tx.selectFrom('audit_log').select('hash').where('chain_key', '=', patientA).where('seq', '=', 1).executeTakeFirstOrThrow();
      await sql`UPDATE audit_log SET prev_hash = ${first.hash} WHERE chain_key = ${patientA} AND seq = 2`.execute(tx);
      await sql`UPDATE audit_log a SET hash = audit_row_digest(a.prev_hash, a) WHERE a.chain_key = ${patientA} AND a.seq = 2`.execute(tx);
      await sql`UPDATE audit_chain_heads h SET last_hash = a.hash FROM audit_log a WHERE a.chain_key = ${patientA} AND a.seq = 2 AND h.chain_key = ${patientA}`.execute(tx);
      checkpoints.set(patientA, { seq: 1, hash: first.hash });
    }, checkpoints);
    expect(breaks).toEqual([{ chainKey: patientA, seq: 2, id: row('a.second').id, problem: 'unkeyed_row' }]);
  });

  it('a keyed row re-sealed with the unkeyed digest after a keyed row: unkeyed, even below a checkpoint', async () => {
    // The checkpoint covers both rows of A's chain, so only the keyed row before it shows the unkeyed one is not a
    // prefix from before the chain was keyed.
    const checkpoints = new Map([[patientA, { seq: 2, hash: row('a.second').hash }]]);
    const breaks = await afterTampering(async (tx) => {
      await sql`UPDATE audit_log SET key_id = NULL WHERE chain_key = ${patientA} AND seq = 2`.execute(tx);
      await sql`UPDATE audit_log a SET hash = audit_row_digest(a.prev_hash, a) WHERE a.chain_key = ${patientA} AND a.seq = 2`.execute(tx);
      await sql`UPDATE audit_chain_heads h SET last_hash = a.hash FROM audit_log a WHERE a.chain_key = ${patientA} AND a.seq = 2 AND h.chain_key = ${patientA}`.execute(tx);
    }, checkpoints);
    const id = row('a.second').id;
    expect(breaks).toEqual([
      { chainKey: patientA, seq: 2, id, problem: 'unkeyed_row' },
      { chainKey: patientA, seq: 2, id, problem: 'checkpoint_mismatch' },
    ]);
  });
});

// PGlite runs one statement at a time, so only PostgreSQL can show two writers reading the same head.
describe.skipIf(!onPostgres)('writers outside a transaction, many at once on one chain (PostgreSQL)', () => {
  it('each gets a transaction of its own: every row lands, in sequence, and the chain verifies', async () => {
    const chain = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0b03';
    const writers = Array.from({ length: 12 }, (_, i) =>
      writeAudit(database.db, { ...ctx, requestId: `req-race-${i}` }, { action: 'race.write', resourceType: 'record', patientId: chain, outcome: 'success' }),
    );
    const settled = await Promise.allSettled(writers);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    const rows = await database.db.selectFrom('audit_log').select('seq').where('chain_key', '=', chain).orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect((await verifyAuditChain(database.db, { keys })).breaks).toEqual([]);
  });
});
