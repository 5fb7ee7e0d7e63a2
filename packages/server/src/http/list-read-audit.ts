import type { FastifyInstance } from 'fastify';
import { writeAuditEntries } from '../audit/audit-log.ts';
import { isUuid } from './access-control.ts';
import { requestContext } from './authenticate.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A list that shows several patients (the alert queue, the review queue, a caseload, a sitter's patients, a
     * staff calendar): each patient shown gets a row `<action>` in their own audit chain, so the read reaches
     * that patient's access log like a read of their record does.
     */
    auditPatientsShown?: string;
  }
}

/** The patient ids a response shows: every `patientId` in its items (at most three levels deep). */
export function patientIdsShown(payload: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown, depth: number) => {
    if (depth > 3 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'patientId' && isUuid(value)) found.add(value.toLowerCase());
      else walk(value, depth + 1);
    }
  };
  walk(payload, 0);
  return [...found].sort();
}

export function registerListReadAudit(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, reply, payload) => {
    const action = request.routeOptions.config.auditPatientsShown;
    if (!action || reply.statusCode >= 300) return payload;
    const shown = patientIdsShown(payload);
    if (shown.length === 0) return payload;
    await writeAuditEntries(
      app.deps.database.db,
      requestContext(request, app.deps.clock.now()),
      shown.map((patientId) => ({ action, resourceType: 'list', patientId, outcome: 'success' as const, detail: { route: request.routeOptions.url } })),
    );
    return payload;
  });
}
