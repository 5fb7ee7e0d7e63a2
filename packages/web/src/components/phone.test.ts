import { describe, expect, it } from 'vitest';
import { asE164, isE164 } from './phone.ts';

describe('asE164: a phone number as typed, in the form the API stores', () => {
  it.each([
    ['(510) 555-0123', '+15105550123', true],
    ['510.555.0123', '+15105550123', true],
    ['1-510-555-0123', '+15105550123', true],
    ['+1 510 555 0123', '+15105550123', true],
    ['+44 20 7946 0958', '+442079460958', true],
    ['  ', '', false],
    ['555-0123', '555-0123', false],
    ['21-510-555-0123', '21-510-555-0123', false],
    ['12345', '12345', false],
    ['+0 123 456 789', '+0123456789', false],
    ['+1 (510) 555-0123 ext 7', '+1 (510) 555-0123 ext 7', false],
  ])('%j → %j (valid: %s)', (typed, stored, valid) => {
    expect(asE164(typed)).toBe(stored);
    expect(isE164(asE164(typed))).toBe(valid);
  });
});
