import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { PatientResource } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { useCaseOf } from '../../http/route-helpers.ts';

/** Reads of a patient's record leave an audit row too (reliability I7): who read what, never the content. */
export async function auditRead(request: FastifyRequest, resource: PatientResource, patientId: string, resourceId?: string, detail?: Record<string, unknown>): Promise<void> {
  const { deps, ctx } = useCaseOf(request);
  await writeAudit(deps.database.db, ctx, {
    action: `${resource}.read`,
    resourceType: resource,
    resourceId: resourceId ?? null,
    patientId,
    outcome: 'success',
    ...(detail ? { detail } : {}),
  });
}

/** Binary and text responses (PDF, iCalendar) are documented as strings; the handler sets the content type. */
export const textFileResponse = (mediaType: string) => ({ 200: z.string().describe(mediaType) });
/** A binary body (a Buffer): documented by media type; Fastify sends it as is. */
export const binaryFileResponse = (mediaType: string) => ({ 200: z.any().describe(`${mediaType} (binary)`) });
