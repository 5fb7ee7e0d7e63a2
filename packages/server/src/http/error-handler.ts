import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, problem, type FieldError, type ProblemCode, type ProblemDocument } from './problem.ts';
import { classifyDatabaseError, constraintOf, sqlState } from '../db/db-errors.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { auditedDenials, isUuid } from './access-control.ts';
import { requestContext } from './authenticate.ts';

/**
 * A 404 raised by a handler after the access check passed (a session, alert or entry id that is not this patient's,
 * say) is on the record like a denial by the access check: a `denied` row in the patient's chain when the route is
 * about one patient. A failure to write it is logged, and the caller still gets the 404.
 */
async function auditHandlerNotFound(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const patientId = request.patientAccess?.patientId ?? (isUuid(params['patientId']) ? params['patientId'] : null);
  const rule = request.routeOptions.config?.access;
  const resource = rule && 'resource' in rule ? rule.resource : 'route';
  try {
    await writeAudit(app.deps.database.db, requestContext(request, app.deps.clock.now()), {
      action: `${resource}.${rule && 'action' in rule ? rule.action : request.method.toLowerCase()}`,
      resourceType: resource,
      patientId,
      outcome: 'denied',
      detail: { route: request.routeOptions.url ?? null, reason: 'not found' },
    });
  } catch {
    request.log.warn({ err: { code: 'AUDIT_404' } }, 'could not audit a not-found answer');
  }
}

export function sendProblem(reply: FastifyReply, doc: ProblemDocument): FastifyReply {
  return reply.code(doc.status).header('cache-control', 'no-store').type('application/problem+json; charset=utf-8').send(doc);
}

/**
 * A database error that reached the HTTP layer. A lost or refused connection is 503 (retry later); a deadlock or
 * serialization failure is 503 too (nothing was written); a unique, exclusion or foreign-key violation is 409 (the
 * state the request assumed is gone); a check or not-null violation or a data exception (a date out of range, an
 * invalid text) is 422. Use-cases that can name the field map their own errors first; this is the backstop that
 * keeps every such failure a 4xx or 503 instead of a 500.
 */
function databaseProblem(error: unknown, instance: string | undefined): { doc: ProblemDocument; retryAfter?: number } | undefined {
  const kind = classifyDatabaseError(error);
  switch (kind) {
    case 'unavailable':
      return { doc: problem('SERVICE_UNAVAILABLE', 'The database is not reachable right now; try again shortly.', instance ? { instance } : {}), retryAfter: 5 };
    case 'retry':
      return { doc: problem('SERVICE_UNAVAILABLE', 'The request collided with another one and was not applied; try again.', instance ? { instance } : {}), retryAfter: 1 };
    case 'conflict':
      return { doc: problem('CONFLICT', 'The request conflicts with the current state of the record; reload and try again.', instance ? { instance } : {}) };
    case 'invalid': {
      const column = (error as { column?: unknown }).column;
      const field = typeof column === 'string' ? column : '(body)';
      return { doc: problem('VALIDATION_FAILED', `${field}: a value is missing, out of range or not valid text`, { errors: [{ field, message: 'is missing, out of range or not valid text' }], ...(instance ? { instance } : {}) }) };
    }
    default:
      return undefined;
  }
}

const fastifyCodes: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

