import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { callFromPage, openKeelInBrowser, shot, signInThroughForm, until, type BrowserSession } from './browser-helpers.ts';
import type { KeelProcess } from './server-process.ts';

/** The clinician's app against the real server and its demo program: panel, alerts, review, the patient chart. */

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

describe('the clinician app', () => {
  it('signs in to the panel: demo patients, open alerts and the next action', async () => {
    await signInThroughForm(page, keel.url, 'clinician@keel.demo');
    await page.waitForURL(/\/clinician$/);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Panel' }).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Sam Patel' }).waitFor();
    expect(await page.getByRole('link', { name: 'Lee Park' }).isVisible()).toBe(true);
    // The next action: the open alerts, most severe first, one click away.
    await page.getByText(/open alerts?\. Most severe: C-SSRS screener: high suicide risk/).waitFor();
    await page.getByRole('link', { name: 'Review alerts' }).waitFor();
    await page.getByRole('link', { name: 'Open the review queue' }).waitFor();
    await shot(page, 'clinician-panel');

    // Filter: only patients with a critical alert.
    await page.getByLabel('Open alerts').selectOption('critical');
    await expect.poll(() => page.getByRole('link', { name: 'Sam Patel' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Lee Park' }).waitFor();
    await page.getByLabel('Open alerts').selectOption('');
    // Sort by name.
    await page.getByRole('button', { name: /^Patient/ }).click();
    await expect.poll(async () => (await page.locator('tbody tr th a').first().textContent()) ?? '').toMatch(/^[A-D]/);
  });

  it('acknowledges the most severe alert, then resolves it with an action and a note', async () => {
    await page.getByRole('link', { name: 'Review alerts' }).click();
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const first = page.locator('article').first();
    await first.getByRole('heading', { name: 'C-SSRS screener: high suicide risk' }).waitFor();
    expect(await first.getByText('C-SSRS screener scored high risk').isVisible()).toBe(true);
    await shot(page, 'clinician-alerts');
    await first.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'C-SSRS screener: high suicide risk' }).count()).toBe(0);

    await page.locator('label', { hasText: /^Acknowledged$/ }).click();
    const acked = page.locator('article').filter({ hasText: 'C-SSRS screener: high suicide risk' });
    await acked.getByRole('button', { name: /Resolve/ }).click();
    await acked.getByLabel('Action taken').selectOption('safety_plan_reviewed');
    await acked.getByLabel('Note').fill('Called the patient; safety plan reviewed together; seen in clinic tomorrow.');
    await acked.getByRole('button', { name: 'Resolve alert' }).click();
    await expect.poll(() => acked.count()).toBe(0);
    await page.locator('label', { hasText: /^Resolved$/ }).click();
    await page.getByText(/Safety plan reviewed — Called the patient/).waitFor();
  });

  it('reviews an intake: every rule that fired with its answers, then a signed decision', async () => {
    await page.getByRole('link', { name: 'Review queue', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();
    await page.getByRole('link', { name: /Review.*Jamie Chen/ }).waitFor();
    await shot(page, 'clinician-review-queue');
    await page.getByRole('link', { name: /Review.*Morgan Lee/ }).click();
    await page.getByRole('heading', { name: 'Screening result' }).waitFor();
    await page.getByText(/Rules that fired \(\d+\)/).waitFor();
    expect(await page.getByText('Interacting medication', { exact: false }).first().isVisible()).toBe(true);
    await page.getByRole('heading', { name: 'Answers by section' }).waitFor();
    await shot(page, 'clinician-intake-review');

    await page.getByRole('radio', { name: 'Request more information' }).check();
    await page.getByLabel('Note', { exact: false }).first().fill('Please list the dose of your current medication.');
    await page.getByLabel(/Your password/).fill('wrong-password');
    await page.getByRole('button', { name: 'Sign and record decision' }).click();
    await page.getByRole('alert').first().waitFor();
    await page.getByLabel(/Your password/).fill('keel-demo-2026');
    await page.getByRole('button', { name: 'Sign and record decision' }).click();
    await page.getByText('Decision signed').waitFor();
    expect(await page.getByText(/More information requested — signed by Dr\. Casey Morgan/).isVisible()).toBe(true);
  });

  it('opens a chart: outcomes with a table, risk, plan history, ledger, sessions with gate decisions, visits', async () => {
    await page.getByRole('link', { name: 'Patients', exact: true }).click();
    await page.getByLabel('Find by name').fill('sam');
    await page.getByRole('link', { name: 'Sam Patel' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sam Patel' }).waitFor();
    await page.getByRole('heading', { name: 'PHQ-9 (depression)' }).waitFor();
    await page.getByRole('table', { name: /PHQ-9 \(depression\) scores/ }).waitFor();
    await page.getByRole('heading', { name: 'Dependence risk' }).waitFor();
    await shot(page, 'clinician-patient-chart');

    await page.getByRole('tab', { name: 'Plan' }).click();
    await page.getByRole('heading', { name: 'Version 1' }).waitFor();
    await page.getByText(/Signed by Dr\. Casey Morgan .* verified against the stored terms/).waitFor();
    await shot(page, 'clinician-plan');

    await page.getByRole('tab', { name: 'Medication' }).click();
    await page.getByText(/\d+ on hand/).waitFor();
    await page.getByLabel('Units counted').fill('2');
    await page.getByRole('button', { name: 'Record count' }).click();
    await page.getByText('The count does not match the ledger').waitFor();
    await shot(page, 'clinician-ledger');

    await page.getByRole('tab', { name: 'Sessions' }).click();
    await page.getByText(/Gate decisions \(\d+\)/).first().waitFor();
    expect(await page.getByText(/^Authorized at 300 mg/).first().isVisible()).toBe(true);
    await shot(page, 'clinician-sessions');

    await page.getByRole('tab', { name: 'Visits and follow-ups' }).click();
    await page.getByRole('heading', { name: 'Clinician visits' }).waitFor();
    await page.getByText('Tolerated the first session well; continue induction.').waitFor();
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByText(/Appointment: integration/).first().waitFor();
  });

  it('edits a plan draft and says clearly when it changed since it was opened', async () => {
    await page.getByRole('tab', { name: 'Plan' }).click();
    await page.getByRole('button', { name: 'Draft a new version' }).click();
    await page.getByLabel('Current dose (mg)').fill('350');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText(/Draft saved \(version 2, revision \d+\)/).waitFor();

    // Someone else saves the same draft meanwhile.
    const patientId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    const plans = await callFromPage<{ items: { id: string; status: string; revision: number; terms: Record<string, unknown> }[] }>(page, 'GET', `/api/v1/patients/${patientId}/plans`);
    const draft = plans.body.items.find((p) => p.status === 'draft');
    expect(draft).toBeDefined();
    const other = await callFromPage(page, 'PUT', `/api/v1/plans/${draft?.id}`, { terms: { ...draft?.terms, fastingHours: 6 } }, { 'if-match': `"${draft?.revision}"` });
    expect(other.status).toBe(200);

    await page.getByLabel('Current dose (mg)').fill('400');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('This draft changed since you opened it').waitFor();
    await shot(page, 'clinician-plan-conflict');
  });

  it('signs the saved draft with a password, then records a dispense with the DEA fields', async () => {
    const patientId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await page.reload();
    await page.getByRole('tab', { name: 'Plan' }).click();
    await page.getByRole('button', { name: /^Edit draft version 2/ }).click();
    await page.getByLabel(/Your password \(electronic signature\)/).fill('keel-demo-2026');
    await page.getByRole('button', { name: 'Sign plan' }).click();
    await until(async () => (await callFromPage<{ plan: { version: number; status: string } | null }>(page, 'GET', `/api/v1/patients/${patientId}/plan`)).body.plan?.version).toBe(2);

    await page.getByRole('tab', { name: 'Medication' }).click();
    await page.getByRole('heading', { name: 'Record a dispense' }).waitFor();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Record a dispense' }) });
    await form.getByLabel('Units').fill('4');
    await form.getByLabel('Strength (mg per unit)').fill('300');
    await form.getByLabel('Dispensed at').fill(new Date(Date.now() - 3_600_000).toISOString().slice(0, 16));
    await form.getByLabel('Dispenser (pharmacy or person)').fill('Keel Demo Pharmacy');
    await form.getByLabel('Ship to (address)').fill('100 Demo Street, Oakland, CA 94607');
    await form.getByRole('button', { name: 'Record dispense' }).click();
    // The DEA record is permanent: a dialog names that before anything is written.
    await page.getByRole('dialog').getByText(/permanent dispensing record/).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Record dispense' }).click();
    await page.getByText(/Dispense recorded: 4 × 300 mg/).waitFor();
    await shot(page, 'clinician-dispense');
  });
});
