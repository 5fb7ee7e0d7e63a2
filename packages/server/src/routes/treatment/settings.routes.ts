import { programSettingsResponse, programSettingsUpdate } from '@keel/contract';
import type { KeelApp } from '../../app.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import { useCaseOf } from '../../http/route-helpers.ts';
import { AppError, validationFailed } from '../../http/problem.ts';
import { loadStoredProgramSettings, type StoredProgramSettings } from '../../use-cases/settings/program-settings.service.ts';
import { updateProgramSettings } from '../../use-cases/settings/update-program-settings.ts';

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
      schema: { tags: ['settings'], summary: 'The program settings: every clinical number, over the clinical reference defaults', response: { 200: programSettingsResponse } },
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
        summary: 'Change the program settings (admin); If-Match: the version read; invalid values → 422 naming the field',
        body: programSettingsUpdate,
        response: { 200: programSettingsResponse },
      },
    },
    async (request, reply) => {
      const uc = useCaseOf(request);
      const saved = await updateProgramSettings(uc, { expectedVersion: expectedVersion(request.headers['if-match']), patch: request.body.settings, reason: request.body.reason });
      void reply.header('etag', `"${saved.version}"`);
      return view(saved);
    },
  );
}
