import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { authorizedGateInput } from '../gate/fixtures.ts';
import { defaultDosingSettings } from '../settings/program-settings.ts';
import {
  authorizationExpired,
  authorizationExpiresAt,
  doseTimesForPacing,
  evaluateCompletion,
  evaluateStart,
  lastDoseAt,
  type BaselineConfirmation,
  type SessionPacingRecord,
} from './session-lifecycle.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const at = (minutesFromNow: number): string => new Date(NOW.getTime() + minutesFromNow * 60_000).toISOString();

const session = (over: Partial<SessionPacingRecord> & { id: string }): SessionPacingRecord => ({
  status: 'scheduled',
  authorizedAt: null,
  authorizationExpiresAt: null,
  startedAt: null,
  ...over,
});

describe('doseTimesForPacing: the interval counts from the dose actually taken', () => {
  const table: [string, SessionPacingRecord, string[]][] = [
    ['a completed session counts from its start, not its authorization', session({ id: 's', status: 'completed', authorizedAt: at(-200), startedAt: at(-180) }), [at(-180)]],
    ['a session aborted after the dose still counts', session({ id: 's', status: 'aborted', authorizedAt: at(-100), startedAt: at(-90) }), [at(-90)]],
    ['an expired authorization is not a dose', session({ id: 's', status: 'expired', authorizedAt: at(-100), authorizationExpiresAt: at(-70) }), []],
    ['an authorization still open blocks a second one beside it', session({ id: 's', status: 'authorized', authorizedAt: at(-10), authorizationExpiresAt: at(20) }), [at(-10)]],
    ['an open authorization past its expiry no longer counts', session({ id: 's', status: 'authorized', authorizedAt: at(-40), authorizationExpiresAt: at(-10) }), []],
    ['an authorization with an unreadable expiry keeps counting (fail closed)', session({ id: 's', status: 'authorized', authorizedAt: at(-40), authorizationExpiresAt: 'soon' }), [at(-40)]],
    ['an authorization aborted before the dose is not a dose', session({ id: 's', status: 'aborted', authorizedAt: at(-40), authorizationExpiresAt: at(-10) }), []],
    ['a scheduled session is not a dose', session({ id: 's', status: 'scheduled' }), []],
  ];
  it.each(table)('%s', (_name, s, expected) => {
    expect(doseTimesForPacing([s], NOW)).toEqual(expected);
  });
  it('leaves out the session being decided on', () => {
    const s = session({ id: 'me', status: 'in_progress', authorizedAt: at(-20), startedAt: at(-10) });
    expect(doseTimesForPacing([s], NOW, 'me')).toEqual([]);
  });
  it('lastDoseAt is the latest start', () => {
    expect(
      lastDoseAt([
        session({ id: 'a', status: 'completed', startedAt: at(-5000) }),
        session({ id: 'b', status: 'aborted', startedAt: at(-100) }),
        session({ id: 'c', status: 'expired', authorizedAt: at(-10) }),
      ]),
    ).toBe(at(-100));
    expect(lastDoseAt([session({ id: 'c', status: 'expired', authorizedAt: at(-10) })])).toBeNull();
  });
});

describe('authorization lifetime', () => {
  it.each([
    [30, '2026-03-10T12:30:00.000Z'],
    [10, '2026-03-10T12:10:00.000Z'],
    // Never beyond the hard bound of 60 minutes, whatever a stored setting says.
    [240, '2026-03-10T13:00:00.000Z'],
  ])('%s minutes → expires at %s', (minutes, expected) => {
    expect(authorizationExpiresAt(NOW, { authorizationValidMinutes: minutes }).toISOString()).toBe(expected);
  });
  it.each([
    [at(1), false],
    [at(0), true],
    [at(-1), true],
    [null, true],
    ['not a time', true],
  ])('expiry %s → expired %s', (expiresAt, expired) => {
    expect(authorizationExpired(expiresAt, NOW)).toBe(expired);
  });
});

describe('evaluateStart: the gate again, on the data as it stands at start', () => {
  const settings = defaultDosingSettings;
  it('allows a start inside the window on fresh inputs', () => {
    const input = authorizedGateInput(NOW);
    expect(evaluateStart(input, { expiresAt: at(5) }, NOW, settings).kind).toBe('authorized');
  });
  it('refuses an expired authorization even when every input is fresh', () => {
    const d = evaluateStart(authorizedGateInput(NOW), { expiresAt: at(-1) }, NOW, settings);
    expect(d.kind === 'blocked' && d.reasons.map((r) => r.code)).toEqual(['AUTHORIZATION_EXPIRED']);
  });
  it('refuses a start on a 71-hour-old attestation and vitals with every reason', () => {
    const old = new Date(NOW.getTime() - 71 * 3_600_000);
    const input = authorizedGateInput(old);
    const d = evaluateStart(input, { expiresAt: new Date(old.getTime() + 30 * 60_000).toISOString() }, NOW, settings);
    expect(d.kind).toBe('blocked');
    const codes = d.kind === 'blocked' ? d.reasons.map((r) => r.code) : [];
    expect(codes).toEqual(['AUTHORIZATION_EXPIRED', 'SITTER_ATTESTATION_STALE', 'VITALS_STALE', 'CHECKLIST_STALE']);
  });
  it('refuses a start when a hold was raised after authorization', () => {
    const input = { ...authorizedGateInput(NOW), openAlerts: [{ id: 'phq9', holdsDosing: true, severity: 'high' }] };
    const d = evaluateStart(input, { expiresAt: at(5) }, NOW, settings);
    expect(d.kind === 'blocked' && d.reasons.map((r) => r.code)).toEqual(['ALERT_HOLDS_DOSING']);
  });
});

