import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { keyring } from '../../src/audit/audit-keys.ts';
import { writeAudit, type RequestContext } from '../../src/audit/audit-log.ts';
import { checkpointProblem, checkpointSinkFromConfig, exportAuditCheckpoint, readCheckpoints, signCheckpoint, type AuditCheckpoint } from '../../src/audit/audit-checkpoint.ts';
import type { Config } from '../../src/config.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { createTestDatabase } from '../support/test-database.ts';

/**
 * The signed audit checkpoints (docs/security.md): the signature over the heads, each reason a checkpoint is refused,
 * the export of the heads that moved (the line written and posted, then marked exported), the reading of a file of
 * them (the highest head of each chain; a bad line named by its number) and the sink a configuration gives. The
 * signature is written out by hand: HMAC-SHA256 under the key below of the canonical JSON text in the first test.
 */
const keys = keyring('cp-1', Buffer.alloc(32, 7));
const patientA = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a01';
const patientB = '0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a02';
const at = new Date('2026-06-01T13:00:00Z');
const heads: AuditCheckpoint['heads'] = [
  [patientA, 2, 'aa11'],
  ['system', 1, 'bb22'],
];
// HMAC-SHA256 under 32 bytes of 0x07 of
// {"at":"2026-06-01T13:00:00.000Z","heads":[["0b7a7f1e-94a1-4c4e-8d55-1f0c6a9c0a01",2,"aa11"],["system",1,"bb22"]],"keyId":"cp-1","type":"keel.audit.checkpoint","v":1}
const signed: AuditCheckpoint = {
  type: 'keel.audit.checkpoint',
  v: 1,
  at: '2026-06-01T13:00:00.000Z',
  keyId: 'cp-1',
  heads,
  mac: '5f5b34aa852886be3a4e25bcc4208c4b2a909e8af588e07ce1b8d44efe703b10',
};
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'keel-checkpoint-'));

describe('a checkpoint’s signature', () => {
  it('is the HMAC of its canonical body under the current key', () => {
    expect(signCheckpoint(keys, at, heads)).toEqual(signed);
  });

  it('is checked: valid under the key it names, current or previous', () => {
    expect(checkpointProblem(keys, signed)).toBeUndefined();
    const rotated = keyring('cp-2', Buffer.alloc(32, 9), [['cp-1', Buffer.alloc(32, 7)]]);
    expect(checkpointProblem(rotated, signed)).toBeUndefined();
  });

  it.each([
    ['nothing', undefined, 'not a checkpoint'],
    ['a string', 'checkpoint', 'not a checkpoint'],
    ['null', null, 'not a checkpoint'],
    ['another type', { ...signed, type: 'keel.audit.row' }, 'not a checkpoint'],
    ['another version', { ...signed, v: 2 }, 'not a checkpoint'],
    ['heads that are not a list', { ...signed, heads: 'aa11' }, 'not a checkpoint'],
    ['no signature', { ...signed, mac: undefined }, 'not a checkpoint'],
    ['a signature that is not text', { ...signed, mac: 5 }, 'not a checkpoint'],
    ['an unknown key id', { ...signed, keyId: 'cp-9' }, 'signed with an unknown key id cp-9'],
    ['a key id that is not text', { ...signed, keyId: 7 }, 'signed with an unknown key id 7'],
    ['no key id', { ...signed, keyId: undefined }, 'signed with an unknown key id undefined'],
    ['a head moved back', { ...signed, heads: [[patientA, 1, 'aa11'], ['system', 1, 'bb22']] }, 'the signature does not match'],
    ['another time', { ...signed, at: '2026-06-01T13:00:01.000Z' }, 'the signature does not match'],
    ['another key’s signature', { ...signed, mac: signCheckpoint(keyring('cp-1', Buffer.alloc(32, 8)), at, heads).mac }, 'the signature does not match'],
  ])('is refused for %s', (_, value, problem) => {
    expect(checkpointProblem(keys, value)).toBe(problem);
  });

  it('is refused when the key it names is not the one that signed, even if that key is known', () => {
    const two = keyring('cp-2', Buffer.alloc(32, 9), [['cp-1', Buffer.alloc(32, 7)]]);
    expect(checkpointProblem(two, { ...signed, keyId: 'cp-2' })).toBe('the signature does not match');
  });
});

