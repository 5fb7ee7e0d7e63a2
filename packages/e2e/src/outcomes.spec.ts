import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoPassword, seriousViolations, shot, until } from './browser-helpers.ts';
import { launchChromium, startKeel, type KeelProcess } from './server-process.ts';

/**
 * The program outcomes report (docs/outcomes-report.md) in Chromium against the real server and its demo program:
 * an admin sees every section with figures, opens the patients behind a figure and downloads the de-identified
 * CSV; a clinician sees the report scoped to their own patients.
 */

let keel: KeelProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function pageAs(email: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  contexts.push(context);
  const response = await context.request.post(`${keel.url}/api/v1/auth/login`, { data: { email, password: demoPassword } });
  expect(response.status(), `sign-in as ${email}`).toBe(200);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

async function settle(page: Page): Promise<void> {
  await page.getByTestId('outcomes-scope').waitFor();
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
}

beforeAll(async () => {
  keel = await startKeel();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await keel?.stop();
});

describe('outcomes report', () => {
  it('shows an admin every section with figures, names the patients behind one, and downloads the CSV', async () => {
    const page = await pageAs('admin@keel.demo');
    await page.goto(`${keel.url}/admin/outcomes`);
    await settle(page);
    await expect(page.getByTestId('outcomes-scope').textContent()).resolves.toBe('Whole program');
    const cohort = (await page.getByTestId('outcomes-cohort').textContent()) ?? '';
    expect(Number(/^(\d+) patients/.exec(cohort)?.[1])).toBeGreaterThanOrEqual(36);
    for (const section of ['severity', 'safety', 'dependence-watch', 'engagement']) {
      expect(await page.getByTestId(`outcomes-${section}`).isVisible(), section).toBe(true);
    }
    // Response at week 8 reads as a proportion with its interval.
    await expect(page.getByTestId('outcomes-phq9-checkpoints').textContent()).resolves.toMatch(/\d+% \(\d+\/\d+; 95% CI \d+–\d+%\)/);
    await expect(page.getByTestId('outcomes-phq9-km').textContent()).resolves.toMatch(/Median time to response: (not reached|\d+ days)/);
    await expect(page.getByTestId('outcomes-safety').textContent()).resolves.toMatch(/Serious adverse events \([1-9]/);
    await expect(page.getByTestId('outcomes-dependence-watch').textContent()).resolves.toMatch(/Craving/i);
    await expect(page.getByTestId('outcomes-engagement').textContent()).resolves.toMatch(/Week 8/i);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'outcomes-1280');

    // The patients behind the week-8 PHQ-9 responders.
    await page.locator('[data-figure="phq9.w8.response"]').click();
    const list = page.getByTestId('outcomes-drill-list');
    await list.waitFor();
    await until(() => list.locator('li').count()).toBeGreaterThan(0);
    await expect(page.getByText('Opening this list is recorded in the audit log.').isVisible()).resolves.toBe(true);
    await page.keyboard.press('Escape');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download de-identified CSV' }).click()]);
    const file = await download.path();
    const header = fs.readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
    expect(header).toMatch(/research/i);
  });

  it('reads its filter from the address, and stacks at 390 px', async () => {
    const page = await pageAs('admin@keel.demo', { width: 390, height: 844 });
    await page.goto(`${keel.url}/admin/outcomes?route=sublingual`);
    await settle(page);
    await expect(page.getByRole('combobox', { name: 'Route' }).inputValue()).resolves.toBe('Sublingual');
    await page.goto(`${keel.url}/admin/outcomes`);
    await settle(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'outcomes-390');
  });

  it('shows a clinician their own patients', async () => {
    const page = await pageAs('clinician@keel.demo');
    await page.goto(`${keel.url}/clinician/outcomes`);
    await settle(page);
    await expect(page.getByTestId('outcomes-scope').textContent()).resolves.toBe('Your patients');
    await expect(page.getByRole('combobox', { name: 'Clinician' }).count()).resolves.toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