describe('evaluateCompletion: never against the sitter, never before the observation time', () => {
  const settings = { minObservationMinutes: 60 };
  const startedAt = at(-90);
  const sitter = 'sitter-1';
  const confirm = (minutesFromNow: number, backToBaseline: boolean, by = sitter): BaselineConfirmation => ({
    sitterUserId: by,
    confirmedAt: at(minutesFromNow),
    backToBaseline,
  });
  const table: [string, { startedAt: string | null; confirmations: BaselineConfirmation[] }, Date, string[]][] = [
    ['sitter confirmed after the observation time', { startedAt, confirmations: [confirm(-5, true)] }, NOW, []],
    ['no confirmation at all', { startedAt, confirmations: [] }, NOW, ['SITTER_BASELINE_NOT_CONFIRMED']],
    ['the sitter says not yet', { startedAt, confirmations: [confirm(-5, false)] }, NOW, ['SITTER_SAYS_NOT_BASELINE']],
    ['a "not yet" after a "yes" keeps it open', { startedAt, confirmations: [confirm(-20, true), confirm(-5, false)] }, NOW, ['SITTER_SAYS_NOT_BASELINE']],
    ['a "yes" after a "not yet" closes it', { startedAt, confirmations: [confirm(-20, false), confirm(-5, true)] }, NOW, []],
    // A "yes" before the peak has passed says nothing about recovery: it does not count.
    ['one minute after the dose, with a "yes" at once', { startedAt: at(-1), confirmations: [confirm(0, true)] }, NOW, ['OBSERVATION_TIME_NOT_MET', 'SITTER_BASELINE_NOT_CONFIRMED']],
    ['a "yes" 44 minutes after the dose, the session then 90 minutes old', { startedAt, confirmations: [confirm(-46, true)] }, NOW, ['SITTER_BASELINE_NOT_CONFIRMED']],
    ['a "yes" exactly 45 minutes after the dose', { startedAt, confirmations: [confirm(-45, true)] }, NOW, []],
    // A "not yet" counts whenever it was said.
    ['a "not yet" one minute after the dose', { startedAt: at(-1), confirmations: [confirm(0, false)] }, NOW, ['OBSERVATION_TIME_NOT_MET', 'SITTER_SAYS_NOT_BASELINE']],
    ['a "yes" from an assigned sitter who did not attest for this session', { startedAt, confirmations: [confirm(-5, true, 'sitter-2')] }, NOW, ['SITTER_BASELINE_NOT_CONFIRMED']],
    ['exactly at the minimum observation time', { startedAt: at(-60), confirmations: [confirm(-1, true)] }, NOW, []],
    ['one minute short of it', { startedAt: at(-59), confirmations: [confirm(-1, true)] }, NOW, ['OBSERVATION_TIME_NOT_MET']],
    ['a statement by someone who is not the assigned sitter', { startedAt, confirmations: [confirm(-5, true, 'patient-user')] }, NOW, ['SITTER_BASELINE_NOT_CONFIRMED']],
    ['a statement from before the dose', { startedAt, confirmations: [confirm(-100, true)] }, NOW, ['SITTER_BASELINE_NOT_CONFIRMED']],
    ['a statement dated in the future', { startedAt, confirmations: [confirm(5, true)] }, NOW, ['SITTER_BASELINE_NOT_CONFIRMED']],
    ['no start time', { startedAt: null, confirmations: [confirm(-5, true)] }, NOW, ['OBSERVATION_TIME_NOT_MET', 'SITTER_BASELINE_NOT_CONFIRMED']],
  ];
  it.each(table)('%s → %j', (_name, input, now, codes) => {
    const d = evaluateCompletion({ ...input, assignedSitterIds: [sitter, 'sitter-2'], presentSitterIds: [sitter] }, now, settings);
    expect(d.kind === 'not_yet' ? d.reasons.map((r) => r.code) : []).toEqual(codes);
    expect(d.kind).toBe(codes.length === 0 ? 'may_complete' : 'not_yet');
  });
  it('never shortens observation below the 45-minute floor, whatever the setting', () => {
    const d = evaluateCompletion({ startedAt: at(-30), assignedSitterIds: [sitter], presentSitterIds: [sitter], confirmations: [confirm(-1, false)] }, NOW, { minObservationMinutes: 5 });
    expect(d.kind === 'not_yet' && d.reasons.map((r) => r.code)).toEqual(['OBSERVATION_TIME_NOT_MET', 'SITTER_SAYS_NOT_BASELINE']);
    expect(d.kind === 'not_yet' && d.observationEndsAt).toBe(at(15));
  });
  it('property: whatever the statements, a session closes only if the latest valid one is a "yes" made after the peak', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ minute: fc.integer({ min: -120, max: 10 }), yes: fc.boolean(), assigned: fc.boolean() }), { maxLength: 8 }),
        (statements) => {
          const confirmations = statements.map((s, i) => ({
            sitterUserId: s.assigned ? sitter : 'someone-else',
            confirmedAt: new Date(NOW.getTime() + s.minute * 60_000 + i).toISOString(),
            backToBaseline: s.yes,
          }));
          const d = evaluateCompletion({ startedAt, assignedSitterIds: [sitter], presentSitterIds: [sitter], confirmations }, NOW, settings);
          const valid = statements
            .map((s, i) => ({ ...s, t: s.minute * 60_000 + i }))
            .filter((s) => s.assigned && s.minute >= -90 && s.t <= 0)
            .sort((a, b) => b.t - a.t);
          // Started 90 minutes ago: the peak passed 45 minutes ago.
          const latest = valid[0];
          expect(d.kind === 'may_complete').toBe(latest?.yes === true && latest.t >= -45 * 60_000);
        },
      ),
    );
  });
});
