import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { callFromPage, demoPassword, openKeelInBrowser, seriousViolations, shot, signInThroughForm, until, type BrowserSession } from './browser-helpers.ts';
import type { KeelProcess } from './server-process.ts';

/**
 * Prescribing compliance in the browser (docs/compliance.md): the clinician sees each patient's status on the panel
 * and the chart, the patients whose telemedicine pathway lapses, and records what is missing on the chart's
 * Prescribing tab — the status changes. The admin keeps prescribers' credentials and the setting with its meaning.
 */

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

interface ComplianceView {
  status: 'compliant' | 'action_needed' | 'blocked';
  reasons: { code: string; message: string }[];
  pathway: { kind: string } | null;
}

/** A field by its whole label, with or without the required-field asterisk. */
const field = (name: string) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\*?$`);

const statusWords = { compliant: 'Compliant', action_needed: 'Action needed', blocked: 'Blocked' } as const;

/** Both widths, the way language.spec.ts takes them; the page must not scroll sideways on the phone. */
async function shotBoth(name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await shot(page, `${name}-1280`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(2);
  await shot(page, `${name}-390`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function compliance(patientId: string): Promise<ComplianceView> {
  const r = await callFromPage<ComplianceView>(page, 'GET', `/api/v1/patients/${patientId}/compliance`);
  expect(r.status).toBe(200);
  return r.body;
}

describe('prescribing compliance', () => {
  it('the panel shows each patient’s prescribing status; the lapse list names who lapses when the flexibility ends', async () => {
    await signInThroughForm(page, keel.url, 'clinician@keel.demo');
    await page.waitForURL(/\/clinician$/);
    await page.getByRole('columnheader', { name: 'Prescribing' }).waitFor();
    await until(() => page.getByText(/^(Compliant|Action needed|Blocked)$/).count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await shotBoth('prescribing-panel');

    await page.getByRole('link', { name: 'Telemedicine lapse', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Telemedicine flexibility ends Dec 31, 2026$/ }).waitFor();
    await page.getByRole('table').getByRole('link').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shotBoth('prescribing-lapse-list');
  });

  it('on the chart: the status with every reason; recording an in-person evaluation and a PDMP check changes it', async () => {
    // The first patient on the lapse list: prescribed under the telemedicine flexibility.
    const link = page.getByRole('table').getByRole('link').first();
    const name = (await link.textContent()) ?? '';
    await link.click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const patientId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    const before = await compliance(patientId);
    expect(before.pathway?.kind).toBe('telemedicine_flexibility');
    expect(before.status).not.toBe('compliant');
    const line = page.getByTestId('chart-compliance');
    await line.getByText(statusWords[before.status], { exact: true }).waitFor();

    await line.getByRole('button', { name: 'See what is needed' }).click();
    await page.getByRole('tab', { name: 'Prescribing', selected: true }).waitFor();
    const status = page.getByTestId('compliance-status');
    await status.getByText(statusWords[before.status], { exact: true }).waitFor();
    for (const reason of before.reasons) await status.locator(`[data-reason="${reason.code}"]`).waitFor();
    // A lapse within 30 days is said in words, with what to record.
    if (before.status === 'action_needed') await status.getByText(/the telemedicine flexibility this patient is prescribed under ends/i).waitFor();
    await page.getByText('Telemedicine flexibility', { exact: true }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shotBoth('prescribing-chart-before');

    // The missing item: an in-person evaluation, e-signed.
    // Each kind shows its own fields.
    await page.getByLabel(field('Pathway')).selectOption('special_registration');
    await page.getByLabel(field('Registration number')).waitFor();
    await page.getByLabel(field('Pathway')).selectOption('in_person_evaluation');
    await page.getByLabel(field('Evaluated in person on')).fill('2026-11-20');
    await page.getByLabel(field('Where (clinic and address)')).fill('Keel Clinic, 12 Harbor St, Albany, NY');
    await page.getByLabel(/I attest that I/).check();
    await page.getByLabel(/Your password \(electronic signature\)/).fill(demoPassword);
    await page.getByRole('button', { name: 'Sign and record pathway' }).click();
    await page.getByText('Pathway recorded and signed.').waitFor();
    await until(async () => (await compliance(patientId)).pathway?.kind).toBe('in_person_evaluation');
    await page.getByText('In-person medical evaluation', { exact: true }).first().waitFor();

    // A PDMP check, through the form, with another prescription found.
    await page.getByRole('combobox', { name: field('States checked') }).click();
    await page.getByRole('option', { name: 'New York (NY)' }).click();
    await page.keyboard.press('Escape');
    await page.getByLabel(field('Result summary')).fill('One other controlled prescription: alprazolam from an urgent care, filled once.');
    await page.getByRole('button', { name: 'Add a prescription found' }).click();
    const found = page.getByRole('group', { name: 'Other prescription 1' });
    await found.getByLabel('Drug').fill('Alprazolam 0.5 mg');
    await found.getByLabel('Prescriber').fill('Dr. Urgent Care');
    await found.getByLabel('Filled on').fill('2026-11-02');
    await page.getByRole('button', { name: 'Record PDMP check' }).click();
    await page.getByText('PDMP check recorded.').waitFor();
    await page.getByRole('table', { name: /PDMP checks, newest first/ }).getByText('Alprazolam 0.5 mg from Dr. Urgent Care', { exact: false }).waitFor();

    const after = await compliance(patientId);
    expect(after.reasons.map((r) => r.code)).not.toContain('TELEMEDICINE_FLEXIBILITY_ENDED');
    expect(after.reasons.map((r) => r.code)).not.toContain('PRESCRIBING_PATHWAY_MISSING');
    expect(after.reasons.map((r) => r.code)).not.toContain('PDMP_CHECK_MISSING');
    expect(after.status).not.toBe(before.status);
    await status.getByText(statusWords[after.status], { exact: true }).waitFor();
    await line.getByText(statusWords[after.status], { exact: true }).waitFor();
    await shotBoth('prescribing-chart-after');

    // The patient left the lapse list.
    await page.getByRole('link', { name: 'Telemedicine lapse', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Telemedicine flexibility ends/ }).waitFor();
    await until(() => page.getByRole('link', { name, exact: true }).count()).toBe(0);
  });

  it('the admin keeps credentials with their documents and sees what expires; the flexibility date has its meaning', async () => {
    await opened.context.clearCookies();
    await signInThroughForm(page, keel.url, 'admin@keel.demo');
    await page.waitForURL(/\/admin$/);
    await page.getByRole('link', { name: 'Credentials', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Credentials' }).waitFor();
    await page.getByRole('heading', { name: 'Expiring within 30 days' }).waitFor();
    await page.getByLabel(field('Clinician')).selectOption({ label: 'Dr. Casey Morgan' });
    await page.getByRole('table', { name: 'Licences and DEA registrations' }).waitFor();

    await page.getByLabel(field('Credential')).selectOption('state_licence');
    await page.getByLabel(field('Licence number')).fill('NJ-25MA0999');
    await page.getByLabel(field('State')).selectOption('NJ');
    await page.getByLabel(field('Expires on')).fill('2027-01-02');
    await page.locator('input[type="file"]').setInputFiles({ name: 'nj-licence.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 licence scan') });
    await page.getByRole('button', { name: 'Add credential' }).click();
    await page.getByText('State licence NJ-25MA0999 added.').waitFor();
    await page.getByRole('table', { name: 'Licences and DEA registrations' }).getByText('NJ-25MA0999').waitFor();
    await page.getByRole('table', { name: /Credentials expiring within 30 days/ }).getByText('NJ-25MA0999, NJ').waitFor();
    await page.getByRole('link', { name: 'Compliance report (CSV)' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shotBoth('prescribing-admin-credentials');

    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const until2026 = page.getByLabel('Telemedicine flexibility valid through');
    expect(await until2026.inputValue()).toBe('2026-12-31');
    await page.getByText(/The last day patients may be prescribed for without an in-person evaluation/).waitFor();
    await page.getByText('Prescribing compliance', { exact: true }).scrollIntoViewIfNeeded();
    await shot(page, 'prescribing-admin-settings-1280');
  });
});
