import { z } from 'zod';
import {
  programSettingsResponse,
  programSettingsUpdate,
  rejectSettingsProposalRequest,
  settingsProposalList,
  settingsProposalParams,
  settingsProposalResponse,
  signSettingsProposalRequest,
} from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import { useCaseOf } from '../../http/route-helpers.ts';
import { AppError, validationFailed } from '../../http/problem.ts';
import { loadStoredProgramSettings, type StoredProgramSettings } from '../../use-cases/settings/program-settings.service.ts';
import {
  listSettingsProposals,
  rejectSettingsProposal,
  signSettingsProposal,
  updateProgramSettings,
} from '../../use-cases/settings/update-program-settings.ts';

const view = (s: StoredProgramSettings) => ({
  version: s.version,
  settings: s.settings as unknown as Record<'dosing' | 'screening' | 'monitoring' | 'instruments', Record<string, unknown>>,
  updatedAt: s.updatedAt ? s.updatedAt.toISOString() : null,
  updatedBy: s.updatedBy,
});

/** If-Match for the settings document: the version read (0 before anything was stored). */
function expectedVersion(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') {
    throw new AppError('PRECONDITION_REQUIRED', 'Send If-Match with the settings version you are changing (from the ETag or `version`).');
  }
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(value);
  if (!match?.[1]) throw validationFailed([{ field: 'If-Match', message: 'must be the version number you read, e.g. "3"' }]);
  return Number(match[1]);
}

export function settingsRoutes(app: KeelApp): void {
  app.get(
    '/api/v1/settings',
    {
      config: { access: { kind: 'program', resource: 'program_settings', action: 'read' } },
      schema: { tags: ['settings'], summary: 'The program settings: every clinical number, over docs/clinical-basis.md defaults', response: { 200: programSettingsResponse } },
    },
    async (request, reply) => {
      const { deps, ctx } = useCaseOf(request);
      const stored = await loadStoredProgramSettings(deps.database.db);
      await writeAudit(deps.database.db, ctx, { action: 'settings.read', resourceType: 'program_settings', resourceId: '1', outcome: 'success' });
      void reply.header('etag', `"${stored.version}"`);
      return view(stored);
    },
  );

  app.put(
    '/api/v1/settings',
    {
      config: { access: { kind: 'program', resource: 'program_settings', action: 'write' } },
      schema: {
        tags: ['settings'],
        summary:
          'Change the program settings (admin); If-Match: the version read. A change that only tightens applies (200); one that loosens a clinical limit needs a reason and becomes a proposal a prescriber must sign (202); outside the hard clinical bounds → 422 naming the field',
        body: programSettingsUpdate,
        response: { 200: programSettingsResponse, 202: settingsProposalResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const result = await updateProgramSettings(uc, {
        expectedVersion: expectedVersion(request.headers['if-match']),
        patch: request.body.settings,
        reason: request.body.reason,
      });
      if (result.kind === 'proposed') return reply.code(202).send({ proposal: result.proposal });
      void reply.header('etag', `"${result.stored.version}"`);
      return reply.code(200).send(view(result.stored));
    },
  );

  app.get(
    '/api/v1/settings/proposals',
    {
      config: { access: { kind: 'program', resource: 'program_settings', action: 'read' } },
      schema: {
        tags: ['settings'],
        summary: 'Proposed changes that loosen a clinical limit, newest first (pending only unless status=all)',
        querystring: z.strictObject({ status: z.enum(['pending', 'all']).default('pending') }),
        response: { 200: settingsProposalList },
      },
    },
    async (request) => ({ items: await listSettingsProposals(useCaseOf(request), request.query.status) }),
  );

  app.post(
    '/api/v1/settings/proposals/:proposalId/sign',
    {
      config: { access: { kind: 'program', resource: 'program_settings', action: 'sign' } },
      schema: {
        tags: ['settings'],
        summary: "A prescriber signs a proposed change with their password; it applies at once (412 if the settings moved on since)",
        params: settingsProposalParams,
        body: signSettingsProposalRequest,
        response: { 200: z.object({ proposal: settingsProposalResponse.shape.proposal, settings: programSettingsResponse }) },
      },
    },
    async (request, reply) => {
      const result = await signSettingsProposal(useCaseOf(request), {
        proposalId: request.params.proposalId,
        password: request.body.signature.password,
        note: request.body.note,
      });
      void reply.header('etag', `"${result.stored.version}"`);
      return { proposal: result.proposal, settings: view(result.stored) };
    },
  );

  app.post(
    '/api/v1/settings/proposals/:proposalId/reject',
    {
      config: { access: { kind: 'program', resource: 'program_settings', action: 'decide' } },
      schema: {
        tags: ['settings'],
        summary: 'Decline a proposed change (prescriber) or withdraw it (admin), with a note',
        params: settingsProposalParams,
        body: rejectSettingsProposalRequest,
        response: { 200: settingsProposalResponse },
      },
    },
    async (request) => ({ proposal: await rejectSettingsProposal(useCaseOf(request), { proposalId: request.params.proposalId, note: request.body.note }) }),
  );
}
