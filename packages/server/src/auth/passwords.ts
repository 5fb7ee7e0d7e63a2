import { hash, verify } from '@node-rs/argon2';
import { commonPasswords } from './common-passwords.ts';

// OWASP's argon2id baseline (19 MiB, t=2, p=1). Algorithm 2 is argon2id in @node-rs/argon2.
const argonOptions = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const passwordMinLength = 12;
export const passwordMaxLength = 256;

export function passwordProblems(password: string, context: { email?: string; name?: string } = {}): string[] {
  const problems: string[] = [];
  if (password.length < passwordMinLength) problems.push(`must be at least ${passwordMinLength} characters`);
  if (password.length > passwordMaxLength) problems.push(`must be at most ${passwordMaxLength} characters`);
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower) || commonPasswords.has(lower.replace(/[0-9!]+$/, ''))) {
    problems.push('is too common; choose a phrase of several unrelated words');
  }
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) problems.push('must not contain your email address');
  if (/^(.)\1+$/.test(password)) problems.push('must not be one repeated character');
  return problems;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions);
}

// Verifying against this hash when the account does not exist makes "unknown email" cost the same as
// "wrong password", so response time does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('keel-dummy-password-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
