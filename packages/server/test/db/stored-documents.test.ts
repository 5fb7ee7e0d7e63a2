import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStored, StoredDocumentInvalid } from '../../src/db/stored-document.ts';
import { shapeMismatches } from '../../src/use-cases/settings/program-settings.service.ts';
import { planTermsSchema } from '@keel/contract';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { expectStatus, prepare, readyWorld, schedule } from '../treatment/treatment-world.ts';

/**
 * JSON documents read back from the database go through the contract's schemas: a malformed one fails the request
 * with a 500 whose log line names the row, instead of reaching a clinical decision (docs/ARCHITECTURE.md).
 */
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('stored JSON documents', () => {
  it('names the table, column and row, and the failing field paths only, when a document does not parse', () => {
    const error = (() => {
      try {
        parseStored(planTermsSchema, { phase: 'titration', maximumDoseMg: 'lots' }, { table: 'treatment_plans', column: 'terms', id: 'plan-1' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StoredDocumentInvalid);
    expect((error as Error).message).toMatch(/^treatment_plans\.terms of row plan-1 does not match its schema \(at .*maximumDoseMg/);
    expect((error as Error).message).not.toContain('lots');
  });

  it('a plan whose stored terms were corrupted blocks authorization and makes reading the plan a logged 500 naming it', async () => {
    const w = await readyWorld(t, 3);
    const sessionId = await schedule(w);
    await prepare(w, sessionId);
    const plan = await t.database.db.selectFrom('treatment_plans').select(['id', 'terms']).where('patient_id', '=', w.patient.patientId).where('status', '=', 'active').executeTakeFirstOrThrow();
    // The maximum dose as text: a reader that trusted the document would compare doses against a string.
    const corrupted = { ...(plan.terms as Record<string, unknown>), maximumDoseMg: '9000' };
    await t.database.db.transaction().execute(async (tx) => {
      await sql`ALTER TABLE treatment_plans DISABLE TRIGGER USER`.execute(tx);
      await sql`UPDATE treatment_plans SET terms = ${JSON.stringify(corrupted)}::jsonb WHERE id = ${plan.id}`.execute(tx);
      await sql`ALTER TABLE treatment_plans ENABLE TRIGGER USER`.execute(tx);
    });
    const stored = await t.database.db.selectFrom('treatment_plans').select('terms').where('id', '=', plan.id).executeTakeFirstOrThrow();
    expect((stored.terms as { maximumDoseMg: unknown }).maximumDoseMg).toBe('9000');
    // The gate fails closed on anything it cannot read: a blocked decision, no dose.
    const authorization = await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/authorize`), 200);
    // Every reason is named: the input is invalid, and the terms no longer match what the prescriber signed.
    const decision = authorization.json<{ outcome: string; reasons: { code: string }[] }>();
    expect(decision.outcome).toBe('blocked');
    expect(decision.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['GATE_INPUT_INVALID', 'PLAN_NOT_SIGNED']));
    const entries = await t.database.db.selectFrom('ledger_entries').select('kind').where('patient_id', '=', w.patient.patientId).execute();
    expect(entries.map((e) => e.kind)).toEqual(['dispensed']);
    // Reading the plan is a 500 whose log line names the row and the field.
    const read = await w.call('clinician', 'GET', `/api/v1/patients/${w.patient.patientId}/plan`);
    expect(read.statusCode, read.body).toBe(500);
    expect(read.json()).toMatchObject({ code: 'INTERNAL' });
    expect(t.logs.text()).toContain(`treatment_plans.terms of row ${plan.id} does not match its schema (at maximumDoseMg)`);
  });
});

describe('the stored program settings', () => {
  it('finds every value whose JSON type differs from its default, and nothing else', () => {
    const defaults = { a: 1, b: { c: true, d: 'x' }, list: [1, 2], empty: [] as unknown[], free: null };
    const cases: [stored: unknown, expected: string[]][] = [
      [{ a: 2, b: { c: false, d: 'y' }, list: [3], empty: ['anything'], free: 'anything' }, []],
      [{}, []],
      [{ unknownKey: 'ignored' }, []],
      [{ a: '2' }, ['a']],
      [{ a: Number.NaN }, ['a']],
      [{ a: null }, ['a']],
      [{ b: [] }, ['b']],
      [{ b: { c: 'yes', d: 1 } }, ['b.c', 'b.d']],
      [{ list: [1, '2', 3] }, ['list.1']],
      [{ list: { 0: 1 } }, ['list']],
      ['not an object', ['(root)']],
    ];
    for (const [stored, expected] of cases) expect(shapeMismatches(defaults, stored), JSON.stringify(stored)).toEqual(expected);
  });

  it('a value of the wrong type blocks the gate and makes reading the settings a logged 500 naming its path', async () => {
    const own = await createTestApp();
    try {
      const w = await readyWorld(own, 3);
      const sessionId = await schedule(w);
      await prepare(w, sessionId);
      // The weekly maximum as text: a rule that trusted the document would compare a count with a string.
      await own.database.db.transaction().execute(async (tx) => {
        await sql`ALTER TABLE program_settings DISABLE TRIGGER USER`.execute(tx);
        await sql`INSERT INTO program_settings (id, version, settings, updated_at)
                  VALUES (1, 99, ${JSON.stringify({ dosing: { maxSessionsPer7Days: 'two' } })}::jsonb, now())
                  ON CONFLICT (id) DO UPDATE SET version = 99, settings = EXCLUDED.settings`.execute(tx);
        await sql`ALTER TABLE program_settings ENABLE TRIGGER USER`.execute(tx);
      });
      // The gate fails closed on input it cannot read: a blocked decision naming why, no dose.
      const authorization = await expectStatus(w.call('patient', 'POST', `/api/v1/sessions/${sessionId}/authorize`), 200);
      expect(authorization.json<{ outcome: string; reasons: { code: string }[] }>()).toMatchObject({ outcome: 'blocked', reasons: [{ code: 'GATE_INPUT_INVALID' }] });
      const read = await w.call('admin', 'GET', '/api/v1/settings');
      expect(read.statusCode, read.body).toBe(500);
      expect(own.logs.text()).toContain('program_settings.settings of row 1 does not match its schema (at dosing.maxSessionsPer7Days)');
      const entries = await own.database.db.selectFrom('ledger_entries').select('kind').where('patient_id', '=', w.patient.patientId).execute();
      expect(entries.map((e) => e.kind)).toEqual(['dispensed']);
    } finally {
      await own.close();
    }
  });
});
