import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultDosingSettings, type DosingSettings } from '../settings/program-settings.ts';
import {
  COMPLIANCE_REASON_CODES,
  evaluatePrescribingCompliance,
  pathwayDetailErrors,
  type ComplianceAction,
  type ComplianceCredential,
  type ComplianceInput,
  type ComplianceReasonCode,
} from './prescribing-compliance.ts';

// Every expectation below is written out by hand: dates, offsets and counts come from the calendar and the
// regulations (21 CFR 1306.22: 5 refills within 6 months), never from the function under test.

const licenceCA: ComplianceCredential = { kind: 'state_licence', state: 'CA', schedules: [], expiresOn: '2027-06-30' };
const deaCA: ComplianceCredential = { kind: 'dea_registration', state: 'CA', schedules: ['II', 'IIN', 'III', 'IIIN', 'IV', 'V'], expiresOn: '2027-06-30' };

const inPerson = { kind: 'in_person_evaluation' as const, details: { evaluatedOn: '2026-05-01', location: 'Clinic, Oakland CA', attestation: true } };

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

const now = new Date('2026-06-12T16:00:00.000Z');
const codes = (i: ComplianceInput, at: Date = now, settings: DosingSettings = defaultDosingSettings): ComplianceReasonCode[] =>
  evaluatePrescribingCompliance(i, settings, at).reasons.map((r) => r.code);
const withSettings = (c: Partial<DosingSettings['compliance']>): DosingSettings => ({ ...defaultDosingSettings, compliance: { ...defaultDosingSettings.compliance, ...c } });

describe('evaluatePrescribingCompliance: the compliant baseline', () => {
  it.each(['sign_plan', 'dispense', 'dose'] as const)('%s is allowed with a pathway, both credentials and a recent PDMP check', (action) => {
    expect(evaluatePrescribingCompliance(input(action), defaultDosingSettings, now)).toEqual({ ok: true, reasons: [] });
  });
});

describe('pathway', () => {
  const rows: [string, ComplianceInput['pathway'], ComplianceReasonCode[]][] = [
    ['none recorded', null, ['PRESCRIBING_PATHWAY_MISSING']],
    ['in-person evaluation without the attestation', { kind: 'in_person_evaluation', details: { evaluatedOn: '2026-05-01', location: 'Clinic' } }, ['PRESCRIBING_PATHWAY_MISSING']],
    ['in-person evaluation with an impossible date', { kind: 'in_person_evaluation', details: { evaluatedOn: '2026-02-30', location: 'Clinic', attestation: true } }, ['PRESCRIBING_PATHWAY_MISSING']],
    ['special registration', { kind: 'special_registration', details: { registrationNumber: 'TR1234567', registrationType: 'telemedicine prescribing registration' } }, []],
    ['special registration without its type', { kind: 'special_registration', details: { registrationNumber: 'TR1234567' } }, ['PRESCRIBING_PATHWAY_MISSING']],
    [
      'referral from an in-person clinician',
      { kind: 'referral_from_in_person_clinician', details: { referringClinician: 'Dr A. Reyes, MD', referredOn: '2026-05-20', documentReference: 'referral-2026-05-20.pdf' } },
      [],
    ],
    ['referral without its document', { kind: 'referral_from_in_person_clinician', details: { referringClinician: 'Dr A. Reyes, MD', referredOn: '2026-05-20' } }, ['PRESCRIBING_PATHWAY_MISSING']],
    ['telemedicine flexibility while it lasts', { kind: 'telemedicine_flexibility', details: {} }, []],
    ['an unknown kind', { kind: 'mail_order' as never, details: {} }, ['PRESCRIBING_PATHWAY_MISSING']],
  ];
  it.each(rows)('%s', (_name, pathway, expected) => {
    expect(codes(input('sign_plan', { pathway }))).toEqual(expected);
  });
  it('names the missing fields of each kind', () => {
    expect(pathwayDetailErrors('in_person_evaluation', {})).toEqual(['evaluatedOn', 'location', 'attestation']);
    expect(pathwayDetailErrors('referral_from_in_person_clinician', {})).toEqual(['referringClinician', 'referredOn', 'documentReference']);
    expect(pathwayDetailErrors('telemedicine_flexibility', {})).toEqual([]);
  });
});

