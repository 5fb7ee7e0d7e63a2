import type { FastifyInstance } from 'fastify';
import { validationFailed, type FieldError } from './problem.ts';

/**
 * Text that PostgreSQL cannot store or that no person typed: a NUL character (text and jsonb refuse it) or a lone
 * UTF-16 surrogate (not a character; jsonb refuses its escape). Checked in every string of the path parameters,
 * the query and the JSON body before the route's schema runs, so each is a 422 naming the field rather than a
 * database error.
 */
export function badTextProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain a NUL character';
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) return 'must be valid Unicode text (it has a lone surrogate)';
  return undefined;
}

function collect(value: unknown, field: string, errors: FieldError[], depth = 0): void {
  if (errors.length >= 20 || depth > 64) return;
  if (typeof value === 'string') {
    const problem = badTextProblem(value);
    if (problem) errors.push({ field: field || '(body)', message: problem });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => collect(item, field ? `${field}.${i}` : String(i), errors, depth + 1));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const name = field ? `${field}.${key}` : key;
      const keyProblem = badTextProblem(key);
      if (keyProblem) errors.push({ field: name, message: `has a field name that ${keyProblem.replace(/^must/, 'must')}` });
      collect(item, name, errors, depth + 1);
    }
  }
}

export function registerInputHygiene(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const errors: FieldError[] = [];
    collect(request.params, 'params', errors);
    collect(request.query, 'querystring', errors);
    collect(request.body, '', errors);
    if (errors.length > 0) throw validationFailed(errors);
  });
}
