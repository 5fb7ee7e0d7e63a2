import { sql } from 'kysely';
import { z } from 'zod';
import type { KeelApp } from '../app.ts';
import { migrationsCurrent } from '../db/migrate.ts';
import { sendProblem } from '../http/error-handler.ts';
import { problem } from '../http/problem.ts';

export function healthRoutes(app: KeelApp): void {
  app.get(
    '/healthz',
    {
      config: { access: { kind: 'public' } },
      schema: { tags: ['operations'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['operations'],
        summary: 'The database is reachable and migrations are current',
        response: { 200: z.object({ status: z.literal('ready'), engine: z.enum(['pglite', 'postgres']) }) },
      },
    },
    async (_request, reply) => {
      const { database } = app.deps;
      try {
        await sql`SELECT 1`.execute(database.db);
        if (!(await migrationsCurrent(database.db))) {
          return sendProblem(reply, problem('SERVICE_UNAVAILABLE', 'Database migrations are not current.'));
        }
      } catch {
        return sendProblem(reply, problem('SERVICE_UNAVAILABLE', 'The database is not reachable.'));
      }
      return { status: 'ready' as const, engine: database.engine };
    },
  );
}
