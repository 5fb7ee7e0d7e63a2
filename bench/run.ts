// Keel's monitoring benchmark: generates a synthetic program, then measures two scenarios against baselines in the
// same run (docs/perf.md):
//   (a) check-in ingest through the full API (validate, store, assess signals, record risk, enqueue, audit) vs a
//       bare INSERT of the same row through a bench-only route on the same HTTP server;
//   (b) the clinician panel for 500 patients through the API vs the same data read by one hand-written SQL query.
// Usage: npm run bench -- [--patients=10000] [--engine=pglite|postgres] [--database-url=postgres://…]
//        [--requests=2000] [--concurrency=16] [--panel-requests=200] [--panel-size=500] [--rounds=4] [--keep]
// (through npm, write --name=value: npm keeps the value with the name only in that form)
// With a PostgreSQL URL (flag or KEEL_BENCH_DATABASE_URL) and no --engine, both engines are measured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { checkInRequest, patientParams } from '@keel/contract';
import { randomBytes } from 'node:crypto';
import { buildApp, type AppDeps } from '../packages/server/src/app.ts';
import { auditKeyringFromConfig, useAuditKeys } from '../packages/server/src/audit/audit-keys.ts';
import { createSession } from '../packages/server/src/auth/session.service.ts';
import { hashPassword } from '../packages/server/src/auth/passwords.ts';
import { systemClock } from '../packages/server/src/clock.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { openDatabase, type DatabaseHandle } from '../packages/server/src/db/database.ts';
import { migrateToLatest } from '../packages/server/src/db/migrate.ts';
import { PgBossJobQueue } from '../packages/server/src/jobs/job-queue.ts';
import { recomputeRisk } from '../packages/server/src/jobs/monitoring-jobs.ts';
import { actorOf } from '../packages/server/src/http/route-helpers.ts';
import { ConsoleTransport, OutboxNotifier } from '../packages/server/src/notifications/notifier.ts';
import { checkInRow } from '../packages/server/src/use-cases/monitoring/check-ins.ts';
import { generateProgram, rng } from './src/generate.ts';
import { alternate, fmt, loop, progressBar, type Stats } from './src/measure.ts';
import { handWrittenPanelSql } from './src/panel-sql.ts';

const { values: argv, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    patients: { type: 'string' },
    engine: { type: 'string' },
    'database-url': { type: 'string' },
    requests: { type: 'string' },
    concurrency: { type: 'string' },
    'panel-requests': { type: 'string' },
    'panel-size': { type: 'string' },
    rounds: { type: 'string' },
    keep: { type: 'boolean' },
  },
});
// The root script is `npm run bench -w @keel/bench`, so `npm run bench -- --patients 1000` reaches this process as
// npm configuration (npm_config_patients=1000) with the values as positionals: read both.
const option = (name: keyof typeof argv, fallback?: string): string | undefined => {
  const given = argv[name];
  if (typeof given === 'string') return given;
  const fromNpm = process.env[`npm_config_${name.replaceAll('-', '_')}`];
  if (fromNpm === 'true' && name !== 'keep') {
    throw new Error(`npm swallowed the value of --${name}: write --${name}=VALUE (npm run bench -- --${name}=VALUE)`);
  }
  return fromNpm ?? fallback;
};
const args = {
  patients: option('patients', '10000'),
  // npm expands --engine to its own --engine-strict and passes the value on as a positional: accept that too.
  engine: option('engine') ?? positionals.find((p) => p === 'pglite' || p === 'postgres') ?? process.env['KEEL_BENCH_ENGINE'],
  'database-url': option('database-url'),
  requests: option('requests', '2000'),
  concurrency: option('concurrency', '16'),
  'panel-requests': option('panel-requests', '200'),
  'panel-size': option('panel-size', '500'),
  rounds: option('rounds', '4'),
  keep: argv.keep === true || process.env['npm_config_keep'] === 'true',
};

const int = (v: string | undefined, name: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};
const patientsN = int(args.patients, 'patients');
const requests = int(args.requests, 'requests');
const concurrency = int(args.concurrency, 'concurrency');
const panelRequests = int(args['panel-requests'], 'panel-requests');
const panelSize = Math.min(int(args['panel-size'], 'panel-size'), patientsN);
const rounds = int(args.rounds, 'rounds');
const databaseUrl = args['database-url'] ?? process.env['KEEL_BENCH_DATABASE_URL'];
if (args.engine !== undefined && args.engine !== 'pglite' && args.engine !== 'postgres') throw new Error('--engine must be pglite or postgres');
if (args.engine === 'postgres' && !databaseUrl) throw new Error('--engine postgres needs --database-url or KEEL_BENCH_DATABASE_URL');
const engines: ('pglite' | 'postgres')[] = args.engine ? [args.engine] : databaseUrl ? ['pglite', 'postgres'] : ['pglite'];

