/** Phone numbers as the API stores them: E.164, a plus, the country code, then the number (8 to 16 characters). */
const e164 = /^\+[1-9]\d{6,14}$/;

export function isE164(value: string): boolean {
  return e164.test(value);
}

/**
 * A number as typed ("(510) 555-0123", "+44 20 7946 0958", "1-510-555-0123") in E.164. Without a leading plus,
 * only a US number is understood: ten digits, or eleven starting with 1. Anything else (letters, a local
 * seven-digit number) comes back as typed for `isE164` to refuse. Empty stays empty (no number).
 */
export function asE164(typed: string): string {
  const trimmed = typed.trim();
  if (trimmed === '' || !/^\+?[\d\s().-]+$/.test(trimmed)) return trimmed;
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return trimmed;
}
