// PUT /api/v1/settings: an administrator changes the program's clinical numbers. Optimistic concurrency on the
// document version (If-Match); the whole merged document is validated before it is stored, so a rule never reads
// an invalid setting; audited with the sections changed (never the values: they are configuration, but the audit
// log keeps codes and ids only).
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, validationFailed } from '../../http/problem.ts';
import type { UseCase } from '../deps.ts';
import {
  loadStoredProgramSettings,
  mergeOverDefaults,
  programSettingsErrors,
  type ProgramSettings,
  type StoredProgramSettings,
} from './program-settings.service.ts';

export type SettingsPatch = Partial<Record<keyof ProgramSettings, Record<string, unknown> | undefined>>;

export async function updateProgramSettings(
  { deps, ctx }: UseCase,
  input: { expectedVersion: number; patch: SettingsPatch; reason?: string | undefined },
): Promise<StoredProgramSettings> {
  return inTransaction(deps.database.db, async (tx) => {
    const locked = await tx.selectFrom('program_settings').select('version').where('id', '=', 1).forUpdate().executeTakeFirst();
    const current = await loadStoredProgramSettings(tx);
    if ((locked?.version ?? 0) !== input.expectedVersion) {
      throw new AppError('PRECONDITION_FAILED', `The settings changed since you read them (now version ${current.version}). Reload and apply your change again.`, undefined, {
        currentVersion: current.version,
      });
    }
    const sections = Object.keys(input.patch).filter((k): k is keyof ProgramSettings => input.patch[k as keyof ProgramSettings] !== undefined);
    const next: ProgramSettings = { ...current.settings };
    for (const section of sections) {
      // mergeOverDefaults deep-merges the patch over the section as it stands, ignoring unknown keys.
      (next as unknown as Record<string, unknown>)[section] = mergeOverDefaults(current.settings[section], input.patch[section]);
    }
    const errors = programSettingsErrors(next);
    if (errors.length > 0) throw validationFailed(errors.map((e) => ({ field: `settings.${e.field}`, message: e.message })));
    const version = current.version + 1;
    const document = JSON.stringify(next);
    if (locked) {
      await tx.updateTable('program_settings').set({ version, settings: document, updated_at: ctx.now, updated_by: ctx.actorId }).where('id', '=', 1).execute();
    } else {
      await tx.insertInto('program_settings').values({ id: 1, version, settings: document, updated_at: ctx.now, updated_by: ctx.actorId }).execute();
    }
    await writeAudit(tx, ctx, { action: 'settings.update', resourceType: 'program_settings', resourceId: '1', outcome: 'success', detail: { version, sections, ...(input.reason ? { reason: input.reason } : {}) } });
    return { version, settings: next, updatedAt: ctx.now, updatedBy: ctx.actorId };
  });
}
