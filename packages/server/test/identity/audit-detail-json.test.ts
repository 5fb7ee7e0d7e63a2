// A detail is signed as it is stored. The row's detail is stored as JSON, which leaves out an object member whose
// value has no JSON text (undefined, a function, a symbol, a `toJSON` that gives undefined) and writes such a value
// in an array as null; the HMAC's encoding (canonicalJson) must do the same, or the row could never verify. The
// expected stored detail and the expected HMAC are written out here by hand.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAuditChain, writeAudit, type RequestContext } from '../../src/audit/audit-log.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { testAuditKeys as keys } from '../support/setup-audit-keys.ts';
import { createTestDatabase } from '../support/test-database.ts';

const hmac = (text: string) =>
  createHmac('sha256', Buffer.from('9715cb29aa4dfdfd11197032d947956cd903de395a853581e8304585393741c0', 'hex')).update(text, 'utf8').digest('hex');
const ctx: RequestContext = { actorId: null, actorRole: 'system', requestId: 'req-json', clientAddress: null, now: new Date('2026-07-02T08:30:00Z') };

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

it('leaves out what JSON leaves out, in the stored detail and in the signed text alike', async () => {
  const detail = {
    code: 'X',
    fn: () => 1,
    sym: Symbol('s'),
    gone: undefined,
    vanishes: { toJSON: () => undefined },
    at: new Date('2026-07-01T00:00:00Z'),
    list: [1, undefined, () => 2, Symbol('t'), 'y'],
  };
  await writeAudit(database.db, ctx, { action: 'json.edges', resourceType: 'system', outcome: 'success', detail });
  const stored = await database.db.selectFrom('audit_log').select(['id', 'hash', 'detail']).where('action', '=', 'json.edges').executeTakeFirstOrThrow();
  expect(stored.detail).toEqual({ code: 'X', at: '2026-07-01T00:00:00.000Z', list: [1, null, null, null, 'y'] });
  expect(stored.hash).toBe(
    hmac(
      `["keel-audit-v2",${stored.id},"test-1","system",1,"","2026-07-02T08:30:00.000Z",null,"system","json.edges","system",null,null,` +
        `"success","req-json",null,{"at":"2026-07-01T00:00:00.000Z","code":"X","list":[1,null,null,null,"y"]}]`,
    ),
  );
  expect((await verifyAuditChain(database.db, { keys })).breaks).toEqual([]);
});
