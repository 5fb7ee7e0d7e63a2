/**
 * RFC 9457 problem details. Every failure a client sees is one of these, with a stable `code`, the fields that
 * failed, and a message a person can act on — never a stack trace or SQL text.
 */
export interface FieldError {
  field: string;
  message: string;
}

export const problemCodes = {
  VALIDATION_FAILED: { status: 422, title: 'The request has invalid fields' },
  MALFORMED_REQUEST: { status: 400, title: 'The request could not be read' },
  UNAUTHENTICATED: { status: 401, title: 'Sign in to continue' },
  MFA_REQUIRED: { status: 401, title: 'A one-time code from your authenticator app is required' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  ON_CALL_OVERLAP: { status: 409, title: 'The shift overlaps another on-call shift' },
  SESSION_START_REFUSED: { status: 409, title: 'The session cannot start: the safety check did not pass' },
  SESSION_NOT_READY_TO_COMPLETE: { status: 409, title: 'The session cannot be finished yet' },
  BOOKING_REFUSED: { status: 422, title: 'That time cannot be booked' },
  PRESCRIBING_NOT_COMPLIANT: { status: 422, title: 'Prescribing requirements are not met' },
  PRECONDITION_FAILED: { status: 412, title: 'The record changed since you read it' },
  PRECONDITION_REQUIRED: { status: 428, title: 'Send If-Match with the version you are changing' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  URI_TOO_LONG: { status: 414, title: 'The URL is too long' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request took too long to arrive' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Send JSON with Content-Type: application/json' },
  RATE_LIMITED: { status: 429, title: 'Too many attempts; wait and try again' },
  CROSS_ORIGIN_REFUSED: { status: 403, title: 'The request came from another site and was refused' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Keel is not ready' },
  INTERNAL: { status: 500, title: 'Something went wrong on our side' },
} as const;

export type ProblemCode = keyof typeof problemCodes;

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }

  get status(): number {
    return problemCodes[this.code].status;
  }
}

export const notFound = (what = 'resource'): AppError =>
  new AppError('NOT_FOUND', `No ${what} here, or you do not have access to it.`);

export const validationFailed = (errors: FieldError[], detail?: string): AppError =>
  new AppError('VALIDATION_FAILED', detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);

export function problem(
  code: ProblemCode,
  detail: string,
  extra: { errors?: FieldError[] | undefined; instance?: string; extensions?: Record<string, unknown> } = {},
): ProblemDocument {
  const { status, title } = problemCodes[code];
  return {
    type: `https://keel.health/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    code,
    detail,
    ...(extra.instance ? { instance: extra.instance } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
    ...extra.extensions,
  };
}
