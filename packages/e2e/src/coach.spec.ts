import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { shot, signInThroughForm, openKeelInBrowser, type BrowserSession } from './browser-helpers.ts';
import type { KeelProcess } from './server-process.ts';

/** The integration coach's app against the real server and its demo program. */

let opened: BrowserSession;
let keel: KeelProcess;
let page: Page;

beforeAll(async () => {
  opened = await openKeelInBrowser();
  ({ keel, page } = opened);
});

afterAll(async () => {
  await opened?.close();
});

describe('the coach app', () => {
  it('signs in to the caseload: the next integration session and the coached patients', async () => {
    await signInThroughForm(page, keel.url, 'coach@keel.demo');
    await page.waitForURL(/\/coach$/);
    await page.getByRole('heading', { level: 1, name: 'Caseload' }).waitFor();
    await page.getByRole('link', { name: 'Sam Patel', exact: true }).waitFor();
    // The next action: the next booked session, with a link to prepare for it.
    await page.getByText(/^Next: /).waitFor();
    expect(await page.getByRole('link', { name: /Prepare: open Sam Patel’s notes/ }).isVisible()).toBe(true);
    await shot(page, 'coach-caseload');
  });

  it('shows a patient’s notes, shared journal and practices, and saves a structured note', async () => {
    await page.getByRole('link', { name: 'Sam Patel', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sam Patel' }).waitFor();
    await page.getByRole('heading', { name: /^Session / }).first().waitFor();
    await page.getByRole('heading', { name: 'Shared journal' }).waitFor();
    await page.getByRole('heading', { name: 'Practices' }).waitFor();
    await shot(page, 'coach-patient');

    const before = await page.getByRole('heading', { name: /^Session / }).count();
    await page.getByLabel('Themes').fill('self-compassion, work');
    await page.getByLabel(/^Insights/).fill('Noticed more patience with themself after the last session.');
    await page.getByLabel(/^Next steps/).fill('Keep a three-line evening journal this week.');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByText('Note saved.').waitFor();
    await expect.poll(() => page.getByRole('heading', { name: /^Session / }).count()).toBe(before + 1);
    expect(await page.getByText('self-compassion', { exact: true }).first().isVisible()).toBe(true);
  });

  it('lists notes by patient on the Notes page', async () => {
    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Notes' }).waitFor();
    await page.getByLabel('Patient').selectOption({ label: 'Sam Patel' });
    await page.getByRole('heading', { name: /^Session / }).first().waitFor();
    await shot(page, 'coach-notes');
  });
});
