import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import {
  can,
  canProgram,
  type Action,
  type PatientResource,
  type ProgramResource,
  type Relation,
  type Role,
} from '@keel/domain';
import { writeAudit, writeAuditAlone } from '../audit/audit-log.ts';
import { isStaff } from '../auth/session.service.ts';
import { staffMfaRequired } from '../config.ts';
import type { Db } from '../db/transaction.ts';
import { requestContext } from './authenticate.ts';
import { AppError, notFound } from './problem.ts';

/**
 * Every route declares who may call it. A route without a rule fails the route-registry test; the check itself
 * runs here, before the handler, so no handler can forget it.
 */
export type AccessRule =
  | { kind: 'public' }
  /** Signed in, any role (or the listed roles); for the caller's own account and shared reference data. */
  | { kind: 'signed-in'; roles?: readonly Role[]; allowBeforeMfa?: boolean }
  | { kind: 'program'; resource: ProgramResource; action: Action }
  /**
   * One patient's record. The patient is `params.patientId` unless `patientOf` finds it from another id
   * (a session, a plan, an alert); an unknown id is a 404 exactly like a forbidden one.
   */
  | {
      kind: 'patient';
      resource: PatientResource;
      action: Action;
      patientOf?: (db: Db, request: FastifyRequest) => Promise<string | null | undefined>;
    };

