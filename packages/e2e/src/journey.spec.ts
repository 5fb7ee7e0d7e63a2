import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { callFromPage, shot, until } from './browser-helpers.ts';
import { launchChromium, startKeel, type KeelProcess } from './server-process.ts';

/**
 * The whole patient journey through the real server and the built web app, in Chromium:
 * signup → intake → clinician approval → consent → education → plan signed → dispense → sitter attestation →
 * vitals → blocked (BP too high) → authorized → started → the sitter's "not yet" keeps the session in observation →
 * an emergency check reaches the clinician's alert queue without a reload → PHQ-9 with item 9 positive → alert in
 * the clinician queue → acknowledged.
 *
 * The patient and sitter steps go through their UI. The clinician's steps (claim and approve, plan, sign, dispense,
 * acknowledge) are API calls made from the clinician's own signed-in browser session (cookie, same origin), so they
 * pass the same access rules; they can move to the clinician pages' UI once those settle.
 */

const password = 'journey-pass-2026!';
const demoPassword = 'keel-demo-2026';
const stamp = Date.now();
const patientEmail = `journey-${stamp}@example.test`;
const sitterEmail = `journey-sitter-${stamp}@example.test`;

let keel: KeelProcess;
let browser: Browser;
let mailFile: string;
let patient: Page;
let sitter: Page;
let clinician: Page;
const contexts: BrowserContext[] = [];
let patientId = '';
let sessionId = '';

async function newPage(width = 1280, height = 800): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

async function signIn(page: Page, email: string, pass: string): Promise<void> {
  await page.goto(keel.url);
  await page.getByLabel('Email').first().fill(email);
  await page.getByLabel(/^Password/).first().fill(pass);
  await page.getByRole('button', { name: /^sign in$/i }).first().click();
}

/** An attribute or text without waiting for the element (null while it is not there). */
async function attr(locator: Locator, name: string): Promise<string | null> {
  return (await locator.count()) > 0 ? locator.first().getAttribute(name) : null;
}
async function text(locator: Locator): Promise<string | null> {
  return (await locator.count()) > 0 ? locator.first().textContent() : null;
}

function group(scope: Page | Locator, name: RegExp): Locator {
  return scope.getByRole('radiogroup', { name });
}

async function answer(scope: Page | Locator, name: RegExp, choice: string): Promise<void> {
  await group(scope, name).getByRole('radio', { name: choice, exact: true }).check();
}

/** Answers every visible item of an instrument section, option index by item index (skip logic re-counted). */
async function answerInstrument(section: Locator, pick: (index: number) => number): Promise<void> {
  const groups = section.getByRole('radiogroup');
  for (let i = 0; i < (await groups.count()); i++) await groups.nth(i).getByRole('radio').nth(pick(i)).check();
}

async function saveAndContinue(page: Page, nextHeading: string): Promise<void> {
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await until(() => page.getByRole('heading', { name: nextHeading, level: 2 }).isVisible()).toBe(true);
}

beforeAll(async () => {
  mailFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keel-mail-')), 'outbox.log');
  // The server lists the web assets when it starts: serve a private copy of the build, so a rebuild elsewhere
  // during the run cannot pull files from under it.
  keel = await startKeel({ KEEL_MAIL_TRANSPORT: 'file', KEEL_MAIL_FILE: mailFile });
  browser = await launchChromium();
  patient = await newPage();
  sitter = await newPage(390, 844);
  clinician = await newPage();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await keel?.stop();
});

