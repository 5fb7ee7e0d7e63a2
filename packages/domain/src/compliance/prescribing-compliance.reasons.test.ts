// Each reason prescribing compliance gives, in full: code, message and detail, exactly as the caller shows it and the
// audit log stores it (docs/compliance.md, docs/safety/<CODE>.md). The sibling prescribing-compliance.test.ts pins
// which codes a case gives; this file pins what each says, the boundaries, and the exported helpers. Every expected
// string, date and number is written out here by hand, from the default settings
// (packages/domain/src/settings/program-settings.ts: flexibilities until 2026-12-31 in America/New_York; PDMP windows
// 30 days before signing, 7 before a dispense, 90 while dosing; 5 refills within 6 months).
import { describe, expect, it } from 'vitest';
import { defaultDosingSettings, type DosingSettings } from '../settings/program-settings.ts';
import {
  COMPLIANCE_ACTIONS,
  CREDENTIAL_KINDS,
  DEA_SCHEDULES,
  PATHWAY_KINDS,
  SCHEDULE_III_CODES,
  credentialCovers,
  daysUntil,
  evaluatePrescribingCompliance,
  lapseNoticeDates,
  nextPdmpDueAt,
  pathwayDetailErrors,
  pathwayLapsesAfter,
  programDate,
  type ComplianceAction,
  type ComplianceCredential,
  type ComplianceDecision,
  type ComplianceInput,
  type ComplianceReason,
} from './prescribing-compliance.ts';

const licenceCA: ComplianceCredential = { kind: 'state_licence', state: 'CA', schedules: [], expiresOn: '2027-06-30' };
const deaCA: ComplianceCredential = { kind: 'dea_registration', state: 'CA', schedules: ['III'], expiresOn: '2027-06-30' };
const inPerson = { kind: 'in_person_evaluation' as const, details: { evaluatedOn: '2026-05-01', location: 'Clinic, Oakland CA', attestation: true } };

// 16:00Z on 12 June 2026 is 12:00 in New York (EDT): the program's date is 2026-06-12.
const now = new Date('2026-06-12T16:00:00.000Z');

function input(action: ComplianceAction, over: Partial<ComplianceInput> = {}): ComplianceInput {
  return {
    action,
    patientState: 'CA',
    pathway: inPerson,
    prescriber: { id: 'clin-1', credentials: [licenceCA, deaCA] },
    pdmpCheckedAt: ['2026-06-10T15:00:00.000Z'],
    ...(action === 'dispense' ? { previousDispenseAt: null, prescription: { signedAt: '2026-06-01T15:00:00.000Z', fillsSoFar: 0 } } : {}),
    ...over,
  };
}

const decide = (i: unknown, settings: unknown = defaultDosingSettings, at: Date = now): ComplianceDecision =>
  evaluatePrescribingCompliance(i as ComplianceInput, settings as DosingSettings, at);
const blocked = (...reasons: ComplianceReason[]): ComplianceDecision => ({ ok: false, reasons });
const withCompliance = (c: Record<string, unknown>): unknown => ({ ...defaultDosingSettings, compliance: { ...defaultDosingSettings.compliance, ...c } });
const withPdmp = (p: Record<string, unknown>): unknown => withCompliance({ pdmp: { ...defaultDosingSettings.compliance.pdmp, ...p } });
const withRefill = (r: Record<string, unknown>): DosingSettings => ({ ...defaultDosingSettings, refill: { ...defaultDosingSettings.refill, ...r } });
/** A record that throws on every read (a revoked proxy): the check reading it must fail closed, not throw. */
const unreadable = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

// The messages, verbatim.
const NO_PATHWAY =
  'No prescribing pathway is on record for this patient. A prescriber must record one (an in-person evaluation, a referral from a clinician who evaluated the patient in person, or a special registration) before a controlled substance is prescribed, dispensed or taken.';
const FLEX_ENDED =
  'The telemedicine flexibilities this patient was prescribed under ended on 2026-12-31. Before any further prescribing, dispensing or dosing, the patient needs an in-person medical evaluation by the prescriber (or a referral from a clinician who evaluated them in person), or the prescriber needs a special telemedicine registration.';
const NO_LICENCE_ON_RECORD = 'No prescriber with a current licence for the patient’s state is on record for this.';
const NO_DEA_ON_RECORD = 'No prescriber with a current DEA registration covering Schedule III for the patient’s state is on record for this.';
const PDMP_UNREADABLE = 'The PDMP checks on record could not be read. Record a new PDMP check.';
const PREVIOUS_DISPENSE_UNREADABLE = 'The previous dispense could not be read, so the PDMP check for this fill cannot be confirmed.';
const NO_PRESCRIPTION = 'There is no signed prescription (plan) to fill. The prescriber must sign a plan first.';
const FILLS_UNREADABLE = 'The prescription’s fills could not be counted. The prescriber must review it.';
const WINDOW_ENDED =
  'This prescription was signed more than 6 months ago; a Schedule III prescription cannot be refilled after that. The prescriber must sign a new plan before another dispense.';
const CHECK_FAILED = 'This condition could not be checked, so the action is not allowed. Contact the care team.';

const UNREADABLE_ALL = blocked(
  { code: 'PRESCRIBING_PATHWAY_MISSING', message: 'The prescribing pathway could not be checked. Contact the care team.', detail: { problem: 'input or settings unreadable' } },
  { code: 'PRESCRIBER_LICENCE_MISSING', message: 'The prescriber’s licence could not be checked.', detail: { problem: 'input or settings unreadable' } },
  { code: 'PRESCRIBER_DEA_MISSING', message: 'The prescriber’s DEA registration could not be checked.', detail: { problem: 'input or settings unreadable' } },
  { code: 'PDMP_CHECK_MISSING', message: 'The PDMP checks could not be read.', detail: { problem: 'input or settings unreadable' } },
);

