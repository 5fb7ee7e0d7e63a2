import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { callFromPage, demoPassword, seriousViolations, shot, until } from './browser-helpers.ts';
import { launchChromium, startKeel, type KeelProcess } from './server-process.ts';

/**
 * What a clinic needs to run, through each role's own screens in Chromium against the real server and the demo
 * program: the staff inbox round trip (patient writes → clinician reads, assigns, replies → patient sees the
 * reply), the coach's inbox, dose requests answered by the clinician, PDMP checks, adverse-event reports by the
 * patient, sitter and clinician, practices marked done, releases of information and disclosures, the FHIR export,
 * the patient's access log, discharge with a signed summary, and the confirmations on dangerous actions.
 */

let keel: KeelProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pages: Record<'patient' | 'clinician' | 'coach' | 'sitter' | 'admin', Page> = {} as never;
let samId = '';

async function signedIn(role: keyof typeof pages, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(keel.url);
  await page.getByLabel('Email').first().fill(`${role}@keel.demo`);
  await page.getByLabel(/^Password/).first().fill(demoPassword);
  await page.getByRole('button', { name: /^sign in$/i }).first().click();
  await page.waitForURL(new RegExp(`/${role}`));
  return page;
}

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).first().click();
  await until(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBeTruthy();
}

beforeAll(async () => {
  keel = await startKeel();
  browser = await launchChromium();
  pages.patient = await signedIn('patient');
  pages.clinician = await signedIn('clinician');
  pages.coach = await signedIn('coach');
  pages.sitter = await signedIn('sitter', 390);
  pages.admin = await signedIn('admin');
  samId = (await callFromPage<{ patientId: string }>(pages.patient, 'GET', '/api/v1/me')).body.patientId;
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await keel?.stop();
});

describe('the staff inbox', () => {
  it('patient writes to the care team → clinician reads it in the inbox, assigns it and replies → patient sees the reply', async () => {
    const patient = pages.patient;
    await nav(patient, 'Messages');
    await patient.getByRole('button', { name: 'New message' }).click();
    await patient.getByRole('radio', { name: /My care team/ }).check();
    await patient.getByLabel('Subject').fill('Nausea after the session');
    await patient.getByLabel('Your message').fill('I felt sick for an hour after Tuesday’s session. Should I eat less before?');
    await patient.getByRole('button', { name: 'Send' }).click();
    await until(() => patient.getByText('I felt sick for an hour after Tuesday’s session.', { exact: false }).first().isVisible()).toBe(true);
    // The patient leaves the thread (an open thread reads new replies as they arrive): home shows the unread reply.
    await nav(patient, 'Home');

    const clinician = pages.clinician;
    await nav(clinician, 'Messages');
    const row = clinician.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Nausea after the session/ });
    await until(() => row.isVisible()).toBe(true);
    expect(await row.textContent()).toMatch(/1 unread/);
    expect(await row.textContent()).toMatch(/Reply due/);
    expect(await seriousViolations(clinician)).toEqual([]);
    await shot(clinician, 'clinician-inbox');
    await row.click();
    await until(() => clinician.getByRole('list', { name: 'Messages' }).getByText('I felt sick for an hour after Tuesday’s session.', { exact: false }).isVisible()).toBe(true);
    // Opening the thread marks it read.
    await until(async () => (await row.textContent())?.includes('unread') ?? true).toBe(false);
    await clinician.getByRole('combobox', { name: 'Who answers this conversation' }).click();
    await clinician.getByRole('option', { name: /Dr\.|clinician/ }).first().click();
    await until(async () => (await row.textContent()) ?? '').toMatch(/Assigned to/);
    await clinician.getByLabel('Your reply').fill('A light meal four hours before is best. Ginger tea helps some people.');
    await clinician.getByRole('button', { name: 'Send reply' }).click();
    await until(async () => (await row.textContent()) ?? '').toMatch(/Answered/);
    await shot(clinician, 'clinician-inbox-thread');

    await patient.reload();
    await until(() => patient.getByText(/You have 1 new reply|new repl/).first().isVisible()).toBe(true);
    await nav(patient, 'Messages');
    await patient.getByRole('button', { name: /Nausea after the session/ }).click();
    await until(() => patient.getByText('A light meal four hours before is best.', { exact: false }).isVisible()).toBe(true);
  });

  it('shows the overdue and urgent markers first, and the coach has an inbox for threads addressed to them', async () => {
    const patient = pages.patient;
    await patient.getByRole('button', { name: 'New message' }).click();
    await patient.getByRole('radio', { name: /integration coach/ }).check();
    await patient.getByLabel('Subject').fill('My breathing practice');
    await patient.getByLabel('Your message').fill('Is it fine to do the box breathing twice a day?');
    await patient.getByRole('button', { name: 'Send' }).click();
    await until(() => patient.getByText('Is it fine to do the box breathing twice a day?').isVisible()).toBe(true);

    const coach = pages.coach;
    await nav(coach, 'Messages');
    const row = coach.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /My breathing practice/ });
    await until(() => row.isVisible()).toBe(true);
    expect(await row.textContent()).toMatch(/To the coach/);
    await row.click();
    await coach.getByLabel('Your reply').fill('Yes, morning and evening is a good rhythm.');
    await coach.getByRole('button', { name: 'Send reply' }).click();
    await until(async () => (await row.textContent()) ?? '').toMatch(/Answered/);
    expect(await seriousViolations(coach)).toEqual([]);
    await shot(coach, 'coach-inbox');
  });
});