describe('the telemedicine flexibilities: valid through the last day in the program time zone', () => {
  const flex = (action: ComplianceAction) => input(action, { pathway: { kind: 'telemedicine_flexibility', details: {} } });
  // 31 December 2026 in New York is EST (UTC−5): the day ends at 2027-01-01T05:00:00Z.
  const pdmp = { pdmpCheckedAt: ['2026-12-30T15:00:00.000Z'] };
  it('allows at 23:59:59.999 on 31 December 2026 (New York)', () => {
    expect(codes({ ...flex('dose'), ...pdmp }, new Date('2027-01-01T04:59:59.999Z'))).toEqual([]);
  });
  it('blocks at midnight on 1 January 2027 (New York), for every action', () => {
    for (const action of ['sign_plan', 'dose'] as const) expect(codes({ ...flex(action), ...pdmp }, new Date('2027-01-01T05:00:00.000Z'))).toEqual(['TELEMEDICINE_FLEXIBILITY_ENDED']);
  });
  it('says what is needed: an in-person evaluation or a special registration', () => {
    const d = evaluatePrescribingCompliance({ ...flex('dose'), ...pdmp }, defaultDosingSettings, new Date('2027-01-02T12:00:00.000Z'));
    expect(d.reasons[0]?.message).toContain('in-person medical evaluation');
    expect(d.reasons[0]?.message).toContain('special telemedicine registration');
    expect(d.reasons[0]?.message).toContain('2026-12-31');
  });
  it('reads the date in the configured zone: Los Angeles ends three hours later', () => {
    const la = withSettings({ timeZone: 'America/Los_Angeles' });
    expect(codes({ ...flex('dose'), ...pdmp }, new Date('2027-01-01T07:59:59.999Z'), la)).toEqual([]);
    expect(codes({ ...flex('dose'), ...pdmp }, new Date('2027-01-01T08:00:00.000Z'), la)).toEqual(['TELEMEDICINE_FLEXIBILITY_ENDED']);
  });
  it('is DST-safe: a last day in summer ends at 04:00Z (EDT), not 05:00Z', () => {
    const summer = withSettings({ telemedicineFlexibilityUntil: '2026-07-15' });
    const check = { pdmpCheckedAt: ['2026-07-10T15:00:00.000Z'] };
    expect(codes({ ...flex('dose'), ...check }, new Date('2026-07-16T03:59:59.999Z'), summer)).toEqual([]);
    expect(codes({ ...flex('dose'), ...check }, new Date('2026-07-16T04:00:00.000Z'), summer)).toEqual(['TELEMEDICINE_FLEXIBILITY_ENDED']);
  });
  it('a date that ends on the day clocks go back (1 Nov 2026, EST from 06:00Z) ends at 2026-11-02T05:00Z', () => {
    const fallBack = withSettings({ telemedicineFlexibilityUntil: '2026-11-01' });
    const check = { pdmpCheckedAt: ['2026-10-30T15:00:00.000Z'] };
    expect(codes({ ...flex('dose'), ...check }, new Date('2026-11-02T04:59:59.999Z'), fallBack)).toEqual([]);
    expect(codes({ ...flex('dose'), ...check }, new Date('2026-11-02T05:00:00.000Z'), fallBack)).toEqual(['TELEMEDICINE_FLEXIBILITY_ENDED']);
  });
  it('an in-person pathway does not lapse on that date', () => {
    expect(codes({ ...input('dose'), ...pdmp }, new Date('2027-01-02T12:00:00.000Z'))).toEqual([]);
  });
});

