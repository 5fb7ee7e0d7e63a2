/**
 * Idempotency-Key (reliability I5): a retried request with the same key has at most one effect and gets the first
 * response back; the same key with a different request is refused (422 IDEMPOTENCY_KEY_REUSED).
 *
 * The record lives in `idempotency_keys` keyed by (actor, key) and is written in the SAME transaction as the effect,
 * so either both commit or neither does. Callers look the key up after taking the lock that serialises the effect
 * (for authorization: the patient row), so a concurrent retry waits and then finds the stored response; the primary
 * key is the backstop if two requests ever got past the lookup together.
 */
import type { FastifyRequest } from 'fastify';
import { canonicalJson } from '@keel/domain';
import { sha256Hex } from '../auth/tokens.ts';
import type { Tx } from '../db/transaction.ts';
import { AppError } from './problem.ts';

export interface IdempotencyScope {
  actorId: string;
  key: string;
  route: string;
  /** SHA-256 of the canonical request (method, route, params, body). */
  requestSha256: string;
}

export interface StoredResponse<T> {
  status: number;
  body: T;
}

const keyPattern = /^[A-Za-z0-9_.:-]{8,200}$/;

/** The request's Idempotency-Key, or null when it sent none; a malformed key is a 422 naming the header. */
export function idempotencyKeyOf(request: FastifyRequest): string | null {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return null;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' || !keyPattern.test(value)) {
    throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 8–200 letters, digits or . _ : -', [
      { field: 'Idempotency-Key', message: 'must be 8–200 letters, digits or . _ : -' },
    ]);
  }
  return value;
}

/** The scope of an idempotent request, or null without a key. */
export function idempotencyScopeOf(request: FastifyRequest, actorId: string): IdempotencyScope | null {
  const key = idempotencyKeyOf(request);
  if (key === null) return null;
  const route = request.routeOptions.url ?? request.url;
  const requestSha256 = sha256Hex(
    canonicalJson({ method: request.method, route, params: request.params ?? null, body: request.body ?? null }),
  );
  return { actorId, key, route, requestSha256 };
}

/**
 * The stored response for this key, if the request was already answered. Locks the key row so a concurrent retry
 * in another transaction waits for this one.
 */
export async function findIdempotentResponse<T>(tx: Tx, scope: IdempotencyScope): Promise<StoredResponse<T> | null> {
  const row = await tx
    .selectFrom('idempotency_keys')
    .select(['route', 'request_sha256', 'response_status', 'response_body'])
    .where('actor_id', '=', scope.actorId)
    .where('key', '=', scope.key)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return null;
  if (row.route !== scope.route || row.request_sha256 !== scope.requestSha256) {
    throw new AppError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
      [{ field: 'Idempotency-Key', message: 'was used with a different request' }],
    );
  }
  return { status: row.response_status, body: row.response_body as T };
}

/** Stores the response in the caller's transaction: it commits with the effect it describes. */
export async function rememberResponse(tx: Tx, scope: IdempotencyScope, response: StoredResponse<object>, now: Date): Promise<void> {
  await tx
    .insertInto('idempotency_keys')
    .values({
      actor_id: scope.actorId,
      key: scope.key,
      route: scope.route,
      request_sha256: scope.requestSha256,
      response_status: response.status,
      response_body: JSON.stringify(response.body),
      created_at: now,
    })
    .execute();
}
