import {
  caseloadResponse,
  clinicianVisitCreateRequest,
  clinicianVisitCreateResponse,
  clinicianVisitList,
  coachingNoteCreateRequest,
  coachingNoteList,
  journalCreateRequest,
  journalEntryParams,
  journalEntryResponse,
  journalList,
  journalPrompts,
  journalQuery,
  journalSharingRequest,
  patientParams,
  practiceAssignRequest,
  practiceAssignmentList,
  practiceAssignmentParams,
  practiceDoneRequest,
  practiceLibrary,
} from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import { notFound } from '../../http/problem.ts';
import { actorOf, patientAccessOf, useCaseOf } from '../../http/route-helpers.ts';
import {
  assignPractice,
  coachCaseload,
  completePractice,
  createCoachingNote,
  listCoachingNotes,
  listPracticeAssignments,
  practiceLibrary as loadPracticeLibrary,
} from '../../use-cases/continuity/coaching.ts';
import { createJournalEntry, journalPrompts as loadJournalPrompts, listJournal, setJournalSharing } from '../../use-cases/continuity/journal.ts';
import { listVisits, recordVisit } from '../../use-cases/continuity/visits.ts';

export function careRoutes(app: KeelApp): void {
  // ---- Clinician visits: the access policy has no `visit` resource; a visit is a prescriber's record, so it
  // follows the plan's rule (clinicians write, the patient and clinicians read).
  app.post(
    '/api/v1/patients/:patientId/visits',
    {
      config: { access: { kind: 'patient', resource: 'visit', action: 'write' } },
      schema: {
        tags: ['visits'],
        summary: 'Record a clinician visit (modality, patient state, prescriber licence state); completes due follow-ups',
        params: patientParams,
        body: clinicianVisitCreateRequest,
        response: { 201: clinicianVisitCreateResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const result = await recordVisit(uc, patientId, request.body);
      const [visit] = await listVisits(uc.deps.database.db, patientId, [result.id]);
      if (!visit) throw notFound('visit');
      return reply.code(201).send({ visit, completedFollowUps: result.completedFollowUps });
    },
  );

  app.get(
    '/api/v1/patients/:patientId/visits',
    {
      config: { access: { kind: 'patient', resource: 'visit', action: 'read' } },
      schema: { tags: ['visits'], summary: "The patient's clinician visits, newest first", params: patientParams, response: { 200: clinicianVisitList } },
    },
    async (request) => {
      const { patientId } = patientAccessOf(request);
      const items = await listVisits(useCaseOf(request).deps.database.db, patientId);
      return { items };
    },
  );

  // ---- Integration coaching
  app.get(
    '/api/v1/coach/caseload',
    {
      config: { access: { kind: 'signed-in', roles: ['coach'] }, auditPatientsShown: 'caseload.list' },
      schema: { tags: ['coaching'], summary: "The coach's assigned patients: next integration session, last note, shared journal entries", response: { 200: caseloadResponse } },
    },
    async (request) => {
      const { deps, ctx } = useCaseOf(request);
      const items = await coachCaseload(deps.database.db, actorOf(request).userId, ctx.now);
      await writeAudit(deps.database.db, ctx, { action: 'caseload.read', resourceType: 'panel', outcome: 'success', detail: { patients: items.length } });
      return { items };
    },
  );

  app.get(
    '/api/v1/patients/:patientId/coaching-notes',
    {
      config: { access: { kind: 'patient', resource: 'coaching_note', action: 'read' } },
      schema: { tags: ['coaching'], summary: 'Integration session notes (patient, clinician and coach read)', params: patientParams, response: { 200: coachingNoteList } },
    },
    async (request) => {
      const { patientId } = patientAccessOf(request);
      const items = await listCoachingNotes(useCaseOf(request).deps.database.db, patientId);
      return { items };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/coaching-notes',
    {
      config: { access: { kind: 'patient', resource: 'coaching_note', action: 'write' } },
      schema: {
        tags: ['coaching'],
        summary: 'Write a structured integration note (themes, insights, practices assigned, next steps)',
        params: patientParams,
        body: coachingNoteCreateRequest,
        response: { 201: coachingNoteList },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const id = await createCoachingNote(uc, patientId, request.body);
      return reply.code(201).send({ items: await listCoachingNotes(uc.deps.database.db, patientId, [id]) });
    },
  );

  app.get(
    '/api/v1/practices',
    {
      config: { access: { kind: 'signed-in' } },
      schema: { tags: ['coaching'], summary: 'The practices library (journaling, breathing, mindfulness, movement)', response: { 200: practiceLibrary } },
    },
    async (request) => ({ items: await loadPracticeLibrary(useCaseOf(request).deps.database.db) }),
  );

  app.get(
    '/api/v1/patients/:patientId/practices',
    {
      config: { access: { kind: 'patient', resource: 'practice', action: 'read' } },
      schema: { tags: ['coaching'], summary: 'Practices assigned to the patient', params: patientParams, response: { 200: practiceAssignmentList } },
    },
    async (request) => {
      const { patientId } = patientAccessOf(request);
      const items = await listPracticeAssignments(useCaseOf(request).deps.database.db, patientId);
      return { items };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/practices',
    {
      config: { access: { kind: 'patient', resource: 'practice', action: 'write' } },
      schema: { tags: ['coaching'], summary: 'Assign a practice from the library (coach or clinician)', params: patientParams, body: practiceAssignRequest, response: { 201: practiceAssignmentList } },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const id = await assignPractice(uc, patientId, request.body);
      const items = (await listPracticeAssignments(uc.deps.database.db, patientId)).filter((a) => a.id === id);
      return reply.code(201).send({ items });
    },
  );

  // Marking a practice done is the patient's own act. The policy's `practice` write is for coaches and clinicians,
  // so this route uses the patient-only `journal` write rule (see docs/continuity.md).
  app.post(
    '/api/v1/patients/:patientId/practices/:assignmentId/done',
    {
      config: { access: { kind: 'patient', resource: 'practice_completion', action: 'write' } },
      schema: { tags: ['coaching'], summary: 'The patient marks an assigned practice done', params: practiceAssignmentParams, body: practiceDoneRequest, response: { 200: practiceAssignmentList } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      await completePractice(uc, patientId, request.params.assignmentId, request.body.note);
      return { items: (await listPracticeAssignments(uc.deps.database.db, patientId)).filter((a) => a.id === request.params.assignmentId) };
    },
  );

  // ---- Journal: private to the patient; shared entries reach the coach or clinician through /journal/shared.
  app.get(
    '/api/v1/patients/:patientId/journal',
    {
      config: { access: { kind: 'patient', resource: 'journal', action: 'read' } },
      schema: { tags: ['journal'], summary: "The patient's journal (own entries only), searchable by text and date", params: patientParams, querystring: journalQuery, response: { 200: journalList } },
    },
    async (request) => {
      const { patientId, relation } = patientAccessOf(request);
      const items = await listJournal(useCaseOf(request).deps.database.db, patientId, relation, request.query);
      return { items };
    },
  );

  app.post(
    '/api/v1/patients/:patientId/journal',
    {
      config: { access: { kind: 'patient', resource: 'journal', action: 'write' } },
      schema: { tags: ['journal'], summary: 'Write a journal entry (private unless shared)', params: patientParams, body: journalCreateRequest, response: { 201: journalEntryResponse } },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      const id = await createJournalEntry(uc, patientId, request.body);
      const [entry] = await listJournal(uc.deps.database.db, patientId, 'self', {}, [id]);
      if (!entry) throw notFound('journal entry');
      return reply.code(201).send({ entry });
    },
  );

  app.put(
    '/api/v1/patients/:patientId/journal/:entryId/sharing',
    {
      config: { access: { kind: 'patient', resource: 'journal', action: 'share' } },
      schema: { tags: ['journal'], summary: 'Share an entry with the coach and/or clinician, or make it private again', params: journalEntryParams, body: journalSharingRequest, response: { 200: journalEntryResponse } },
    },
    async (request) => {
      const uc = useCaseOf(request);
      const { patientId } = patientAccessOf(request);
      await setJournalSharing(uc, patientId, request.params.entryId, request.body);
      const [entry] = await listJournal(uc.deps.database.db, patientId, 'self', {}, [request.params.entryId]);
      if (!entry) throw notFound('journal entry');
      return { entry };
    },
  );

  app.get(
    '/api/v1/patients/:patientId/journal/prompts',
    {
      config: { access: { kind: 'patient', resource: 'journal', action: 'read' } },
      schema: { tags: ['journal'], summary: 'A post-session prompt for each completed session not yet written about, and general prompts', params: patientParams, response: { 200: journalPrompts } },
    },
    async (request) => loadJournalPrompts(useCaseOf(request).deps.database.db, patientAccessOf(request).patientId),
  );

  // The policy gives `journal` reads to the patient alone; the coach and clinician see what was shared with their
  // role through this route, which follows the coaching-note rule (patient, clinician, coach; never a sitter).
  app.get(
    '/api/v1/patients/:patientId/journal/shared',
    {
      config: { access: { kind: 'patient', resource: 'shared_journal', action: 'read' } },
      schema: {
        tags: ['journal'],
        summary: "Entries the patient shared with the caller's role (coach: shared with coach; clinician: shared with clinician)",
        params: patientParams,
        querystring: journalQuery,
        response: { 200: journalList },
      },
    },
    async (request) => {
      const { patientId, relation } = patientAccessOf(request);
      const items = relation === 'self' ? (await listJournal(useCaseOf(request).deps.database.db, patientId, 'self', request.query)).filter((e) => e.sharedWithCoach || e.sharedWithClinician) : await listJournal(useCaseOf(request).deps.database.db, patientId, relation, request.query);
      return { items };
    },
  );
}

