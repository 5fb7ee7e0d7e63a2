import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, problem, type FieldError, type ProblemCode, type ProblemDocument } from './problem.ts';

export function sendProblem(reply: FastifyReply, doc: ProblemDocument): FastifyReply {
  return reply.code(doc.status).type('application/problem+json; charset=utf-8').send(doc);
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
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const instance = request.url.split('?')[0];
    if (error instanceof AppError) {
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
        error.statusCode === 404 ? 'NOT_FOUND' : error.statusCode === 429 ? 'RATE_LIMITED' : 'MALFORMED_REQUEST';
      return sendProblem(reply, problem(code, 'The request could not be processed.', { instance }));
    }
    // Only the error's class and message are logged: messages from our code and drivers carry no health data.
    request.log.error({ err: { type: error.name, message: error.message, code: error.code } }, 'request failed');
    return sendProblem(reply, problem('INTERNAL', 'Please try again. If it keeps happening, contact support.', { instance }));
  });
}
