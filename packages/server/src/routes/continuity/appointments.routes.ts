import type { FastifyRequest } from 'fastify';
import {
  appointmentBookRequest,
  appointmentBookResponse,
  appointmentBookWithPatientRequest,
  appointmentCancelRequest,
  appointmentList,
  appointmentListQuery,
  appointmentParams,
  appointmentRescheduleRequest,
  appointmentResponse,
  appointmentStatusRequest,
  availabilityQuery,
  availabilityResponse,
  availabilityUpdateRequest,
  patientAppointmentList,
  patientParams,
  staffParams,
} from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import type { Db } from '../../db/transaction.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import { publicBaseUrl } from '../../use-cases/deps.ts';
import {
  bookAppointments,
  cancelAppointment,
  getAppointment,
  listAppointments,
  listFollowUps,
  patientOfAppointment,
  rescheduleAppointment,
  setAppointmentOutcome,
} from '../../use-cases/continuity/appointments.ts';
import { availabilityView, updateAvailability } from '../../use-cases/continuity/availability.ts';
import { appointmentIcs } from '../../use-cases/continuity/ics.ts';
import { textFileResponse } from './route-support.ts';

const byAppointment = (action: 'read' | 'write') =>
  ({
    kind: 'patient',
    resource: 'appointment',
    action,
    patientOf: (db: Db, request: FastifyRequest) => patientOfAppointment(db, (request.params as { appointmentId?: unknown }).appointmentId),
  }) as const;