const noLicence = (expiredOn: string[], message: string): ComplianceReason => ({
  code: 'PRESCRIBER_LICENCE_MISSING',
  message,
  detail: { state: 'CA', today: '2026-06-12', expiredOn },
});
const NO_CA_LICENCE = 'The prescriber has no current licence on record for CA, the patient’s state. An administrator must record a current licence first.';
const noDea = (problem: string): ComplianceReason => ({
  code: 'PRESCRIBER_DEA_MISSING',
  message: `The prescriber has no current DEA registration covering Schedule III on record for CA, the patient’s state (${problem}). An administrator must record one first.`,
  detail: { state: 'CA', today: '2026-06-12', problem },
});

describe('evaluatePrescribingCompliance: nothing can be judged', () => {
  const table: [string, unknown, unknown, Date][] = [
    ['an unreadable clock', input('dose'), defaultDosingSettings, new Date(Number.NaN)],
    ['no input', null, defaultDosingSettings, now],
    ['an input that is text', 'dose', defaultDosingSettings, now],
    ['an input that is a number', 42, defaultDosingSettings, now],
    ['no settings', input('dose'), null, now],
    ['settings that are text', input('dose'), 'defaults', now],
    ['no compliance settings', input('dose'), { ...defaultDosingSettings, compliance: null }, now],
    ['a flexibility date that is not a date', input('dose'), withCompliance({ telemedicineFlexibilityUntil: '31/12/2026' }), now],
    ['an unknown time zone', input('dose'), withCompliance({ timeZone: 'Mars/Olympus_Mons' }), now],
    ['no PDMP windows', input('dose'), withCompliance({ pdmp: null }), now],
    ['a PDMP window that is text', input('dose'), withPdmp({ beforePlanSignDays: '30' }), now],
    ['a dispense window of 0 days', input('dose'), withPdmp({ beforeDispenseDays: 0 }), now],
    ['a negative dosing window', input('dose'), withPdmp({ whileActiveEveryDays: -90 }), now],
    ['an endless dosing window', input('dose'), withPdmp({ whileActiveEveryDays: Number.POSITIVE_INFINITY }), now],
    ['a dosing window that is not a number', input('dose'), withPdmp({ whileActiveEveryDays: Number.NaN }), now],
  ];
  it.each(table)('%s: every condition is reported unmet', (_name, i, settings, at) => {
    expect(decide(i, settings, at)).toStrictEqual(UNREADABLE_ALL);
  });
  it('the smallest readable windows (one day each) are accepted', () => {
    const s = withPdmp({ beforePlanSignDays: 1, beforeDispenseDays: 1, whileActiveEveryDays: 1 });
    expect(decide(input('dose', { pdmpCheckedAt: ['2026-06-11T16:00:00.000Z'] }), s)).toStrictEqual({ ok: true, reasons: [] });
  });
});

describe('evaluatePrescribingCompliance: the pathway', () => {
  const table: [string, unknown, ComplianceReason[]][] = [
    ['none recorded', null, [{ code: 'PRESCRIBING_PATHWAY_MISSING', message: NO_PATHWAY, detail: { problem: 'none recorded' } }]],
    ['a pathway that is text', 'in_person_evaluation', [{ code: 'PRESCRIBING_PATHWAY_MISSING', message: NO_PATHWAY, detail: { problem: 'none recorded' } }]],
    ['an unknown kind', { kind: 'mail_order', details: {} }, [{ code: 'PRESCRIBING_PATHWAY_MISSING', message: NO_PATHWAY, detail: { problem: 'none recorded' } }]],
    [
      'an in-person evaluation with no details',
      { kind: 'in_person_evaluation', details: null },
      [
        {
          code: 'PRESCRIBING_PATHWAY_MISSING',
          message: 'The prescribing pathway on record is incomplete (evaluatedOn, location, attestation). A prescriber must record it again in full.',
          detail: { kind: 'in_person_evaluation', missingFields: ['evaluatedOn', 'location', 'attestation'] },
        },
      ],
    ],
    [
      'a referral without its document',
      { kind: 'referral_from_in_person_clinician', details: { referringClinician: 'Dr A. Reyes, MD', referredOn: '2026-05-20' } },
      [
        {
          code: 'PRESCRIBING_PATHWAY_MISSING',
          message: 'The prescribing pathway on record is incomplete (documentReference). A prescriber must record it again in full.',
          detail: { kind: 'referral_from_in_person_clinician', missingFields: ['documentReference'] },
        },
      ],
    ],
    ['a pathway that cannot be read', unreadable(), [{ code: 'PRESCRIBING_PATHWAY_MISSING', message: CHECK_FAILED, detail: { problem: 'check failed' } }]],
  ];
  it.each(table)('%s', (_name, pathway, reasons) => {
    expect(decide(input('sign_plan', { pathway: pathway as ComplianceInput['pathway'] }))).toStrictEqual(blocked(...reasons));
  });

  const flex = (action: ComplianceAction): ComplianceInput =>
    input(action, { pathway: { kind: 'telemedicine_flexibility', details: {} }, pdmpCheckedAt: ['2026-12-30T15:00:00.000Z'] });
  it('the flexibilities ended: the date, the instant they ended and the zone', () => {
    // 31 December 2026 in New York is EST (UTC−5): the day ends at 2027-01-01T05:00:00Z.
    expect(decide(flex('dose'), defaultDosingSettings, new Date('2027-01-01T05:00:00.000Z'))).toStrictEqual(
      blocked({
        code: 'TELEMEDICINE_FLEXIBILITY_ENDED',
        message: FLEX_ENDED,
        detail: { flexibilityUntil: '2026-12-31', endedAt: '2027-01-01T05:00:00.000Z', timeZone: 'America/New_York' },
      }),
    );
    expect(decide(flex('dose'), defaultDosingSettings, new Date('2027-01-01T04:59:59.999Z'))).toStrictEqual({ ok: true, reasons: [] });
  });
  it('in Los Angeles they end three hours later, and the detail says so', () => {
    expect(decide(flex('sign_plan'), withCompliance({ timeZone: 'America/Los_Angeles' }), new Date('2027-01-01T08:00:00.000Z'))).toStrictEqual(
      blocked({
        code: 'TELEMEDICINE_FLEXIBILITY_ENDED',
        message: FLEX_ENDED,
        detail: { flexibilityUntil: '2026-12-31', endedAt: '2027-01-01T08:00:00.000Z', timeZone: 'America/Los_Angeles' },
      }),
    );
  });
});

