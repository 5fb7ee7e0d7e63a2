import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { codesIn, seriousViolations, shot } from './browser-helpers.ts';
import { launchChromium, startKeel, type KeelProcess } from './server-process.ts';

/**
 * Every main page of every role, as its person sees it: the visible text must never show an ISO instant, an enum
 * code in SCREAMING_CASE or snake_case, or an id; axe finds no serious or critical violation; and a screenshot of
 * each page at 1280 px and at 390 px (a phone) lands in packages/e2e/screenshots/ to be looked at. On the phone,
 * no page scrolls sideways: every table is stacked, every action within reach.
 */

let keel: KeelProcess;
let browser: Browser;
const contexts = new Map<string, BrowserContext>();

beforeAll(async () => {
  keel = await startKeel();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts.values()) await c.close();
  await browser?.close();
  await keel?.stop();
});

async function pageFor(role: string | null): Promise<Page> {
  const key = role ?? 'signed-out';
  let context = contexts.get(key);
  if (!context) {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.set(key, context);
    if (role) {
      const response = await context.request.post(`${keel.url}/api/v1/auth/login`, { data: { email: `${role}@keel.demo`, password: 'keel-demo-2026' } });
      expect(response.status(), `sign-in as ${role}`).toBe(200);
    }
  }
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

async function settle(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.getByText(/^Loading/).count(), { timeout: 20_000 }).toBe(0);
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
}

/** Opens each page at 1280 px and 390 px; returns every problem found, by page. */
async function review(role: string | null, entries: { path: string; name: string }[]): Promise<Record<string, string[]>> {
  const problems: Record<string, string[]> = {};
  const page = await pageFor(role);
  try {
    for (const { path, name } of entries) {
      const found: string[] = [];
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${keel.url}${path}`);
      await settle(page);
      found.push(...codesIn(await page.locator('body').innerText()));
      found.push(...(await seriousViolations(page)));
      await shot(page, `${name}-1280`);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 2) found.push(`scrolls sideways by ${overflow} px at 390 px`);
      await shot(page, `${name}-390`);
      if (found.length > 0) problems[path] = found;
    }
  } finally {
    await page.close();
  }
  return problems;
}

async function idOf(role: string, url: string, pick: (body: never) => string | undefined): Promise<string> {
  const page = await pageFor(role);
  try {
    const response = await page.request.get(`${keel.url}${url}`);
    const id = pick((await response.json()) as never);
    if (!id) throw new Error(`no id from ${url}`);
    return id;
  } finally {
    await page.close();
  }
}

describe('plain language, axe and phone layout on every main page', () => {
  it('the code detector finds what it must and leaves words alone', () => {
    expect(codesIn('Submitted 2026-06-01T12:00:00.000Z')).toHaveLength(1);
    expect(codesIn('Rule FAMILY_HISTORY_SUD fired')).toHaveLength(1);
    expect(codesIn('status likely_eligible')).toHaveLength(1);
    expect(codesIn('patient 1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toHaveLength(1);
    expect(codesIn('PHQ-9 is 12 on Jun 1, 2026 at 8:00 AM; write to clinician@keel.demo')).toEqual([]);
  });

  it('public pages', async () => {
    expect(
      await review(null, [
        { path: '/', name: 'public-landing' },
        { path: '/signup', name: 'public-signup' },
        { path: '/forgot-password', name: 'public-forgot-password' },
      ]),
    ).toEqual({});
  }, 900_000);

  it('patient pages', async () => {
    const pages = ['', 'intake', 'consent', 'education', 'sessions', 'check-in', 'progress', 'journal', 'practices', 'messages', 'appointments', 'medication', 'support', 'records'];
    expect(await review('patient', pages.map((p) => ({ path: `/patient${p ? `/${p}` : ''}`, name: `patient-${p || 'home'}` })))).toEqual({});
  }, 900_000);

  it('the applicant’s pages', async () => {
    expect(
      await review('applicant', [
        { path: '/patient', name: 'applicant-home' },
        { path: '/patient/intake', name: 'applicant-intake' },
      ]),
    ).toEqual({});
  }, 900_000);

  it('sitter page', async () => {
    expect(await review('sitter', [{ path: '/sitter', name: 'sitter-home' }])).toEqual({});
  }, 900_000);

  it('clinician pages, every chart tab and an intake under review', async () => {
    const sam = await idOf('clinician', '/api/v1/patients?sort=name&limit=500', (b: { items: { patientId: string; name: string }[] }) => b.items.find((r) => r.name === 'Sam Patel')?.patientId);
    const applicant = await idOf('clinician', '/api/v1/review-queue', (b: { items: { patientId: string }[] }) => b.items[0]?.patientId);
    const tabs = ['overview', 'timeline', 'plan', 'medication', 'prescribing', 'sessions', 'visits', 'requests', 'records'];
    expect(
      await review('clinician', [
        { path: '/clinician', name: 'clinician-panel' },
        { path: '/clinician/board', name: 'clinician-board' },
        { path: '/clinician/alerts', name: 'clinician-alerts' },
        { path: '/clinician/messages', name: 'clinician-messages' },
        { path: '/clinician/review-queue', name: 'clinician-review-queue' },
        { path: `/clinician/review-queue/${applicant}`, name: 'clinician-intake-review' },
        { path: '/clinician/patients', name: 'clinician-patients' },
        { path: '/clinician/telemedicine-lapse', name: 'clinician-telemedicine-lapse' },
        ...tabs.map((tab) => ({ path: `/clinician/patients/${sam}${tab === 'overview' ? '' : `?tab=${tab}`}`, name: `clinician-chart-${tab}` })),
      ]),
    ).toEqual({});
  }, 900_000);

  it('coach pages', async () => {
    const sam = await idOf('coach', '/api/v1/coach/caseload', (b: { items: { patientId: string; name: string }[] }) => b.items.find((r) => r.name === 'Sam Patel')?.patientId);
    expect(
      await review('coach', [
        { path: '/coach', name: 'coach-caseload' },
        { path: '/coach/messages', name: 'coach-messages' },
        { path: '/coach/notes', name: 'coach-notes' },
        { path: `/coach/patients/${sam}`, name: 'coach-patient' },
      ]),
    ).toEqual({});
  }, 900_000);

  it('admin pages', async () => {
    expect(
      await review('admin', [
        { path: '/admin', name: 'admin-accounts' },
        { path: '/admin/care-teams', name: 'admin-care-teams' },
        { path: '/admin/on-call', name: 'admin-on-call' },
        { path: '/admin/credentials', name: 'admin-credentials' },
        { path: '/admin/telemedicine-lapse', name: 'admin-telemedicine-lapse' },
        { path: '/admin/settings', name: 'admin-settings' },
        { path: '/admin/audit-log', name: 'admin-audit-log' },
      ]),
    ).toEqual({});
  }, 900_000);
});
