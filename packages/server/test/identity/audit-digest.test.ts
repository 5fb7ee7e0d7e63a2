import { createHash, createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, writeAudit } from '../../src/audit/audit-log.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { createTestDatabase } from '../support/test-database.ts';

/**
 * The audit row's HMAC recomputed here from the stored row, without the application's encoder or any SQL function:
 * the encoding is spelled out field by field below, and the key is the test key written out again (the one
 * test/support/setup-audit-keys.ts installs). If the writer dropped a field from what it signs (`detail`, say),
 * reordered fields, or signed under another key, the stored hash would no longer match this one. docs/security.md
 * describes the chain.
 */
const testKeyHex = '9715cb29aa4dfdfd11197032d947956cd903de395a853581e8304585393741c0';
const patient = '0B7A7F1E-94A1-4C4E-8D55-1F0C6A9C0A0F';
const actor = '5D1C6F3E-1111-4A4A-9B9B-00000000000A';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  await writeAudit(
    database.db,
    { actorId: actor, actorRole: 'clinician', requestId: 'req-1', clientAddress: '192.0.2.7', now: new Date('2026-06-01T12:00:00.123Z') },
    // Keys out of order at every level, a separator inside a value, a null and an array: the encoding must sort the
    // keys and keep everything else as it is.
    { action: 'record.read', resourceType: 'record', resourceId: 'r-1', patientId: patient, outcome: 'success', detail: { z: [2, 1], a: { y: 'x|y', b: null } } },
  );
  await writeAudit(
    database.db,
    { actorId: null, actorRole: null, requestId: null, clientAddress: null, now: new Date('2026-06-01T12:05:00Z') },
    { action: 'record.update', resourceType: 'record', patientId: patient, outcome: 'denied' },
  );
});
afterAll(async () => {
  await database.close();
});

const q = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

describe('the audit digest, recomputed independently', () => {
  it('is the HMAC-SHA256, under the program key, of every field of the row in a fixed order', async () => {
    const rows = await database.db.selectFrom('audit_log').selectAll().where('chain_key', '=', patient.toLowerCase()).orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    const [first, second] = rows;
    // The two encodings, written out by hand.
    const firstEncoding =
      `["keel-audit-v2",${first!.id},"test-1","${patient.toLowerCase()}",1,${q(first!.prev_hash)},"2026-06-01T12:00:00.123Z",` +
      `"${actor.toLowerCase()}","clinician","record.read","record","r-1","${patient.toLowerCase()}","success","req-1","192.0.2.7",` +
      `{"a":{"b":null,"y":"x|y"},"z":[2,1]}]`;
    const secondEncoding =
      `["keel-audit-v2",${second!.id},"test-1","${patient.toLowerCase()}",2,"${first!.hash}","2026-06-01T12:05:00.000Z",` +
      `null,null,"record.update","record",null,"${patient.toLowerCase()}","denied",null,null,{}]`;
    const hmac = (text: string) => createHmac('sha256', Buffer.from(testKeyHex, 'hex')).update(text, 'utf8').digest('hex');
    expect(first!.key_id).toBe('test-1');
    expect(first!.hash).toBe(hmac(firstEncoding));
    expect(second!.prev_hash).toBe(first!.hash);
    expect(second!.hash).toBe(hmac(secondEncoding));
  });
});

describe('the audit digest of a detail holding a time and a missing value', () => {
  // A Date is signed as the ISO text it is stored as, and a key whose value is undefined is left out, as JSON leaves
  // it out of the stored detail; otherwise the hash written would not be the hash verified.
  it('signs what is stored, and verifies', async () => {
    const chain = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a06';
    await writeAudit(
      database.db,
      { actorId: null, actorRole: null, requestId: null, clientAddress: null, now: new Date('2026-06-02T08:00:00Z') },
      { action: 'record.read', resourceType: 'record', patientId: chain, outcome: 'success', detail: { when: new Date('2026-06-01T00:00:00Z'), gone: undefined, n: 1 } },
    );
    const row = await database.db.selectFrom('audit_log').selectAll().where('chain_key', '=', chain).executeTakeFirstOrThrow();
    const encoding =
      `["keel-audit-v2",${row.id},"test-1","${chain}",1,"","2026-06-02T08:00:00.000Z",null,null,"record.read","record",null,"${chain}","success",null,null,` +
      `{"n":1,"when":"2026-06-01T00:00:00.000Z"}]`;
    expect(row.hash).toBe(createHmac('sha256', Buffer.from(testKeyHex, 'hex')).update(encoding, 'utf8').digest('hex'));
    expect((await verifyAuditChain(database.db)).breaks).toEqual([]);
  });
});