describe('medication requests, PDMP and adverse events', () => {
  it('the patient asks about their dose; the clinician answers in the chart; the patient reads the answer', async () => {
    const patient = pages.patient;
    await nav(patient, 'Medication');
    await patient.getByRole('radio', { name: 'My dose does not work as well as it did' }).check();
    await patient.getByLabel('Tell them more (optional)').fill('The last two sessions felt weaker.');
    await patient.getByRole('button', { name: 'Send to my clinician' }).click();
    await until(() => patient.getByText('You said your dose works less well').isVisible()).toBe(true);
    expect(await seriousViolations(patient)).toEqual([]);

    const clinician = pages.clinician;
    await clinician.goto(`${keel.url}/clinician/patients/${samId}?tab=requests`);
    await until(() => clinician.getByText('The patient wrote: “The last two sessions felt weaker.”').isVisible()).toBe(true);
    await clinician.getByLabel('Your answer').first().fill('Let us review it at your visit on Thursday before changing the plan.');
    await clinician.getByRole('button', { name: 'Send answer' }).first().click();
    await until(() => clinician.getByText(/Answer from/).first().isVisible()).toBe(true);
    // PDMP check recorded and listed with who checked.
    await clinician.getByLabel('States searched (two-letter codes)').fill('CA');
    await clinician.getByRole('button', { name: 'Record PDMP check' }).click();
    await until(() => clinician.getByText(/no other controlled prescriptions/).first().isVisible()).toBe(true);
    expect(await seriousViolations(clinician)).toEqual([]);
    await shot(clinician, 'clinician-chart-requests');

    await patient.reload();
    await until(() => patient.getByText('Let us review it at your visit on Thursday before changing the plan.').isVisible()).toBe(true);
    await shot(patient, 'patient-medication');
  });

  it('the patient and the clinician report an adverse event for a session (the sitter reports from the phone in the journey)', async () => {
    const patient = pages.patient;
    await nav(patient, 'Sessions');
    await patient.getByRole('button', { name: 'Report a side effect' }).first().click();
    await patient.getByLabel('What happened').fill('Headache');
    await patient.getByRole('radio', { name: /^Mild/ }).check();
    await patient.getByLabel('Describe it').fill('A dull headache for two hours after the session.');
    await patient.getByRole('button', { name: 'Send the report' }).click();
    await until(() => patient.getByText('Report sent to the care team').isVisible()).toBe(true);

    const clinician = pages.clinician;
    await clinician.goto(`${keel.url}/clinician/patients/${samId}?tab=sessions`);
    await clinician.getByRole('button', { name: 'Report an adverse event' }).first().click();
    await clinician.getByLabel('What happened').fill('Dizziness');
    await clinician.getByRole('radio', { name: /^Moderate/ }).check();
    await clinician.getByLabel('Describe it').fill('Reported by phone: dizzy when standing for 30 minutes.');
    await clinician.getByRole('button', { name: 'Send the report' }).click();
    await until(() => clinician.getByText('Report sent to the care team').isVisible()).toBe(true);

    const sessions = await callFromPage<{ items: { id: string; status: string }[] }>(clinician, 'GET', `/api/v1/patients/${samId}/sessions`);
    const kinds: string[] = [];
    for (const s of sessions.body.items) {
      const detail = await callFromPage<{ session: { adverseEvents: { kind: string }[] } }>(clinician, 'GET', `/api/v1/sessions/${s.id}`);
      kinds.push(...detail.body.session.adverseEvents.map((a) => a.kind));
    }
    expect(kinds).toEqual(expect.arrayContaining(['Headache', 'Dizziness']));
  });
});

