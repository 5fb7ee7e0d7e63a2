import type { AnswerError, AnswerValue, InstrumentDefinition, InstrumentItem, ShowIf } from './instrument.types.ts';

/**
 * Whether an item is shown given the answers so far. Returns 'unknown' when a controlling answer is itself missing
 * or invalid: the error is reported on the controlling item, and the dependent item is neither required nor
 * rejected (we cannot tell which would be right).
 */
export function isItemVisible(
  item: Pick<InstrumentItem, 'showIf'>,
  validAnswers: Readonly<Record<string, AnswerValue>>,
): boolean | 'unknown' {
  if (!item.showIf) return true;
  return evaluateShowIf(item.showIf, validAnswers);
}

function evaluateShowIf(cond: ShowIf, answers: Readonly<Record<string, AnswerValue>>): boolean | 'unknown' {
  if ('anyOf' in cond) {
    let unknown = false;
    for (const c of cond.anyOf) {
      const r = evaluateShowIf(c, answers);
      if (r === true) return true;
      if (r === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : false;
  }
  const value = answers[cond.item];
  if (value === undefined) return 'unknown';
  return cond.in.includes(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

export type ValidationOutcome =
  | { readonly kind: 'valid'; readonly answers: Record<string, AnswerValue> }
  | { readonly kind: 'invalid'; readonly errors: AnswerError[] };

/**
 * Checks an answer set against a definition. Policy (documented in docs/instruments.md):
 * - every shown, non-optional item must be answered with one of its option values, type included ("1" ≠ 1);
 * - `undefined` and `null` both mean "not answered";
 * - an answer to an item hidden by skip logic is INVALID, not ignored: silently dropping, say, a C-SSRS Q4 "yes"
 *   sent after Q2 "no" would hide a risk signal, so the contradiction goes back to the person to resolve;
 * - an answer to an item the instrument does not have is invalid;
 * - every bad item is reported, never a partial score.
 * Items are evaluated in definition order; skip logic only refers to earlier items.
 */
export function validateAnswers(definition: InstrumentDefinition, raw: unknown): ValidationOutcome {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { kind: 'invalid', errors: [{ item: '*', message: 'answers must be an object keyed by item id' }] };
  }
  const input = raw as Record<string, unknown>;
  const errors: AnswerError[] = [];
  const valid: Record<string, AnswerValue> = {};
  const known = new Set(definition.items.map((i) => i.id));

  for (const key of Object.keys(input)) {
    if (!known.has(key)) errors.push({ item: key, message: `${definition.code} has no item "${key}"` });
  }

  for (const item of definition.items) {
    const value = Object.hasOwn(input, item.id) ? input[item.id] : undefined;
    const answered = value !== undefined && value !== null;
    const visible = isItemVisible(item, valid);

    if (visible === false) {
      if (answered) errors.push({ item: item.id, message: 'must not be answered: this question is skipped by the answers given' });
      continue;
    }
    if (!answered) {
      if (visible === true && !item.optional) errors.push({ item: item.id, message: 'is required' });
      continue;
    }
    const option = item.options.find((o) => o.value === value);
    if (!option) {
      const allowed = item.options.map((o) => String(o.value)).join(', ');
      errors.push({ item: item.id, message: `${describe(value)} is not an allowed answer (allowed: ${allowed})` });
      continue;
    }
    if (visible === 'unknown') continue; // the controlling item already carries the error
    valid[item.id] = option.value;
  }

  return errors.length > 0 ? { kind: 'invalid', errors } : { kind: 'valid', answers: valid };
}