export interface PatientAccess {
  patientId: string;
  relation: Relation;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessRule;
  }
  interface FastifyRequest {
    patientAccess: PatientAccess | null;
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && uuidPattern.test(value);

/** How `actor` stands to `patientId`: one indexed query over the three relationship tables. */
export async function resolveRelation(
  db: Db,
  actor: { userId: string; role: Role },
  patientId: string,
  now?: Date,
): Promise<{ exists: boolean; relation: Relation }> {
  const row = await db
    .selectFrom('patients as p')
    .select((eb) => [
      'p.user_id',
      eb
        .exists(
          eb
            .selectFrom('care_team_members as c')
            .select('c.id')
            .whereRef('c.patient_id', '=', 'p.id')
            .where('c.user_id', '=', actor.userId)
            .where('c.unassigned_at', 'is', null),
        )
        .as('on_care_team'),
      eb
        .exists(
          eb
            .selectFrom('sitter_assignments as s')
            .select('s.id')
            .whereRef('s.patient_id', '=', 'p.id')
            .where('s.sitter_user_id', '=', actor.userId)
            .where('s.status', '=', 'active'),
        )
        .as('is_sitter'),
    ])
    .where('p.id', '=', patientId)
    .executeTakeFirst();
  if (!row) return { exists: false, relation: 'none' };
  if (actor.role === 'patient') return { exists: true, relation: row.user_id === actor.userId ? 'self' : 'none' };
  if (actor.role === 'sitter') return { exists: true, relation: row.is_sitter ? 'sitter' : 'none' };
  if (actor.role === 'clinician' || actor.role === 'coach') {
    if (row.on_care_team) return { exists: true, relation: actor.role };
    if (actor.role === 'clinician' && (await reviewsIntakeOf(db, actor.userId, patientId))) return { exists: true, relation: 'reviewer' };
    if (actor.role === 'clinician' && now !== undefined && (await onCallAt(db, actor.userId, now))) return { exists: true, relation: 'on_call' };
    return { exists: true, relation: 'none' };
  }
  return { exists: true, relation: 'none' };
}

/**
 * A clinician outside the care team reviews a patient's intake while it awaits a decision and the clinician is
 * licensed in the patient's state: exactly the intakes the review queue shows them (use-cases/intake/review.ts).
 */
async function reviewsIntakeOf(db: Db, clinicianId: string, patientId: string): Promise<boolean> {
  const row = await db
    .selectFrom('intakes as i')
    .innerJoin('patients as p', 'p.id', 'i.patient_id')
    .innerJoin('users as u', (join) => join.on('u.id', '=', clinicianId))
    .select('i.id')
    .where('i.patient_id', '=', patientId)
    .where('i.status', '=', 'submitted')
    .where('u.role', '=', 'clinician')
    .where('u.deactivated_at', 'is', null)
    .where(sql<boolean>`coalesce(i.answers #>> '{demographics,state}', p.state) = ANY(u.state_licenses)`)
    .executeTakeFirst();
  return row !== undefined;
}

/** The clinician is the on-call primary or backup of a live shift at `now` (docs/live-board.md). */
async function onCallAt(db: Db, clinicianId: string, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('on_call_shifts')
    .select('id')
    .where('cancelled_at', 'is', null)
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .where((eb) => eb.or([eb('clinician_id', '=', clinicianId), eb('backup_clinician_id', '=', clinicianId)]))
    .executeTakeFirst();
  return row !== undefined;
}

function firstIdParam(params: Record<string, unknown>): string | null {
  for (const [key, value] of Object.entries(params)) {
    if (key !== 'patientId' && isUuid(value)) return value;
  }
  return null;
}

/** The 404s the access check raised (and audited); any other 404 a signed-in caller meets is audited by the error handler. */
export const auditedDenials = new WeakSet<Error>();

export function registerAccessControl(app: FastifyInstance): void {
  app.decorateRequest('patientAccess', null);
  // preValidation: access is decided before the body is looked at, so a caller without access learns nothing
  // from validation errors either; they get the same 404 whatever they send.
  app.addHook('preValidation', async (request) => {
    try {
      await checkAccess(app, request);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') auditedDenials.add(error);
      throw error;
    }
  });
}

async function checkAccess(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  {
    // The not-found handler has no route; it answers for itself.
    if (request.routeOptions.url === undefined) return;
    const rule = request.routeOptions.config.access;
    if (!rule) {
      if (request.routeOptions.url.startsWith('/api/v1/') || request.routeOptions.url.startsWith('/fhir/')) throw new AppError('INTERNAL', 'This route has no access rule.');
      return;
    }
    if (rule.kind === 'public') return;
    const actor = request.actor;
    if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
    const { database, clock, config } = app.deps;
    const allowBeforeMfa = rule.kind === 'signed-in' && rule.allowBeforeMfa === true;
    if (isStaff(actor.role) && staffMfaRequired(config) && !actor.mfaVerified && !allowBeforeMfa) {
      throw new AppError('MFA_REQUIRED', 'Set up and confirm your authenticator app before using Keel.', undefined, {
        mfaEnrolled: actor.mfaEnabled,
      });
    }
    const now = clock.now();
    const deny = async (patientId: string | null, resource: string, action: string, reason: string) => {
      await writeAudit(database.db, requestContext(request, now), {
        action: `${resource}.${action}`,
        resourceType: resource,
        patientId,
        outcome: 'denied',
        detail: { route: request.routeOptions.url, reason },
      });
      return notFound();
    };
    switch (rule.kind) {
      case 'signed-in':
        if (rule.roles && !rule.roles.includes(actor.role)) throw await deny(null, 'route', request.method, 'role');
        return;
      case 'program': {
        const decision = canProgram(actor.role, rule.action, rule.resource);
        if (decision.kind === 'denied') throw await deny(null, rule.resource, rule.action, decision.reason);
        return;
      }
      case 'patient': {
        const params = request.params as Record<string, unknown>;
        // Ids are checked here, before any loader sees them: a malformed id is an unknown one.
        for (const [key, value] of Object.entries(params)) {
          if ((key === 'id' || key.endsWith('Id')) && !isUuid(value)) throw await deny(null, rule.resource, rule.action, 'malformed id');
        }
        const patientId = rule.patientOf ? await rule.patientOf(database.db, request) : params['patientId'];
        if (!isUuid(patientId)) throw await deny(null, rule.resource, rule.action, 'unknown patient');
        // A patient acting on their own record: the session already joined their patient row, so no lookup.
        const { exists, relation } =
          actor.role === 'patient' && actor.patientId === patientId
            ? { exists: true, relation: 'self' as const }
            : await resolveRelation(database.db, actor, patientId, now);
        if (!exists) throw await deny(null, rule.resource, rule.action, 'unknown patient');
        const decision = can({ role: actor.role, relation }, rule.action, rule.resource);
        if (decision.kind === 'denied') throw await deny(patientId, rule.resource, rule.action, decision.reason);
        request.patientAccess = { patientId, relation };
        // Every read of a patient's record is on the record, written before the data leaves (writes are audited
        // by their use-case, in the transaction of the change).
        if (rule.action === 'read') {
          await writeAuditAlone(database, requestContext(request, now), {
            action: `${rule.resource}.read`,
            resourceType: rule.resource,
            resourceId: firstIdParam(params),
            patientId,
            outcome: 'success',
            detail: { route: request.routeOptions.url },
          });
        }
        return;
      }
    }
  }
}