describe('pathwayDetailErrors: each field of each kind', () => {
  const table: [string, unknown, unknown, string[]][] = [
    ['in person, complete', 'in_person_evaluation', { evaluatedOn: '2026-05-01', location: 'Clinic', attestation: true }, []],
    ['in person, details not a record', 'in_person_evaluation', null, ['evaluatedOn', 'location', 'attestation']],
    ['in person, details that are text', 'in_person_evaluation', 'Clinic', ['evaluatedOn', 'location', 'attestation']],
    ['in person, a date with a time', 'in_person_evaluation', { evaluatedOn: '2026-05-01T10:00:00Z', location: 'Clinic', attestation: true }, ['evaluatedOn']],
    ['in person, a blank location', 'in_person_evaluation', { evaluatedOn: '2026-05-01', location: '   ', attestation: true }, ['location']],
    ['in person, an empty location', 'in_person_evaluation', { evaluatedOn: '2026-05-01', location: '', attestation: true }, ['location']],
    ['in person, a location that is a number', 'in_person_evaluation', { evaluatedOn: '2026-05-01', location: 5, attestation: true }, ['location']],
    ['in person, an attestation that is text', 'in_person_evaluation', { evaluatedOn: '2026-05-01', location: 'Clinic', attestation: 'true' }, ['attestation']],
    ['in person, an attestation that is false', 'in_person_evaluation', { evaluatedOn: '2026-05-01', location: 'Clinic', attestation: false }, ['attestation']],
    ['telemedicine needs nothing', 'telemedicine_flexibility', null, []],
    ['special registration, complete', 'special_registration', { registrationNumber: 'TR1', registrationType: 'telemedicine' }, []],
    ['special registration, nothing', 'special_registration', {}, ['registrationNumber', 'registrationType']],
    ['special registration, blank number', 'special_registration', { registrationNumber: ' ', registrationType: 'telemedicine' }, ['registrationNumber']],
    ['referral, complete', 'referral_from_in_person_clinician', { referringClinician: 'Dr A', referredOn: '2026-05-20', documentReference: 'r.pdf' }, []],
    ['referral, nothing', 'referral_from_in_person_clinician', {}, ['referringClinician', 'referredOn', 'documentReference']],
    ['referral, an impossible date', 'referral_from_in_person_clinician', { referringClinician: 'Dr A', referredOn: '2026-02-30', documentReference: 'r.pdf' }, ['referredOn']],
    ['referral, a blank clinician', 'referral_from_in_person_clinician', { referringClinician: '\t', referredOn: '2026-05-20', documentReference: 'r.pdf' }, ['referringClinician']],
    ['an unknown kind', 'mail_order', {}, ['kind']],
    ['no kind', undefined, { evaluatedOn: '2026-05-01', location: 'Clinic', attestation: true }, ['kind']],
  ];
  it.each(table)('%s', (_name, kind, details, expected) => {
    expect(pathwayDetailErrors(kind, details)).toStrictEqual(expected);
  });
});

