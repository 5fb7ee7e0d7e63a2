import { completeEligibleIntake, type IntakeAnswers } from '@keel/domain';
import { expect } from 'vitest';
import { bearer, testPassword } from '../support/factories.ts';
import type { TestContext } from '../support/test-app.ts';

export { testPassword };

/** PHQ-9 answers with the given item values (q1..q9) and the difficulty item. */
export function phq9(values: readonly number[], difficulty = 1): Record<string, number> {
  const answers: Record<string, number> = {};
  values.forEach((v, i) => (answers[`q${i + 1}`] = v));
  answers['q10'] = difficulty;
  return answers;
}

/** A complete intake that fires no rule, located in `state` (the fixture patient is 40, in CA). */
export function eligibleAnswers(change?: (a: IntakeAnswers) => void, state = 'CA'): IntakeAnswers {
  const answers = completeEligibleIntake();
  answers.demographics = { ...answers.demographics, state };
  change?.(answers);
  return answers;
}

export async function saveIntake(t: TestContext, token: string, patientId: string, answers: unknown) {
  return t.app.inject({ method: 'PUT', url: `/api/v1/patients/${patientId}/intake`, headers: bearer(token), payload: answers as Record<string, unknown> });
}

/** Saves the answers and submits; returns the submit response body. */
export async function submitAnswers(t: TestContext, token: string, patientId: string, answers: unknown) {
  const saved = await saveIntake(t, token, patientId, answers);
  expect(saved.statusCode, saved.body).toBe(200);
  const submitted = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/intake/submit`, headers: bearer(token) });
  expect(submitted.statusCode, submitted.body).toBe(200);
  return submitted.json<SubmitBody>();
}

export interface SubmitBody {
  status: string;
  intakeId: string;
  screening: {
    eligibility: string;
    reasons: { rule: string; outcome: string; detail: string; answers: Record<string, unknown> }[];
    dependenceRisk: { tier: string; factors: { code: string; detail: string }[] };
    missingSections: string[];
    flags: string[];
  };
  assessments: { id: string; instrument: string }[];
  alerts: { id: string; code: string; severity: string; created: boolean }[];
  crisisResources?: { id: string; contact: { value: string } }[];
}
