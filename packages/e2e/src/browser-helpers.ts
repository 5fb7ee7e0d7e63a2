import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshotDir, startKeel, type KeelProcess } from './server-process.ts';

/** The demo program's password (see KEEL_DEMO_PASSWORD). */
export const demoPassword = 'keel-demo-2026';

/** Polls until the value matches: the UI answers asynchronously (network, polling, workers). */
export function until<T>(read: () => T | Promise<T>, timeout = 15_000) {
  return expect.poll(read, { timeout, interval: 200 });
}

/** A full-page screenshot kept as a test artifact in packages/e2e/screenshots/. */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** axe-core violations with impact serious or critical, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // A dialog fading in has blended colours: let transitions finish so axe measures what a person will see.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const isoInstant = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const uuid = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
const screamingCode = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\b/;
const snakeCode = /\b[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]\b/;

/** What in the text looks like a code rather than words; emails and web addresses are not codes. */
export function codesIn(text: string): string[] {
  const cleaned = text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ').replace(/https?:\/\/\S+/g, ' ');
  const found: string[] = [];
  for (const [name, pattern] of [
    ['ISO instant', isoInstant],
    ['id', uuid],
    ['SCREAMING_CASE code', screamingCode],
    ['snake_case code', snakeCode],
  ] as const) {
    const m = cleaned.match(pattern);
    if (m) {
      const at = m.index ?? 0;
      found.push(`${name} "${m[0]}" in “…${cleaned.slice(Math.max(0, at - 40), at + m[0].length + 40).replace(/\s+/g, ' ')}…”`);
    }
  }
  return found;
}

/** Signs in through the first page's form, as a person would. */
export async function signInThroughForm(page: Page, baseUrl: string, email: string, password = demoPassword): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Email').first().fill(email);
  await page.getByLabel(/^Password/).first().fill(password);
  await page.getByRole('button', { name: /^sign in$/i }).first().click();
}

/** An API call from the page's own signed-in session (its cookie, its origin). */
export async function callFromPage<T = unknown>(
  page: Page,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, url, body, headers }) => {
      const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json', ...headers } };
      if (method !== 'GET') {
        init.headers = { ...init.headers, 'content-type': 'application/json' };
        init.body = JSON.stringify(body ?? {});
      }
      const response = await fetch(url, init);
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    },
    { method, url, body, headers },
  );
}

export interface BrowserSession {
  keel: KeelProcess;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** The real server on a fresh data directory (with its demo program) and one Chromium page, for one spec file. */
export async function openKeelInBrowser(options: { viewport?: { width: number; height: number }; env?: Record<string, string> } = {}): Promise<BrowserSession> {
  const keel = await startKeel(options.env);
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return {
    keel,
    browser,
    context,
    page,
    async close() {
      await context.close();
      await browser.close();
      await keel.stop();
    },
  };
}
