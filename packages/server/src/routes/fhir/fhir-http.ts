import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Bundle, FhirResource } from '@keel/domain';
import { AppError, type ProblemCode } from '../../http/problem.ts';
import { fhirPath } from '../../use-cases/fhir/fhir-program.ts';

export const fhirJson = 'application/fhir+json; charset=utf-8';

/** Any FHIR resource: the server builds them, so the schema only pins what every one has. */
export const fhirResourceSchema = z.object({ resourceType: z.string() }).loose();
// An open object (FHIR search takes any parameter): documented as a free-form query, validated as strings.
export const fhirQuerySchema = z.object({}).catchall(z.union([z.string(), z.array(z.string())]));

/** FHIR's issue type (OperationOutcome.issue.code) and the HTTP status for each of Keel's problem codes. */
const issueOf: Record<ProblemCode, { code: string; status: number }> = {
  VALIDATION_FAILED: { code: 'invalid', status: 400 },
  MALFORMED_REQUEST: { code: 'structure', status: 400 },
  UNAUTHENTICATED: { code: 'login', status: 401 },
  MFA_REQUIRED: { code: 'security', status: 401 },
  NOT_FOUND: { code: 'not-found', status: 404 },
  METHOD_NOT_ALLOWED: { code: 'not-supported', status: 405 },
  CONFLICT: { code: 'conflict', status: 409 },
  ON_CALL_OVERLAP: { code: 'conflict', status: 409 },
  SESSION_START_REFUSED: { code: 'business-rule', status: 409 },
  SESSION_NOT_READY_TO_COMPLETE: { code: 'business-rule', status: 409 },
  BOOKING_REFUSED: { code: 'business-rule', status: 422 },
  PRESCRIBING_NOT_COMPLIANT: { code: 'business-rule', status: 422 },
  PRECONDITION_FAILED: { code: 'conflict', status: 412 },
  PRECONDITION_REQUIRED: { code: 'required', status: 428 },
  PAYLOAD_TOO_LARGE: { code: 'too-costly', status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { code: 'not-supported', status: 415 },
  RATE_LIMITED: { code: 'throttled', status: 429 },
  CROSS_ORIGIN_REFUSED: { code: 'forbidden', status: 403 },
  IDEMPOTENCY_KEY_REUSED: { code: 'conflict', status: 422 },
  SERVICE_UNAVAILABLE: { code: 'transient', status: 503 },
  URI_TOO_LONG: { code: 'too-long', status: 414 },
  REQUEST_TIMEOUT: { code: 'timeout', status: 408 },
  HEADERS_TOO_LARGE: { code: 'too-long', status: 431 },
  INTERNAL: { code: 'exception', status: 500 },
};

export function operationOutcome(code: string, diagnostics: string, severity: 'error' | 'fatal' | 'warning' | 'information' = 'error'): FhirResource {
  return { resourceType: 'OperationOutcome', id: `outcome-${code}`, issue: [{ severity, code, diagnostics }] };
}

export function sendOutcome(reply: FastifyReply, status: number, code: string, diagnostics: string): FastifyReply {
  return reply.code(status).type(fhirJson).send(operationOutcome(code, diagnostics));
}

/** A FHIR error the handlers raise (an HTTP status and a FHIR issue type). */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly issueCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'FhirError';
  }
}

/**
 * Inside the FHIR API every failure is an OperationOutcome (`application/fhir+json`), never an RFC 9457 problem:
 * FHIR clients read OperationOutcome. Same statuses, same rule that a hidden record is "not found".
 */
export function registerFhirErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof FhirError) return sendOutcome(reply, error.status, error.issueCode, error.message);
    if (error instanceof AppError) {
      const issue = issueOf[error.code];
      return sendOutcome(reply, issue.status, issue.code, error.detail);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendOutcome(reply, 400, 'invalid', error.validation.map((v) => `${v.instancePath || error.validationContext || 'request'}: ${v.message ?? 'is invalid'}`).join('; '));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: { message: 'response did not match its schema', code: 'RESPONSE_SCHEMA' } });
      return sendOutcome(reply, 500, 'exception', 'The server produced an invalid response.');
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return sendOutcome(reply, error.statusCode, error.statusCode === 404 ? 'not-found' : error.statusCode === 415 ? 'not-supported' : 'invalid', 'The request could not be processed.');
    }
    request.log.error({ err: { type: error.name, message: error.message, code: error.code } }, 'request failed');
    return sendOutcome(reply, 500, 'exception', 'Please try again. If it keeps happening, contact support.');
  });
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    return sendOutcome(reply, 404, 'not-supported', `This server has no ${request.method} ${pathname}.`);
  });
}