describe('evaluatePrescribingCompliance: the credentials', () => {
  const withCreds = (credentials: unknown[]): ComplianceInput => input('sign_plan', { prescriber: { id: 'clin-1', credentials: credentials as ComplianceCredential[] } });
  const table: [string, ComplianceInput, ComplianceReason[]][] = [
    [
      'no prescriber',
      input('dose', { prescriber: null }),
      [
        { code: 'PRESCRIBER_LICENCE_MISSING', message: NO_LICENCE_ON_RECORD, detail: { problem: 'no prescriber' } },
        { code: 'PRESCRIBER_DEA_MISSING', message: NO_DEA_ON_RECORD, detail: { problem: 'no prescriber' } },
      ],
    ],
    [
      'a prescriber that is text',
      input('dose', { prescriber: 'clin-1' as never }),
      [
        { code: 'PRESCRIBER_LICENCE_MISSING', message: NO_LICENCE_ON_RECORD, detail: { problem: 'no prescriber' } },
        { code: 'PRESCRIBER_DEA_MISSING', message: NO_DEA_ON_RECORD, detail: { problem: 'no prescriber' } },
      ],
    ],
    ...(
      [
        ['no patient state', null],
        ['an empty patient state', ''],
        ['a patient state that is a number', 5],
      ] as const
    ).map(
      ([name, patientState]): [string, ComplianceInput, ComplianceReason[]] => [
        name,
        input('dose', { patientState: patientState as never }),
        [
          { code: 'PRESCRIBER_LICENCE_MISSING', message: NO_LICENCE_ON_RECORD, detail: { problem: 'patient state or credentials unreadable' } },
          { code: 'PRESCRIBER_DEA_MISSING', message: NO_DEA_ON_RECORD, detail: { problem: 'patient state or credentials unreadable' } },
        ],
      ],
    ),
    [
      'credentials that are not a list',
      input('dose', { prescriber: { id: 'clin-1', credentials: 'licence' as never } }),
      [
        { code: 'PRESCRIBER_LICENCE_MISSING', message: NO_LICENCE_ON_RECORD, detail: { problem: 'patient state or credentials unreadable' } },
        { code: 'PRESCRIBER_DEA_MISSING', message: NO_DEA_ON_RECORD, detail: { problem: 'patient state or credentials unreadable' } },
      ],
    ],
    ['no credentials at all', withCreds([]), [noLicence([], NO_CA_LICENCE), noDea('none for the state')]],
    ['a DEA registration only (not a licence)', withCreds([deaCA]), [noLicence([], NO_CA_LICENCE)]],
    ['a licence for another state', withCreds([{ ...licenceCA, state: 'NY' }, deaCA]), [noLicence([], NO_CA_LICENCE)]],
    ['an empty entry beside the registration', withCreds([null, deaCA]), [noLicence([], NO_CA_LICENCE)]],
    [
      'a licence that expired yesterday',
      withCreds([{ ...licenceCA, expiresOn: '2026-06-11' }, deaCA]),
      [
        noLicence(
          ['2026-06-11'],
          'The prescriber has no current licence on record for CA, the patient’s state (the one on record expired on 2026-06-11). An administrator must record a current licence first.',
        ),
      ],
    ],
    [
      'two expired licences: the message names the later, the detail lists both in date order',
      withCreds([{ ...licenceCA, expiresOn: '2026-05-31' }, { ...licenceCA, expiresOn: '2026-01-31' }, deaCA]),
      [
        noLicence(
          ['2026-01-31', '2026-05-31'],
          'The prescriber has no current licence on record for CA, the patient’s state (the one on record expired on 2026-05-31). An administrator must record a current licence first.',
        ),
      ],
    ],
    ['a licence only (no registration)', withCreds([licenceCA]), [noDea('none for the state')]],
    ['a registration for another state', withCreds([licenceCA, { ...deaCA, state: 'NY' }]), [noDea('none for the state')]],
    ['a licence listing Schedule III is not a registration', withCreds([licenceCA, { ...licenceCA, schedules: ['III'] }]), [noDea('none for the state')]],
    ['a registration for Schedule II only', withCreds([licenceCA, { ...deaCA, schedules: ['II', 'IIN'] }]), [noDea('does not cover Schedule III')]],
    ['a registration for Schedules IV and V only', withCreds([licenceCA, { ...deaCA, schedules: ['IV', 'V'] }]), [noDea('does not cover Schedule III')]],
    ['a registration whose schedules are text, not a list', withCreds([licenceCA, { ...deaCA, schedules: 'III' }]), [noDea('does not cover Schedule III')]],
    ['a registration whose schedules are numbers', withCreds([licenceCA, { ...deaCA, schedules: [3] }]), [noDea('does not cover Schedule III')]],
    ['a Schedule II registration that expires today', withCreds([licenceCA, { ...deaCA, schedules: ['II'], expiresOn: '2026-06-12' }]), [noDea('does not cover Schedule III')]],
    ['a Schedule III registration that expired yesterday', withCreds([licenceCA, { ...deaCA, expiresOn: '2026-06-11' }]), [noDea('expired')]],
    ['a registration whose expiry is not a date', withCreds([licenceCA, { ...deaCA, expiresOn: 'someday' }]), [noDea('expired')]],
    [
      'a current Schedule II registration beside an expired Schedule III one',
      withCreds([licenceCA, { ...deaCA, schedules: ['II'] }, { ...deaCA, expiresOn: '2025-01-01' }]),
      [noDea('does not cover Schedule III')],
    ],
    [
      // A licence for the state with no expiry date is not current, and the message says why rather than name a date.
      'a licence with no expiry date',
      withCreds([{ kind: 'state_licence', state: 'CA', schedules: [] }, deaCA]),
      [
        noLicence(
          [],
          'The prescriber has no current licence on record for CA, the patient’s state (the one on record has no readable expiry date). An administrator must record a current licence first.',
        ),
      ],
    ],
    [
      'a registration that throws when its schedules are read',
      withCreds([
        licenceCA,
        {
          kind: 'dea_registration',
          state: 'CA',
          expiresOn: '2027-06-30',
          get schedules(): never {
            throw new Error('unreadable');
          },
        },
      ]),
      [{ code: 'PRESCRIBER_LICENCE_MISSING', message: CHECK_FAILED, detail: { problem: 'check failed' } }],
    ],
    [
      // The licence check reports first; the registration check then throws, and its fallback code (the licence) is
      // not reported twice.
      'no licence, and a registration that throws when its schedules are read',
      withCreds([
        {
          kind: 'dea_registration',
          state: 'CA',
          expiresOn: '2027-06-30',
          get schedules(): never {
            throw new Error('unreadable');
          },
        },
      ]),
      [noLicence([], NO_CA_LICENCE)],
    ],
    ['a prescriber that cannot be read', input('sign_plan', { prescriber: unreadable() as never }), [{ code: 'PRESCRIBER_LICENCE_MISSING', message: CHECK_FAILED, detail: { problem: 'check failed' } }]],
  ];
  it.each(table)('%s', (_name, i, reasons) => {
    expect(decide(i)).toStrictEqual(blocked(...reasons));
  });
  it.each([
    ['a licence and registration that expire today', [{ ...licenceCA, expiresOn: '2026-06-12' }, { ...deaCA, expiresOn: '2026-06-12' }]],
    ['a registration for IIIN only', [licenceCA, { ...deaCA, schedules: ['IIIN'] }]],
    ['an expired registration beside a current one', [licenceCA, { ...deaCA, expiresOn: '2025-01-01' }, deaCA]],
    ['an empty entry among them', [null, licenceCA, deaCA]],
  ])('%s: allowed', (_name, credentials) => {
    expect(decide(withCreds(credentials))).toStrictEqual({ ok: true, reasons: [] });
  });
});

