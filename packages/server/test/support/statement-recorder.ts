import type pg from 'pg';
import type { DatabaseHandle } from '../../src/db/database.ts';

const recorders = new WeakMap<object, { on: boolean; texts: string[] }>();
const wrapped = new WeakSet<object>();

/**
 * Records the text of every message the requests' pool sends while recording is on: one entry per `client.query`,
 * which is one round trip (node-postgres waits for each answer before sending the next). Kysely and the two-trip
 * path both take their clients from `pool.connect()`, which is wrapped here.
 */
export function recordStatements(database: DatabaseHandle): { start(): void; stop(): string[] } {
  const pool = database.pool;
  let state = recorders.get(pool);
  if (!state) {
    const recorder = { on: false, texts: [] as string[] };
    state = recorder;
    recorders.set(pool, recorder);
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
      const client = await connect();
      if (!wrapped.has(client)) {
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
          const first = args[0];
          if (recorder.on) recorder.texts.push(typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? ''));
          return query(...args);
        };
        wrapped.add(client);
      }
      return client;
    };
  }
  const recorder = state;
  return {
    start() {
      recorder.texts.length = 0;
      recorder.on = true;
    },
    stop() {
      recorder.on = false;
      return [...recorder.texts];
    },
  };
}