describe('the unkeyed digest of rows from before the chain was keyed, recomputed independently', () => {
  // The database's audit_row_digest (migration 0001; docs/security.md): SHA-256 of the fields joined by "|", a null
  // written as "", the time in UTC to the microsecond and the detail as PostgreSQL prints jsonb (keys shortest
  // first, ", " and ": " between). Written out by hand here, so a field dropped from the function, or moved, shows.
  it('covers the link, the chain position and every field of the row', async () => {
    const chain = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a05';
    const digests: { db: string; expected: string }[] = [];
    await database.db
      .transaction()
      .execute(async (tx) => {
        await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
        const insert = async (seq: number, prev: string, values: Record<string, unknown>): Promise<string> => {
          const inserted = await sql<{ id: number }>`
            INSERT INTO audit_log (at, actor_id, actor_role, action, resource_type, resource_id, patient_id, outcome, request_id, client_address, detail, chain_key, seq, prev_hash, hash)
            VALUES (${values.at}, ${values.actor_id}, ${values.actor_role}, ${values.action}, 'record', ${values.resource_id}, ${chain}, ${values.outcome},
                    ${values.request_id}, ${values.client_address}, ${values.detail}::jsonb, ${chain}, ${seq}, ${prev}, '')
            RETURNING id`.execute(tx);
          const id = inserted.rows[0]!.id;
          const row = await sql<{ hash: string }>`UPDATE audit_log a SET hash = audit_row_digest(a.prev_hash, a) WHERE a.id = ${id} RETURNING hash`.execute(tx);
          return row.rows[0]!.hash;
        };
        const first = await insert(1, '', {
          at: new Date('2025-01-01T08:30:00.123Z'),
          actor_id: actor,
          actor_role: 'clinician',
          action: 'record.read',
          resource_id: 'r-1',
          outcome: 'success',
          request_id: 'req-1',
          client_address: '192.0.2.7',
          detail: JSON.stringify({ page: 1, ab: 'x|y' }),
        });
        const second = await insert(2, first, {
          at: new Date('2025-01-02T00:00:00Z'),
          actor_id: null,
          actor_role: null,
          action: 'record.update',
          resource_id: null,
          outcome: 'denied',
          request_id: null,
          client_address: null,
          detail: '{}',
        });
        const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
        digests.push(
          {
            db: first,
            expected: sha(
              `|${chain}|1|2025-01-01T08:30:00.123000Z|${actor.toLowerCase()}|clinician|record.read|record|r-1|${chain}|success|req-1|192.0.2.7|{"ab": "x|y", "page": 1}`,
            ),
          },
          { db: second, expected: sha(`${first}|${chain}|2|2025-01-02T00:00:00.000000Z|||record.update|record||${chain}|denied|||{}`) },
        );
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    expect(digests).toHaveLength(2);
    for (const d of digests) expect(d.db).toBe(d.expected);
  });
});
class Rollback extends Error {}

describe('the audit digest of a list read', () => {
  // A read that shows several patients (the clinician panel) is one row naming them in patient_ids, in the order
  // shown: the encoding is tagged v3 and carries the list, lower-cased, right after the (null) patient.
  it('covers the list of patients shown, in order', async () => {
    const first = '0B7A7F1E-94A1-4C4E-8D55-1F0C6A9C0A21';
    const second = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a20';
    await writeAudit(
      database.db,
      { actorId: actor, actorRole: 'clinician', requestId: 'req-list', clientAddress: '192.0.2.7', now: new Date('2026-06-03T09:30:00Z') },
      { action: 'panel.read', resourceType: 'panel', patientIds: [first, second], outcome: 'success', detail: { shown: 2, sort: 'risk' } },
    );
    const row = await database.db.selectFrom('audit_log').selectAll().where('action', '=', 'panel.read').executeTakeFirstOrThrow();
    expect(row.chain_key).toBe('system');
    expect(row.patient_id).toBeNull();
    expect(row.patient_ids).toEqual([first.toLowerCase(), second]);
    const encoding =
      `["keel-audit-v3",${row.id},"test-1","system",${row.seq},${q(row.prev_hash)},"2026-06-03T09:30:00.000Z","${actor.toLowerCase()}","clinician",` +
      `"panel.read","panel",null,null,["${first.toLowerCase()}","${second}"],"success","req-list","192.0.2.7",{"shown":2,"sort":"risk"}]`;
    expect(row.hash).toBe(createHmac('sha256', Buffer.from(testKeyHex, 'hex')).update(encoding, 'utf8').digest('hex'));
    expect((await verifyAuditChain(database.db)).breaks).toEqual([]);
  });
});