describe('credentialCovers', () => {
  // 30 June 2027 in New York is EDT (UTC−4): the day ends at 2027-07-01T04:00:00Z.
  const last = new Date('2027-07-01T03:59:59.999Z');
  const after = new Date('2027-07-01T04:00:00.000Z');
  const s = defaultDosingSettings;
  it('through the end of the expiry date in the program zone, not from its next midnight', () => {
    expect(credentialCovers(licenceCA, 'state_licence', 'CA', last, s)).toBe(true);
    expect(credentialCovers(licenceCA, 'state_licence', 'CA', after, s)).toBe(false);
    expect(credentialCovers(deaCA, 'dea_registration', 'CA', last, s)).toBe(true);
    expect(credentialCovers(deaCA, 'dea_registration', 'CA', after, s)).toBe(false);
  });
  it('only for its own kind and state, with a readable expiry', () => {
    expect(credentialCovers(licenceCA, 'dea_registration', 'CA', now, s)).toBe(false);
    expect(credentialCovers(deaCA, 'state_licence', 'CA', now, s)).toBe(false);
    expect(credentialCovers(licenceCA, 'state_licence', 'NY', now, s)).toBe(false);
    expect(credentialCovers({ ...licenceCA, expiresOn: '2027-02-30' }, 'state_licence', 'CA', now, s)).toBe(false);
    expect(credentialCovers(null as never, 'state_licence', 'CA', now, s)).toBe(false);
  });
  it('a registration only when it lists III or IIIN', () => {
    expect(credentialCovers({ ...deaCA, schedules: ['IIIN'] }, 'dea_registration', 'CA', now, s)).toBe(true);
    expect(credentialCovers({ ...deaCA, schedules: ['II', 'IIN', 'IV', 'V'] }, 'dea_registration', 'CA', now, s)).toBe(false);
    expect(credentialCovers({ ...deaCA, schedules: [] }, 'dea_registration', 'CA', now, s)).toBe(false);
    expect(credentialCovers({ ...deaCA, schedules: 'III' as never }, 'dea_registration', 'CA', now, s)).toBe(false);
  });
});

