import { describe, expect, it } from 'vitest';
import { fieldWords, plainMessage } from '../api/api-error.ts';
import { label, plainText } from './labels.ts';
import { atTime, distance } from './when.ts';

describe('label: codes as words', () => {
  it.each([
    ['FAMILY_HISTORY_SUD', 'Family history of substance use disorder'],
    ['AUDIT_ZONE_IV', 'Alcohol use: highest risk (AUDIT zone IV)'],
    ['phq9', 'PHQ-9 (depression)'],
    ['likely_eligible', 'Likely eligible'],
    ['MESSAGE_REPLY_OVERDUE', 'Patient message waiting past the reply time'],
    // Unknown codes still become words, with the instruments' proper names.
    ['SOME_NEW_PHQ9_RULE', 'Some new PHQ-9 rule'],
    ['waiting_for_sitter', 'Waiting for sitter'],
    ['zone_i', 'Zone I (low risk)'],
    ['AUDITC_POSITIVE', 'AUDIT-C positive'],
    ['AUDITC_SOMETHING_NEW', 'AUDIT-C something new'],
    // Prescribing compliance
    ['TELEMEDICINE_FLEXIBILITY_ENDED', 'Telemedicine flexibility has ended'],
    ['PDMP_CHECK_MISSING', 'PDMP check due'],
    ['referral_from_in_person_clinician', 'Referral from a clinician who saw the patient in person'],
    ['action_needed', 'Action needed'],
  ])('%s → %s', (code, words) => {
    expect(label(code)).toBe(words);
  });
});

describe('plain validation messages', () => {
  it.each([
    ['Too small: expected number to be >=1', 'Must be at least 1.'],
    ['Too big: expected number to be <=1200', 'Must be at most 1200.'],
    ['Too small: expected string to have >=1 characters', 'This is required.'],
    ['Invalid input: expected number, received undefined', 'This is required.'],
    ['the sitter must be an adult (18 or older)', 'The sitter must be an adult (18 or older).'],
    ['maxSessionsPer7Days must be a whole number of at least 1.', 'Max sessions per 7 days must be a whole number of at least 1.'],
    ['refill.maxRefills must be a whole number, 0 or more.', 'Max refills must be a whole number, 0 or more.'],
  ])('%s → %s', (raw, words) => {
    expect(plainMessage(raw)).toBe(words);
  });
  it('names a field path in words', () => {
    expect(fieldWords('terms.startingDoseMg')).toBe('Starting dose (mg)');
    expect(fieldWords('body.signature.password')).toBe('Password');
  });
});

describe('times in words, in the viewer’s zone (America/New_York here)', () => {
  const now = new Date('2026-06-03T16:00:00.000Z'); // Wednesday 12:00 in New York
  it('says today, tomorrow, yesterday, or the weekday and date', () => {
    expect(atTime('2026-06-03T21:00:00.000Z', now)).toBe('today at 5:00 PM');
    expect(atTime('2026-06-04T13:30:00.000Z', now)).toBe('tomorrow at 9:30 AM');
    expect(atTime('2026-06-02T12:00:00.000Z', now)).toBe('yesterday at 8:00 AM');
    expect(atTime('2026-06-08T20:00:00.000Z', now)).toBe('Mon, Jun 8 at 4:00 PM');
    expect(atTime('2025-12-24T15:00:00.000Z', now)).toBe('Dec 24, 2025 at 10:00 AM');
    expect(atTime(null, now)).toBe('—');
  });
  it('gives a distance', () => {
    expect(distance('2026-06-03T19:00:00.000Z', now)).toBe('in 3 hours');
    expect(distance('2026-06-03T15:40:00.000Z', now)).toBe('20 minutes ago');
    expect(distance('2026-06-06T16:00:00.000Z', now)).toBe('in 3 days');
    expect(distance('2026-06-03T16:00:20.000Z', now)).toBe('just now');
  });
});

describe('plainText: codes and instants inside server text', () => {
  it('turns them into words', () => {
    expect(plainText('Intake risk elevated (FAMILY_HISTORY_SUD); 3 signals')).toBe('Intake risk elevated (family history of substance use disorder); 3 signals');
    expect(plainText('No sitter check since the session started at 2026-06-03T16:05:00.000Z')).toBe('No sitter check since the session started at Jun 3, 12:05 PM');
    expect(plainText('PHQ-9 item 9 answered 2')).toBe('PHQ-9 item 9 answered 2');
  });
});