interface EngineResult {
  engine: 'pglite' | 'postgres';
  generateSeconds: number;
  rows: number;
  bare: Stats;
  ingest: Stats;
  sql: Stats;
  panel: Stats;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function openEngine(engine: 'pglite' | 'postgres'): Promise<{ database: DatabaseHandle; cleanup: () => Promise<void> }> {
  if (engine === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-bench-'));
    const database = await openDatabase({ kind: 'pglite', dataDir: dir });
    return {
      database,
      cleanup: async () => {
        if (args.keep) log(`kept ${dir}`);
        else fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = new URL(databaseUrl ?? '');
  const name = `keel_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: Math.max(20, concurrency + 4) });
  return {
    database,
    cleanup: async () => {
      if (args.keep) {
        log(`kept database ${name}`);
        return;
      }
      const drop = new pg.Client({ connectionString: databaseUrl });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}

async function runEngine(engine: 'pglite' | 'postgres'): Promise<EngineResult> {
  log(`\n== ${engine}: ${patientsN} patients ==`);
  const { database, cleanup } = await openEngine(engine);
  const jobs = new PgBossJobQueue(database.pool);
  try {
    await migrateToLatest(database.db);
    await jobs.start();
    const now = new Date();
    const generated = Date.now();
    const bar = progressBar(`generate (${engine})`);
    const program = await generateProgram(database.pool, {
      patients: patientsN,
      now,
      passwordHash: await hashPassword('bench-password-never-used-2026'),
      panelSize,
      progress: (done, total, rows) => bar(done, total, `patients, ${rows} rows`),
    });
    const generateSeconds = (Date.now() - generated) / 1000;
    log(`generated ${program.rows} rows in ${generateSeconds.toFixed(1)} s`);
    // Measure the steady state, not the tail of the bulk load: vacuum (visibility map, statistics) and flush it, so
    // neither autovacuum nor the load's checkpoint runs during the measurements.
    const settled = Date.now();
    await database.pool.query('VACUUM (ANALYZE)');
    await database.pool.query('CHECKPOINT');
    log(`vacuumed and checkpointed in ${((Date.now() - settled) / 1000).toFixed(1)} s`);

    const config = loadConfig({ NODE_ENV: 'production', KEEL_DEMO: 'off', KEEL_STAFF_MFA: 'optional', KEEL_LOG_LEVEL: 'silent', KEEL_JOBS: 'off', KEEL_PUBLIC_URL: 'http://127.0.0.1', KEEL_AUDIT_KEY: randomBytes(32).toString('hex') });
    useAuditKeys(auditKeyringFromConfig(config));
    const deps: AppDeps = { config, database, clock: systemClock, notifier: new OutboxNotifier({ email: new ConsoleTransport(() => undefined), webhook: null }), jobs };
    const app = await buildApp(deps);
    // The baseline: the same HTTP server, the same authentication and body schema, a bare INSERT of the same row.
    // Registered only in this process: the product's route table never has it.
    app.post(
      '/api/bench/patients/:patientId/check-ins',
      { config: { access: { kind: 'signed-in', roles: ['patient'] } }, schema: { params: patientParams, body: checkInRequest } },
      async (request, reply) => {
        const row = checkInRow(request.params.patientId, actorOf(request).userId, request.body, deps.clock.now());
        await database.db.insertInto('check_ins').values(row).execute();
        return reply.code(201).send({ id: row.id });
      },
    );
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      // Sessions for a sample of patients and for the panel's clinician, written directly (no password hashing).
      const sample = program.patients.slice(0, Math.min(program.patients.length, 2000));
      const tokens: string[] = [];
      for (const p of sample) {
        tokens.push((await createSession(database.db, { userId: p.userId, role: 'patient', mfaVerified: false, clientAddress: '127.0.0.1', now: new Date(), config })).token);
      }
      const clinicianToken = (
        await createSession(database.db, { userId: program.panelClinicianId, role: 'clinician', mfaVerified: true, clientAddress: '127.0.0.1', now: new Date(), config })
      ).token;

      // In a running program a patient's stored tier is the engine's last answer (every check-in, and the nightly
      // job); the generator writes a plausible tier, not the engine's. Settle the sampled patients' tiers with the
      // nightly job's own evaluation, or ~40% of the measured check-ins would be a first evaluation disagreeing with
      // a synthetic tier (a tier change: its evaluation row, alerts and notices) rather than a day's check-in.
      const settling = Date.now();
      const settled = await loop(sample.length, 8, async (i) => {
        await recomputeRisk(deps, { patientId: sample[i]?.patientId ?? '' }, new Date());
        return true;
      });
      log(`settled ${sample.length} sampled patients' risk tiers with the nightly evaluation in ${((Date.now() - settling) / 1000).toFixed(1)} s (${settled.errors} errors)`);

      const random = rng(7);
      const body = () =>
        JSON.stringify({
          mood0to10: 3 + Math.floor(random() * 6),
          sleepHours: 5 + Math.floor(random() * 30) / 10,
          craving0to10: Math.floor(random() * 4),
          usedOutsideSession: false,
          bladderSymptoms: false,
          cognitiveComplaint: false,
          sideEffects: random() < 0.2 ? ['nausea'] : [],
        });
      const postCheckIn = (prefix: string) => async (i: number) => {
        const k = Math.floor(random() * sample.length);
        const res = await fetch(`${address}${prefix}/patients/${sample[k]?.patientId}/check-ins`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[k]}` },
          body: body(),
        });
        const text = await res.text();
        if (res.status !== 201 && i < 1) log(`${prefix}: ${res.status} ${text.slice(0, 300)}`);
        return res.status === 201;
      };
      log('ingest: warming up');
      await loop(100, concurrency, postCheckIn('/api/bench'));
      await loop(100, concurrency, postCheckIn('/api/v1'));
      log(`ingest: ${requests} bare inserts and ${requests} full check-ins in ${rounds} alternating rounds, ${concurrency} in flight`);
      const perRound = Math.ceil(requests / rounds);
      const [bare, ingest] = await alternate(
        rounds,
        () => loop(perRound, concurrency, postCheckIn('/api/bench')),
        () => loop(perRound, concurrency, postCheckIn('/api/v1')),
      );

      const panelUrl = `${address}/api/v1/patients?limit=${panelSize}&sort=risk`;
      // Latency to the complete response body, as HTTP load tools measure it (the check-in scenarios read the body
      // as text too); the first read of each round also parses the body and checks it holds the whole panel.
      const getPanel = async (i: number) => {
        const res = await fetch(panelUrl, { headers: { authorization: `Bearer ${clinicianToken}` } });
        const body = await res.text();
        if (i > 0) return res.status === 200 && body.length > 0;
        return res.status === 200 && (JSON.parse(body) as { items?: unknown[] }).items?.length === panelSize;
      };
      const query = handWrittenPanelSql(panelSize);
      const runSql = async () => {
        const result = await database.pool.query(query, [program.panelClinicianId, new Date()]);
        return result.rows.length === panelSize;
      };
      log(`panel: ${panelRequests} reads of a ${panelSize}-patient panel through the API and by hand-written SQL`);
      await loop(10, 1, getPanel);
      await loop(10, 1, runSql);
      const panelPerRound = Math.ceil(panelRequests / rounds);
      const [sql, panel] = await alternate(
        rounds,
        () => loop(panelPerRound, 1, runSql),
        () => loop(panelPerRound, 1, getPanel),
      );
      return { engine, generateSeconds, rows: program.rows, bare, ingest, sql, panel };
    } finally {
      await app.close();
    }
  } finally {
    await jobs.stop();
    await database.close();
    await cleanup();
  }
}

const results: EngineResult[] = [];
for (const engine of engines) results.push(await runEngine(engine));

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
const out: string[] = ['', `Keel monitoring benchmark — ${patientsN} patients, ${requests} check-ins, ${concurrency} concurrent, panel of ${panelSize}`, ''];
for (const r of results) {
  const ingestRatio = r.ingest.perSecond / r.bare.perSecond;
  const panelRatio = r.panel.p50Ms / r.sql.p50Ms;
  out.push(`${r.engine}  (generated ${r.rows} rows in ${r.generateSeconds.toFixed(1)} s)`);
  out.push(`  check-in, bare insert      ${fmt(r.bare)}`);
  out.push(`  check-in, full API         ${fmt(r.ingest)}`);
  out.push(`  panel, hand-written SQL    ${fmt(r.sql)}`);
  out.push(`  panel, API                 ${fmt(r.panel)}`);
  out.push(`  ingest ratio (full/bare)   ${ingestRatio.toFixed(2)}×   target ≥ 0.5×: ${verdict(ingestRatio >= 0.5)}`);
  out.push(`  panel ratio (API/SQL p50)  ${panelRatio.toFixed(2)}×   target ≤ 2×: ${verdict(panelRatio <= 2)}`);
  if (r.engine === 'postgres') out.push(`  panel p99                  ${r.panel.p99Ms.toFixed(1)} ms   target ≤ 50 ms (at 100,000 patients): ${verdict(r.panel.p99Ms <= 50)}`);
  out.push('');
}
const embedded = results.find((r) => r.engine === 'pglite');
const server = results.find((r) => r.engine === 'postgres');
if (embedded && server) {
  const ratio = embedded.ingest.perSecond / server.ingest.perSecond;
  out.push(`embedded/PostgreSQL ingest  ${ratio.toFixed(2)}×   target ≥ 0.4×: ${verdict(ratio >= 0.4)}`);
}
process.stdout.write(`${out.join('\n')}\n`);