export function appointmentRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/appointments',
    {
      config: { access: { kind: 'signed-in' }, auditPatientsShown: 'appointments.list' },
      schema: {
        tags: ['appointments'],
        summary: "The caller's own appointments: a patient's, a staff member's, or the sitter orientations a sitter attends",
        querystring: appointmentListQuery,
        response: { 200: appointmentList },
      },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      const actor = actorOf(request);
      const q = request.query;
      const range = { from: q.from, to: q.to, includeCancelled: q.includeCancelled === 'true' };
      let items: Awaited<ReturnType<typeof listAppointments>> = [];
      switch (actor.role) {
        case 'patient': {
          const p = await deps.database.db.selectFrom('patients').select('id').where('user_id', '=', actor.userId).executeTakeFirst();
          items = p ? await listAppointments(deps.database.db, { ...range, patientId: p.id }) : [];
          break;
        }
        case 'clinician':
        case 'coach':
          items = await listAppointments(deps.database.db, { ...range, staffId: actor.userId });
          break;
        case 'sitter':
          items = await listAppointments(deps.database.db, { ...range, sitterUserId: actor.userId });
          break;
        case 'admin':
          items = [];
          break;
      }
      await writeAudit(deps.database.db, ctx, { action: 'appointment.list_own', resourceType: 'appointment', outcome: 'success', detail: { count: items.length } });
      return { items };
    },
  );

  app.post(
    '/api/v1/appointments',
    {
      config: { access: { kind: 'patient', resource: 'appointment', action: 'write', patientOf: async (_db, request) => (request.body as { patientId?: string } | undefined)?.patientId } },
      schema: {
        tags: ['appointments'],
        summary: 'Book an appointment (or a recurring integration series) inside the staff member’s availability',
        body: appointmentBookWithPatientRequest,
        response: { 201: appointmentBookResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const ids = await bookAppointments(uc, { ...request.body, patientId: patientAccessOf(request).patientId });
      return reply.code(201).send({ appointments: await listAppointments(uc.deps.database.db, { ids }) });
    },
  );

  app.get(
    '/api/v1/patients/:patientId/appointments',
    {
      config: { access: { kind: 'patient', resource: 'appointment', action: 'read' } },
      schema: {
        tags: ['appointments'],
        summary: "The patient's appointments and their clinician follow-ups (due, overdue, covered by an appointment)",
        params: patientParams,
        querystring: appointmentListQuery,
        response: { 200: patientAppointmentList },
      },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const q = request.query;
      const items = await listAppointments(deps.database.db, { patientId, from: q.from, to: q.to, includeCancelled: q.includeCancelled === 'true' });
      const followUps = await listFollowUps(deps.database.db, patientId, ctx.now);
      return { items, followUps };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/appointments',
    {
      config: { access: { kind: 'patient', resource: 'appointment', action: 'write' } },
      schema: {
        tags: ['appointments'],
        summary: 'Book an appointment for this patient (patient, clinician or coach)',
        params: patientParams,
        body: appointmentBookRequest,
        response: { 201: appointmentBookResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const ids = await bookAppointments(uc, { ...request.body, patientId: patientAccessOf(request).patientId });
      return reply.code(201).send({ appointments: await listAppointments(uc.deps.database.db, { ids }) });
    },
  );

  app.get(
    '/api/v1/appointments/:appointmentId',
    {
      config: { access: byAppointment('read') },
      schema: { tags: ['appointments'], summary: 'One appointment', params: appointmentParams, response: { 200: appointmentResponse } },
    },
    async (request) => {
      const appointment = await getAppointment(useCaseOf(request).deps.database.db, request.params.appointmentId);
      return { appointment };
    },
  );

  app.get(
    '/api/v1/appointments/:appointmentId/ics',
    {
      config: { access: byAppointment('read') },
      schema: {
        tags: ['appointments'],
        summary: 'The appointment as an iCalendar file (RFC 5545; times in UTC; no health details)',
        params: appointmentParams,
        response: textFileResponse('text/calendar'),
      },
    },
    async (request, reply) => {
      const { deps, ctx } = useCaseOf(request);
      const a = await getAppointment(deps.database.db, request.params.appointmentId);
      const body = appointmentIcs({
        uid: `${a.id}@keel`,
        sequence: 0,
        stamp: ctx.now,
        start: new Date(a.startsAt),
        end: new Date(a.endsAt),
        summary: 'Keel appointment',
        description: `Sign in to Keel for the details and the video link: ${publicBaseUrl(deps)}/appointments`,
        url: `${publicBaseUrl(deps)}/appointments`,
        cancelled: a.status === 'cancelled',
      });
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="keel-appointment-${a.id}.ics"`)
        .send(body);
    },
  );

  app.post(
    '/api/v1/appointments/:appointmentId/reschedule',
    {
      config: { access: byAppointment('write') },
      schema: {
        tags: ['appointments'],
        summary: 'Move an appointment (with a reason): the old one is cancelled and a new one booked, atomically',
        params: appointmentParams,
        body: appointmentRescheduleRequest,
        response: { 200: appointmentResponse },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const id = await rescheduleAppointment(uc, request.params.appointmentId, request.body);
      return { appointment: await getAppointment(uc.deps.database.db, id) };
    },
  );

  app.post(
    '/api/v1/appointments/:appointmentId/cancel',
    {
      config: { access: byAppointment('write') },
      schema: { tags: ['appointments'], summary: 'Cancel an appointment with a reason; its time becomes free', params: appointmentParams, body: appointmentCancelRequest, response: { 200: appointmentResponse } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      await cancelAppointment(uc, request.params.appointmentId, request.body.reason);
      return { appointment: await getAppointment(uc.deps.database.db, request.params.appointmentId) };
    },
  );

  app.post(
    '/api/v1/appointments/:appointmentId/outcome',
    {
      config: { access: byAppointment('write') },
      schema: {
        tags: ['appointments'],
        summary: 'Staff record that an appointment took place or was missed (after its start)',
        params: appointmentParams,
        body: appointmentStatusRequest,
        response: { 200: appointmentResponse },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      await setAppointmentOutcome(uc, patientAccessOf(request).relation, request.params.appointmentId, request.body.status);
      return { appointment: await getAppointment(uc.deps.database.db, request.params.appointmentId) };
    },
  );

  app.get(
    '/api/v1/staff/:staffId/availability',
    {
      config: { access: { kind: 'program', resource: 'availability', action: 'read' } },
      schema: {
        tags: ['appointments'],
        summary: "A clinician's or coach's hours (in their time zone) and the open slots in a window",
        params: staffParams,
        querystring: availabilityQuery,
        response: { 200: availabilityResponse },
      },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      return availabilityView(deps.database.db, request.params.staffId, request.query, ctx.now);
    },
  );

  app.put(
    '/api/v1/staff/:staffId/availability',
    {
      config: { access: { kind: 'program', resource: 'availability', action: 'write' } },
      schema: {
        tags: ['appointments'],
        summary: 'Replace weekly hours and exceptions (the staff member themself, or an administrator)',
        params: staffParams,
        body: availabilityUpdateRequest,
        response: { 200: availabilityResponse },
      },
    },
    async (request) => {
      const uc = useCaseOf(request);
      await updateAvailability(uc, actorOf(request), request.params.staffId, request.body);
      return availabilityView(uc.deps.database.db, request.params.staffId, {}, uc.ctx.now);
    },
  );
}