describe('practices, privacy and records', () => {
  it('the patient sees the coach’s practices and marks one done; Consent and Lessons are in the menu', async () => {
    const patient = pages.patient;
    for (const name of ['Consent', 'Lessons', 'Practices', 'Privacy and records']) {
      expect(await patient.getByRole('navigation').getByRole('link', { name, exact: true }).count()).toBe(1);
    }
    await nav(patient, 'Practices');
    await until(() => patient.getByRole('button', { name: 'Mark as done' }).first().isVisible()).toBe(true);
    await patient.getByRole('button', { name: 'Mark as done' }).first().click();
    await until(() => patient.getByText(/Well done/).first().isVisible()).toBe(true);
    expect(await seriousViolations(patient)).toEqual([]);
    await shot(patient, 'patient-practices');
  });

  it('the patient reads who accessed their record, signs a release; the clinician discloses a letter; both download the record', async () => {
    const patient = pages.patient;
    await nav(patient, 'Privacy and records');
    await until(() => patient.getByRole('heading', { name: 'Who looked at your record' }).isVisible()).toBe(true);
    // The access log names people, in words.
    await until(() => patient.getByText(/: .* viewed /).first().isVisible()).toBe(true);
    await patient.getByRole('combobox', { name: 'Sign a release for' }).click();
    await patient.getByRole('option', { name: 'Dr. Lee Chen' }).click();
    await patient.getByLabel('Your password (your signature)').fill(demoPassword);
    await patient.getByRole('button', { name: 'Sign the release' }).click();
    await until(() => patient.getByRole('button', { name: 'Take back this release' }).isVisible()).toBe(true);
    expect(await seriousViolations(patient)).toEqual([]);
    await shot(patient, 'patient-records');
    const fhir = await callFromPage<{ resourceType: string }>(patient, 'GET', await patient.getByRole('link', { name: 'Download my record' }).getAttribute('href') ?? '');
    expect(fhir.body.resourceType).toBe('Bundle');

    const clinician = pages.clinician;
    await clinician.goto(`${keel.url}/clinician/patients/${samId}?tab=records`);
    await until(() => clinician.getByText('To Dr. Lee Chen').isVisible()).toBe(true);
    await clinician.getByRole('combobox', { name: 'To', exact: true }).click();
    await clinician.getByRole('option', { name: 'Dr. Lee Chen' }).click();
    await clinician.getByRole('button', { name: 'Disclose the letter' }).click();
    await clinician.getByRole('dialog').getByRole('button', { name: 'Disclose' }).click();
    const letter = clinician.getByRole('link', { name: 'Download the letter (PDF)' });
    await until(() => letter.isVisible()).toBe(true);
    const pdf = await clinician.evaluate(async (href) => {
      const r = await fetch(href ?? '');
      return { status: r.status, type: r.headers.get('content-type') };
    }, await letter.getAttribute('href'));
    expect(pdf).toEqual({ status: 200, type: 'application/pdf' });
    expect(await clinician.getByRole('link', { name: 'Download FHIR export' }).count()).toBe(1);
    expect(await seriousViolations(clinician)).toEqual([]);
    await shot(clinician, 'clinician-chart-records');
  });
});

describe('dangerous actions confirm and ask for a reason', () => {
  it('deactivating an account names the consequence and needs a reason; cancelling changes nothing', async () => {
    const admin = pages.admin;
    await admin.goto(`${keel.url}/admin`);
    await until(() => admin.getByText(/\d+ accounts/).isVisible()).toBe(true);
    await shot(admin, 'admin-accounts-debug');
    const button = admin.getByRole('button', { name: 'Deactivate Alex Kim' });
    await until(() => button.isVisible()).toBe(true);
    await button.click();
    const dialog = admin.getByRole('dialog');
    await until(() => dialog.getByText(/signed out everywhere at once/).isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Deactivate account' }).click();
    await until(() => dialog.getByText('Write the reason; it is kept in the record.').isVisible()).toBe(true);
    expect(await seriousViolations(admin)).toEqual([]);
    await shot(admin, 'admin-confirm-deactivate');
    await dialog.getByRole('button', { name: 'Cancel' }).first().click();
    const accounts = await callFromPage<{ items: { name: string; status: string }[] }>(admin, 'GET', '/api/v1/users');
    expect(accounts.body.items.find((a) => a.name === 'Alex Kim')?.status).toBe('active');
  });

  it('a clinician discharges a patient with a signed summary after confirming, and downloads the PDF', async () => {
    const clinician = pages.clinician;
    const queue = await callFromPage<{ items: { patientId: string; name: string; status: string }[] }>(clinician, 'GET', '/api/v1/patients?sort=name&limit=500');
    const other = queue.body.items.find((p) => p.patientId !== samId && (p.status === 'approved' || p.status === 'active'));
    expect(other, 'a second patient in care on the demo panel').toBeDefined();
    await clinician.goto(`${keel.url}/clinician/patients/${other?.patientId ?? ''}?tab=records`);
    await until(() => clinician.getByLabel('Why treatment ends').isVisible()).toBe(true);
    await clinician.getByLabel('Why treatment ends').fill('Completed the planned course with remission.');
    await clinician.getByLabel('Recommendations').fill('Continue therapy weekly\nPHQ-9 with primary care in one month');
    await clinician.getByLabel('Your password (electronic signature)').fill(demoPassword);
    await clinician.getByRole('button', { name: 'Sign and discharge' }).click();
    await until(() => clinician.getByRole('dialog').getByText(/no further session can be authorized/).isVisible()).toBe(true);
    await clinician.getByRole('dialog').getByRole('button', { name: 'Discharge and sign' }).click();
    const pdfLink = clinician.getByRole('link', { name: 'Download the discharge summary (PDF)' });
    await until(() => pdfLink.isVisible()).toBe(true);
    const pdf = await clinician.evaluate(async (href) => (await fetch(href ?? '')).headers.get('content-type'), await pdfLink.getAttribute('href'));
    expect(pdf).toBe('application/pdf');
    await shot(clinician, 'clinician-discharged');
  });
});
