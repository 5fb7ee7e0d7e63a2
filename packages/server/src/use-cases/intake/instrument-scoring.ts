import {
  crisisResources,
  scoreInstrument,
  type AlertSourceEvent,
  type AnswerError,
  type CrisisResource,
  type InstrumentSettings,
  type ScoredInstrument,
  type SexAtBirth,
} from '@keel/domain';
import type { Db } from '../../db/transaction.ts';
import { notFound, validationFailed, type FieldError } from '../../http/problem.ts';

/** The scorer names items by id; the API names them by their place in the request body. */
export function answerFieldErrors(errors: readonly AnswerError[]): FieldError[] {
  return errors.map((e) => ({
    field: e.item === '*' ? 'answers' : e.item.startsWith('context.') ? e.item.slice('context.'.length) : `answers.${e.item}`,
    message: e.message,
  }));
}

/**
 * Scores an answer set or refuses it: an unknown instrument is a 404, an incomplete or invalid answer set a 422
 * naming every bad item. Never a partial score.
 */
export function scoreOrRefuse(
  code: string,
  answers: Record<string, unknown>,
  context: { sexAtBirth?: SexAtBirth | undefined; settings: InstrumentSettings },
): ScoredInstrument {
  const result = scoreInstrument(code, answers, {
    settings: context.settings,
    ...(context.sexAtBirth ? { sexAtBirth: context.sexAtBirth } : {}),
  });
  switch (result.kind) {
    case 'unknown_instrument':
      throw notFound('instrument');
    case 'invalid':
      throw validationFailed(answerFieldErrors(result.errors), `The ${code} answers are incomplete or invalid.`);
    case 'scored':
      return result;
  }
}

/** A positive suicide-risk screen: the person sees crisis resources at once (docs/clinical-basis.md §7). */
export function isSafetyPositive(scored: Pick<ScoredInstrument, 'code' | 'flags' | 'risk'>): boolean {
  if (scored.code === 'phq9') return scored.flags.includes('PHQ9_ITEM9_POSITIVE');
  if (scored.code === 'cssrs-screen') return scored.risk !== undefined && scored.risk !== 'none';
  return false;
}

export const crisisResourceList = (): CrisisResource[] => crisisResources.map((r) => ({ ...r, contact: { ...r.contact } }));

/** The alert events of one stored assessment (alert rules in @keel/domain decide whether they raise). */
export function safetyEvents(assessmentId: string, scored: ScoredInstrument, at: Date): AlertSourceEvent[] {
  const iso = at.toISOString();
  if (scored.code === 'phq9') {
    const item9 = scored.items['q9'];
    return [
      {
        kind: 'phq9_submitted',
        assessmentId,
        at: iso,
        item9Points: typeof item9 === 'number' ? item9 : Number.NaN,
        item9Positive: scored.flags.includes('PHQ9_ITEM9_POSITIVE'),
      },
    ];
  }
  if (scored.code === 'cssrs-screen' && scored.risk !== undefined) {
    return [{ kind: 'cssrs_submitted', assessmentId, at: iso, risk: scored.risk }];
  }
  return [];
}

const isSex = (v: unknown): v is SexAtBirth => v === 'female' || v === 'male';

/** Sex at birth as recorded (AUDIT-C cut-offs): the patient record, else the intake's demographics. */
export async function sexAtBirthOf(db: Db, patientId: string): Promise<SexAtBirth | undefined> {
  const row = await db
    .selectFrom('patients as p')
    .leftJoin('intakes as i', 'i.patient_id', 'p.id')
    .select(['p.sex_at_birth', 'i.answers'])
    .where('p.id', '=', patientId)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.sex_at_birth) return row.sex_at_birth;
  const demographics = row.answers?.['demographics'];
  const sex = demographics && typeof demographics === 'object' ? (demographics as Record<string, unknown>)['sexAtBirth'] : undefined;
  return isSex(sex) ? sex : undefined;
}
