import { AppError } from '../../http/problem.ts';

// Opaque cursors for the monitoring lists. Offset cursors serve lists a clinician sorts several ways (the panel,
// the alert queue: small per caller); the timeline, which only grows at its head, pages by (time, id) keyset.

const badCursor = () =>
  new AppError('VALIDATION_FAILED', 'The cursor is not one this API gave out.', [{ field: 'cursor', message: 'unknown cursor' }]);

const encodeOffset = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');

export function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw badCursor();
  return Number(m[1]);
}

/** The cursor of the next page when the query returned more than `limit` rows (it asks for limit + 1). */
export const nextOffsetCursor = (offset: number, returned: number, limit: number): string | null =>
  returned > limit ? encodeOffset(offset + limit) : null;

export interface Keyset {
  at: Date;
  id: string;
}

export const encodeKeyset = (k: { at: Date | string; id: string }): string =>
  Buffer.from(`k:${new Date(k.at).toISOString()}|${k.id}`).toString('base64url');

export function decodeKeyset(cursor: string | undefined): Keyset | null {
  if (cursor === undefined) return null;
  const m = /^k:(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([A-Za-z0-9:_-]{1,120})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m?.[1] || !m[2]) throw badCursor();
  const at = new Date(m[1]);
  if (Number.isNaN(at.getTime())) throw badCursor();
  return { at, id: m[2] };
}
