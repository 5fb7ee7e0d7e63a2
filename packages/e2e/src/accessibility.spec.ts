import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, startKeel, type KeelProcess } from './server-process.ts';

/**
 * axe-core on every main page of every role, in Chromium against the real server: any violation with impact
 * serious or critical fails. Each role gets its own browser context (its own session cookie).
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
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.set(key, context);
    if (role) {
      const response = await context.request.post(`${keel.url}/api/v1/auth/login`, { data: { email: `${role}@keel.demo`, password: 'keel-demo-2026' } });
      expect(response.status(), `sign-in as ${role}`).toBe(200);
    }
  }
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Opens the page, waits until it has settled (its heading shown, nothing loading), and runs axe. */
async function audit(role: string | null, url: string): Promise<void> {
  const page = await pageFor(role);
  try {
    await page.goto(`${keel.url}${url}`);
    await page.locator('h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    await expect.poll(() => page.getByText(/^Loading/).count(), { timeout: 15_000 }).toBe(0);
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
    expect(bad, `${url} as ${role ?? 'nobody'}:\n${report}`).toEqual([]);
  } finally {
    await page.close();
  }
}

async function clinicianPatientId(name: string): Promise<string> {
  const page = await pageFor('clinician');
  try {
    const response = await page.request.get(`${keel.url}/api/v1/patients?sort=name&limit=500`);
    const body = (await response.json()) as { items: { patientId: string; name: string }[] };
    const row = body.items.find((r) => r.name === name);
    if (!row) throw new Error(`${name} is not on the clinician's panel`);
    return row.patientId;
  } finally {
    await page.close();
  }
}

describe('accessibility (axe: no serious or critical violations)', () => {
  it('the signed-out first page', async () => {
    await audit(null, '/');
  });

  it('the patient home and the sitter’s today', async () => {
    await audit('patient', '/patient');
    await audit('sitter', '/sitter');
  });

  it('the patient’s messages, medication, practices, privacy and records, consent and lessons', async () => {
    for (const page of ['messages', 'medication', 'practices', 'records', 'consent', 'education']) await audit('patient', `/patient/${page}`);
  });

  it('the clinician panel, alert queue, review queue and a patient chart', async () => {
    await audit('clinician', '/clinician');
    await audit('clinician', '/clinician/alerts');
    await audit('clinician', '/clinician/review-queue');
    const id = await clinicianPatientId('Sam Patel');
    await audit('clinician', `/clinician/patients/${id}`);
    await audit('clinician', `/clinician/patients/${id}?tab=plan`);
    await audit('clinician', `/clinician/patients/${id}?tab=medication`);
    await audit('clinician', `/clinician/patients/${id}?tab=requests`);
    await audit('clinician', `/clinician/patients/${id}?tab=records`);
    await audit('clinician', '/clinician/messages');
    await audit('clinician', '/clinician/board');
    await audit('clinician', '/clinician/outcomes');
  });

  it('the coach caseload and inbox', async () => {
    await audit('coach', '/coach');
    await audit('coach', '/coach/messages');
  });

  it('the admin accounts, on-call rota, settings and audit log', async () => {
    await audit('admin', '/admin');
    await audit('admin', '/admin/on-call');
    await audit('admin', '/admin/settings');
    await audit('admin', '/admin/audit-log');
    await audit('admin', '/admin/outcomes');
  });
});
