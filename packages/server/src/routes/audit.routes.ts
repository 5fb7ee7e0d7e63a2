import { sql } from 'kysely';
import { accessLog, accessLogQuery, auditPage, auditQuery, patientParams } from '@keel/contract';
import type { KeelApp } from '../app.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { iso, patientAccessOf, useCaseOf } from '../http/route-helpers.ts';

/**
 * Rows about one patient: those in their chain (patient_id) and the list reads that showed them (patient_ids, GIN
 * indexed). docs/security.md.
 */
const naming = (patientId: string) => sql<boolean>`(a.patient_id = ${patientId} OR a.patient_ids @> ARRAY[${patientId}]::uuid[])`;

export function auditRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/audit',
    {
      config: { access: { kind: 'program', resource: 'audit_log', action: 'read' } },
      schema: { tags: ['audit'], summary: 'Search the audit log (admin), newest first', querystring: auditQuery, response: { 200: auditPage } },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      const q = request.query;
      let query = deps.database.db
        .selectFrom('audit_log as a')
        .leftJoin('users as u', 'u.id', 'a.actor_id')
        .leftJoin('patients as p', 'p.id', 'a.patient_id')
        .select(['a.id', 'a.at', 'a.actor_id', 'a.actor_role', 'u.name as actor_name', 'p.name as patient_name', 'a.action', 'a.resource_type', 'a.resource_id', 'a.patient_id', sql<number | null>`cardinality(a.patient_ids)`.as('patients_shown'), 'a.outcome', 'a.request_id', 'a.client_address'])
        .orderBy('a.id', 'desc')
        .limit(q.limit + 1);
      if (q.patientId) query = query.where(naming(q.patientId));
      if (q.actorId) query = query.where('a.actor_id', '=', q.actorId);
      // By name: a person's name or email, a patient's name (case-insensitive, any part).
      const like = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      if (q.actor) {
        const pattern = like(q.actor);
        query = query.where((eb) => eb.or([eb(eb.fn('lower', ['u.name']), 'like', pattern), eb(eb.fn('lower', ['u.email']), 'like', pattern)]));
      }
      // A list read names its patients in patient_ids: it is found by any of their names too.
      if (q.patient) {
        const pattern = like(q.patient);
        query = query.where(
          sql<boolean>`(lower(p.name) LIKE ${pattern} OR a.patient_ids && ARRAY(SELECT n.id FROM patients n WHERE lower(n.name) LIKE ${pattern}))`,
        );
      }
      if (q.action) query = query.where('a.action', 'like', `${q.action.replace(/[%_]/g, '')}%`);
      if (q.outcome) query = query.where('a.outcome', '=', q.outcome);
      if (q.from) query = query.where('a.at', '>=', new Date(q.from));
      if (q.to) query = query.where('a.at', '<', new Date(q.to));
      if (q.before) query = query.where('a.id', '<', q.before);
      const rows = await query.execute();
      const page = rows.slice(0, q.limit);
      await writeAudit(deps.database.db, ctx, { action: 'audit_log.search', resourceType: 'audit_log', outcome: 'success', detail: { patientId: q.patientId ?? null } });
      return {
        items: page.map((r) => ({
          id: r.id,
          at: iso(r.at),
          actorId: r.actor_id,
          actorRole: r.actor_role,
          actorName: r.actor_name,
          patientName: r.patient_name,
          action: r.action,
          resourceType: r.resource_type,
          resourceId: r.resource_id,
          patientId: r.patient_id,
          patientsShown: r.patients_shown,
          outcome: r.outcome,
          requestId: r.request_id,
          clientAddress: r.client_address,
        })),
        nextBefore: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.get(
    '/api/v1/patients/:patientId/access-log',
    {
      config: { access: { kind: 'patient', resource: 'access_log', action: 'read' } },
      schema: {
        tags: ['audit'],
        summary: "The patient's own accounting of who accessed their record (other people's access, newest first)",
        params: patientParams,
        querystring: accessLogQuery,
        response: { 200: accessLog },
      },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const { limit, before } = request.query;
      const rows = await deps.database.db
        .selectFrom('audit_log as a')
        .leftJoin('users as u', 'u.id', 'a.actor_id')
        .select(['a.id', 'a.at', 'u.name', 'a.actor_role', 'a.action', 'a.resource_type', 'a.outcome'])
        .where(naming(patientId))
        .where(sql<boolean>`a.actor_id IS DISTINCT FROM ${ctx.actorId}`)
        .$if(before !== undefined, (q) => q.where('a.id', '<', before ?? 0))
        .orderBy('a.id', 'desc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      return {
        items: page.map((r) => {
          // Staff, sitters and Keel itself are named; another patient is not: who else is enrolled is not this
          // patient's to know.
          const stranger = r.actor_role === 'patient';
          return {
            at: iso(r.at),
            who: stranger ? 'A person without access' : (r.name ?? (r.actor_role ? `a ${r.actor_role}` : 'Keel (automatic)')),
            role: stranger ? null : r.actor_role,
            action: r.action,
            resourceType: r.resource_type,
            outcome: r.outcome,
          };
        }),
        nextBefore: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );
}
