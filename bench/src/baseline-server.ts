// The benchmark's baseline: a minimal Fastify + pg server, in its own process, that does the least a server can do
// for the two measured requests (docs/perf.md):
//   POST /patients/:patientId/check-ins  the same params and body validation as the API (the contract's zod schemas
//                                        through fastify-type-provider-zod) and one INSERT of the same row, sent
//                                        unnamed with parameters as Kysely sends the API's statements;
//   GET  /panel?clinician=…&limit=…      the hand-written panel query (panel-sql.ts) as a named prepared statement,
//                                        as the API runs its panel (db/prepared.ts), the rows sent as JSON;
//   GET  /outcomes?from=…&to=…           the program's outcomes report as hand-written SQL (outcomes-sql.ts) over
//                                        the period's instants, as of the earlier of its end and now.
// No authentication, no audit, no logging: it is the floor the API's figures are compared with.
// Environment: DATABASE_URL, PORT, POOL_MAX (the API's default pool size, 10, unless told).
import Fastify from 'fastify';
import pg from 'pg';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkInRequest, patientParams } from '@keel/contract';
import { outcomesSql } from './outcomes-sql.ts';
import { handWrittenPanelSql, panelStatementName } from './panel-sql.ts';

const url = process.env['DATABASE_URL'];
if (!url) throw new Error('DATABASE_URL is required');
const pool = new pg.Pool({ connectionString: url, max: Number(process.env['POOL_MAX'] ?? 10) });

const insertSql = `INSERT INTO check_ins (id, patient_id, submitted_at, submitted_by, mood_0_10, sleep_hours, craving_0_10,
  used_outside_session, bladder_symptoms, cognitive_complaint, side_effects, note)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;

const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);

app.post('/patients/:patientId/check-ins', { schema: { params: patientParams, body: checkInRequest } }, async (request, reply) => {
  const body = request.body;
  const id = crypto.randomUUID();
  await pool.query(insertSql, [
    id,
    request.params.patientId,
    new Date(),
    null,
    body.mood0to10,
    Math.round(body.sleepHours * 10) / 10,
    body.craving0to10,
    body.usedOutsideSession,
    body.bladderSymptoms,
    body.cognitiveComplaint,
    [...new Set(body.sideEffects)],
    body.note === undefined || body.note === '' ? null : body.note,
  ]);
  return reply.code(201).send({ id });
});

app.get('/panel', { schema: { querystring: z.object({ clinician: z.uuid(), limit: z.coerce.number().int().min(1).max(1000) }) } }, async (request) => {
  const text = handWrittenPanelSql(request.query.limit);
  const result = await pool.query({ name: panelStatementName(text), text, values: [request.query.clinician, new Date()] });
  return { items: result.rows };
});

app.get('/outcomes', { schema: { querystring: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }) } }, async (request) => {
  const asOf = new Date(Math.min(Date.parse(request.query.to), Date.now()));
  const result = await pool.query(outcomesSql, [request.query.from, request.query.to, asOf]);
  return result.rows[0]?.report;
});

app.get('/readyz', async () => ({ ok: true }));

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? 0) });
process.stdout.write(`listening ${address}\n`);
const stop = () => {
  void app.close().then(() => pool.end()).then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