/** JSON only: `_format` and Accept may ask for FHIR JSON (or any JSON); XML and other formats are refused (406). */
export function assertJsonFormat(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown> | undefined;
  const format = typeof query?.['_format'] === 'string' ? query['_format'].toLowerCase() : undefined;
  const jsonFormats = ['json', 'application/json', 'application/fhir+json', 'application/json+fhir'];
  if (format !== undefined && !jsonFormats.some((f) => format.startsWith(f))) throw new FhirError(406, 'not-supported', 'This server speaks FHIR JSON only (_format=json).');
  const accept = request.headers.accept;
  if (typeof accept === 'string' && accept.trim() !== '') {
    const types = accept.split(',').map((t) => t.split(';')[0]?.trim().toLowerCase() ?? '');
    const ok = types.some((t) => t === '*/*' || t === 'application/*' || t.includes('json'));
    if (!ok) throw new FhirError(406, 'not-supported', 'This server answers application/fhir+json only.');
  }
}

/** The base the client reached this server at: paging links point there. */
export function requestBase(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${fhirPath}`;
}

/** The query as lists of values, the way FHIR repeats a parameter. */
export function queryParams(request: FastifyRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = [v];
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

export const defaultPageSize = 50;
export const maxPageSize = 500;

function positiveInt(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new FhirError(400, 'invalid', `${name} must be a whole number, 0 or more.`);
  return Math.min(Number(value), max);
}

/**
 * A `searchset` Bundle of one page of matches, with self/first/previous/next/last links that repeat the applied
 * parameters (FHIR R4 §3.1.1.5 Paging).
 */
export function searchsetBundle(opts: {
  request: FastifyRequest;
  path: string;
  matches: readonly FhirResource[];
  included?: readonly FhirResource[];
  applied: Record<string, string[]>;
  fullUrl: (r: FhirResource) => string;
  now: Date;
}): FhirResource {
  const params = queryParams(opts.request);
  const count = positiveInt(params['_count']?.[0], '_count', defaultPageSize, maxPageSize);
  const offset = positiveInt(params['_offset']?.[0], '_offset', 0, Number.MAX_SAFE_INTEGER);
  const total = opts.matches.length;
  const keep = Object.entries(opts.applied).flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string]));
  for (const k of ['_sort', '_format']) for (const v of params[k] ?? []) keep.push([k, v]);
  const link = (offsetValue: number): string => {
    const q = new URLSearchParams([...keep, ['_count', String(count)], ['_offset', String(offsetValue)]]);
    return `${requestBase(opts.request)}${opts.path}?${q.toString()}`;
  };
  const links = [{ relation: 'self', url: link(offset) }, { relation: 'first', url: link(0) }];
  if (count > 0 && offset > 0) links.push({ relation: 'previous', url: link(Math.max(0, offset - count)) });
  if (count > 0 && offset + count < total) links.push({ relation: 'next', url: link(offset + count) });
  if (count > 0) links.push({ relation: 'last', url: link(total === 0 ? 0 : Math.floor((total - 1) / count) * count) });
  const page = count === 0 ? [] : opts.matches.slice(offset, offset + count);
  const summaryCount = params['_summary']?.[0] === 'count';
  const entry = summaryCount
    ? []
    : [
        ...page.map((resource) => ({ fullUrl: opts.fullUrl(resource), resource, search: { mode: 'match' as const } })),
        ...(opts.included ?? []).map((resource) => ({ fullUrl: opts.fullUrl(resource), resource, search: { mode: 'include' as const } })),
      ];
  // FHIR JSON has no empty arrays: a search with no match has no `entry` at all.
  const bundle: Omit<Bundle, 'entry'> & { entry?: Bundle['entry'] } = {
    resourceType: 'Bundle',
    id: `search-${opts.now.getTime().toString(36)}`,
    meta: { lastUpdated: opts.now.toISOString() },
    type: 'searchset',
    timestamp: opts.now.toISOString(),
    total,
    link: links,
    ...(entry.length ? { entry } : {}),
  };
  return bundle as FhirResource;
}