describe('credentials', () => {
  const withCreds = (credentials: ComplianceCredential[]) => input('sign_plan', { prescriber: { id: 'clin-1', credentials } });
  // 30 June 2027 in New York is EDT (UTC−4): the day ends at 2027-07-01T04:00:00Z.
  const pdmp = { pdmpCheckedAt: ['2027-06-25T12:00:00.000Z'] };
  it('a licence and registration count through the end of their expiry date', () => {
    expect(codes({ ...withCreds([licenceCA, deaCA]), ...pdmp }, new Date('2027-07-01T03:59:59.999Z'))).toEqual([]);
  });
  it('and not from the next local midnight', () => {
    expect(codes({ ...withCreds([licenceCA, deaCA]), ...pdmp }, new Date('2027-07-01T04:00:00.000Z'))).toEqual(['PRESCRIBER_LICENCE_MISSING', 'PRESCRIBER_DEA_MISSING']);
  });
  const rows: [string, ComplianceCredential[], ComplianceReasonCode[]][] = [
    ['no credentials at all', [], ['PRESCRIBER_LICENCE_MISSING', 'PRESCRIBER_DEA_MISSING']],
    ['a licence for another state', [{ ...licenceCA, state: 'NY' }, deaCA], ['PRESCRIBER_LICENCE_MISSING']],
    ['a DEA registration for another state', [licenceCA, { ...deaCA, state: 'NY' }], ['PRESCRIBER_DEA_MISSING']],
    ['a DEA registration for Schedule II only', [licenceCA, { ...deaCA, schedules: ['II', 'IIN'] }], ['PRESCRIBER_DEA_MISSING']],
    ['a DEA registration for IIIN only (ketamine is III non-narcotic)', [licenceCA, { ...deaCA, schedules: ['IIIN'] }], []],
    ['a DEA registration for III only', [licenceCA, { ...deaCA, schedules: ['III'] }], []],
    ['an expired DEA registration beside a current one', [licenceCA, { ...deaCA, expiresOn: '2025-01-01' }, deaCA], []],
    ['a licence that expired yesterday', [{ ...licenceCA, expiresOn: '2026-06-11' }, deaCA], ['PRESCRIBER_LICENCE_MISSING']],
    ['a licence that expires today', [{ ...licenceCA, expiresOn: '2026-06-12' }, deaCA], []],
  ];
  it.each(rows)('%s', (_name, credentials, expected) => {
    expect(codes(withCreds(credentials))).toEqual(expected);
  });
  it('no prescriber blocks on both', () => {
    expect(codes(input('dose', { prescriber: null }))).toEqual(['PRESCRIBER_LICENCE_MISSING', 'PRESCRIBER_DEA_MISSING']);
  });
});

describe('PDMP windows', () => {
  const at = (iso: string) => ({ pdmpCheckedAt: [iso] });
  it('signing a plan: a check exactly 30 days before counts, 30 days and 1 ms does not', () => {
    expect(codes(input('sign_plan', at('2026-05-13T16:00:00.000Z')))).toEqual([]);
    expect(codes(input('sign_plan', at('2026-05-13T15:59:59.999Z')))).toEqual(['PDMP_CHECK_MISSING']);
  });
  it('a dispense: 7 days before counts, 7 days and 1 ms does not', () => {
    expect(codes(input('dispense', at('2026-06-05T16:00:00.000Z')))).toEqual([]);
    expect(codes(input('dispense', at('2026-06-05T15:59:59.999Z')))).toEqual(['PDMP_CHECK_MISSING']);
  });
  it('a dispense: the check must be on or after the previous dispense (a check at every fill)', () => {
    const prev = '2026-06-11T10:00:00.000Z';
    expect(codes(input('dispense', { ...at('2026-06-11T10:00:00.000Z'), previousDispenseAt: prev }))).toEqual([]);
    expect(codes(input('dispense', { ...at('2026-06-11T09:59:59.999Z'), previousDispenseAt: prev }))).toEqual(['PDMP_CHECK_MISSING']);
  });
  it('a dose: 90 days counts, 90 days and 1 ms does not', () => {
    expect(codes(input('dose', at('2026-03-14T16:00:00.000Z')))).toEqual([]);
    expect(codes(input('dose', at('2026-03-14T15:59:59.999Z')))).toEqual(['PDMP_CHECK_MISSING']);
  });
  it('a check dated in the future does not count', () => {
    expect(codes(input('dose', at('2026-06-12T16:00:00.001Z')))).toEqual(['PDMP_CHECK_MISSING']);
  });
  it('no check at all, or an unreadable one, blocks', () => {
    expect(codes(input('dose', { pdmpCheckedAt: [] }))).toEqual(['PDMP_CHECK_MISSING']);
    expect(codes(input('dose', { pdmpCheckedAt: ['yesterday'] }))).toEqual(['PDMP_CHECK_MISSING']);
  });
  it('follows the settings: a 14-day dose window', () => {
    const s = withSettings({ pdmp: { ...defaultDosingSettings.compliance.pdmp, whileActiveEveryDays: 14 } });
    expect(codes(input('dose', at('2026-05-29T16:00:00.000Z')), now, s)).toEqual([]);
    expect(codes(input('dose', at('2026-05-29T15:59:59.999Z')), now, s)).toEqual(['PDMP_CHECK_MISSING']);
  });
  it('tells the window and the last check in the message', () => {
    const d = evaluatePrescribingCompliance(input('sign_plan', at('2026-04-01T12:00:00.000Z')), defaultDosingSettings, now);
    expect(d.reasons[0]?.message).toContain('30 days');
    expect(d.reasons[0]?.detail).toMatchObject({ windowDays: 30, lastCheckedAt: '2026-04-01T12:00:00.000Z' });
  });
});