describe('the patient journey, end to end', () => {
  it('signs up and is told to start the intake', async () => {
    await patient.goto(`${keel.url}/signup`);
    await patient.getByLabel('Full name').fill('Jordan Journey');
    await patient.getByLabel('Email').fill(patientEmail);
    await patient.getByLabel(/^Password/).fill(password);
    await patient.getByLabel('Date of birth').fill('1986-05-14');
    await patient.getByLabel('State you live in').selectOption('CA');
    await patient.getByRole('button', { name: 'Create account' }).click();
    // The same answer whether or not the address has an account: the link to create it is in the email.
    await until(() => patient.getByRole('heading', { name: 'Check your email' }).isVisible()).toBe(true);
    let signupToken = '';
    await until(
      () => {
        const mail = fs.existsSync(mailFile) ? fs.readFileSync(mailFile, 'utf8') : '';
        signupToken = /signup\/confirm#token=([A-Za-z0-9_-]+)/.exec(mail)?.[1] ?? '';
        return signupToken;
      },
      30_000,
    ).not.toBe('');
    await patient.goto(`${keel.url}/signup/confirm#token=${signupToken}`);
    await patient.getByRole('button', { name: 'Create my account' }).click();
    await patient.waitForURL(/\/patient$/);
    const step = patient.getByTestId('next-step');
    await until(() => attr(step, 'data-step')).toBe('finish-intake');
    patientId = (await callFromPage<{ patientId: string }>(patient, 'GET', '/api/v1/me')).body.patientId;
    expect(patientId).toMatch(/[0-9a-f-]{36}/);
  });

  it('completes the guided intake section by section and sends it', async () => {
    await patient.getByRole('link', { name: 'Start your intake' }).click();
    await until(() => patient.getByRole('heading', { name: 'About you', level: 2 }).isVisible()).toBe(true);
    // About you
    await patient.getByLabel('Date of birth').fill('1986-05-14');
    await answer(patient, /sex assigned at birth/i, 'Male');
    await patient.getByLabel('State where you are located').selectOption('CA');
    await patient.getByLabel('Weight (kg)').fill('78');
    await saveAndContinue(patient, 'Mental health history');
    // Mental health history
    await patient.getByLabel('Mental health diagnoses you have been given').fill('Major depressive disorder');
    await patient.getByLabel(/how many antidepressants/i).fill('3');
    await answer(patient, /psychotic disorder/i, 'No');
    await answer(patient, /bipolar disorder/i, 'No');
    await patient.getByLabel(/tried to end your life/i).fill('0');
    await saveAndContinue(patient, 'Physical health');
    // Physical health: every condition "No"
    const medical = patient.getByRole('radiogroup');
    for (let i = 0; i < (await medical.count()); i++) await medical.nth(i).getByRole('radio', { name: 'No', exact: true }).check();
    await patient.getByLabel(/top number/i).fill('122');
    await patient.getByLabel(/bottom number/i).fill('78');
    await patient.getByLabel('Liver problems').selectOption('none');
    await saveAndContinue(patient, 'Medications');
    await answer(patient, /taking any medicines/i, 'No');
    await saveAndContinue(patient, 'Alcohol and drugs');
    const substance = patient.getByRole('radiogroup');
    for (let i = 0; i < (await substance.count()); i++) await substance.nth(i).getByRole('radio', { name: 'No', exact: true }).check();
    await saveAndContinue(patient, 'Questionnaires');
    // The validated questionnaires, rendered from GET /instruments
    const section = (name: RegExp) => patient.locator('section').filter({ has: patient.getByRole('heading', { name }) });
    await answerInstrument(section(/PHQ-9/), (i) => (i < 8 ? 2 : 0));
    await answerInstrument(section(/GAD-7/), () => 1);
    await answerInstrument(section(/difficult thoughts/), () => 0);
    expect(await patient.getByTestId('crisis-panel').count()).toBe(0);
    await answerInstrument(section(/^Alcohol Use Disorders/), () => 0);
    await answerInstrument(section(/DAST-10/), () => 0);
    await answerInstrument(section(/Bladder/), () => 0);
    await saveAndContinue(patient, 'Your sitter');
    await answer(patient, /adult who can sit with you/i, 'Yes');
    await patient.getByLabel('Their name').fill('Robin Sitter');
    await patient.getByLabel(/how are they related/i).fill('friend');
    await answer(patient, /18 or older/i, 'Yes');
    await answer(patient, /can they be with you/i, 'Yes');
    await saveAndContinue(patient, 'Check and send');
    await until(() => patient.getByText('7 of 7 sections complete').isVisible()).toBe(true);
    await shot(patient, 'journey-intake-review');
    await patient.getByRole('button', { name: 'Send my intake to a clinician' }).click();
    await until(() => text(patient.getByTestId('intake-status'))).toBe('With a clinician');
    await patient.goto(`${keel.url}/patient`);
    await until(() => attr(patient.getByTestId('next-step'), 'data-step')).toBe('wait-review');
  });

  it('is claimed from the review queue and approved by a clinician with a signed decision, in the clinician UI', async () => {
    await signIn(clinician, 'clinician@keel.demo', demoPassword);
    await clinician.waitForURL(/\/clinician/);
    await clinician.goto(`${keel.url}/clinician/review-queue`);
    // The self-signed-up applicant is not on anyone's care team: "Claim and review" must open the intake.
    await clinician.getByRole('link', { name: /Claim and review.*Jordan Journey/ }).click();
    await until(() => clinician.getByRole('heading', { name: 'Screening result' }).isVisible()).toBe(true);
    expect(await clinician.getByText('Page not found').count()).toBe(0);
    await shot(clinician, 'journey-intake-before-claim');
    await clinician.getByRole('button', { name: 'Claim this intake' }).click();
    await clinician.getByRole('radio', { name: /^Approve/ }).check();
    await clinician.getByLabel('Note', { exact: false }).first().fill('Eligible: treatment-resistant depression, no exclusions. Approved for induction.');
    // The note is for the patient to read (the default choice); the signature is the clinician's password.
    expect(await clinician.getByRole('radio', { name: 'The patient and the care team' }).isChecked()).toBe(true);
    await clinician.getByLabel('Your password (electronic signature)').fill(demoPassword);
    await clinician.getByRole('button', { name: 'Sign and record decision' }).click();
    await until(() => clinician.getByText('Decision signed').isVisible()).toBe(true);
    const intake = await callFromPage<{ status: string }>(clinician, 'GET', `/api/v1/patients/${patientId}/intake`);
    expect(intake.body.status).toBe('approved');
  });

  it('signs the consent form with a password and completes the required lessons', async () => {
    await patient.goto(`${keel.url}/patient`);
    await until(() => attr(patient.getByTestId('next-step'), 'data-step')).toBe('sign-consent');
    await patient.getByRole('link', { name: 'Read the consent form' }).click();
    await patient.getByLabel(/I have read and understood/).check();
    await patient.getByLabel('Your password').fill(password);
    await patient.getByRole('button', { name: 'Sign consent form' }).click();
    await until(() => patient.getByText('You signed this consent form').isVisible()).toBe(true);
    const education = await callFromPage<{ items: { slug: string; required: boolean }[] }>(patient, 'GET', '/api/v1/education');
    for (const m of education.body.items.filter((x) => x.required)) {
      await patient.goto(`${keel.url}/patient/education/${m.slug}`);
      await patient.getByRole('button', { name: 'I have read this lesson' }).click();
      await until(() => patient.getByText('Lesson done').isVisible()).toBe(true);
    }
    await patient.goto(`${keel.url}/patient`);
    await until(() => attr(patient.getByTestId('next-step'), 'data-step')).toBe('wait-plan');
  });

  it('invites a sitter, who accepts from the emailed link with their own account', async () => {
    await patient.goto(`${keel.url}/patient/support`);
    await patient.getByLabel('Their name').fill('Robin Sitter');
    await patient.getByLabel('Their email').fill(sitterEmail);
    await patient.getByLabel(/how are they related/i).fill('friend');
    await patient.getByLabel('They are 18 or older').check();
    await patient.getByRole('button', { name: 'Send invitation' }).click();
    await until(() => patient.getByText('Invitation sent').first().isVisible()).toBe(true);
    let token = '';
    await until(
      () => {
        const mail = fs.existsSync(mailFile) ? fs.readFileSync(mailFile, 'utf8') : '';
        token = /sitter-invitation#token=([A-Za-z0-9_-]+)/.exec(mail)?.[1] ?? '';
        return token;
      },
      30_000,
    ).not.toBe('');
    await sitter.goto(`${keel.url}/sitter-invitation#token=${token}`);
    await sitter.getByLabel('Your name').fill('Robin Sitter');
    await sitter.getByRole('textbox', { name: 'New password', exact: true }).fill(password);
    await sitter.getByRole('textbox', { name: 'Confirm new password' }).fill(password);
    await sitter.getByRole('button', { name: 'Create sitter account and accept' }).click();
    await until(() => sitter.getByText('Invitation accepted').isVisible()).toBe(true);
    // The patient invited this sitter, so a clinician on the care team approves them (from the chart) before their
    // access starts.
    await clinician.goto(`${keel.url}/clinician/patients/${patientId}`);
    await until(() => clinician.getByText('Waiting for a clinician’s approval').isVisible()).toBe(true);
    await clinician.getByRole('button', { name: 'Approve Robin Sitter as a sitter' }).click();
    await clinician.getByRole('dialog').getByRole('button', { name: 'Approve sitter' }).click();
    await until(() => clinician.getByText('Waiting for a clinician’s approval').isVisible()).toBe(false);
    await signIn(sitter, sitterEmail, password);
    await sitter.waitForURL(/\/sitter/);
    await until(() => sitter.getByText(/Jordan Journey has no session booked/).isVisible()).toBe(true);
  });

  it('gets a signed plan and a dispense from the clinician', async () => {
    const terms = {
      phase: 'induction',
      route: 'sublingual',
      startingDoseMg: 300,
      currentDoseMg: 300,
      maximumDoseMg: 450,
      titrationStepMg: 50,
      sessionsPlanned: 6,
      minHoursBetweenSessions: 72,
      maxSessionsPer7Days: 2,
      fastingHours: 4,
      vitalsHold: { systolicMmHg: 160, diastolicMmHg: 100, heartRateBpm: 110 },
      followUp: { afterFirstSession: true, everySessions: 6 },
      goals: ['PHQ-9 below 10 by the end of induction'],
      administration: { route: 'sublingual', holdMinutes: 15, afterDissolve: 'spit' },
    };
    // Prescribing compliance first (docs/compliance.md): the pathway, e-signed, and a PDMP check before the plan.
    const today = new Date().toISOString().slice(0, 10);
    const pathway = await callFromPage(clinician, 'POST', `/api/v1/patients/${patientId}/prescribing-pathway`, {
      kind: 'in_person_evaluation',
      evaluatedOn: today,
      location: 'Keel clinic, Sacramento CA',
      attestation: true,
      signature: { password: demoPassword },
    });
    expect(pathway.status).toBe(201);
    const pdmp = await callFromPage(clinician, 'POST', `/api/v1/patients/${patientId}/pdmp-checks`, {
      checkedAt: new Date().toISOString(),
      states: ['CA'],
      resultSummary: 'CURES: no other controlled prescriptions.',
      otherControlledPrescriptions: [],
      otherPrescriberFound: false,
    });
    expect(pdmp.status).toBe(201);
    const draft = await callFromPage<{ plan: { id: string } }>(clinician, 'POST', `/api/v1/patients/${patientId}/plans`, { terms });
    expect(draft.status).toBe(201);
    const signed = await callFromPage<{ plan: { status: string } }>(clinician, 'POST', `/api/v1/plans/${draft.body.plan.id}/sign`, { signature: { password: demoPassword } });
    expect(signed.status).toBe(200);
    expect(signed.body.plan.status).toBe('active');
    const dispense = await callFromPage<{ onHand: number }>(clinician, 'POST', `/api/v1/patients/${patientId}/dispenses`, {
      units: 6,
      form: 'sublingual_tablet',
      strengthMg: 300,
      dispensedAt: new Date().toISOString(),
      dispenser: 'Journey Compounding Pharmacy',
      shipTo: '1 Test Street, Sacramento, CA 95814',
    });
    expect(dispense.status).toBe(201);
    expect(dispense.body.onHand).toBe(6);
    await patient.goto(`${keel.url}/patient`);
    await until(() => attr(patient.getByTestId('next-step'), 'data-step')).toBe('book-first-session');
  });

  it('books a session, the sitter attests, a high blood pressure blocks it with the reason, a new reading authorizes it', async () => {
    await patient.getByRole('link', { name: 'Book a session' }).click();
    await patient.getByRole('button', { name: 'Book session' }).click();
    await patient.waitForURL(/\/patient\/sessions\/[0-9a-f-]{36}$/);
    sessionId = patient.url().split('/').pop() ?? '';
    // Checklist
    await patient.getByLabel('How many hours since you last ate?').fill('6');
    await answer(patient, /alcohol in the last 24 hours/i, 'No');
    await answer(patient, /sedative or sleeping medicine/i, 'No');
    await answer(patient, /cannabis in the last 24 hours/i, 'No');
    await answer(patient, /new medicine since your plan/i, 'No');
    await answer(patient, /somewhere safe to lie down/i, 'Yes');
    await patient.getByRole('button', { name: 'Save checklist' }).click();
    await until(() => patient.getByRole('button', { name: 'Do the checklist again' }).isVisible()).toBe(true);

    // The sitter sees today's session and attests from their own account (phone-sized).
    await sitter.goto(`${keel.url}/sitter`);
    await until(() => attr(sitter.getByTestId('sitter-session'), 'data-status')).toBe('scheduled');
    await sitter.getByLabel(/I am with Jordan now/).check();
    await sitter.getByLabel(/I am sober/).check();
    await sitter.getByRole('button', { name: 'Confirm I am present and sober' }).click();
    await until(() => sitter.getByTestId('attested').isVisible()).toBe(true);
    await shot(sitter, 'journey-sitter-attested');

    // A reading outside human range is refused beside the field; then a real but high reading.
    const systolic = patient.getByLabel('Top number (systolic, mmHg)');
    await systolic.fill('400');
    await patient.getByLabel('Bottom number (diastolic, mmHg)').fill('95');
    await patient.getByLabel('Heart rate (beats per minute)').fill('80');
    await patient.getByRole('button', { name: 'Save readings' }).click();
    await until(() => attr(systolic, 'aria-invalid')).toBe('true');
    await systolic.fill('172');
    await patient.getByRole('button', { name: 'Save readings' }).click();
    await until(() => patient.getByText('This reading is above your safe limit').isVisible()).toBe(true);
    // The page notices the sitter's confirmation by itself.
    await until(() => patient.getByTestId('sitter-confirmed').isVisible()).toBe(true);

    await patient.getByRole('button', { name: 'Run the safety check' }).click();
    const blocked = patient.getByTestId('gate-blocked');
    await until(() => blocked.isVisible()).toBe(true);
    const reasons = await blocked.locator('[data-reason]').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')));
    expect(reasons).toEqual(['VITALS_ABOVE_HOLD']);
    expect(await blocked.getByText('Blood pressure or heart rate too high').isVisible()).toBe(true);
    expect(await blocked.getByText(/What to do:/).first().isVisible()).toBe(true);
    await shot(patient, 'journey-session-blocked');

    await patient.getByRole('button', { name: 'Measure again' }).click();
    await patient.getByLabel('Top number (systolic, mmHg)').fill('124');
    await patient.getByLabel('Bottom number (diastolic, mmHg)').fill('80');
    await patient.getByLabel('Heart rate (beats per minute)').fill('72');
    await patient.getByRole('button', { name: 'Save readings' }).click();
    await until(() => patient.getByText('This reading is above your safe limit').count()).toBe(0);
    await patient.getByRole('button', { name: 'Run the safety check' }).click();
    const authorized = patient.getByTestId('gate-authorized');
    await until(() => authorized.isVisible()).toBe(true);
    expect(await authorized.textContent()).toContain('300 mg');
    expect(await patient.getByText(/under your tongue/).isVisible()).toBe(true);
    await shot(patient, 'journey-session-authorized');
  });

  it('runs the session: the sitter’s “not yet” keeps it open with their controls, and an emergency reaches the clinician’s queue by itself', async () => {
    await patient.getByRole('button', { name: 'Start the session now' }).click();
    await until(() => patient.getByRole('heading', { name: 'Your session' }).isVisible()).toBe(true);
    await patient.getByRole('button', { name: /Start the 15-minute timer/ }).click();
    // In observation: the session cannot be finished before the observation time and the sitter's confirmation.
    await until(() => patient.getByTestId('observation').isVisible()).toBe(true);
    expect(await patient.getByRole('button', { name: 'Finish the session' }).isDisabled()).toBe(true);

    await sitter.reload();
    await until(() => attr(sitter.getByTestId('sitter-session'), 'data-status')).toBe('in_progress');
    await sitter.getByRole('button', { name: 'Responsive and breathing normally' }).click();
    await until(() => sitter.getByText(/1 check recorded/).isVisible()).toBe(true);
    await shot(sitter, 'journey-sitter-checks');
    // The sitter reports a side effect from the phone; the care team sees it on the session.
    await sitter.getByRole('button', { name: 'Report a side effect' }).click();
    await sitter.getByLabel('What happened').fill('Nausea');
    await sitter.getByRole('radio', { name: /^Mild/ }).check();
    await sitter.getByLabel('Describe it').fill('Felt queasy at 20 minutes; passed after sipping water.');
    await sitter.getByRole('button', { name: 'Send the report' }).click();
    await until(() => sitter.getByText('Report sent to the care team').isVisible()).toBe(true);
    const reported = await callFromPage<{ session: { adverseEvents: { kind: string; serious: boolean }[] } }>(clinician, 'GET', `/api/v1/sessions/${sessionId}`);
    expect(reported.body.session.adverseEvents).toEqual([expect.objectContaining({ kind: 'Nausea', serious: false })]);

    // The sitter says "not yet": the session stays open, and their checks and "something is wrong" stay on screen.
    await sitter.getByRole('button', { name: 'Not yet' }).click();
    await until(() => sitter.getByTestId('baseline-recorded').isVisible()).toBe(true);
    expect(await sitter.getByTestId('something-wrong').isVisible()).toBe(true);
    expect(await sitter.getByRole('button', { name: 'Responsive and breathing normally' }).isVisible()).toBe(true);
    expect(await sitter.getByRole('button', { name: /is back to their usual self/ }).isVisible()).toBe(true);
    await shot(sitter, 'journey-sitter-not-yet');
    await until(() => text(patient.getByTestId('sitter-baseline-status')), 20_000).toMatch(/not back to your usual self yet/);
    expect(await patient.getByRole('button', { name: 'Finish the session' }).isDisabled()).toBe(true);
    // Even a direct request to finish is refused: the session is never closed against the sitter.
    const early = await callFromPage<{ code: string }>(patient, 'POST', `/api/v1/sessions/${sessionId}/complete`, {
      sideEffects: [],
      dissociation0to10: 3,
      nausea0to10: 0,
      mood0to10: 7,
      sitterConfirmsBaseline: true,
    });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('SESSION_NOT_READY_TO_COMPLETE');
    await shot(patient, 'journey-session-observation');

    // The clinician has the alert queue open; the sitter finds the patient not responding.
    await clinician.goto(`${keel.url}/clinician/alerts`);
    await until(() => clinician.getByRole('heading', { name: 'Alerts', level: 1 }).isVisible()).toBe(true);
    expect(await clinician.getByTestId('emergency-banner').count()).toBe(0);
    await sitter.getByRole('button', { name: 'Not responding to me' }).click();
    await until(() => sitter.getByTestId('clinician-paged').isVisible()).toBe(true);
    await shot(sitter, 'journey-sitter-emergency');
    // No reload: the queue refreshes itself (every 10 seconds).
    await until(() => clinician.getByTestId('emergency-banner').isVisible(), 20_000).toBe(true);
    expect(await clinician.getByText(/Emergency during a session: the sitter found the patient not responsive/).first().isVisible()).toBe(true);
    await shot(clinician, 'journey-clinician-emergency');
    const session = await callFromPage<{ session: { status: string; doseMg: number; emergency: { alertId: string } | null } }>(patient, 'GET', `/api/v1/sessions/${sessionId}`);
    expect(session.body.session).toMatchObject({ status: 'in_progress', doseMg: 300 });
    expect(session.body.session.emergency).not.toBeNull();
  });

  it('shows crisis resources at once for a positive PHQ-9 item 9, and the alert reaches the clinician, who acknowledges it', async () => {
    await patient.goto(`${keel.url}/patient/assessments/phq9`);
    const groups = patient.getByRole('radiogroup');
    await until(() => groups.count()).toBe(10);
    for (let i = 0; i < 9; i++) await groups.nth(i).getByRole('radio').nth(i === 8 ? 1 : 1).check();
    // Crisis resources appear as soon as item 9 is answered, before anything is sent.
    await until(() => patient.getByTestId('crisis-panel').isVisible()).toBe(true);
    await patient.getByRole('button', { name: 'Send my answers' }).click();
    await until(() => patient.getByTestId('assessment-done').isVisible()).toBe(true);
    expect(await patient.getByTestId('crisis-panel').isVisible()).toBe(true);
    await shot(patient, 'journey-phq9-crisis');

    type AlertRow = { id: string; patientId: string; code: string; status: string; holdsDosing: boolean };
    const open = await callFromPage<{ items: AlertRow[] }>(clinician, 'GET', '/api/v1/alerts?status=open');
    expect(open.status).toBe(200);
    const alert = open.body.items.find((a) => a.patientId === patientId && a.code === 'SUICIDE_RISK_PHQ9_ITEM9');
    expect(alert, JSON.stringify(open.body.items.map((a) => [a.patientId, a.code]))).toBeDefined();
    const ack = await callFromPage<AlertRow>(clinician, 'POST', `/api/v1/alerts/${alert?.id ?? ''}/acknowledge`);
    expect(ack.status).toBe(200);
    const after = await callFromPage<AlertRow>(clinician, 'GET', `/api/v1/alerts/${alert?.id ?? ''}`);
    expect(after.body.status).toBe('acknowledged');

    // While the safety alert is open (acknowledged, not resolved), the patient's home leads with crisis resources.
    await patient.goto(`${keel.url}/patient`);
    await until(() => patient.getByTestId('crisis-panel').isVisible()).toBe(true);
    await shot(patient, 'journey-home-safety-alert');
  });
});
