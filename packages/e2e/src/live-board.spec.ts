import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { codesIn, demoPassword, seriousViolations, shot, until } from './browser-helpers.ts';
import { launchChromium, startKeel, type KeelProcess } from './server-process.ts';

/**
 * The live session board, the session channel and the on-call rota against the real server and its demo program.
 * Sam Patel's session (booked for later today in the demo) is run up to "in progress" through the API as Sam and
 * as Sam's sitter (each with their own sign-in); the clinician watches the board in Chromium while the sitter
 * records a check, and the board changes without a reload, driven by the server's event stream.
 */

type Call = <T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: T }>;

let keel: KeelProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
let sessionId = '';
let patientId = '';

/** An API client signed in as a demo user with a bearer token (the same login a phone app would use). */
async function apiAs(email: string): Promise<Call> {
  const login = await fetch(`${keel.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: demoPassword }) });
  expect(login.status, `sign-in as ${email}`).toBe(200);
  const { token } = (await login.json()) as { token: string };
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${keel.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
  };
}

/** A Chromium page signed in (by cookie) as a demo user. */
async function pageAs(email: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const response = await context.request.post(`${keel.url}/api/v1/auth/login`, { data: { email, password: demoPassword } });
  expect(response.status(), `sign-in as ${email}`).toBe(200);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

let patient: Call;
let sitter: Call;

beforeAll(async () => {
  // The board's countdown is moved forward on the browser's clock below; a long idle limit keeps that jump from
  // signing the clinician out.
  keel = await startKeel({ KEEL_STAFF_IDLE_MINUTES: '120' });
  browser = await launchChromium();
  patient = await apiAs('patient@keel.demo');
  sitter = await apiAs('sitter@keel.demo');

  // Sam's session for later today: checklist and vitals as Sam, presence and sobriety as the sitter, the safety
  // check, then the dose.
  const me = await patient<{ patientId: string }>('GET', '/me');
  patientId = me.body.patientId;
  const sessions = await patient<{ items: { id: string; status: string }[] }>('GET', `/patients/${patientId}/sessions`);
  sessionId = sessions.body.items.find((s) => s.status === 'scheduled')?.id ?? '';
  expect(sessionId, 'the demo books Sam a session today').not.toBe('');
  const s = `/sessions/${sessionId}`;
  expect((await patient('POST', `${s}/checklist`, { fastedHours: 6, alcohol24h: false, sedatives24h: false, cannabis24h: false, newMedication: false, safeSetting: true })).status).toBe(201);
  expect((await patient('POST', `${s}/vitals`, { phase: 'pre', systolicMmHg: 128, diastolicMmHg: 82, heartRateBpm: 74, spo2Pct: 98 })).status).toBe(201);
  expect((await sitter('POST', `${s}/sitter-attestation`, { present: true, sober: true })).status).toBe(201);
  const authorized = await patient<{ outcome: string }>('POST', `${s}/authorize`, {}, { 'idempotency-key': crypto.randomUUID() });
  expect(authorized.body.outcome, JSON.stringify(authorized.body)).toBe('authorized');
  expect((await patient('POST', `${s}/start`, {})).status).toBe(200);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await keel?.stop();
});

describe('the live board', () => {
  let board: Page;

  it('shows the session under way, live, and a sitter’s check arrives without a reload', async () => {
    board = await pageAs('clinician@keel.demo');
    // The countdown is local: a controllable clock, running at normal speed until the overdue step moves it.
    await board.clock.install();
    await board.goto(`${keel.url}/clinician/board`);
    await board.getByRole('heading', { level: 1, name: 'Live board' }).waitFor();
    const row = board.locator(`[data-testid="board-row"][data-session-id="${sessionId}"]`);
    await row.waitFor();
    expect(await row.getByRole('link', { name: 'Sam Patel', exact: true }).getAttribute('href')).toBe(`/clinician/patients/${patientId}`);
    await until(() => board.getByTestId('live-indicator').getAttribute('data-state')).toBe('live');
    expect(await board.getByTestId('live-indicator').textContent()).toBe('Live');
    expect(await row.getByTestId('last-check').textContent()).toMatch(/^No check yet/);
    expect(await row.getByTestId('since-dose').textContent()).toMatch(/^Dosed \d+ s ago/);

    // No navigation from here on: the same document must show the check.
    let navigations = 0;
    board.on('framenavigated', (frame) => {
      if (frame === board.mainFrame()) navigations += 1;
    });
    await board.evaluate(() => {
      (window as unknown as { boardMarker: string }).boardMarker = 'still here';
    });

    const check = await sitter('POST', `/sessions/${sessionId}/check-ins`, { responsive: true, breathingNormally: true, concern: false });
    expect(check.status).toBe(201);
    await until(() => row.getByTestId('last-check').textContent(), 5_000).toMatch(/^Last check today at/);
    expect(await row.getByTestId('next-check').textContent()).toMatch(/^Next check due in 1[45]:\d\d/);
    expect(await row.getAttribute('data-overdue')).toBe('false');
    expect(navigations).toBe(0);
    expect(await board.evaluate(() => (window as unknown as { boardMarker?: string }).boardMarker)).toBe('still here');
    expect(codesIn(await board.locator('body').innerText())).toEqual([]);
    expect(await seriousViolations(board)).toEqual([]);
    await shot(board, 'live-board');
  });

  it('says “due now” when the next check falls due, then turns red with “overdue” in words past the grace', async () => {
    const row = board.locator(`[data-testid="board-row"][data-session-id="${sessionId}"]`);
    // The browser's clock moves on; nothing is refetched: the countdown alone. Sixteen minutes on, the check (every
    // 15) is due but within the 5-minute grace of the server's overdue rule.
    await board.clock.setSystemTime(Date.now() + 16 * 60_000);
    await until(() => row.getAttribute('data-check'), 5_000).toBe('due');
    expect(await row.getByTestId('next-check').textContent()).toMatch(/^Due now: check due \d+:\d\d ago/);
    expect(await row.getAttribute('data-overdue')).toBe('false');
    // Twenty-one minutes on: past the grace, overdue.
    await board.clock.setSystemTime(Date.now() + 21 * 60_000);
    await until(() => row.getAttribute('data-overdue'), 5_000).toBe('true');
    expect(await row.getByTestId('next-check').textContent()).toMatch(/^Overdue: check overdue by \d+:\d\d/);
    expect(await row.getByTestId('attention').textContent()).toContain('sitter check overdue');
    // Red beside the words: the text's colour is a dark red.
    const [r = 0, g = 255, b = 255] = (await row.getByTestId('next-check').evaluate((el) => getComputedStyle(el).color)).match(/\d+/g)?.map(Number) ?? [];
    expect(r > 120 && g < 80 && b < 80, `rgb(${r}, ${g}, ${b})`).toBe(true);
    await shot(board, 'live-board-overdue');
  });

  it('opens the session channel from the card; the sitter’s message arrives by the stream, an urgent one flagged', async () => {
    const row = board.locator(`[data-testid="board-row"][data-session-id="${sessionId}"]`);
    await row.getByRole('button', { name: /Open channel/ }).click();
    const drawer = board.getByRole('dialog');
    await drawer.getByRole('heading', { name: 'Session channel' }).waitFor();
    await until(() => drawer.getByText('No messages yet.').isVisible()).toBe(true);
    expect((await sitter('POST', `/sessions/${sessionId}/channel`, { body: 'Sam is calm and resting.' })).status).toBe(201);
    await until(() => drawer.getByTestId('channel-message').count(), 5_000).toBe(1);
    await drawer.getByRole('textbox', { name: 'Message' }).fill('Thanks. Call me if anything changes.');
    await drawer.getByRole('button', { name: 'Send message' }).click();
    await until(() => drawer.getByTestId('channel-message').count()).toBe(2);
    expect(await drawer.getByTestId('channel-message').nth(1).textContent()).toContain('Thanks. Call me if anything changes.');
    // Sam writes words of crisis: flagged urgent by the messaging module's detector, shown with the word "Urgent".
    expect((await patient<{ urgent: boolean }>('POST', `/sessions/${sessionId}/channel`, { body: 'I want to end it all' })).body.urgent).toBe(true);
    await until(() => drawer.getByTestId('channel-message').count(), 5_000).toBe(3);
    expect(await drawer.getByTestId('channel-message').nth(2).textContent()).toMatch(/Sam Patel.*Patient.*Urgent.*I want to end it all/);
    expect(await seriousViolations(board)).toEqual([]);
    await shot(board, 'live-board-channel');
    await drawer.getByRole('button', { name: 'Close the channel' }).click();
  });

  it('stacks the cards on a phone', async () => {
    const phone = await pageAs('clinician@keel.demo', { width: 390, height: 844 });
    await phone.goto(`${keel.url}/clinician/board`);
    const row = phone.locator(`[data-testid="board-row"][data-session-id="${sessionId}"]`);
    await row.waitFor();
    const box = await row.boundingBox();
    expect(box?.width ?? 0).toBeLessThanOrEqual(390);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await seriousViolations(phone)).toEqual([]);
    await shot(phone, 'live-board-390');
  });
});

describe('the session channel on the sitter’s and the patient’s screens', () => {
  it('shows the same messages on the sitter’s phone and on Sam’s session page, and sends from there', async () => {
    const sitterPage = await pageAs('sitter@keel.demo', { width: 390, height: 844 });
    await sitterPage.goto(`${keel.url}/sitter`);
    const channel = sitterPage.getByTestId('session-channel');
    await channel.getByRole('heading', { name: 'Message the care team' }).waitFor();
    await until(() => channel.getByTestId('channel-message').count()).toBe(3);
    await channel.getByRole('textbox', { name: 'Message' }).fill('Checked again: calm, breathing normally.');
    await channel.getByRole('button', { name: 'Send message' }).click();
    await until(() => channel.getByTestId('channel-message').count()).toBe(4);
    expect(await seriousViolations(sitterPage)).toEqual([]);
    await shot(sitterPage, 'sitter-session-channel-390');

    const patientPage = await pageAs('patient@keel.demo', { width: 390, height: 844 });
    await patientPage.goto(`${keel.url}/patient/sessions/${sessionId}`);
    const own = patientPage.getByTestId('session-channel');
    await own.getByRole('heading', { name: 'Messages during this session' }).waitFor();
    // Polled every 5 s: the sitter's latest message is there.
    await until(() => own.getByTestId('channel-message').count(), 10_000).toBe(4);
    expect(await own.getByTestId('channel-message').last().textContent()).toContain('Checked again: calm, breathing normally.');
    expect(await seriousViolations(patientPage)).toEqual([]);
  });
});

describe('the account’s phone number', () => {
  it('the sitter changes their number on their account; the board’s “Call sitter” dials the new one', async () => {
    const page = await pageAs('sitter@keel.demo', { width: 390, height: 844 });
    await page.goto(`${keel.url}/sitter/account`);
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    const field = page.getByRole('textbox', { name: 'Phone number' });
    expect(await field.inputValue()).toBe('+15105550147');
    await field.fill('(510) 555-0148');
    await page.getByRole('button', { name: 'Save phone number' }).click();
    await until(() => page.getByText('Saved: +15105550148.').isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    const board = await pageAs('clinician@keel.demo');
    await board.goto(`${keel.url}/clinician/board`);
    const row = board.locator(`[data-testid="board-row"][data-session-id="${sessionId}"]`);
    await row.waitFor();
    expect(await row.getByRole('link', { name: /^Call sitter/ }).getAttribute('href')).toBe('tel:+15105550148');
    expect(await row.getByRole('link', { name: /^Call patient/ }).getAttribute('href')).toBe('tel:+15105550123');
  });
});

describe('the on-call rota', () => {
  let admin: Page;

  // The demo's rota covers the next two weeks' days and the first week's nights; the second week's nights are open.
  const newYorkDay = (daysAhead: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(Date.now() + daysAhead * 86_400_000));
  const evening = /8:00\s?PM – 11:00\s?PM E[SD]T/;

  it('adds a shift into a gap and shows it under its day; an overlapping one is refused in plain words', async () => {
    admin = await pageAs('admin@keel.demo');
    await admin.goto(`${keel.url}/admin/on-call`);
    await admin.getByRole('heading', { level: 1, name: 'On-call rota' }).waitFor();
    await admin.getByTestId('coverage-gaps').waitFor();
    expect(await admin.getByTestId('coverage-gaps').textContent()).toMatch(/No one is on call from/);
    await admin.getByTestId('shift').first().waitFor();
    const before = await admin.getByTestId('shift').count();

    const form = admin.locator('form[aria-labelledby="add-shift-heading"]');
    const clinicianName = await form.getByLabel('On call').locator('option').nth(1).textContent();
    await form.getByLabel('On call').selectOption({ index: 1 });
    await form.getByLabel('Time zone').selectOption('America/New_York');
    // An evening in the second week, 8 PM to 11 PM New York time: nobody covers it yet.
    const day = newYorkDay(10);
    await form.getByLabel('Starts').fill(`${day}T20:00`);
    await form.getByLabel('Ends').fill(`${day}T23:00`);
    await form.getByRole('button', { name: 'Add shift' }).click();
    const added = admin.getByTestId('shift').filter({ hasText: clinicianName ?? '' }).filter({ hasText: evening });
    await until(() => added.count()).toBe(1);
    expect(await admin.getByTestId('shift').count()).toBe(before + 1);
    await shot(admin, 'on-call-rota');

    // Overlapping it by an hour.
    await form.getByLabel('Starts').fill(`${day}T22:00`);
    await form.getByLabel('Ends').fill(`${newYorkDay(11)}T01:00`);
    await form.getByRole('button', { name: 'Add shift' }).click();
    const overlap = admin.getByTestId('overlap-error');
    await overlap.waitFor();
    expect(await overlap.textContent()).toContain(`It overlaps ${clinicianName ?? ''}’s shift`);
    expect(await admin.getByTestId('shift').count()).toBe(before + 1);
    expect(codesIn(await admin.locator('body').innerText())).toEqual([]);
    expect(await seriousViolations(admin)).toEqual([]);
    await shot(admin, 'on-call-rota-overlap');
  });

  it('cancels a shift after a confirmation that names it', async () => {
    const before = await admin.getByTestId('shift').count();
    const extra = admin.locator('form[aria-labelledby="add-shift-heading"]');
    await extra.getByLabel('Starts').fill(`${newYorkDay(12)}T20:00`);
    await extra.getByLabel('Ends').fill(`${newYorkDay(12)}T23:00`);
    await extra.getByRole('button', { name: 'Add shift' }).click();
    await until(() => admin.getByTestId('shift').count()).toBe(before + 1);
    await admin.getByTestId('shift').filter({ hasText: evening }).last().getByRole('button', { name: /^Cancel .*shift/ }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByText(evening).waitFor();
    await dialog.getByRole('button', { name: 'Cancel shift' }).click();
    await until(() => admin.getByTestId('shift').count()).toBe(before);
  });

  it('is usable on a phone', async () => {
    const phone = await pageAs('admin@keel.demo', { width: 390, height: 844 });
    await phone.goto(`${keel.url}/admin/on-call`);
    await phone.getByTestId('shift').first().waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(phone, 'on-call-rota-390');
  });
});
