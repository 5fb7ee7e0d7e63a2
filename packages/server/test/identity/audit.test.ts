import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';
import { testAuditKeys as keys } from '../support/setup-audit-keys.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { bearer, createCareWorld, createUser, signIn } from '../support/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('audit log', () => {
  it('records denials, and the patient sees who accessed their record', async () => {
    const world = await createCareWorld(t);
    const denied = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/care-team`, headers: bearer(world.tokens.otherPatient) });
    expect(denied.statusCode).toBe(404);
    await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/sitters`, headers: bearer(world.tokens.clinician) });
    const rows = await t.database.db.selectFrom('audit_log').selectAll().where('patient_id', '=', world.patient.patientId).where('outcome', '=', 'denied').execute();
    expect(rows.some((r) => r.actor_id === world.otherPatient.id)).toBe(true);

    const log = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/access-log`, headers: bearer(world.tokens.patient) });
    expect(log.statusCode).toBe(200);
    const items = log.json<{ items: { who: string; outcome: string }[] }>().items;
    // Another patient who was denied is not named: who else is enrolled is not this patient's to know.
    expect(items.some((i) => i.who === 'A person without access' && i.outcome === 'denied')).toBe(true);
    expect(JSON.stringify(items)).not.toContain(world.otherPatient.name);
    // Staff are named, with their role.
    expect(items).toContainEqual(expect.objectContaining({ who: world.clinician.name, role: 'clinician', outcome: 'success' }));
    // Only the patient reads their own access log.
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/access-log`, headers: bearer(world.tokens.clinician) })).statusCode).toBe(404);
  });

  it('puts list reads that show the patient, and handler-raised 404s, on the patient’s access log, a page at a time', async () => {
    const world = await createCareWorld(t);
    const pid = world.patient.patientId;
    const shownBy = async (token: string, url: string) => {
      expect((await t.app.inject({ method: 'GET', url, headers: bearer(token) })).statusCode).toBe(200);
    };
    await shownBy(world.tokens.clinician, '/api/v1/patients?sort=name');
    await shownBy(world.tokens.sitter, '/api/v1/sitter/patients');
    await shownBy(world.tokens.coach, '/api/v1/coach/caseload');
    const rows = await t.database.db.selectFrom('audit_log').select(['action', 'actor_id']).where('patient_id', '=', pid).where('outcome', '=', 'success').execute();
    // The panel's page is one row in the system chain naming every patient shown (patient_ids), not a row in each
    // patient's chain.
    expect(rows.filter((r) => r.action === 'panel.read')).toEqual([]);
    const panelReads = await t.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'actor_role', 'patient_id', 'patient_ids', 'chain_key', 'request_id'])
      .where('action', '=', 'panel.read')
      .where('actor_id', '=', world.clinician.id)
      .execute();
    expect(panelReads).toEqual([
      { actor_id: world.clinician.id, actor_role: 'clinician', patient_id: null, patient_ids: [pid], chain_key: 'system', request_id: expect.any(String) },
    ]);
    expect(rows).toContainEqual({ action: 'sitter_patients.list', actor_id: world.sitter.id });
    expect(rows).toContainEqual({ action: 'caseload.list', actor_id: world.coach.id });

    // The clinician passes the access check for this patient, but the entry is not there: a 404 from the handler,
    // recorded like a denial.
    const missing = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${pid}/messages/${crypto.randomUUID()}`, headers: bearer(world.tokens.clinician) });
    expect(missing.statusCode).toBe(404);
    const denied = await t.database.db.selectFrom('audit_log').select(['actor_id', 'detail']).where('patient_id', '=', pid).where('outcome', '=', 'denied').where('actor_id', '=', world.clinician.id).execute();
    expect(denied.length).toBeGreaterThan(0);

    const first = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${pid}/access-log?limit=2`, headers: bearer(world.tokens.patient) });
    const page1 = first.json<{ items: { who: string; action: string }[]; nextBefore: number | null }>();
    expect(page1.items).toHaveLength(2);
    expect(page1.nextBefore).not.toBeNull();
    const second = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${pid}/access-log?limit=2&before=${page1.nextBefore}`, headers: bearer(world.tokens.patient) });
    const page2 = second.json<{ items: { who: string; action: string }[] }>();
    expect(page2.items.length).toBeGreaterThan(0);
    const all = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${pid}/access-log?limit=200`, headers: bearer(world.tokens.patient) });
    const everything = all.json<{ items: { who: string; action: string }[] }>().items;
    expect(everything.slice(0, 4)).toEqual([...page1.items, ...page2.items].slice(0, 4));
    expect(everything.map((i) => i.action)).toEqual(expect.arrayContaining(['panel.read', 'sitter_patients.list', 'caseload.list']));
  });

  it('lists a panel read on the access log of each patient it showed and of no other, and finds it in the admin search', async () => {
    const world = await createCareWorld(t);
    const pid = world.patient.patientId;
    const accessLog = async (patientId: string, token: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${patientId}/access-log?limit=200`, headers: bearer(token) });
      expect(res.statusCode).toBe(200);
      return res.json<{ items: { who: string; role: string | null; action: string; resourceType: string; outcome: string }[] }>().items;
    };
    const panelEntries = async (patientId: string, token: string) => (await accessLog(patientId, token)).filter((i) => i.action === 'panel.read');
    expect(await panelEntries(pid, world.tokens.patient)).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/patients?sort=name', headers: bearer(world.tokens.clinician) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/patients?sort=risk', headers: bearer(world.tokens.clinician) })).statusCode).toBe(200);
    const entry = { at: expect.any(String), who: world.clinician.name, role: 'clinician', action: 'panel.read', resourceType: 'panel', outcome: 'success' };
    expect(await panelEntries(pid, world.tokens.patient)).toEqual([entry, entry]);
    // The other patient is not on this clinician's panel: nothing on their log.
    expect(await panelEntries(world.otherPatient.patientId, world.tokens.otherPatient)).toEqual([]);

    const search = async (query: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit?${query}`, headers: bearer(world.tokens.admin) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: { action: string; actorId: string; patientId: string | null; patientName: string | null; patientsShown: number | null }[] }>().items;
    };
    const reads = (items: Awaited<ReturnType<typeof search>>) => items.filter((i) => i.action === 'panel.read' && i.actorId === world.clinician.id);
    const expected = { action: 'panel.read', actorId: world.clinician.id, patientId: null, patientName: null, patientsShown: 1 };
    expect(reads(await search(`patientId=${pid}&actorId=${world.clinician.id}`))).toEqual([expect.objectContaining(expected), expect.objectContaining(expected)]);
    expect(reads(await search(`patient=${encodeURIComponent(world.patient.name)}&actorId=${world.clinician.id}`))).toHaveLength(2);
    expect(reads(await search(`patientId=${crypto.randomUUID()}&actorId=${world.clinician.id}`))).toEqual([]);
  });

  it('lets the admin search by patient, actor and time, and nobody else', async () => {
    const world = await createCareWorld(t);
    await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/care-team`, headers: bearer(world.tokens.coach) });
    const search = await t.app.inject({ method: 'GET', url: `/api/v1/audit?patientId=${world.patient.patientId}&actorId=${world.coach.id}`, headers: bearer(world.tokens.admin) });
    expect(search.statusCode).toBe(200);
    const items = search.json<{ items: { actorId: string; patientId: string; requestId: string }[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.actorId === world.coach.id && i.patientId === world.patient.patientId && i.requestId)).toBe(true);
    for (const role of ['clinician', 'coach', 'patient', 'sitter'] as const) {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers: bearer(world.tokens[role]) })).statusCode).toBe(404);
    }
  });

  it('searches by a person’s and a patient’s name, and names both in every row', async () => {
    const world = await createCareWorld(t);
    await t.app.inject({ method: 'GET', url: `/api/v1/patients/${world.patient.patientId}/care-team`, headers: bearer(world.tokens.coach) });
    // Part of the name, in any case; "_" and "%" are letters here, not wildcards.
    const part = world.coach.name.slice(1, 6).toUpperCase();
    const byNames = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit?actor=${encodeURIComponent(part)}&patient=${encodeURIComponent(world.patient.name.toLowerCase())}`,
      headers: bearer(world.tokens.admin),
    });
    expect(byNames.statusCode, byNames.body).toBe(200);
    const items = byNames.json<{ items: { actorId: string; actorName: string; patientId: string; patientName: string }[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.actorId === world.coach.id && i.actorName === world.coach.name && i.patientId === world.patient.patientId && i.patientName === world.patient.name)).toBe(true);
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/audit?actor=%25', headers: bearer(world.tokens.admin) });
    expect(none.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('verifies its hash chains, and detects a row changed behind the trigger’s back', async () => {
    const admin = await createUser(t, 'admin');
    await signIn(t, admin);
    const intact = await verifyAuditChain(t.database.db, { keys });
    expect(intact.breaks).toEqual([]);
    expect(intact.rows).toBeGreaterThan(5);
    const victim = await t.database.db.selectFrom('audit_log').select('id').where('actor_id', '=', admin.id).executeTakeFirstOrThrow();
    // Only a database owner can do this: disable the guard, change a row, restore the guard.
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(t.database.db);
    await sql`UPDATE audit_log SET outcome = 'failure' WHERE id = ${victim.id}`.execute(t.database.db);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`.execute(t.database.db);
    const tampered = await verifyAuditChain(t.database.db, { keys });
    expect(tampered.breaks).toContainEqual(expect.objectContaining({ id: victim.id, problem: 'hash_mismatch' }));
  });
});