describe('evaluatePrescribingCompliance: the PDMP check', () => {
  const missing = (action: string, windowDays: number, words: string, lastCheckedAt: string | null, previousDispenseAt: string | null = null): ComplianceReason => ({
    code: 'PDMP_CHECK_MISSING',
    message: `A PDMP check within the ${windowDays} days before ${words} is required. Check the state PDMP and record the result.`,
    detail: { action, windowDays, lastCheckedAt, previousDispenseAt },
  });
  const table: [string, ComplianceInput, ComplianceReason[]][] = [
    ['signing: the last check 30 days and 1 ms ago', input('sign_plan', { pdmpCheckedAt: ['2026-05-13T15:59:59.999Z'] }), [missing('sign_plan', 30, 'signing the plan', '2026-05-13T15:59:59.999Z')]],
    ['a dispense: none at all', input('dispense', { pdmpCheckedAt: [] }), [missing('dispense', 7, 'this dispense', null)]],
    ['a dose: the last check 90 days and 1 ms ago', input('dose', { pdmpCheckedAt: ['2026-03-14T15:59:59.999Z'] }), [missing('dose', 90, 'a dose', '2026-03-14T15:59:59.999Z')]],
    [
      'the latest past check is named, whatever the order, and one in the future is not a check',
      input('dose', { pdmpCheckedAt: ['2026-01-05T10:00:00.000Z', '2026-03-01T10:00:00.000Z', '2026-06-12T16:00:00.001Z', '2026-02-01T10:00:00.000Z'] }),
      [missing('dose', 90, 'a dose', '2026-03-01T10:00:00.000Z')],
    ],
    [
      'only a check in the future',
      input('sign_plan', { pdmpCheckedAt: ['2026-06-13T09:00:00.000Z'] }),
      [missing('sign_plan', 30, 'signing the plan', null)],
    ],
    [
      'an action that is not known is judged as a dose',
      input('refund' as never, { pdmpCheckedAt: ['2026-03-01T10:00:00.000Z'] }),
      [missing('dose', 90, 'a dose', '2026-03-01T10:00:00.000Z')],
    ],
    [
      'a dispense: the check within 7 days but before the previous dispense',
      input('dispense', { pdmpCheckedAt: ['2026-06-10T15:00:00.000Z'], previousDispenseAt: '2026-06-11T12:00:00+02:00' }),
      [
        missing(
          'dispense',
          7,
          'this dispense and after the previous dispense (a PDMP check at every fill)',
          '2026-06-10T15:00:00.000Z',
          '2026-06-11T10:00:00.000Z',
        ),
      ],
    ],
    [
      'a dispense: a check after a previous dispense long ago still has to lie within the 7 days',
      input('dispense', { pdmpCheckedAt: ['2026-06-02T15:00:00.000Z'], previousDispenseAt: '2026-05-20T10:00:00.000Z' }),
      [
        missing(
          'dispense',
          7,
          'this dispense and after the previous dispense (a PDMP check at every fill)',
          '2026-06-02T15:00:00.000Z',
          '2026-05-20T10:00:00.000Z',
        ),
      ],
    ],
    [
      // A previous dispense recorded after now (a clock behind the pharmacy's) leaves no instant a check could count
      // at; the check made at this very instant is still named as the last one.
      'a dispense: the previous dispense recorded after now',
      input('dispense', { pdmpCheckedAt: ['2026-06-12T16:00:00.000Z'], previousDispenseAt: '2026-06-12T17:00:00.000Z' }),
      [
        missing(
          'dispense',
          7,
          'this dispense and after the previous dispense (a PDMP check at every fill)',
          '2026-06-12T16:00:00.000Z',
          '2026-06-12T17:00:00.000Z',
        ),
      ],
    ],
    [
      'checks that are not a list (signing)',
      input('sign_plan', { pdmpCheckedAt: '2026-06-10T15:00:00.000Z' as never }),
      [{ code: 'PDMP_CHECK_MISSING', message: PDMP_UNREADABLE, detail: { problem: 'unreadable', windowDays: 30 } }],
    ],
    [
      'one unreadable check among good ones (a dispense)',
      input('dispense', { pdmpCheckedAt: ['2026-06-10T15:00:00.000Z', 'yesterday'] }),
      [{ code: 'PDMP_CHECK_MISSING', message: PDMP_UNREADABLE, detail: { problem: 'unreadable', windowDays: 7 } }],
    ],
    [
      'a check with no offset (a dose)',
      input('dose', { pdmpCheckedAt: ['2026-06-10T15:00:00'] }),
      [{ code: 'PDMP_CHECK_MISSING', message: PDMP_UNREADABLE, detail: { problem: 'unreadable', windowDays: 90 } }],
    ],
    [
      'a dispense with no previous dispense given at all',
      { ...input('dispense'), previousDispenseAt: undefined },
      [{ code: 'PDMP_CHECK_MISSING', message: PREVIOUS_DISPENSE_UNREADABLE, detail: { problem: 'previous dispense unreadable' } }],
    ],
    [
      'a dispense whose previous dispense is not a time',
      input('dispense', { previousDispenseAt: 'last week' }),
      [{ code: 'PDMP_CHECK_MISSING', message: PREVIOUS_DISPENSE_UNREADABLE, detail: { problem: 'previous dispense unreadable' } }],
    ],
    ['checks that cannot be read', input('dose', { pdmpCheckedAt: unreadable() as never }), [{ code: 'PDMP_CHECK_MISSING', message: CHECK_FAILED, detail: { problem: 'check failed' } }]],
  ];
  it.each(table)('%s', (_name, i, reasons) => {
    expect(decide(i)).toStrictEqual(blocked(...reasons));
  });
  it.each([
    ['a check at this very instant', input('dose', { pdmpCheckedAt: ['2026-06-12T16:00:00.000Z'] })],
    ['a dose needs no previous dispense', input('dose', { previousDispenseAt: 'last week' })],
    ['a dispense: a check at the previous dispense itself', input('dispense', { pdmpCheckedAt: ['2026-06-11T10:00:00.000Z'], previousDispenseAt: '2026-06-11T10:00:00.000Z' })],
    ['a dispense: a recent check beside an old one', input('dispense', { pdmpCheckedAt: ['2026-06-11T10:00:00.000Z', '2026-01-01T10:00:00.000Z'], previousDispenseAt: '2026-06-01T10:00:00.000Z' })],
  ])('%s: allowed', (_name, i) => {
    expect(decide(i)).toStrictEqual({ ok: true, reasons: [] });
  });
});

