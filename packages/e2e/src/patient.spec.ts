import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations, shot, signInThroughForm, until, openKeelInBrowser, type BrowserSession } from './browser-helpers.ts';
import type { KeelProcess } from './server-process.ts';

let opened: BrowserSession;
let keel: KeelProcess;
let page: Page;

beforeAll(async () => {
  opened = await openKeelInBrowser();
  ({ keel, page } = opened);
  await signInThroughForm(page, keel.url, 'patient@keel.demo');
  await page.waitForURL(/\/patient$/);
});

afterAll(async () => {
  await opened?.close();
});

describe('the patient app, signed in as the demo patient', () => {
  it('home shows the patient’s real next step (today’s session) and what is due', async () => {
    const step = page.getByTestId('next-step');
    await until(() => step.count()).toBe(1);
    expect(await step.getAttribute('data-step')).toBe('session-ready');
    expect(await page.getByRole('heading', { name: 'Your session is today' }).isVisible()).toBe(true);
    expect(await page.getByText('Welcome, Sam.').isVisible()).toBe(true);
    await until(() => page.getByRole('link', { name: /Mood questionnaire \(PHQ-9\)/ }).isVisible()).toBe(true);
    expect(await page.getByText(/3 completed of 6 planned/).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'patient-home');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'patient-home-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  const pages: { path: string; name: string; ready: (p: Page) => Promise<boolean> }[] = [
    { path: '/patient/intake', name: 'patient-intake', ready: (p) => p.getByTestId('intake-status').isVisible() },
    { path: '/patient/consent', name: 'patient-consent', ready: (p) => p.getByText('You signed this consent form').isVisible() },
    { path: '/patient/education', name: 'patient-education', ready: (p) => p.getByText(/required lessons done/).isVisible() },
    { path: '/patient/sessions', name: 'patient-sessions', ready: (p) => p.getByRole('heading', { name: 'Your sessions' }).isVisible() },
    { path: '/patient/check-in', name: 'patient-check-in', ready: (p) => p.getByRole('link', { name: /PHQ-9/ }).isVisible() },
    { path: '/patient/assessments/phq9', name: 'patient-phq9', ready: async (p) => (await p.getByRole('radiogroup').count()) === 10 },
    { path: '/patient/progress', name: 'patient-progress', ready: (p) => p.getByRole('table').first().isVisible() },
    { path: '/patient/journal', name: 'patient-journal', ready: (p) => p.getByRole('heading', { name: 'Your entries' }).isVisible() },
    { path: '/patient/messages', name: 'patient-messages', ready: (p) => p.getByRole('navigation', { name: 'Conversations' }).isVisible() },
    { path: '/patient/appointments', name: 'patient-appointments', ready: (p) => p.getByRole('heading', { name: 'Coming up' }).isVisible() },
    { path: '/patient/support', name: 'patient-support', ready: (p) => p.getByRole('heading', { name: 'Your sitters' }).isVisible() },
  ];

  it('every patient page loads real data and has no serious or critical axe violations', async () => {
    const problems: Record<string, string[]> = {};
    for (const entry of pages) {
      await page.goto(`${keel.url}${entry.path}`);
      await until(() => entry.ready(page)).toBe(true);
      const violations = await seriousViolations(page);
      if (violations.length > 0) problems[entry.path] = violations;
      await shot(page, entry.name);
    }
    expect(problems).toEqual({});
  });

  it('the messages screen says when to expect a reply and that it is not for emergencies', async () => {
    await page.goto(`${keel.url}/patient/messages`);
    const notice = page.getByTestId('messages-notice');
    await until(() => notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toMatch(/988/);
    expect(await notice.textContent()).toMatch(/911/);
  });

  it('the session page walks through the steps for today’s session', async () => {
    await page.goto(`${keel.url}/patient`);
    await page.getByRole('link', { name: 'Prepare for your session' }).click();
    await until(() => page.getByRole('heading', { name: /Step 1: Safety checklist/ }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: /Step 3: Your sitter confirms/ }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Run the safety check' }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'patient-session');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'patient-session-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
