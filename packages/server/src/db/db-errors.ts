/** The SQLSTATE of a database error (node-postgres and PGlite both carry it as `code`). */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function constraintOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const c = (error as { constraint?: unknown }).constraint;
  return typeof c === 'string' ? c : undefined;
}

export const isUniqueViolation = (error: unknown): boolean => sqlState(error) === '23505';

// node-postgres reports a lost or refused connection without a SQLSTATE; these are its messages (pg 8, pg-pool 3).
const connectionMessages = [
  'Connection terminated',
  'connection error and is not queryable',
  'Client was closed and is not queryable',
  'timeout exceeded when trying to connect',
  'Cannot use a pool after calling end on the pool',
  'terminating connection',
];
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True when the database could not be reached or dropped the connection: SQLSTATE class 08 (connection
 * exception), 57P01–57P03 (administrator or crash shutdown, cannot connect now), 53300 (too many connections),
 * or a network error. The request may succeed when retried, so it is answered 503, never 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const state = sqlState(error);
  if (state !== undefined) {
    if (state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03' || state === '53300') return true;
    if (networkCodes.has(state)) return true;
  }
  const message = error instanceof Error ? error.message : '';
  return connectionMessages.some((m) => message.includes(m));
}

/** How a database error that escaped a use-case is answered: integrity and data errors are the client's (4xx). */
export type DatabaseErrorClass = 'unavailable' | 'conflict' | 'invalid' | 'retry' | 'other';

export function classifyDatabaseError(error: unknown): DatabaseErrorClass {
  if (isDatabaseUnavailable(error)) return 'unavailable';
  const state = sqlState(error);
  if (!state || !/^[0-9A-Z]{5}$/.test(state)) return 'other';
  // 23505 unique, 23P01 exclusion, 23503 foreign key: the state the request assumed no longer holds.
  if (state === '23505' || state === '23P01' || state === '23503') return 'conflict';
  // 23514 check, 23502 not null, class 22 (data exception: bad date, out of range, invalid text, NUL byte).
  if (state === '23514' || state === '23502' || state.startsWith('22')) return 'invalid';
  // 40001 serialization failure, 40P01 deadlock, 55P03 lock not available: nothing was written; retry.
  if (state === '40001' || state === '40P01' || state === '55P03') return 'retry';
  return 'other';
}
