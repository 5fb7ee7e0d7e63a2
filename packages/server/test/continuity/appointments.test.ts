import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendDueAppointmentReminders } from '../../src/use-cases/continuity/reminders.ts';
import { assignCareTeam, bearer, createCareWorld, createPatient, signIn } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { onPostgres, testEngine } from '../support/test-database.ts';
import { seedFollowUp, setOfficeHours, type CareWorld } from './continuity-helpers.ts';

let t: TestContext;
const base = new Date('2026-06-01T12:00:00.000Z'); // a Monday; New York is UTC−4 in June
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.clock.set(base);
});

type World = CareWorld;

async function world(): Promise<World> {
  const w = await createCareWorld(t);
  await setOfficeHours(t, w.tokens.clinician, w.clinician.id);
  await setOfficeHours(t, w.tokens.coach, w.coach.id);
  return w;
}

const book = (token: string, patientId: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/appointments`, headers: bearer(token), payload });

describe(`appointments on ${testEngine}`, () => {
  it('books inside the staff member’s hours (in their time zone) and refuses outside them', async () => {
    const w = await world();
    const ok = await book(w.tokens.patient, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-02T14:00:00Z' });
    expect(ok.statusCode).toBe(201);
    const [a] = ok.json().appointments;
    expect(a).toMatchObject({ kind: 'clinician_follow_up', startsAt: '2026-06-02T14:00:00.000Z', endsAt: '2026-06-02T14:30:00.000Z', status: 'booked', modality: 'audio_video' });
    const slots = await t.database.db.selectFrom('appointment_slots').select('slot_start').where('appointment_id', '=', a.id).execute();
    expect(slots).toHaveLength(2);

    // 08:00 in New York is before hours, although 12:00 UTC is inside "09:00–17:00" read in UTC.
    const early = await book(w.tokens.patient, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-02T12:00:00Z' });
    expect(early.statusCode).toBe(422);
    const saturday = await book(w.tokens.patient, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-06T15:00:00Z' });
    expect(saturday.statusCode).toBe(422);
    const offGrid = await book(w.tokens.patient, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-02T15:10:00Z' });
    expect(offGrid.statusCode).toBe(422);
    const wrongRole = await book(w.tokens.patient, w.patient.patientId, { staffId: w.coach.id, kind: 'clinician_follow_up', startsAt: '2026-06-02T15:00:00Z' });
    expect(wrongRole.statusCode).toBe(422);
  });

  it('honours exceptions and lists open slots without the booked ones', async () => {
    const w = await world();
    await setOfficeHours(t, w.tokens.clinician, w.clinician.id, 'America/Los_Angeles', {
      exceptions: [
        { date: '2026-06-03', kind: 'unavailable', reason: 'conference' },
        { date: '2026-06-06', kind: 'available', start: '10:00', end: '12:00' },
      ],
    });
    // Wednesday off; Saturday 10:00 Los Angeles (17:00 UTC) open as extra hours.
    expect((await book(w.tokens.patient, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-03T18:00:00Z' })).statusCode).toBe(422);
    expect((await book(w.tokens.patient, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-06T17:00:00Z' })).statusCode).toBe(201);

    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v1/staff/${w.clinician.id}/availability?from=2026-06-06T00:00:00Z&to=2026-06-07T00:00:00Z&durationMinutes=30`,
      headers: bearer(w.tokens.patient),
    });
    expect(view.statusCode).toBe(200);
    const body = view.json();
    expect(body.timeZone).toBe('America/Los_Angeles');
    const starts = body.openSlots.map((s: { startsAt: string }) => s.startsAt);
    expect(starts).not.toContain('2026-06-06T17:00:00.000Z');
    expect(starts).not.toContain('2026-06-06T16:45:00.000Z');
    expect(starts).toContain('2026-06-06T17:30:00.000Z');
    expect(starts.at(-1)).toBe('2026-06-06T18:30:00.000Z');
  });

  it('refuses a second booking of a taken slot (409) and the database itself refuses overlapping rows', async () => {
    const w = await world();
    const first = await book(w.tokens.patient, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-02T16:00:00Z', durationMinutes: 60 });
    expect(first.statusCode).toBe(201);
    const overlapping = await book(w.tokens.clinician, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-02T16:45:00Z' });
    expect(overlapping.statusCode).toBe(409);
    expect(overlapping.json().code).toBe('CONFLICT');

    // Behind the application's back: a second claim of a 15-minute block is a unique violation.
    const firstId = first.json().appointments[0].id as string;
    const sneaky = crypto.randomUUID();
    const attempt = t.database.db.transaction().execute(async (tx) => {
      await sql`INSERT INTO appointments (id, patient_id, staff_id, kind, starts_at, ends_at, modality, booked_by, created_at)
        VALUES (${sneaky}, ${w.patient.patientId}, ${w.clinician.id}, 'clinician_follow_up', '2026-06-02T16:30:00Z', '2026-06-02T16:45:00Z', 'audio_video', ${w.clinician.id}, now())`.execute(tx);
      await sql`INSERT INTO appointment_slots (staff_id, slot_start, appointment_id, patient_id)
        VALUES (${w.clinician.id}, '2026-06-02T16:30:00Z', ${sneaky}, ${w.patient.patientId})`.execute(tx);
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505' });
    // And an appointment that claims no slots cannot commit (deferred constraint trigger).
    const slotless = t.database.db.transaction().execute(async (tx) => {
      await sql`INSERT INTO appointments (id, patient_id, staff_id, kind, starts_at, ends_at, modality, booked_by, created_at)
        VALUES (${crypto.randomUUID()}, ${w.patient.patientId}, ${w.clinician.id}, 'clinician_follow_up', '2026-06-02T16:30:00Z', '2026-06-02T16:45:00Z', 'audio_video', ${w.clinician.id}, now())`.execute(tx);
    });
    await expect(slotless).rejects.toMatchObject({ code: '23514' });
    const live = await t.database.db.selectFrom('appointments').select('id').where('staff_id', '=', w.clinician.id).where('status', '=', 'booked').execute();
    expect(live.map((r) => r.id)).toEqual([firstId]);
  });

  it.runIf(onPostgres)('two simultaneous bookings of the same slot: exactly one succeeds (Postgres)', async () => {
    const w = await world();
    const second = await createPatient(t);
    await assignCareTeam(t, second.patientId, w.clinician.id, 'clinician');
    const secondToken = await signIn(t, second);
    const payload = { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-04T15:00:00Z' };
    const attempts = await Promise.all([
      book(w.tokens.patient, w.patient.patientId, payload),
      book(secondToken, second.patientId, payload),
      book(w.tokens.clinician, w.patient.patientId, payload),
      book(w.tokens.clinician, second.patientId, payload),
    ]);
    const codes = attempts.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 409, 409, 409]);
    const rows = await t.database.db.selectFrom('appointments').select('id').where('staff_id', '=', w.clinician.id).where('starts_at', '=', new Date('2026-06-04T15:00:00Z')).execute();
    expect(rows).toHaveLength(1);
  });

  it('cancels with a reason (the time becomes free) and reschedules atomically', async () => {
    const w = await world();
    const a = (await book(w.tokens.patient, w.patient.patientId, { staffId: w.coach.id, kind: 'integration', startsAt: '2026-06-02T17:00:00Z' })).json().appointments[0];
    const noReason = await t.app.inject({ method: 'POST', url: `/api/v1/appointments/${a.id}/cancel`, headers: bearer(w.tokens.patient), payload: {} });
    expect(noReason.statusCode).toBe(422);
    const cancelled = await t.app.inject({ method: 'POST', url: `/api/v1/appointments/${a.id}/cancel`, headers: bearer(w.tokens.patient), payload: { reason: 'Work conflict' } });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().appointment).toMatchObject({ status: 'cancelled', cancelReason: 'Work conflict' });
    const again = await book(w.tokens.coach, w.patient.patientId, { staffId: w.coach.id, kind: 'integration', startsAt: '2026-06-02T17:00:00Z' });
    expect(again.statusCode).toBe(201);

    const b = again.json().appointments[0];
    const moved = await t.app.inject({ method: 'POST', url: `/api/v1/appointments/${b.id}/reschedule`, headers: bearer(w.tokens.coach), payload: { startsAt: '2026-06-02T17:30:00Z', reason: 'Coach running late' } });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().appointment).toMatchObject({ startsAt: '2026-06-02T17:30:00.000Z', rescheduledFromId: b.id, status: 'booked' });
    const old = await t.app.inject({ method: 'GET', url: `/api/v1/appointments/${b.id}`, headers: bearer(w.tokens.patient) });
    expect(old.json().appointment).toMatchObject({ status: 'cancelled', cancelReason: 'Rescheduled: Coach running late' });
    const slots = await t.database.db.selectFrom('appointment_slots').select('slot_start').where('staff_id', '=', w.coach.id).orderBy('slot_start').execute();
    expect(slots.map((s) => new Date(s.slot_start).toISOString())).toEqual(['2026-06-02T17:30:00.000Z', '2026-06-02T17:45:00.000Z', '2026-06-02T18:00:00.000Z', '2026-06-02T18:15:00.000Z']);
    const twice = await t.app.inject({ method: 'POST', url: `/api/v1/appointments/${b.id}/cancel`, headers: bearer(w.tokens.patient), payload: { reason: 'x' } });
    expect(twice.statusCode).toBe(409);
  });

  it('books a recurring integration series all or nothing', async () => {
    const w = await world();
    const blocker = await book(w.tokens.coach, w.patient.patientId, { staffId: w.coach.id, kind: 'integration', startsAt: '2026-06-16T15:00:00Z' });
    expect(blocker.statusCode).toBe(201);
    const clash = await book(w.tokens.coach, w.patient.patientId, { staffId: w.coach.id, kind: 'integration', startsAt: '2026-06-02T15:00:00Z', recurrence: { every: 'weekly', count: 4 } });
    expect(clash.statusCode).toBe(409);
    expect(await t.database.db.selectFrom('appointments').select('id').where('staff_id', '=', w.coach.id).execute()).toHaveLength(1);

    const series = await book(w.tokens.patient, w.patient.patientId, { staffId: w.coach.id, kind: 'integration', startsAt: '2026-06-03T15:00:00Z', recurrence: { every: 'biweekly', count: 3 } });
    expect(series.statusCode).toBe(201);
    const items = series.json().appointments;
    expect(items.map((a: { startsAt: string }) => a.startsAt)).toEqual(['2026-06-03T15:00:00.000Z', '2026-06-17T15:00:00.000Z', '2026-07-01T15:00:00.000Z']);
    expect(new Set(items.map((a: { seriesId: string }) => a.seriesId)).size).toBe(1);
    expect(items.map((a: { seriesIndex: number }) => a.seriesIndex)).toEqual([1, 2, 3]);
    const notIntegration = await book(w.tokens.patient, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-03T15:00:00Z', recurrence: { every: 'weekly', count: 2 } });
    expect(notIntegration.statusCode).toBe(422);
  });

  it('sends reminders 24 h and 1 h before through the outbox, once each, with no health details', async () => {
    const w = await world();
    const a = (await book(w.tokens.patient, w.patient.patientId, { staffId: w.coach.id, kind: 'integration', startsAt: '2026-06-02T19:00:00Z' })).json().appointments[0];
    const cancelledOne = (await book(w.tokens.patient, w.patient.patientId, { staffId: w.coach.id, kind: 'integration', startsAt: '2026-06-02T20:00:00Z' })).json().appointments[0];
    await t.app.inject({ method: 'POST', url: `/api/v1/appointments/${cancelledOne.id}/cancel`, headers: bearer(w.tokens.patient), payload: { reason: 'no longer needed' } });
    const outbox = (prefix: string) => t.database.db.selectFrom('notification_outbox').selectAll().where('cause', 'like', `${prefix}%`).execute();

    t.clock.set('2026-06-01T18:59:00Z');
    await sendDueAppointmentReminders(t.deps, t.clock.now());
    expect(await outbox(`appointment:${a.id}:24h`)).toHaveLength(0);

    t.clock.set('2026-06-01T19:00:00Z');
    await sendDueAppointmentReminders(t.deps, t.clock.now());
    await sendDueAppointmentReminders(t.deps, t.clock.now());
    const day = await outbox(`appointment:${a.id}:24h`);
    expect(day.map((m) => m.cause).sort()).toEqual([`appointment:${a.id}:24h`, `appointment:${a.id}:24h:staff`]);
    expect(day.find((m) => m.cause === `appointment:${a.id}:24h`)?.recipient).toBe(w.patient.email);
    for (const m of day) expect(m.body).not.toMatch(/integration|ketamine|coach|session|depress/i);

    t.clock.set('2026-06-02T18:00:00Z');
    await sendDueAppointmentReminders(t.deps, t.clock.now());
    await sendDueAppointmentReminders(t.deps, t.clock.now());
    expect(await outbox(`appointment:${a.id}:1h`)).toHaveLength(2);
    expect(await outbox(`appointment:${cancelledOne.id}:24h`)).toHaveLength(0);
    expect(await outbox(`appointment:${cancelledOne.id}:1h`)).toHaveLength(0);
    const reminders = await t.database.db.selectFrom('appointment_reminders').select(['appointment_id', 'status']).where('appointment_id', 'in', [a.id, cancelledOne.id]).execute();
    expect(reminders.filter((r) => r.appointment_id === a.id).map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(reminders.filter((r) => r.appointment_id === cancelledOne.id).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('serves a valid iCalendar file without health details', async () => {
    const w = await world();
    const a = (await book(w.tokens.patient, w.patient.patientId, { staffId: w.coach.id, kind: 'integration', startsAt: '2026-06-02T15:00:00Z' })).json().appointments[0];
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/appointments/${a.id}/ics`, headers: bearer(w.tokens.patient) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/calendar/);
    const body = response.body;
    expect(body.endsWith('\r\n')).toBe(true);
    expect(body.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = body.split('\r\n').slice(0, -1);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const unfolded = body.replace(/\r\n /g, '').split('\r\n');
    expect(unfolded[0]).toBe('BEGIN:VCALENDAR');
    expect(unfolded).toContain('VERSION:2.0');
    expect(unfolded.some((l) => l.startsWith('PRODID:'))).toBe(true);
    expect(unfolded).toContain(`UID:${a.id}@keel`);
    expect(unfolded).toContain('DTSTAMP:20260601T120000Z');
    expect(unfolded).toContain('DTSTART:20260602T150000Z');
    expect(unfolded).toContain('DTEND:20260602T160000Z');
    expect(unfolded).toContain('SUMMARY:Keel appointment');
    expect(unfolded.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(unfolded.at(-2)).toBe('END:VCALENDAR');
    expect(body).not.toMatch(/integration|ketamine|coach|depress/i);

    const stranger = await t.app.inject({ method: 'GET', url: `/api/v1/appointments/${a.id}/ics`, headers: bearer(w.tokens.otherPatient) });
    expect(stranger.statusCode).toBe(404);
  });

  it('links a clinician follow-up appointment to the due follow-up; the visit completes it', async () => {
    const w = await world();
    const followUpId = await seedFollowUp(t, w.patient.patientId, new Date('2026-06-03T12:00:00Z'));
    const a = (await book(w.tokens.patient, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-02T14:00:00Z' })).json().appointments[0];
    expect(a.followUpId).toBe(followUpId);
    const listed = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${w.patient.patientId}/appointments`, headers: bearer(w.tokens.clinician) });
    expect(listed.json().followUps).toEqual([expect.objectContaining({ id: followUpId, status: 'due', overdue: false, appointmentId: a.id })]);

    t.clock.set('2026-06-02T14:35:00Z');
    // Sessions time out while the clock moves a day: sign in again.
    w.tokens.clinician = await signIn(t, w.clinician);
    w.tokens.coach = await signIn(t, w.coach);
    w.tokens.patient = await signIn(t, w.patient);
    const visit = {
      occurredAt: '2026-06-02T14:00:00Z',
      modality: 'audio_video',
      patientState: 'CA',
      prescriberLicenseState: 'CA',
      appointmentId: a.id,
    };
    const notLicensed = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${w.patient.patientId}/visits`, headers: bearer(w.tokens.clinician), payload: { ...visit, patientState: 'TX', prescriberLicenseState: 'TX' } });
    expect(notLicensed.statusCode).toBe(422);
    expect(notLicensed.json().errors[0].field).toBe('prescriberLicenseState');
    const otherState = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${w.patient.patientId}/visits`, headers: bearer(w.tokens.clinician), payload: { ...visit, patientState: 'NY' } });
    expect(otherState.statusCode).toBe(422);
    const byCoach = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${w.patient.patientId}/visits`, headers: bearer(w.tokens.coach), payload: visit });
    expect(byCoach.statusCode).toBe(404);
    expect(await t.database.db.selectFrom('clinician_visits').select('id').where('patient_id', '=', w.patient.patientId).execute()).toHaveLength(0);

    const recorded = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${w.patient.patientId}/visits`, headers: bearer(w.tokens.clinician), payload: { ...visit, inPersonEvaluationOn: '2026-05-20' } });
    expect(recorded.statusCode).toBe(201);
    expect(recorded.json().completedFollowUps).toEqual([followUpId]);
    expect(recorded.json().visit).toMatchObject({ modality: 'audio_video', patientState: 'CA', prescriberLicenseState: 'CA', prescriberDeaRegistration: 'FT1234563', inPersonEvaluationOn: '2026-05-20' });
    const fu = await t.database.db.selectFrom('follow_ups').selectAll().where('id', '=', followUpId).executeTakeFirstOrThrow();
    expect(fu).toMatchObject({ status: 'completed', completed_by: w.clinician.id, visit_id: recorded.json().visit.id });
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/appointments/${a.id}`, headers: bearer(w.tokens.patient) });
    expect(after.json().appointment.status).toBe('completed');
    const visits = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${w.patient.patientId}/visits`, headers: bearer(w.tokens.patient) });
    expect(visits.json().items).toHaveLength(1);
  });

  it('lists each caller’s own appointments, including the sitter’s orientation', async () => {
    const w = await world();
    const assignment = await t.database.db.selectFrom('sitter_assignments').select('id').where('patient_id', '=', w.patient.patientId).executeTakeFirstOrThrow();
    const orientation = await book(w.tokens.coach, w.patient.patientId, { staffId: w.coach.id, kind: 'sitter_orientation', startsAt: '2026-06-04T15:00:00Z', sitterAssignmentId: assignment.id });
    expect(orientation.statusCode).toBe(201);
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/appointments', headers: bearer(w.tokens.sitter) });
    expect(mine.json().items.map((a: { kind: string }) => a.kind)).toEqual(['sitter_orientation']);
    const coachView = await t.app.inject({ method: 'GET', url: '/api/v1/appointments', headers: bearer(w.tokens.coach) });
    expect(coachView.json().items).toHaveLength(1);
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/appointments', headers: bearer(w.tokens.otherPatient) });
    expect(other.json().items).toHaveLength(0);
  });

  it('denies the sitter, other patients and other staff (404, nothing changes)', async () => {
    const w = await world();
    const url = `/api/v1/patients/${w.patient.patientId}/appointments`;
    expect((await t.app.inject({ method: 'GET', url, headers: bearer(w.tokens.sitter) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url, headers: bearer(w.tokens.otherPatient) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url, headers: bearer(w.tokens.admin) })).statusCode).toBe(404);
    const viaBody = await t.app.inject({ method: 'POST', url: '/api/v1/appointments', headers: bearer(w.tokens.otherPatient), payload: { patientId: w.patient.patientId, staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-02T14:00:00Z' } });
    expect(viaBody.statusCode).toBe(404);
    const sitterBooks = await book(w.tokens.sitter, w.patient.patientId, { staffId: w.clinician.id, kind: 'clinician_follow_up', startsAt: '2026-06-02T14:00:00Z' });
    expect(sitterBooks.statusCode).toBe(404);
    expect(await t.database.db.selectFrom('appointments').select('id').where('patient_id', '=', w.patient.patientId).execute()).toHaveLength(0);
    // Availability: another clinician cannot rewrite this clinician's hours.
    const stranger = await createCareWorld(t);
    const rewrite = await t.app.inject({ method: 'PUT', url: `/api/v1/staff/${w.clinician.id}/availability`, headers: bearer(stranger.tokens.clinician), payload: { weekly: [] } });
    expect(rewrite.statusCode).toBe(404);
    const sitterReads = await t.app.inject({ method: 'GET', url: `/api/v1/staff/${w.clinician.id}/availability`, headers: bearer(w.tokens.sitter) });
    expect(sitterReads.statusCode).toBe(404);
  });
});