describe('evaluatePrescribingCompliance: the refills', () => {
  const rx = (prescription: unknown, at: Date = now, settings: DosingSettings = defaultDosingSettings): ComplianceDecision =>
    decide(input('dispense', { prescription: prescription as ComplianceInput['prescription'], pdmpCheckedAt: [toCheck(at)] }), settings, at);
  // A PDMP check one hour before the moment judged, so only the refill rule is in question.
  const toCheck = (at: Date): string => new Date(at.getTime() - 3_600_000).toISOString();
  const exhausted = (fills: number, maxRefills: number): ComplianceReason => ({
    code: 'PRESCRIPTION_REFILLS_EXHAUSTED',
    message: `This prescription has been filled ${fills} times: the first fill and ${maxRefills} refills, the most a Schedule III prescription allows. The prescriber must sign a new plan before another dispense.`,
    detail: { fillsSoFar: fills, maxRefills },
  });
  const table: [string, unknown, Date, DosingSettings, ComplianceReason[]][] = [
    ['no prescription', null, now, defaultDosingSettings, [{ code: 'PRESCRIPTION_REFILLS_EXHAUSTED', message: NO_PRESCRIPTION, detail: { problem: 'no signed prescription' } }]],
    ['no prescription given at all', undefined, now, defaultDosingSettings, [{ code: 'PRESCRIPTION_REFILLS_EXHAUSTED', message: NO_PRESCRIPTION, detail: { problem: 'no signed prescription' } }]],
    ...(
      [
        ['a signing time that is not a time', { signedAt: 'June', fillsSoFar: 1 }],
        ['fills that are text', { signedAt: '2026-06-01T15:00:00.000Z', fillsSoFar: '1' }],
        ['fills that are a fraction', { signedAt: '2026-06-01T15:00:00.000Z', fillsSoFar: 1.5 }],
        ['fills below zero', { signedAt: '2026-06-01T15:00:00.000Z', fillsSoFar: -1 }],
      ] as const
    ).map(([name, p]): [string, unknown, Date, DosingSettings, ComplianceReason[]] => [
      name,
      p,
      now,
      defaultDosingSettings,
      [{ code: 'PRESCRIPTION_REFILLS_EXHAUSTED', message: FILLS_UNREADABLE, detail: { problem: 'unreadable' } }],
    ]),
    ['the 7th fill', { signedAt: '2026-06-01T15:00:00.000Z', fillsSoFar: 6 }, now, defaultDosingSettings, [exhausted(6, 5)]],
    ['the 7th fill, also past six months: one reason', { signedAt: '2025-06-01T15:00:00.000Z', fillsSoFar: 9 }, now, defaultDosingSettings, [exhausted(9, 5)]],
    ['the 4th fill when the program allows 2 refills', { signedAt: '2026-06-01T15:00:00.000Z', fillsSoFar: 3 }, now, withRefill({ maxRefills: 2 }), [exhausted(3, 2)]],
    [
      'six months after signing, to the millisecond',
      { signedAt: '2025-12-12T16:00:00.000Z', fillsSoFar: 2 },
      now,
      defaultDosingSettings,
      [
        {
          code: 'PRESCRIPTION_REFILLS_EXHAUSTED',
          message: WINDOW_ENDED,
          detail: { signedAt: '2025-12-12T16:00:00.000Z', windowEndsAt: '2026-06-12T16:00:00.000Z', windowMonths: 6 },
        },
      ],
    ],
    [
      'signed on 31 December: the window ends on 30 June (the month’s last day), at the signing time',
      { signedAt: '2025-12-31T10:11:12.345Z', fillsSoFar: 1 },
      new Date('2026-06-30T10:11:12.345Z'),
      defaultDosingSettings,
      [
        {
          code: 'PRESCRIPTION_REFILLS_EXHAUSTED',
          message: WINDOW_ENDED,
          detail: { signedAt: '2025-12-31T10:11:12.345Z', windowEndsAt: '2026-06-30T10:11:12.345Z', windowMonths: 6 },
        },
      ],
    ],
    [
      'signed on 31 August: the window ends on 28 February of the next year',
      { signedAt: '2026-08-31T12:00:00.000Z', fillsSoFar: 1 },
      new Date('2027-02-28T12:00:00.000Z'),
      defaultDosingSettings,
      [
        {
          code: 'PRESCRIPTION_REFILLS_EXHAUSTED',
          message: WINDOW_ENDED,
          detail: { signedAt: '2026-08-31T12:00:00.000Z', windowEndsAt: '2027-02-28T12:00:00.000Z', windowMonths: 6 },
        },
      ],
    ],
    [
      'a signing time with an offset is read as the instant it names (08:00 EST is 13:00Z)',
      { signedAt: '2026-01-15T08:00:00-05:00', fillsSoFar: 1 },
      new Date('2026-07-15T13:00:00.000Z'),
      defaultDosingSettings,
      [
        {
          code: 'PRESCRIPTION_REFILLS_EXHAUSTED',
          message: WINDOW_ENDED,
          detail: { signedAt: '2026-01-15T13:00:00.000Z', windowEndsAt: '2026-07-15T13:00:00.000Z', windowMonths: 6 },
        },
      ],
    ],
    [
      'a 3-month window set by the program',
      { signedAt: '2026-01-31T12:00:00.000Z', fillsSoFar: 1 },
      new Date('2026-04-30T12:00:00.000Z'),
      withRefill({ windowMonths: 3 }),
      [
        {
          code: 'PRESCRIPTION_REFILLS_EXHAUSTED',
          message:
            'This prescription was signed more than 3 months ago; a Schedule III prescription cannot be refilled after that. The prescriber must sign a new plan before another dispense.',
          detail: { signedAt: '2026-01-31T12:00:00.000Z', windowEndsAt: '2026-04-30T12:00:00.000Z', windowMonths: 3 },
        },
      ],
    ],
    ['a prescription that cannot be read', unreadable(), now, defaultDosingSettings, [{ code: 'PRESCRIPTION_REFILLS_EXHAUSTED', message: CHECK_FAILED, detail: { problem: 'check failed' } }]],
  ];
  it.each(table)('%s', (_name, p, at, settings, reasons) => {
    expect(rx(p, at, settings)).toStrictEqual(blocked(...reasons));
  });
  it.each([
    ['the first fill', { signedAt: '2026-06-01T15:00:00.000Z', fillsSoFar: 0 }, now],
    ['the 6th fill (5th refill)', { signedAt: '2026-06-01T15:00:00.000Z', fillsSoFar: 5 }, now],
    ['one millisecond before six months', { signedAt: '2025-12-12T16:00:00.001Z', fillsSoFar: 2 }, now],
    ['signed 31 December, on 30 June one millisecond before the window ends', { signedAt: '2025-12-31T10:11:12.345Z', fillsSoFar: 1 }, new Date('2026-06-30T10:11:12.344Z')],
    ['signed 31 August, on 28 February one millisecond before the window ends', { signedAt: '2026-08-31T12:00:00.000Z', fillsSoFar: 1 }, new Date('2027-02-28T11:59:59.999Z')],
  ])('%s: allowed', (_name, p, at) => {
    expect(rx(p, at)).toStrictEqual({ ok: true, reasons: [] });
  });
});

