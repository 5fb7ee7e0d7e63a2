import { z } from 'zod';
import {
  alertListQuery,
  alertListResponse,
  alertParams,
  alertSchema,
  assessmentScheduleResponse,
  checkInListResponse,
  checkInRequest,
  checkInResponse,
  crisisResponse,
  panelQuery,
  panelResponse,
  patientOutcomesResponse,
  patientParams,
  programOutcomesResponse,
  resolveAlertRequest,
  riskResponse,
  timelineQuery,
  timelineResponse,
} from '@keel/contract';
import type { FastifyRequest } from 'fastify';
import { enforceSubmissionLimit } from '../http/submission-limit.ts';
import type { KeelApp } from '../app.ts';
import type { Db } from '../db/transaction.ts';
import { isUuid } from '../http/access-control.ts';
import { notFound } from '../http/problem.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../http/route-helpers.ts';
import {
  acknowledgeAlert,
  crisisFor,
  getAlert,
  listAlerts,
  patientOfAlert,
  resolveAlert,
} from '../use-cases/alerts/alert-queue.ts';
import { listCheckIns, submitCheckIn } from '../use-cases/monitoring/check-ins.ts';
import { patientOutcomes, programOutcomeReport } from '../use-cases/monitoring/outcomes.ts';
import { clinicianPanel } from '../use-cases/monitoring/panel.ts';
import { explainRisk } from '../use-cases/monitoring/risk.ts';
import { dueFromFacts, loadScheduleFacts, phaseOf } from '../use-cases/monitoring/schedule.ts';
import { patientTimeline } from '../use-cases/monitoring/timeline.ts';
import { loadProgramSettings } from '../use-cases/settings/program-settings.service.ts';

const alertPatient = (db: Db, request: FastifyRequest) => {
  const id = (request.params as Record<string, unknown>)['alertId'];
  return isUuid(id) ? patientOfAlert(db, id) : Promise.resolve(null);
};