describe('exporting the heads that moved', () => {
  let database: DatabaseHandle;
  const ctx = (minute: number): RequestContext => ({
    actorId: '5d1c6f3e-1111-4a4a-9b9b-000000000001',
    actorRole: 'clinician',
    requestId: `req-${minute}`,
    clientAddress: '192.0.2.7',
    now: new Date(Date.UTC(2026, 5, 1, 12, minute)),
  });
  const write = (minute: number, patientId?: string) =>
    writeAudit(database.db, ctx(minute), { action: 'record.read', resourceType: 'record', ...(patientId ? { patientId } : {}), outcome: 'success' });
  /** The hash of a chain's row at a sequence, as stored. */
  const hashAt = async (chainKey: string, seq: number) =>
    (await database.db.selectFrom('audit_log').select('hash').where('chain_key', '=', chainKey).where('seq', '=', seq).executeTakeFirstOrThrow()).hash;
  const checkpointed = async () =>
    (await database.db.selectFrom('audit_chain_heads').select(['chain_key', 'checkpointed_seq']).orderBy('chain_key').execute()).map((h) => [h.chain_key, Number(h.checkpointed_seq)]);
  const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n');

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('writes nothing when no head moved, then one signed line of the moved heads, posted as written, and marks them exported', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'nested', 'deeper', 'checkpoints.jsonl');
    const posted: string[] = [];
    const sink = { file, post: async (line: string) => void posted.push(line) };
    expect(await exportAuditCheckpoint(database.db, keys, sink, at)).toBe(0);
    expect(fs.existsSync(path.join(dir, 'nested'))).toBe(false);
    expect(posted).toEqual([]);

    await write(1, patientA);
    await write(2, patientA);
    await write(3);
    expect(await exportAuditCheckpoint(database.db, keys, sink, at)).toBe(2);
    const expectedHeads = [
      [patientA, 2, await hashAt(patientA, 2)],
      ['system', 1, await hashAt('system', 1)],
    ];
    const [line, end] = lines(file);
    expect(end).toBe('');
    expect(lines(file)).toHaveLength(2);
    const parsed = JSON.parse(line ?? '') as AuditCheckpoint;
    expect(parsed).toEqual({ type: 'keel.audit.checkpoint', v: 1, at: '2026-06-01T13:00:00.000Z', keyId: 'cp-1', heads: expectedHeads, mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(checkpointProblem(keys, parsed)).toBeUndefined();
    expect(posted).toEqual([line]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await checkpointed()).toEqual([
      [patientA, 2],
      ['system', 1],
    ]);

    // Nothing moved since: nothing written or posted.
    expect(await exportAuditCheckpoint(database.db, keys, sink, at)).toBe(0);
    expect(lines(file)).toHaveLength(2);
    expect(posted).toHaveLength(1);

    // One chain moved: a second line with that head alone, appended.
    await write(4, patientB);
    await write(5, patientA);
    const later = new Date('2026-06-01T14:00:00Z');
    expect(await exportAuditCheckpoint(database.db, keys, sink, later)).toBe(2);
    const all = lines(file);
    expect(all).toHaveLength(3);
    expect(all[0]).toBe(line);
    expect(JSON.parse(all[1] ?? '')).toMatchObject({
      at: '2026-06-01T14:00:00.000Z',
      heads: [
        [patientA, 3, await hashAt(patientA, 3)],
        [patientB, 1, await hashAt(patientB, 1)],
      ],
    });
    expect(readCheckpoints(keys, file)).toEqual(
      new Map([
        [patientA, { seq: 3, hash: await hashAt(patientA, 3) }],
        ['system', { seq: 1, hash: await hashAt('system', 1) }],
        [patientB, { seq: 1, hash: await hashAt(patientB, 1) }],
      ]),
    );
  });

  it('leaves the heads pending when the post fails after the line was written, so the next export names them again', async () => {
    const file = path.join(tempDir(), 'checkpoints.jsonl');
    await write(10, patientB);
    const before = await checkpointed();
    const failing = { file, post: async () => Promise.reject(new Error('webhook down')) };
    await expect(exportAuditCheckpoint(database.db, keys, failing, at)).rejects.toThrow('webhook down');
    expect(lines(file)).toHaveLength(2);
    expect(await checkpointed()).toEqual(before);
    expect(await exportAuditCheckpoint(database.db, keys, { file }, at)).toBe(1);
    expect(lines(file)).toHaveLength(3);
    expect(lines(file)[0]).toBe(lines(file)[1]);
  });
});

