import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { createPatient, createUser, testPassword } from '../support/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

let n = 0;
const address = () => `10.77.${Math.floor(++n / 250)}.${(n % 250) + 1}`;
const attempt = (email: string, password: string, remoteAddress: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

describe('sign-in limits count failures, and never lock a named account', () => {
  it('lets thirty-five people sign in from one clinic address, several times each', async () => {
    const clinic = address();
    const staff = await Promise.all(Array.from({ length: 35 }, (_, i) => (i % 5 === 0 ? createUser(t, 'coach') : createPatient(t))));
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++) for (const person of staff) statuses.push((await attempt(person.email, testPassword, clinic)).statusCode);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('delays one address guessing one account progressively: three free failures, then 1 s, 2 s, 4 s …', async () => {
    const user = await createPatient(t);
    const guesser = address();
    for (let i = 0; i < 3; i++) expect((await attempt(user.email, 'wrong wrong wrong', guesser)).statusCode).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const early = await attempt(user.email, 'wrong wrong wrong', guesser);
      expect(early.statusCode).toBe(429);
      const wait = early.json<{ retryAfterSeconds: number }>().retryAfterSeconds;
      waits.push(wait);
      t.clock.advance(wait * 1000);
      expect((await attempt(user.email, 'wrong wrong wrong', guesser)).statusCode).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4]);
    // Even the right password waits its turn from that address, then gets in.
    const right = await attempt(user.email, testPassword, guesser);
    expect(right.statusCode).toBe(429);
    t.clock.advance(right.json<{ retryAfterSeconds: number }>().retryAfterSeconds * 1000);
    expect((await attempt(user.email, testPassword, guesser)).statusCode).toBe(200);
  });

  it('lets the owner in from an address they used before while strangers keep failing', async () => {
    const user = await createPatient(t);
    const home = address();
    expect((await attempt(user.email, testPassword, home)).statusCode).toBe(200);
    for (let i = 0; i < 20; i++) {
      await attempt(user.email, `stranger guess ${i}`, address());
      t.clock.advance(500);
    }
    expect((await attempt(user.email, testPassword, home)).statusCode).toBe(200);
  });

  it('stops an address that fails thirty times across accounts, for that address only', async () => {
    const sprayer = address();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await attempt(`spray.${i}.${n}@example.test`, 'guess guess guess', sprayer)).statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    expect(statuses.at(-1)).toBe(429);
    const bystander = await createPatient(t);
    expect((await attempt(bystander.email, testPassword, address())).statusCode).toBe(200);
  });
});
