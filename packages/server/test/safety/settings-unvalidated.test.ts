// Attack tests: monitoring settings one administrator could apply that would break the emergency paths (a negative
// escalation delay, a huge lookback, a zero check interval) — each must be refused (docs/safety/SETTINGS_BOUNDS.md).
// Settings are program-wide, so each test gets its own app and database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { expectStatus, readyWorld, start, type World } from '../treatment/treatment-world.ts';
import { authorizedSession, openAlerts, post } from './safety-helpers.ts';

let t: TestContext;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const version = async (w: World) => (await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200)).json<{ version: number }>().version;
const put = async (w: World, settings: unknown) => w.call('admin', 'PUT', '/api/v1/settings', { settings, reason: 'Faster escalation' }, { 'if-match': `"${await version(w)}"` });

describe('monitoring settings an administrator applies alone', () => {
  it('a "faster" escalation (a negative number of minutes) is refused — otherwise no emergency alert can be raised at all', async () => {
    const w = await readyWorld(t);
    const change = await put(w, { monitoring: { alerts: { escalateAfterMinutes: { critical: -1e12 } } } });
    if (change.statusCode !== 200) {
      expect(change.statusCode).toBe(422);
      return;
    }
    // Applied on one person's word. Now the sitter finds the patient unresponsive:
    const id = await authorizedSession(w);
    await start(w, id);
    const r = await post(w, 'sitter', `/api/v1/sessions/${id}/check-ins`, { responsive: false, breathingNormally: true, concern: true });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(201);
    expect((await openAlerts(w)).map((a) => a.code)).toContain('SESSION_EMERGENCY');
  });

  it('a "longer" warning-sign lookback is bounded — otherwise every write that re-reads the signs (the sitter’s emergency included) fails', async () => {
    const w = await readyWorld(t);
    const change = await put(w, { monitoring: { warningSigns: { lookbackDays: 1e9 } } });
    if (change.statusCode !== 200) {
      expect(change.statusCode).toBe(422);
      return;
    }
    const id = await authorizedSession(w);
    await start(w, id);
    const r = await post(w, 'sitter', `/api/v1/sessions/${id}/concerns`, { emergency: true, note: 'Lips turning blue' });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(201);
    expect((await openAlerts(w)).map((a) => a.code)).toContain('SESSION_EMERGENCY');
  });

  it('a craving run length that is not a whole number from 2 to 11 is refused — the database would read a different run than the rule, or none', async () => {
    const w = await readyWorld(t);
    for (const risingCheckIns of [2.5, 1, 12, 2 ** 31]) {
      const change = await put(w, { monitoring: { warningSigns: { craving: { risingCheckIns } } } });
      expect(change.statusCode, String(risingCheckIns)).toBe(422);
      expect(change.body).toContain('warningSigns.craving.risingCheckIns');
    }
    // A whole number in range is taken (applied, or proposed for a second clinician's signature when it relaxes the rule).
    expect([200, 202]).toContain((await put(w, { monitoring: { warningSigns: { craving: { risingCheckIns: 4 } } } })).statusCode);
  });

  it('a sitter-check interval of 0 minutes is refused (applied, every GET of an in-progress session loops forever and freezes the server)', async () => {
    const w = await readyWorld(t);
    // Not exercised further here: sitterCheckSlots(…, intervalMinutes = 0) never returns (checked outside the suite),
    // and it runs on the event loop of the one server process.
    const change = await put(w, { monitoring: { alerts: { sitterChecks: { intervalMinutes: 0 } } } });
    expect(change.statusCode, change.body.slice(0, 300)).toBe(422);
  });
});
