import { hash, verify } from '@node-rs/argon2';
import zxcvbnCore from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEnglish from '@zxcvbn-ts/language-en';
import { commonPasswords } from './common-passwords.ts';

// OWASP's argon2id baseline (19 MiB, t=2, p=1). Algorithm 2 is argon2id in @node-rs/argon2.
const argonOptions = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const passwordMinLength = 12;
export const passwordMaxLength = 256;

/** Words about this program that make a password guessable here, whatever a dictionary says. */
const programWords = ['keel', 'keel-demo-2026', 'keel demo', 'ketamine', 'esketamine', 'sitter', 'clinician'];

let estimator: InstanceType<typeof zxcvbnCore.ZxcvbnFactory> | undefined;
/**
 * zxcvbn-ts (a realistic strength estimator: dictionaries of common passwords, names and English words, keyboard
 * walks, sequences, repeats, dates, l33t substitutions) with its common-language and English packages. Built on
 * first use: the dictionaries take a moment to load.
 */
function strength(password: string, userInputs: string[]): { score: number; warning: string | null; suggestion: string | undefined } {
  estimator ??= new zxcvbnCore.ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEnglish.translations,
  });
  const result = estimator.check(password.slice(0, 100), userInputs);
  return { score: result.score, warning: result.feedback.warning, suggestion: result.feedback.suggestions[0] };
}

/** A score of 3 ("safely unguessable: moderate protection from offline slow-hash attacks") or more is required. */
export const minimumStrengthScore = 3;

export function passwordProblems(password: string, context: { email?: string; name?: string; demoPassword?: string } = {}): string[] {
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
  if (problems.length === 0) {
    const personal = [local ?? '', context.name?.toLowerCase() ?? ''].flatMap((s) => [s, s.replace(/[^\p{L}\p{N}]+/gu, ''), ...s.split(/[^\p{L}\p{N}]+/u)]);
    const inputs = [...programWords, ...(context.demoPassword ? [context.demoPassword] : []), ...personal.filter((w) => w.length >= 3)];
    const judged = strength(password, inputs);
    if (judged.score < minimumStrengthScore) {
      const why = judged.warning ? ` (${judged.warning.replace(/\.$/, '').toLowerCase()})` : '';
      problems.push(`is too easy to guess${why}; ${judged.suggestion ? judged.suggestion.replace(/\.$/, '').toLowerCase() : 'use a phrase of several unrelated words'}`);
    }
  }
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
