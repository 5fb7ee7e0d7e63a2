import { sql } from 'kysely';
import { z } from 'zod';
import { problemSchema } from '@keel/contract';
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
        description: 'Ready: 200 with the database’s state. Not ready: 503, a problem document whose `database` says why.',
        response: {
          200: z.object({
            status: z.literal('ready'),
            engine: z.enum(['pglite', 'postgres']),
            database: z.object({ reachable: z.literal(true), migrations: z.literal('current'), latencyMs: z.number() }),
          }),
          503: problemSchema,
        },
      },
    },
    async (_request, reply) => {
      const { database } = app.deps;
      const started = performance.now();
      try {
        await sql`SELECT 1`.execute(database.db);
      } catch {
        reply.header('retry-after', '5');
        return sendProblem(reply, problem('SERVICE_UNAVAILABLE', 'The database is not reachable.', { extensions: { database: { reachable: false } } }));
      }
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      if (!(await migrationsCurrent(database.db).catch(() => false))) {
        return sendProblem(reply, problem('SERVICE_UNAVAILABLE', 'Database migrations are not current.', { extensions: { database: { reachable: true, migrations: 'pending' } } }));
      }
      return { status: 'ready' as const, engine: database.engine, database: { reachable: true as const, migrations: 'current' as const, latencyMs } };
    },
  );
}