describe('refills: at most 5 refills (6 fills) within 6 months of the signed prescription', () => {
  const rx = (signedAt: string, fillsSoFar: number) => input('dispense', { prescription: { signedAt, fillsSoFar } });
  it('the 6th fill (5th refill) is allowed', () => {
    expect(codes(rx('2026-06-01T15:00:00.000Z', 5))).toEqual([]);
  });
  it('the 7th fill is refused', () => {
    expect(codes(rx('2026-06-01T15:00:00.000Z', 6))).toEqual(['PRESCRIPTION_REFILLS_EXHAUSTED']);
  });
  it('signed 2025-12-12T16:00Z: one millisecond before six months is allowed, at six months refused', () => {
    expect(codes(rx('2025-12-12T16:00:00.001Z', 2))).toEqual([]);
    expect(codes(rx('2025-12-12T16:00:00.000Z', 2))).toEqual(['PRESCRIPTION_REFILLS_EXHAUSTED']);
  });
  it('no signed prescription refuses the fill', () => {
    expect(codes(input('dispense', { prescription: null }))).toEqual(['PRESCRIPTION_REFILLS_EXHAUSTED']);
  });
  it('is never a reason for signing or dosing', () => {
    expect(codes(input('dose', { prescription: { signedAt: '2020-01-01T00:00:00.000Z', fillsSoFar: 99 } }))).toEqual([]);
  });
});

describe('every reason at once, and failing closed', () => {
  it('reports every failing reason in code order', () => {
    const i = input('dispense', {
      pathway: null,
      prescriber: { id: 'clin-1', credentials: [] },
      pdmpCheckedAt: [],
      prescription: { signedAt: '2026-06-01T15:00:00.000Z', fillsSoFar: 6 },
    });
    expect(codes(i)).toEqual(['PRESCRIBING_PATHWAY_MISSING', 'PRESCRIBER_LICENCE_MISSING', 'PRESCRIBER_DEA_MISSING', 'PDMP_CHECK_MISSING', 'PRESCRIPTION_REFILLS_EXHAUSTED']);
    // TELEMEDICINE_FLEXIBILITY_ENDED and PRESCRIBING_PATHWAY_MISSING exclude each other (one pathway).
    expect(COMPLIANCE_REASON_CODES.length).toBe(6);
  });
  it('an unreadable clock or input blocks with every reason it cannot judge', () => {
    expect(codes(input('dose'), new Date(Number.NaN))).toEqual(['PRESCRIBING_PATHWAY_MISSING', 'PRESCRIBER_LICENCE_MISSING', 'PRESCRIBER_DEA_MISSING', 'PDMP_CHECK_MISSING']);
    expect(codes(null as unknown as ComplianceInput)).toEqual(['PRESCRIBING_PATHWAY_MISSING', 'PRESCRIBER_LICENCE_MISSING', 'PRESCRIBER_DEA_MISSING', 'PDMP_CHECK_MISSING']);
  });
  it('an unreadable compliance setting blocks', () => {
    expect(codes(input('dose'), now, withSettings({ timeZone: 'Mars/Olympus_Mons' }))).toContain('PDMP_CHECK_MISSING');
    expect(codes(input('dose'), now, withSettings({ telemedicineFlexibilityUntil: '31/12/2026' }))).toContain('PRESCRIBING_PATHWAY_MISSING');
  });
  it('a dispense whose previous fill cannot be read blocks', () => {
    expect(codes(input('dispense', { previousDispenseAt: 'not a time' }))).toEqual(['PDMP_CHECK_MISSING']);
  });
});

describe('documentation', () => {
  it.each(COMPLIANCE_REASON_CODES.map((c) => [c]))('%s has a docs/safety page', (code) => {
    expect(existsSync(fileURLToPath(new URL(`../../../../docs/safety/${code}.md`, import.meta.url)))).toBe(true);
  });
});
