import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendOnCallGapNotices } from '../../src/use-cases/on-call/rota.ts';
import { bearer, createUser, signIn, type TestUser } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';

// The on-call rota (docs/live-board.md). Shifts are program-wide and may not overlap, so each test keeps to its own
// weeks of 2026.
let t: TestContext;
let admin: TestUser;
let a: TestUser;
let b: TestUser;
let c: TestUser;
let coach: TestUser;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  admin = await createUser(t, 'admin');
  a = await createUser(t, 'clinician', { name: 'Dr. A' });
  b = await createUser(t, 'clinician', { name: 'Dr. B' });
  c = await createUser(t, 'clinician', { name: 'Dr. C' });
  coach = await createUser(t, 'coach');
  await relogin();
}, 120_000);
afterAll(async () => {
  await t.close();
});

async function relogin(): Promise<void> {
  for (const [k, u] of Object.entries({ admin, a, coach })) tokens[k] = await signIn(t, u);
}

const post = (who: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/on-call/shifts', headers: bearer(tokens[who] ?? ''), payload });
const get = (who: string, url: string) => t.app.inject({ method: 'GET', url, headers: bearer(tokens[who] ?? '') });
type Shift = { id: string; clinicianId: string; clinicianName: string; backupClinicianId: string | null; startsAt: string; endsAt: string; timeZone: string };

describe('on-call shifts', () => {
  it('reads local wall times in the zone across the spring DST change, and refuses an overlap naming the shift', async () => {
    // America/New_York springs forward on Sunday 8 March 2026 at 02:00: Saturday 20:00 EST → Sunday 08:00 EDT is 11 h.
    const created = await post('admin', { clinicianId: a.id, backupClinicianId: b.id, startsLocal: '2026-03-07T20:00', endsLocal: '2026-03-08T08:00', timeZone: 'America/New_York' });
    expect(created.statusCode, created.body).toBe(201);
    const [shift] = created.json<{ items: Shift[] }>().items;
    expect(shift).toMatchObject({ clinicianId: a.id, clinicianName: 'Dr. A', backupClinicianId: b.id, startsAt: '2026-03-08T01:00:00.000Z', endsAt: '2026-03-08T12:00:00.000Z', timeZone: 'America/New_York' });

    // Sunday 07:00–09:00 EDT (11:00Z–13:00Z) overlaps its last hour.
    const clash = await post('admin', { clinicianId: c.id, startsLocal: '2026-03-08T07:00', endsLocal: '2026-03-08T09:00', timeZone: 'America/New_York' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'ON_CALL_OVERLAP', conflictingShift: { id: shift?.id, clinicianId: a.id } });

    // Entered in another zone, the same overlap: 03:00–05:00 Pacific on the 8th is 11:00Z–13:00Z.
    const elsewhere = await post('admin', { clinicianId: c.id, startsLocal: '2026-03-08T03:00', endsLocal: '2026-03-08T05:00', timeZone: 'America/Los_Angeles' });
    expect(elsewhere.statusCode).toBe(409);

    // Touching is not overlapping: 08:00–12:00 EDT starts exactly when the first ends.
    const next = await post('admin', { clinicianId: c.id, startsLocal: '2026-03-08T08:00', endsLocal: '2026-03-08T12:00', timeZone: 'America/New_York' });
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json<{ items: Shift[] }>().items[0]).toMatchObject({ startsAt: '2026-03-08T12:00:00.000Z', endsAt: '2026-03-08T16:00:00.000Z' });

    // 02:30 does not exist in New York that morning.
    const skipped = await post('admin', { clinicianId: c.id, startsLocal: '2026-03-08T02:30', endsLocal: '2026-03-08T03:30', timeZone: 'America/New_York' });
    expect(skipped.statusCode).toBe(422);
  });

  it('makes a weekly series at the same local times, DST included, all or nothing', async () => {
    const series = await post('admin', { clinicianId: b.id, startsLocal: '2026-03-02T09:00', endsLocal: '2026-03-02T17:00', timeZone: 'America/New_York', repeatWeeks: 2 });
    expect(series.statusCode, series.body).toBe(201);
    expect(series.json<{ items: Shift[] }>().items.map((s) => [s.startsAt, s.endsAt])).toEqual([
      ['2026-03-02T14:00:00.000Z', '2026-03-02T22:00:00.000Z'],
      ['2026-03-09T13:00:00.000Z', '2026-03-09T21:00:00.000Z'],
      ['2026-03-16T13:00:00.000Z', '2026-03-16T21:00:00.000Z'],
    ]);
    // Sundays 16:00–18:00 for four weeks fit; a series whose third week hits a shift is refused whole.
    const sundays = await post('admin', { clinicianId: c.id, startsLocal: '2026-03-01T16:00', endsLocal: '2026-03-01T18:00', timeZone: 'America/New_York', repeatWeeks: 3 });
    expect(sundays.statusCode).toBe(201);
    const whole = await post('admin', { clinicianId: c.id, startsLocal: '2026-02-16T10:00', endsLocal: '2026-02-16T11:00', timeZone: 'America/New_York', repeatWeeks: 2 });
    expect(whole.statusCode).toBe(409);
    const feb = await get('a', '/api/v1/on-call/shifts?from=2026-02-16T00:00:00Z&to=2026-02-24T00:00:00Z');
    expect(feb.json<{ items: Shift[] }>().items).toEqual([]);
  });

  it('refuses a primary who is also the backup, a non-clinician, an unknown zone, and writes by anyone but an administrator', async () => {
    const base = { startsLocal: '2026-04-01T09:00', endsLocal: '2026-04-01T10:00', timeZone: 'America/New_York' };
    expect((await post('admin', { ...base, clinicianId: a.id, backupClinicianId: a.id })).statusCode).toBe(422);
    expect((await post('admin', { ...base, clinicianId: coach.id })).statusCode).toBe(422);
    expect((await post('admin', { ...base, clinicianId: a.id, timeZone: 'Mars/Olympus' })).statusCode).toBe(422);
    expect((await post('a', { ...base, clinicianId: a.id })).statusCode).toBe(404);
    expect((await get('coach', '/api/v1/on-call/shifts')).statusCode).toBe(404);
    expect((await get('a', '/api/v1/on-call/gaps')).statusCode).toBe(404);
  });

  it('cancels a shift (kept on record), which frees its time', async () => {
    const base = { clinicianId: a.id, startsLocal: '2026-05-01T09:00', endsLocal: '2026-05-01T17:00', timeZone: 'Europe/London' };
    const first = (await post('admin', base)).json<{ items: Shift[] }>().items[0];
    expect((await post('admin', base)).statusCode).toBe(409);
    const cancelled = await t.app.inject({ method: 'DELETE', url: `/api/v1/on-call/shifts/${first?.id}`, headers: bearer(tokens['admin'] ?? '') });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/on-call/shifts/${first?.id}`, headers: bearer(tokens['admin'] ?? '') })).statusCode).toBe(404);
    expect((await post('admin', base)).statusCode).toBe(201);
    const row = await t.database.db.selectFrom('on_call_shifts').select(['cancelled_at', 'cancelled_by']).where('id', '=', first?.id ?? '').executeTakeFirstOrThrow();
    expect(row.cancelled_by).toBe(admin.id);
  });

  it('says who is on call now, and computes the uncovered windows from now', async () => {
    // The series above covers Monday 2 March 14:00Z–22:00Z; a shift Sunday 1 March 16:00–18:00 EST is 21:00Z–23:00Z.
    t.clock.set('2026-03-02T12:00:00.000Z');
    await relogin();
    const nobody = (await get('a', '/api/v1/on-call/now')).json();
    expect(nobody).toEqual({ shift: null, primary: null, backup: null });
    const gaps = await get('admin', '/api/v1/on-call/gaps?days=1');
    expect(gaps.json()).toEqual({
      items: [
        { startsAt: '2026-03-02T12:00:00.000Z', endsAt: '2026-03-02T14:00:00.000Z' },
        { startsAt: '2026-03-02T22:00:00.000Z', endsAt: '2026-03-03T12:00:00.000Z' },
      ],
    });
    t.clock.set('2026-03-02T15:00:00.000Z');
    await relogin();
    const now = (await get('a', '/api/v1/on-call/now')).json<{ primary: { id: string; name: string }; backup: null }>();
    expect(now.primary).toEqual({ id: b.id, name: 'Dr. B' });
    expect(now.backup).toBeNull();
  });

  it('tells every administrator of each gap in the next 48 hours, once however often the job runs', async () => {
    const now = new Date('2026-03-02T12:00:00.000Z');
    // Within 48 h (to 4 March 12:00Z) the only shift is 2 March 14:00Z–22:00Z: gaps before and after it.
    const first = await sendOnCallGapNotices(t.deps, now);
    expect(first.gaps).toBe(2);
    await sendOnCallGapNotices(t.deps, now);
    await sendOnCallGapNotices(t.deps, new Date('2026-03-02T13:00:00.000Z'));
    const notices = await t.database.db.selectFrom('notification_outbox').select('cause').where('recipient', '=', admin.email).where('cause', 'like', 'on-call-gap:%').orderBy('cause').execute();
    // The gap open at 12:00 is named by the end of the shift before it (Sunday's, ending 1 March 23:00Z).
    expect(notices.map((n) => n.cause)).toEqual([`on-call-gap:2026-03-01T23:00:00.000Z:${admin.id}`, `on-call-gap:2026-03-02T22:00:00.000Z:${admin.id}`]);
  });
});

describe.skipIf(!onPostgres)('on PostgreSQL', () => {
  it('lets exactly one of several concurrent overlapping shifts in', async () => {
    const clinicians = await Promise.all([1, 2, 3, 4, 5].map(() => createUser(t, 'clinician')));
    const responses = await Promise.all(
      clinicians.map((x, i) => post('admin', { clinicianId: x.id, startsLocal: `2026-07-01T0${i}:00`, endsLocal: '2026-07-01T09:00', timeZone: 'UTC' })),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    const live = await t.database.db.selectFrom('on_call_shifts').select('id').where('cancelled_at', 'is', null).where('starts_at', '>=', new Date('2026-07-01T00:00:00Z')).where('starts_at', '<', new Date('2026-07-02T00:00:00Z')).execute();
    expect(live).toHaveLength(1);
  });
});
