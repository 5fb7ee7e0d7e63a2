import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations, shot, signInThroughForm, until, openKeelInBrowser, type BrowserSession } from './browser-helpers.ts';
import type { KeelProcess } from './server-process.ts';

let opened: BrowserSession;
let keel: KeelProcess;
let page: Page;

beforeAll(async () => {
  // The sitter app is phone-first: a 390 px wide screen.
  opened = await openKeelInBrowser({ viewport: { width: 390, height: 844 } });
  ({ keel, page } = opened);
  await signInThroughForm(page, keel.url, 'sitter@keel.demo');
  await page.waitForURL(/\/sitter$/);
});

afterAll(async () => {
  await opened?.close();
});

describe('the sitter app, signed in as the demo sitter on a phone', () => {
  it('shows today’s session for the patient they sit for, and the next action: confirm present and sober', async () => {
    const session = page.getByTestId('sitter-session');
    await until(() => session.count()).toBe(1);
    expect(await session.getAttribute('data-status')).toBe('scheduled');
    expect(await page.getByRole('heading', { name: 'Sam Patel’s session' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Confirm I am present and sober' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Confirm I am present and sober' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('something-wrong').isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'sitter-home');
  });

  it('“something is wrong” shows the emergency guidance first, then reports to the care team', async () => {
    await page.getByTestId('something-wrong').click();
    const dialog = page.getByRole('dialog');
    await until(() => dialog.getByTestId('emergency-guidance').isVisible()).toBe(true);
    // Emergency guidance comes before the report buttons.
    const guidanceTop = (await dialog.getByTestId('emergency-guidance').boundingBox())?.y ?? Infinity;
    const reportTop = (await dialog.getByRole('button', { name: /Not an emergency, but I am worried/ }).boundingBox())?.y ?? -Infinity;
    expect(guidanceTop).toBeLessThan(reportTop);
    expect(await dialog.getByRole('link', { name: 'Call 911' }).getAttribute('href')).toBe('tel:911');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'sitter-something-wrong');
    await dialog.getByRole('button', { name: /Not an emergency, but I am worried/ }).click();
    await until(() => dialog.getByText('Your care team has been told').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Close' }).last().click();
  });

  it('attests presence and sobriety with one confirmation', async () => {
    await page.getByLabel(/I am with Sam now/).check();
    await page.getByLabel(/I am sober/).check();
    await page.getByRole('button', { name: 'Confirm I am present and sober' }).click();
    await until(() => page.getByTestId('attested').isVisible()).toBe(true);
    await shot(page, 'sitter-attested');
  });
});
