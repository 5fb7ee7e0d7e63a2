import type { Problem } from '@keel/contract';

/** A field-level validation message from a problem document. */
export interface FieldError {
  field: string;
  message: string;
}

/** The RFC 9457 problem document the API answers failures with (more members may be present). */
export type ProblemDocument = Problem;

/** Any failed API call: the server's problem document, or one made up here for network and parse failures. */
export class ApiError extends Error {
  readonly problem: ProblemDocument;

  constructor(problem: ProblemDocument) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }

  get detail(): string {
    return this.problem.detail || this.problem.title;
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }

  /** The messages for a field in plain words, joined; `undefined` when the field has none (Mantine's `error` prop). */
  fieldError(field: string): string | undefined {
    const messages = this.fieldErrors.filter((e) => e.field === field || e.field === `body.${field}`).map((e) => plainMessage(e.message));
    return messages.length > 0 ? messages.join(' ') : undefined;
  }
}

/**
 * A validator's message in words a person reads ("Too small: expected number to be >=1" → "Must be at least 1.").
 * Messages already written for people pass through with a capital and a full stop.
 */
export function plainMessage(message: string): string {
  const rules: [RegExp, (m: RegExpMatchArray) => string][] = [
    [/too small: expected (?:number|int) to be >=?\s*(-?[\d.]+)/i, (m) => `Must be at least ${m[1] ?? ''}.`],
    [/too small: expected (?:number|int) to be >\s*(-?[\d.]+)/i, (m) => `Must be more than ${m[1] ?? ''}.`],
    [/too big: expected (?:number|int) to be <=?\s*(-?[\d.]+)/i, (m) => `Must be at most ${m[1] ?? ''}.`],
    [/too small: expected string to have >=?\s*1 characters?/i, () => 'This is required.'],
    [/too small: expected string to have >=?\s*(\d+) characters/i, (m) => `Use at least ${m[1] ?? ''} characters.`],
    [/too big: expected string to have <=?\s*(\d+) characters/i, (m) => `Use at most ${m[1] ?? ''} characters.`],
    [/too small: expected array to have >=?\s*(\d+) items?/i, (m) => (m[1] === '1' ? 'Add at least one.' : `Add at least ${m[1] ?? ''}.`)],
    [/expected \w+, received undefined|^required$/i, () => 'This is required.'],
    [/^invalid (?:input|option|enum value)/i, () => 'Choose one of the options.'],
    [/^invalid (?:email|e-mail)/i, () => 'Enter a valid email address.'],
    [/unrecognized key/i, () => 'This field is not expected here.'],
  ];
  for (const [pattern, words] of rules) {
    const m = message.match(pattern);
    if (m) return words(m);
  }
  // A field path in the message ("refill.maxRefills must be…") is said in words ("Max refills must be…").
  const text = message.trim().replace(/\b(?:[a-z][a-zA-Z0-9]*\.)*[a-z]+[A-Z][a-zA-Z0-9]*\b/g, (path) => fieldWords(path).toLowerCase());
  if (text === '') return 'Check this value.';
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** A field path as words: "terms.startingDoseMg" → "Starting dose mg". */
export function fieldWords(field: string): string {
  const last = field.replace(/^body\./, '').split('.').filter((p) => !/^\d+$/.test(p)).at(-1) ?? field;
  const words = last
    .replace(/Mg$/, ' (mg)')
    .replace(/([a-z])([A-Z0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** A problem for failures that never produced one from the server (offline, a proxy's HTML error page). */
export function localProblem(status: number, code: string, title: string, detail: string): ProblemDocument {
  return { type: 'about:blank', title, status, code, detail };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Reads a response body as a problem document, tolerating servers or proxies that answer with something else. */
export function toProblem(status: number, body: unknown, statusText: string): ProblemDocument {
  if (isRecord(body) && typeof body['title'] === 'string') {
    const errors = Array.isArray(body['errors'])
      ? body['errors'].filter(isRecord).map((e) => ({ field: asText(e['field']), message: asText(e['message']) }))
      : undefined;
    return {
      ...body,
      type: typeof body['type'] === 'string' ? body['type'] : 'about:blank',
      title: body['title'],
      status: typeof body['status'] === 'number' ? body['status'] : status,
      code: typeof body['code'] === 'string' ? body['code'] : `HTTP_${status}`,
      detail: typeof body['detail'] === 'string' ? body['detail'] : body['title'],
      ...(errors ? { errors } : {}),
    };
  }
  return localProblem(
    status,
    `HTTP_${status}`,
    statusText || 'Request failed',
    status >= 500 ? 'Keel is not answering properly right now. Try again in a moment.' : `The request failed (${status}).`,
  );
}