export function monitoringRoutes(app: KeelApp): void {
  // ---------------------------------------------------------------------------------------------------------
  // Check-ins

  app.post(
    '/api/v1/patients/:patientId/check-ins',
    {
      config: { access: { kind: 'patient', resource: 'checkin', action: 'write' } },
      schema: {
        tags: ['monitoring'],
        summary: 'Daily check-in: stored, warning signs re-read, risk tier change recorded, alerts raised',
        params: patientParams,
        body: checkInRequest,
        response: { 201: checkInResponse },
      },
    },
    async (request, reply) => {
      const patientId = patientAccessOf(request).patientId;
      enforceSubmissionLimit(request, 'checkin', patientId);
      const result = await submitCheckIn(useCaseOf(request), patientId, request.body);
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/api/v1/patients/:patientId/check-ins',
    {
      config: { access: { kind: 'patient', resource: 'checkin', action: 'read' } },
      schema: {
        tags: ['monitoring'],
        summary: "The patient's recent check-ins, newest first",
        params: patientParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(30) }),
        response: { 200: checkInListResponse },
      },
    },
    async (request) => {
      const { deps } = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      const items = await listCheckIns(deps.database.db, patientId, request.query.limit);
      return { items };
    },
  );

  // ---------------------------------------------------------------------------------------------------------
  // Assessment schedule and outcomes

  app.get(
    '/api/v1/patients/:patientId/assessment-schedule',
    {
      config: { access: { kind: 'patient', resource: 'assessment', action: 'read' } },
      schema: {
        tags: ['monitoring'],
        summary: 'Assessments due, overdue and upcoming (program cadence, phase of the active plan)',
        params: patientParams,
        response: { 200: assessmentScheduleResponse },
      },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      const patientId = patientAccessOf(request).patientId;
      const db = deps.database.db;
      const [facts, settings] = await Promise.all([loadScheduleFacts(db, patientId), loadProgramSettings(db)]);
      if (!facts) throw notFound('patient');
      const items = dueFromFacts(facts, ctx.now, settings.monitoring.cadence);
      return {
        patientId,
        phase: phaseOf(facts.phase),
        asOf: ctx.now.toISOString(),
        items,
        dueCount: items.filter((i) => i.status === 'due').length,
        overdueCount: items.filter((i) => i.status === 'overdue').length,
      };
    },
  );

  app.get(
    '/api/v1/patients/:patientId/outcomes',
    {
      config: { access: { kind: 'patient', resource: 'outcomes', action: 'read' } },
      schema: {
        tags: ['monitoring'],
        summary: 'PHQ-9 and GAD-7: series, baseline, latest, change, response, remission, trajectory',
        params: patientParams,
        response: { 200: patientOutcomesResponse },
      },
    },
    async (request) => patientOutcomes(useCaseOf(request), patientAccessOf(request).patientId),
  );

  app.get(
    '/api/v1/program/outcomes',
    {
      config: { access: { kind: 'program', resource: 'program_outcomes', action: 'read' } },
      schema: {
        tags: ['monitoring'],
        summary: 'Response and remission at 4 and 8 weeks after the first dose, by cohort month',
        response: { 200: programOutcomesResponse },
      },
    },
    async (request) => {
      const report = await programOutcomeReport(useCaseOf(request));
      return {
        ...report,
        cohorts: report.cohorts.map((c) => ({ ...c, instruments: { phq9: [...c.instruments.phq9], gad7: [...c.instruments.gad7] } })),
        overall: { ...report.overall, instruments: { phq9: [...report.overall.instruments.phq9], gad7: [...report.overall.instruments.gad7] } },
      };
    },
  );

  // ---------------------------------------------------------------------------------------------------------
  // Alerts

  app.get(
    '/api/v1/alerts',
    {
      config: { access: { kind: 'program', resource: 'alert_queue', action: 'read' }, auditPatientsShown: 'alert_queue.list' },
      schema: {
        tags: ['alerts'],
        summary: "Alerts of the caller's care-team patients, most severe first, then oldest",
        querystring: alertListQuery,
        response: { 200: alertListResponse },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return listAlerts(useCaseOf(request), { userId: actor.userId, role: actor.role }, request.query);
    },
  );

  app.get(
    '/api/v1/alerts/:alertId',
    {
      config: { access: { kind: 'patient', resource: 'alert', action: 'read', patientOf: alertPatient } },
      schema: { tags: ['alerts'], summary: 'One alert with its evidence', params: alertParams, response: { 200: alertSchema } },
    },
    async (request) => getAlert(useCaseOf(request), request.params.alertId, actorOf(request).role),
  );

  app.post(
    '/api/v1/alerts/:alertId/acknowledge',
    {
      config: { access: { kind: 'patient', resource: 'alert', action: 'write', patientOf: alertPatient } },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an open alert (stops its escalation)',
        params: alertParams,
        response: { 200: alertSchema },
      },
    },
    async (request) => acknowledgeAlert(useCaseOf(request), request.params.alertId),
  );

  app.post(
    '/api/v1/alerts/:alertId/resolve',
    {
      config: { access: { kind: 'patient', resource: 'alert', action: 'write', patientOf: alertPatient } },
      schema: {
        tags: ['alerts'],
        summary: 'Resolve an acknowledged alert with the action taken and a note (releases a dosing hold)',
        params: alertParams,
        body: resolveAlertRequest,
        response: { 200: alertSchema },
      },
    },
    async (request) => resolveAlert(useCaseOf(request), request.params.alertId, request.body),
  );

  app.get(
    '/api/v1/patients/:patientId/crisis',
    {
      config: { access: { kind: 'patient', resource: 'checkin', action: 'read' } },
      schema: {
        tags: ['alerts'],
        summary: 'Crisis resources (988, 911) and whether a safety alert is open',
        params: patientParams,
        response: { 200: crisisResponse },
      },
    },
    async (request) => crisisFor(useCaseOf(request), patientAccessOf(request).patientId),
  );

  // ---------------------------------------------------------------------------------------------------------
  // Risk, panel, timeline

  app.get(
    '/api/v1/patients/:patientId/risk',
    {
      config: { access: { kind: 'patient', resource: 'risk', action: 'read' } },
      schema: {
        tags: ['monitoring'],
        summary: 'The dependence risk tier explained: intake factors, every warning sign with its evidence, the roll-up',
        params: patientParams,
        response: { 200: riskResponse },
      },
    },
    async (request) => explainRisk(useCaseOf(request), patientAccessOf(request).patientId),
  );

  app.get(
    '/api/v1/patients',
    {
      config: { access: { kind: 'program', resource: 'panel', action: 'read' } },
      schema: {
        tags: ['monitoring'],
        summary: "The caller's panel: status, risk tier, open alerts, latest PHQ-9, next session, overdue items",
        querystring: panelQuery,
        response: { 200: panelResponse },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return clinicianPanel(useCaseOf(request), { userId: actor.userId, role: actor.role }, request.query);
    },
  );

  app.get(
    '/api/v1/patients/:patientId/timeline',
    {
      config: { access: { kind: 'patient', resource: 'timeline', action: 'read' } },
      schema: {
        tags: ['monitoring'],
        summary: 'Everything in time order, newest first: assessments, check-ins, sessions, gate decisions, ledger, alerts, appointments',
        params: patientParams,
        querystring: timelineQuery,
        response: { 200: timelineResponse },
      },
    },
    async (request) => {
      const access = patientAccessOf(request);
      return patientTimeline(useCaseOf(request), access.patientId, access.relation, request.query);
    },
  );
}