describe('the exported helpers', () => {
  it('the pathway kinds, credential kinds, schedules and actions', () => {
    expect(PATHWAY_KINDS).toStrictEqual(['in_person_evaluation', 'telemedicine_flexibility', 'special_registration', 'referral_from_in_person_clinician']);
    expect(CREDENTIAL_KINDS).toStrictEqual(['state_licence', 'dea_registration']);
    expect(DEA_SCHEDULES).toStrictEqual(['II', 'IIN', 'III', 'IIIN', 'IV', 'V']);
    expect(SCHEDULE_III_CODES).toStrictEqual(['III', 'IIIN']);
    expect(COMPLIANCE_ACTIONS).toStrictEqual(['sign_plan', 'dispense', 'dose']);
  });
  it('pathwayLapsesAfter: the flexibilities lapse after the configured day; the others do not lapse by date', () => {
    expect(pathwayLapsesAfter({ kind: 'telemedicine_flexibility', details: {} }, defaultDosingSettings)).toBe('2026-12-31');
    expect(pathwayLapsesAfter(inPerson, defaultDosingSettings)).toBeNull();
    expect(pathwayLapsesAfter({ kind: 'special_registration', details: {} }, defaultDosingSettings)).toBeNull();
  });
  it('programDate: the date in the program zone, not in UTC', () => {
    // 03:30Z on 12 June is 23:30 on 11 June in New York (EDT).
    expect(programDate(new Date('2026-06-12T03:30:00.000Z'), defaultDosingSettings)).toBe('2026-06-11');
    expect(programDate(new Date('2026-06-12T04:00:00.000Z'), defaultDosingSettings)).toBe('2026-06-12');
  });
  it('nextPdmpDueAt: the latest readable check plus 90 days', () => {
    expect(nextPdmpDueAt(['2026-03-01T10:00:00.000Z', '2026-06-10T15:00:00.000Z', 'not a time', '2026-05-01T10:00:00.000Z'], defaultDosingSettings)).toBe('2026-09-08T15:00:00.000Z');
    expect(nextPdmpDueAt([], defaultDosingSettings)).toBeNull();
    expect(nextPdmpDueAt(['not a time'], defaultDosingSettings)).toBeNull();
  });
  it('daysUntil: whole days from the program date', () => {
    // 12 June → 31 December 2026: 18 + 31 + 31 + 30 + 31 + 30 + 31 days.
    expect(daysUntil('2026-12-31', now, defaultDosingSettings)).toBe(202);
    expect(daysUntil('2026-06-12', now, defaultDosingSettings)).toBe(0);
    expect(daysUntil('2026-06-11', now, defaultDosingSettings)).toBe(-1);
  });
  it('lapseNoticeDates: 30 and 7 days before the last day', () => {
    expect(lapseNoticeDates('2026-12-31')).toStrictEqual(['2026-12-01', '2026-12-24']);
    expect(lapseNoticeDates('2027-03-05')).toStrictEqual(['2027-02-03', '2027-02-26']);
  });
});

describe('every reason at once, in full', () => {
  it('a dispense failing everything', () => {
    const i = input('dispense', {
      pathway: { kind: 'telemedicine_flexibility', details: {} },
      prescriber: { id: 'clin-1', credentials: [] },
      pdmpCheckedAt: [],
      prescription: { signedAt: '2026-06-01T15:00:00.000Z', fillsSoFar: 6 },
    });
    expect(decide(i, defaultDosingSettings, new Date('2027-01-01T05:00:00.000Z'))).toStrictEqual(
      blocked(
        {
          code: 'TELEMEDICINE_FLEXIBILITY_ENDED',
          message: FLEX_ENDED,
          detail: { flexibilityUntil: '2026-12-31', endedAt: '2027-01-01T05:00:00.000Z', timeZone: 'America/New_York' },
        },
        { code: 'PRESCRIBER_LICENCE_MISSING', message: NO_CA_LICENCE, detail: { state: 'CA', today: '2027-01-01', expiredOn: [] } },
        {
          code: 'PRESCRIBER_DEA_MISSING',
          message: 'The prescriber has no current DEA registration covering Schedule III on record for CA, the patient’s state (none for the state). An administrator must record one first.',
          detail: { state: 'CA', today: '2027-01-01', problem: 'none for the state' },
        },
        {
          code: 'PDMP_CHECK_MISSING',
          message: 'A PDMP check within the 7 days before this dispense is required. Check the state PDMP and record the result.',
          detail: { action: 'dispense', windowDays: 7, lastCheckedAt: null, previousDispenseAt: null },
        },
        {
          code: 'PRESCRIPTION_REFILLS_EXHAUSTED',
          message:
            'This prescription has been filled 6 times: the first fill and 5 refills, the most a Schedule III prescription allows. The prescriber must sign a new plan before another dispense.',
          detail: { fillsSoFar: 6, maxRefills: 5 },
        },
      ),
    );
  });
});
