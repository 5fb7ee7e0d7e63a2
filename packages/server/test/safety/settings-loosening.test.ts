// Attack tests: clinical limits loosened by one person, or past the published cut-offs
// (docs/safety/SETTINGS_BOUNDS.md, docs/safety/SETTINGS_CHANGE_COSIGNED.md). Settings are program-wide, so each test
// gets an app (and database) of its own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testPassword } from '../support/factories.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { authorize, changeSettings, codes, expectStatus, login, prepare, readyWorld, schedule, start, type World } from '../treatment/treatment-world.ts';
import { authorizedSession, openAlerts, post, tokenSentTo } from './safety-helpers.ts';

let t: TestContext;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const version = async (w: World) => (await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200)).json<{ version: number }>().version;
const put = async (w: World, body: unknown) => w.call('admin', 'PUT', '/api/v1/settings', body, { 'if-match': `"${await version(w)}"` });

describe('settings changes', () => {
  it('narrowing the vitals "human range" on the admin’s word alone cannot hide a hypertensive reading during a session', async () => {
    const w = await readyWorld(t);
    // A range that would make 165/105 "not possible" is outside the hard bounds, whoever signs.
    const change = await put(w, { settings: { dosing: { vitalsHumanRange: { systolicMmHg: { min: 50, max: 165 }, diastolicMmHg: { min: 20, max: 105 } } } }, reason: 'Typo guard' });
    expect(change.statusCode, change.body).toBe(422);
    expect(change.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['settings.dosing.vitalsHumanRange.systolicMmHg', 'settings.dosing.vitalsHumanRange.diastolicMmHg']);
    // Moving it at all is a prescriber's decision, never the admin's alone.
    const widened = await put(w, { settings: { dosing: { vitalsHumanRange: { systolicMmHg: { min: 50, max: 320 } } } }, reason: 'New cuff' });
    expect(widened.statusCode, widened.body).toBe(202);
    const id = await authorizedSession(w);
    await start(w, id);
    w.t.clock.advanceMinutes(40);
    await w.refresh();
    // The sitter measures 200/115 at the peak: it must be recorded and reach the clinician.
    const r = await post(w, 'sitter', `/api/v1/sessions/${id}/vitals`, { phase: 'during', systolicMmHg: 200, diastolicMmHg: 115, heartRateBpm: 118 });
    expect(r.statusCode, r.body).toBe(201);
    expect((await openAlerts(w)).map((a) => a.code)).toContain('SESSION_VITALS_ABOVE_LIMITS');
  });

  it('an administrator cannot be both proposer and "prescriber": a clinician account the admin just created for themself cannot sign', async () => {
    const w = await readyWorld(t);
    const proposed = await expectStatus(put(w, { settings: { dosing: { maxDoseMgByRoute: { sublingual: 600 } } }, reason: 'More room to titrate' }), 202);
    const proposalId = proposed.json<{ proposal: { id: string } }>().proposal.id;
    // The same administrator creates a "clinician" with a DEA number of their choosing, at a mailbox they read.
    const alias = `medical-director-${crypto.randomUUID()}@example.test`;
    await expectStatus(w.call('admin', 'POST', '/api/v1/users', { email: alias, name: 'Dr Alias', role: 'clinician', deaRegistration: 'AB1234563', stateLicenses: ['CA'] }), 201);
    const token = await tokenSentTo(t, alias);
    await expectStatus(t.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: testPassword } }), 204);
    const aliasToken = await login(t, { email: alias });
    const signed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/settings/proposals/${proposalId}/sign`,
      headers: { authorization: `Bearer ${aliasToken}` },
      payload: { signature: { password: testPassword } },
    });
    expect(signed.statusCode, signed.body.slice(0, 300)).not.toBe(200);
    const now = (await expectStatus(w.call('admin', 'GET', '/api/v1/settings'), 200)).json<{ settings: { dosing: { maxDoseMgByRoute: { sublingual: number } } } }>();
    expect(now.settings.dosing.maxDoseMgByRoute.sublingual).toBe(450);
  });

  it('the PHQ-9 item 9 hold (docs/clinical-basis.md: item 9 > 0 holds dosing) has a hard bound: it cannot be switched off by a setting', async () => {
    const w = await readyWorld(t);
    const r = await put(w, { settings: { instruments: { phq9Item9FlagAbove: 3 } }, reason: 'Too many holds' });
    if (r.statusCode === 202) {
      // Signed by a prescriber: item 9 = 2 ("more than half the days") must still hold the next dose.
      await changeSettings(w, { instruments: { phq9Item9FlagAbove: 3 } }, 'Too many holds');
      const phq9 = { q1: 2, q2: 2, q3: 1, q4: 1, q5: 0, q6: 1, q7: 0, q8: 0, q9: 2, q10: 1 };
      await expectStatus(post(w, 'patient', `/api/v1/patients/${w.patient.patientId}/assessments`, { instrument: 'phq9', answers: phq9, context: 'followup' }), 201);
      const id = await schedule(w);
      await prepare(w, id);
      expect(codes(await authorize(w, id))).toContain('ALERT_HOLDS_DOSING');
    } else {
      expect(r.statusCode, r.body).toBe(422);
    }
  });
});