describe('reading a file of checkpoints', () => {
  const fileOf = (text: string) => {
    const file = path.join(tempDir(), 'checkpoints.jsonl');
    fs.writeFileSync(file, text);
    return file;
  };
  const line = (at: Date, h: AuditCheckpoint['heads']) => JSON.stringify(signCheckpoint(keys, at, h));

  it('keeps the highest head of each chain, in any order, and skips blank lines', () => {
    const file = fileOf(
      [
        line(at, [[patientA, 3, 'a3'], ['system', 1, 's1']]),
        '',
        '   ',
        line(at, [[patientA, 2, 'a2'], ['system', 5, 's5']]),
        line(at, [[patientB, 1, 'b1']]),
        '',
      ].join('\n'),
    );
    expect(readCheckpoints(keys, file)).toEqual(
      new Map([
        [patientA, { seq: 3, hash: 'a3' }],
        ['system', { seq: 5, hash: 's5' }],
        [patientB, { seq: 1, hash: 'b1' }],
      ]),
    );
    expect(readCheckpoints(keys, fileOf(''))).toEqual(new Map());
  });

  it('keeps the first checkpoint of a position: a later line naming the same sequence does not replace it', () => {
    const file = fileOf([line(at, [[patientA, 2, 'a2']]), line(new Date('2026-06-01T14:00:00Z'), [[patientA, 2, 'a2-again']])].join('\n'));
    expect(readCheckpoints(keys, file)).toEqual(new Map([[patientA, { seq: 2, hash: 'a2' }]]));
  });

  it('names the line that is not JSON, or whose checkpoint is refused', () => {
    const good = line(at, [[patientA, 1, 'a1']]);
    const notJson = fileOf([good, '{"type":', good].join('\n'));
    expect(() => readCheckpoints(keys, notJson)).toThrow(new Error(`${notJson}:2: not JSON`));
    const forged = fileOf([good, '', good.replace('"a1"', '"a0"')].join('\n'));
    expect(() => readCheckpoints(keys, forged)).toThrow(new Error(`${forged}:3: the signature does not match`));
    const unknown = fileOf(good);
    expect(() => readCheckpoints(keyring('other', Buffer.alloc(32, 1)), unknown)).toThrow(new Error(`${unknown}:1: signed with an unknown key id cp-1`));
  });
});

describe('the sink a configuration gives', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  const config = (values: Partial<Config>) => ({ KEEL_AUDIT_CHECKPOINT_FILE: '/var/keel/checkpoints.jsonl', ...values }) as Config;

  it('is the file alone without both a webhook address and its secret', () => {
    for (const values of [{}, { KEEL_WEBHOOK_URL: 'https://hooks.example.org/keel' }, { KEEL_WEBHOOK_SECRET: 'shh' }]) {
      expect(checkpointSinkFromConfig(config(values))).toStrictEqual({ file: '/var/keel/checkpoints.jsonl', post: undefined });
    }
  });

  it('posts the line to the webhook as the audit checkpoint when both are set', async () => {
    const fetched = vi.fn(async (_url: string, _init: { method: string; body: string }) => Promise.resolve({ ok: true, status: 200 }));
    vi.stubGlobal('fetch', fetched);
    const sink = checkpointSinkFromConfig(config({ KEEL_WEBHOOK_URL: 'https://hooks.example.org/keel', KEEL_WEBHOOK_SECRET: 'shh' }));
    expect(sink.file).toBe('/var/keel/checkpoints.jsonl');
    await sink.post?.('{"type":"keel.audit.checkpoint"}');
    expect(fetched).toHaveBeenCalledTimes(1);
    const [url, init] = fetched.mock.calls[0] ?? [];
    expect(url).toBe('https://hooks.example.org/keel');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(init?.body ?? '')).toEqual({ cause: 'audit.checkpoint', recipient: 'audit', subject: 'Keel audit checkpoint', body: '{"type":"keel.audit.checkpoint"}' });
  });
});