/** Maps every failure to a problem document. Unexpected errors are logged with the request id only. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const instance = request.url.split('?')[0];
    if (error instanceof AppError && error.code === 'NOT_FOUND' && request.actor && !auditedDenials.has(error)) {
      await auditHandlerNotFound(app, request);
    }
    if (error instanceof AppError) {
      const retryAfter = error.extensions['retryAfterSeconds'];
      if (error.code === 'RATE_LIMITED' && typeof retryAfter === 'number' && retryAfter > 0) reply.header('retry-after', String(Math.ceil(retryAfter)));
      return sendProblem(
        reply,
        problem(error.code, error.detail, { errors: error.errors, instance, extensions: error.extensions }),
      );
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const prefix = error.validationContext ? `${error.validationContext}.` : '';
      const errors: FieldError[] = error.validation.flatMap((v) => {
        const base = [prefix === 'body.' ? '' : prefix.replace(/\.$/, ''), ...v.instancePath.split('/').filter(Boolean)]
          .filter(Boolean)
          .join('.');
        const keys = (v.params as { keys?: unknown }).keys;
        if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
          return keys.map((k) => ({ field: base ? `${base}.${String(k)}` : String(k), message: 'is not a recognised field' }));
        }
        return [{ field: base || '(body)', message: v.message ?? 'is invalid' }];
      });
      return sendProblem(
        reply,
        problem('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors, instance }),
      );
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: { message: 'response did not match its schema', code: 'RESPONSE_SCHEMA' } });
      return sendProblem(reply, problem('INTERNAL', 'The server produced an invalid response.', { instance }));
    }
    const fromDatabase = databaseProblem(error, instance);
    if (fromDatabase) {
      request.log.warn({ err: { type: error.name, code: sqlState(error), constraint: constraintOf(error) } }, 'database error answered as a problem');
      if (fromDatabase.retryAfter) reply.header('retry-after', String(fromDatabase.retryAfter));
      return sendProblem(reply, fromDatabase.doc);
    }
    const mapped = error.code ? fastifyCodes[error.code] : undefined;
    if (mapped) {
      const detail =
        mapped === 'MALFORMED_REQUEST'
          ? 'The request body is not valid JSON.'
          : mapped === 'PAYLOAD_TOO_LARGE'
            ? 'The request body is larger than this server accepts.'
            : mapped === 'UNSUPPORTED_MEDIA_TYPE'
              ? 'This endpoint accepts application/json.'
              : 'The request is invalid.';
      return sendProblem(reply, problem(mapped, detail, { instance }));
    }
    if (error instanceof SyntaxError || (error.statusCode === 400 && !error.code)) {
      return sendProblem(reply, problem('MALFORMED_REQUEST', 'The request could not be read.', { instance }));
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      const code: ProblemCode =
        error.statusCode === 404
          ? 'NOT_FOUND'
          : error.statusCode === 429
            ? 'RATE_LIMITED'
            : error.statusCode === 414
              ? 'URI_TOO_LONG'
              : error.statusCode === 413
                ? 'PAYLOAD_TOO_LARGE'
                : error.statusCode === 415
                  ? 'UNSUPPORTED_MEDIA_TYPE'
                  : 'MALFORMED_REQUEST';
      return sendProblem(reply, problem(code, 'The request could not be processed.', { instance }));
    }
    // Only the error's class and message are logged: messages from our code and drivers carry no health data.
    request.log.error({ err: { type: error.name, message: error.message, code: error.code } }, 'request failed');
    return sendProblem(reply, problem('INTERNAL', 'Please try again. If it keeps happening, contact support.', { instance }));
  });
}

/**
 * Failures Fastify meets before a route runs — a path segment longer than the router accepts (414), a URL that is
 * not valid percent-encoding (400) — answered as problem documents with the security headers; the URL is not
 * echoed back.
 */
export function frameworkErrorHandler(headers: Record<string, string>) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
    const doc =
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? problem('URI_TOO_LONG', 'A part of the URL is longer than this server accepts.')
        : error.code === 'FST_ERR_BAD_URL'
          ? problem('MALFORMED_REQUEST', 'The URL is not valid.')
          : problem('MALFORMED_REQUEST', 'The request could not be read.');
    void reply.headers(headers).code(doc.status).type('application/problem+json; charset=utf-8').send(doc);
  };
}

/**
 * Requests the HTTP parser refuses before Fastify sees them (a Content-Length that does not match the body, a
 * malformed header, headers too large, a request that took too long): a problem document written to the socket
 * with the security headers, and the connection closed.
 */
export function clientErrorHandler(headers: Record<string, string>) {
  return (error: NodeJS.ErrnoException & { code?: string }, socket: Socket): void => {
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const doc = timedOut
      ? problem('REQUEST_TIMEOUT', 'The request was not received in time.')
      : tooLarge
        ? problem('HEADERS_TOO_LARGE', 'The request headers are larger than this server accepts.')
        : problem('MALFORMED_REQUEST', 'The request could not be read (check Content-Length and the headers).');
    if (socket.writable && !(error.code === 'ECONNRESET')) {
      const body = JSON.stringify(doc);
      const head = [
        `HTTP/1.1 ${doc.status} ${doc.title}`,
        'content-type: application/problem+json; charset=utf-8',
        `content-length: ${Buffer.byteLength(body)}`,
        'connection: close',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ].join('\r\n');
      socket.end(`${head}\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}
