import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations, shot, signInThroughForm, openKeelInBrowser, type BrowserSession } from './browser-helpers.ts';
import type { KeelProcess } from './server-process.ts';

/** The administrator's app against the real server and its demo program. */

let opened: BrowserSession;
let keel: KeelProcess;
let page: Page;
const invitedEmail = `coach-${Date.now()}@example.test`;

beforeAll(async () => {
  opened = await openKeelInBrowser();
  ({ keel, page } = opened);
});

afterAll(async () => {
  await opened?.close();
});

describe('the admin app', () => {
  it('signs in to the accounts: everyone with an account and the invitation form', async () => {
    await signInThroughForm(page, keel.url, 'admin@keel.demo');
    await page.waitForURL(/\/admin$/);
    await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
    await page.getByRole('cell', { name: 'clinician@keel.demo', exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: 'Invite someone' }).isVisible()).toBe(true);
    await shot(page, 'admin-accounts');
  });

  it('invites a coach, deactivates and reactivates the account', async () => {
    await page.getByLabel('Name', { exact: false }).first().fill('Robin Coach');
    await page.getByLabel(/^Email/).first().fill(invitedEmail);
    await page.getByLabel(/^Role/).first().selectOption('coach');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invitation sent').waitFor();
    const row = page.getByRole('row').filter({ hasText: invitedEmail });
    await row.waitFor();
    expect(await row.getByText('Invited', { exact: true }).isVisible()).toBe(true);
    await row.getByRole('button', { name: /Deactivate/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/signed out everywhere at once/).waitFor();
    await dialog.getByLabel('Why is this account deactivated?').fill('Invitation sent to the wrong person');
    await dialog.getByRole('button', { name: 'Deactivate account' }).click();
    await row.getByText('Deactivated', { exact: true }).waitFor();
    await row.getByRole('button', { name: /Reactivate/ }).click();
    await row.getByRole('button', { name: /Deactivate/ }).waitFor();
  });

  it('opens a care team by patient id, assigns and unassigns a coach', async () => {
    // The admin has no patient list in the API; the id comes from the clinician's panel, as it would in practice.
    const login = await fetch(`${keel.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'clinician@keel.demo', password: 'keel-demo-2026' }),
    });
    const { token } = (await login.json()) as { token: string };
    const panel = (await (await fetch(`${keel.url}/api/v1/patients?sort=name`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      items: { patientId: string; name: string }[];
    };
    const drew = panel.items.find((p) => p.name === 'Drew Alvarez');
    expect(drew).toBeDefined();

    await page.getByRole('link', { name: 'Care teams' }).click();
    await page.getByRole('heading', { level: 1, name: 'Care teams' }).waitFor();
    await page.getByRole('button', { name: `Manage ${drew?.name ?? ''}’s care team` }).click();
    await page.getByRole('heading', { name: 'Care team of Drew Alvarez' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Dr. Casey Morgan' }).waitFor();
    const hasCoach = await page.getByRole('row').filter({ hasText: 'Jordan Reyes' }).count();
    if (hasCoach === 0) {
      await page.getByLabel('Assign a clinician or coach').selectOption({ label: 'Jordan Reyes (coach)' });
      await page.getByRole('button', { name: 'Assign', exact: true }).click();
      await page.getByRole('row').filter({ hasText: 'Jordan Reyes' }).waitFor();
    }
    await shot(page, 'admin-care-teams');
    await page.getByRole('button', { name: 'Unassign Jordan Reyes' }).click();
    await page.getByRole('dialog').getByLabel('Why is this person unassigned?').fill('Coaching ended');
    await page.getByRole('dialog').getByRole('button', { name: 'Unassign' }).click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Jordan Reyes' }).count()).toBe(0);
  });

  it('edits the program settings: field errors beside the field, then a saved version', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByRole('heading', { name: 'Dosing limits and vitals thresholds' }).waitFor();
    await page.getByRole('heading', { name: 'Other settings (read only)' }).waitFor();
    await shot(page, 'admin-settings');

    const window = page.getByLabel('Maximum sessions in the rolling window');
    await window.fill('0');
    await page.getByRole('button', { name: 'Review and save…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save now' }).click();
    await page.getByText('Check the highlighted fields.').waitFor();
    expect(await page.getByText(/Max sessions per 7 days must be a whole number/).isVisible()).toBe(true);
    await window.fill('2');
    // Longer fasting is stricter: it applies on the administrator's word, after a confirmation naming the change.
    await page.getByLabel('Fasting before a session (hours)').fill('6');
    await page.getByRole('button', { name: 'Review and save…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Stricter', { exact: true }).first().waitFor();
    await shot(page, 'admin-settings-confirm');
    await dialog.getByRole('button', { name: 'Save now' }).click();
    await page.getByText(/Saved as version 1\./).waitFor();
    // Back to 4 hours is looser: it needs a reason and becomes a proposal for a prescriber to sign.
    await page.getByLabel('Fasting before a session (hours)').fill('4');
    await page.getByRole('button', { name: 'Review and save…' }).click();
    await dialog.getByText('Looser: needs a prescriber').waitFor();
    expect(await dialog.getByRole('button', { name: 'Send to a prescriber to sign' }).isDisabled()).toBe(true);
    await dialog.getByLabel(/Reason/).fill('Back to the program default');
    await dialog.getByRole('button', { name: 'Send to a prescriber to sign' }).click();
    await page.getByTestId('settings-proposed').waitFor();
    await page.getByTestId('pending-proposal').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'admin-settings-proposed');
  });

  it('searches the audit log by outcome and pages through it', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByRole('cell', { name: 'Changed the program settings' }).first().waitFor();
    await shot(page, 'admin-audit-log');
    await page.getByLabel('Outcome').selectOption('success');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('Page 1').waitFor();
    await page.getByRole('cell', { name: 'Refused' }).waitFor({ state: 'detached' });
    const older = page.getByRole('button', { name: 'Older' });
    if (await older.isEnabled()) {
      await older.click();
      await page.getByText('Page 2').waitFor();
      await page.getByRole('button', { name: 'Newer' }).click();
      await page.getByText('Page 1').waitFor();
    }
  });
});
