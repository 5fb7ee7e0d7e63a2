// Keel's benchmark, measured as a user's load would see it (docs/perf.md): the Keel server runs as `keel serve` runs
// in production (its own process, NODE_ENV=production, info logging, jobs on); the baseline is a minimal Fastify + pg
// server in another process (bench/src/baseline-server.ts); the load comes from a third process (autocannon, over
// 127.0.0.1 sockets). Each pair of sides runs in alternating rounds; every figure is the median of the rounds with
// their min–max.
//
// Scenarios (PostgreSQL):
//   ingest       POST /api/v1/patients/:id/check-ins vs the baseline's bare INSERT, 16 connections and 1
//   per-patient  check-ins of one patient with 10, 1,000 and 5,000 check-ins in the signal window, 1 connection
//   panel        GET /api/v1/patients?limit=500&sort=risk vs the hand-written panel SQL served by the baseline, at
//                each program size, 1 and 16 connections, with both statements' plans (EXPLAIN)
//   outcomes     GET /api/v1/reports/outcomes (the program, as an admin) vs the hand-written SQL of the same figures
//                (bench/src/outcomes-sql.ts), at each program size, 1 connection; the two answers are compared
// and embedded (PGlite): the same ingest through `keel serve` on the embedded database, against PostgreSQL's.
//
// Usage: npm run bench -- [--quick] [--with-100k] [--database-url=postgres://…] [--engine=pglite|postgres]
//        [--rounds=5] [--seconds=5] [--latency-requests=100] [--keep] [--only=ingest,per-patient,panel,outcomes]
// (through npm, write --name=value). Without a URL, KEEL_BENCH_DATABASE_URL, then postgres://postgres@127.0.0.1:5432/postgres
// is tried; if no PostgreSQL answers, only the embedded database is measured and the PostgreSQL targets are skipped.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { addDays, endOfLocalDate, wallClock, zonedTimeToUtc } from '@keel/domain';
import type { OutcomesReportResponse } from '@keel/contract';
import type { AppDeps } from '../packages/server/src/app.ts';
import { auditKeyringFromConfig, useAuditKeys } from '../packages/server/src/audit/audit-keys.ts';
import { createSession } from '../packages/server/src/auth/session.service.ts';
import { hashPassword } from '../packages/server/src/auth/passwords.ts';
import { systemClock } from '../packages/server/src/clock.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { openDatabase, type DatabaseHandle } from '../packages/server/src/db/database.ts';
import { migrateToLatest } from '../packages/server/src/db/migrate.ts';
import { PgBossJobQueue } from '../packages/server/src/jobs/job-queue.ts';
import { recomputeRisk } from '../packages/server/src/jobs/monitoring-jobs.ts';
import { refreshStaleOutcomeFacts } from '../packages/server/src/use-cases/outcomes/outcome-facts.ts';
import { reportSettings } from '../packages/server/src/use-cases/outcomes/outcomes-report.ts';
import { ConsoleTransport, OutboxNotifier } from '../packages/server/src/notifications/notifier.ts';
import { panelSql, tierRank } from '../packages/server/src/use-cases/monitoring/panel.ts';
import { loadStoredProgramSettings } from '../packages/server/src/use-cases/settings/program-settings.service.ts';
import { generateProgram } from './src/generate.ts';
import type { LoadResult, LoadSpec, LoadTarget } from './src/load-client.ts';
import { loop, progressBar } from './src/measure.ts';
import { handWrittenPanelSql } from './src/panel-sql.ts';
import { outcomesDifferences, type SqlOutcomes } from './src/outcomes-compare.ts';
import { postgresCpuMs, runLoad, startBaseline, startKeel, stopLoadClient, type ServerProcess } from './src/processes.ts';

const { values: argv, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean' },
    'with-100k': { type: 'boolean' },
    engine: { type: 'string' },
    'database-url': { type: 'string' },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    'latency-requests': { type: 'string' },
    keep: { type: 'boolean' },
    only: { type: 'string' },
  },
});
// The root script is `npm run bench -w @keel/bench`, so `npm run bench -- --rounds 3` reaches this process as npm
// configuration (npm_config_rounds=3) with the value as a positional: read both.
const option = (name: keyof typeof argv): string | undefined => {
  const given = argv[name];
  if (typeof given === 'string') return given;
  const fromNpm = process.env[`npm_config_${name.replaceAll('-', '_')}`];
  if (fromNpm === 'true') throw new Error(`npm swallowed the value of --${name}: write --${name}=VALUE (npm run bench -- --${name}=VALUE)`);
  return fromNpm;
};
const flag = (name: 'quick' | 'with-100k' | 'keep') => argv[name] === true || process.env[`npm_config_${name.replaceAll('-', '_')}`] === 'true';
const int = (v: string | undefined, fallback: number, name: string): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};

const quick = flag('quick');
const keep = flag('keep');
const rounds = int(option('rounds'), quick ? 3 : 5, 'rounds');
const seconds = int(option('seconds'), quick ? 3 : 5, 'seconds');
const latencyRequests = int(option('latency-requests'), quick ? 40 : 100, 'latency-requests');
const ingestPatients = quick ? 1000 : 10_000;
const panelPrograms = quick ? [1000] : [1000, 10_000, ...(flag('with-100k') ? [100_000] : [])];
const scenarioNames = ['ingest', 'per-patient', 'panel', 'outcomes'] as const;
const onlyArg = option('only');
const only = new Set(onlyArg === undefined ? scenarioNames : onlyArg.split(',').map((n) => n.trim()));
for (const name of only) if (!(scenarioNames as readonly string[]).includes(name)) throw new Error(`--only takes ${scenarioNames.join(', ')}`);
const wants = (name: (typeof scenarioNames)[number]) => only.has(name);
const panelSize = 500;
const samplePatients = 1000;
const heavyCounts = [10, 1000, 5000] as const;
const engineArg = option('engine') ?? positionals.find((p) => p === 'pglite' || p === 'postgres') ?? process.env['KEEL_BENCH_ENGINE'];
if (engineArg !== undefined && engineArg !== 'pglite' && engineArg !== 'postgres') throw new Error('--engine must be pglite or postgres');

const log = (line: string) => process.stderr.write(`${line}\n`);
const auditKey = randomBytes(32).toString('hex');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-bench-'));

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const givenUrl = option('database-url') ?? process.env['KEEL_BENCH_DATABASE_URL'];
const databaseUrl = givenUrl ?? ((await reachable('postgres://postgres@127.0.0.1:5432/postgres')) ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined);
if (engineArg === 'postgres' && !databaseUrl) throw new Error('--engine=postgres needs --database-url or KEEL_BENCH_DATABASE_URL');
const engines: ('pglite' | 'postgres')[] = engineArg ? [engineArg] : databaseUrl ? ['postgres', 'pglite'] : ['pglite'];

// ---------------------------------------------------------------------------------------------------------------
// Figures over rounds

interface Spread {
  min: number;
  median: number;
  max: number;
}
const spread = (values: number[]): Spread => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length / 2;
  const median = s.length % 2 ? (s[Math.floor(mid)] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
  return { min: s[0] ?? NaN, median, max: s[s.length - 1] ?? NaN };
};
const num = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const showSpread = (s: Spread, digits = 2, unit = '') => `${num(s.median, digits)}${unit} (${num(s.min, digits)}–${num(s.max, digits)})`;

interface Side {
  name: string;
  runs: LoadResult[];
  /** Per round: CPU milliseconds per request of the server process and of PostgreSQL (NaN where not measurable). */
  cpu: { server: number; database: number }[];
}
const perSecond = (side: Side) => spread(side.runs.map((r) => r.perSecond));
const p50 = (side: Side) => spread(side.runs.map((r) => r.p50Ms));
const mean = (side: Side) => spread(side.runs.map((r) => r.meanMs));
const p99 = (side: Side) => spread(side.runs.map((r) => r.p99Ms));
/** CPU per request over the rounds: the server process's and PostgreSQL's (this machine's /proc). */
const cpuPerRequest = (side: Side) => {
  const measured = (values: number[]) => {
    const finite = values.filter(Number.isFinite);
    return finite.length > 0 ? spread(finite) : { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  };
  const server = measured(side.cpu.map((c) => c.server));
  const database = measured(side.cpu.map((c) => c.database));
  return Number.isFinite(server.median) ? `CPU per request: server ${showSpread(server, 2, ' ms')}${Number.isFinite(database.median) ? `, PostgreSQL ${showSpread(database, 2, ' ms')}` : ''}` : '';
};
const failures = (side: Side) => side.runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
// A run of a fixed number of requests at c=1 measures latency: its mean stands where a timed run's req/s does.
const describe = (side: Side) =>
  `${side.name.padEnd(38)} ${(side.name.endsWith('c=1') ? `mean ${showSpread(mean(side), 1, ' ms')}` : showSpread(perSecond(side), 0, ' req/s')).padEnd(30)} p50 ${showSpread(p50(side), 1, ' ms').padEnd(24)} p99 ${showSpread(p99(side), 1, ' ms').padEnd(26)} ${side.runs.reduce((n, r) => n + r.requests, 0)} requests, ${failures(side)} failed`;
/** Per-round ratio of two sides measured in the same round. */
const ratio = (a: Side, b: Side, of: (r: LoadResult) => number) => spread(a.runs.map((r, i) => of(r) / of(b.runs[i] ?? r)));

/** Runs the sides in alternating rounds (a, b, c, a, b, c, …) after one unmeasured warm-up run of each. */
async function alternate(
  label: string,
  sides: { name: string; spec: LoadSpec; server?: ServerProcess }[],
  warmup: (spec: LoadSpec) => LoadSpec,
  engine: 'pglite' | 'postgres' = 'postgres',
): Promise<{ sides: Side[]; logBytesPer1000?: number }> {
  const databaseCpu = () => (engine === 'postgres' ? postgresCpuMs() : Number.NaN);
  for (const s of sides) await runLoad(warmup(s.spec));
  const out: Side[] = sides.map((s) => ({ name: s.name, runs: [], cpu: [] }));
  let logBytes = 0;
  let loggedRequests = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [i, s] of sides.entries()) {
      const before = s.server?.logBytes() ?? 0;
      const cpuBefore = { server: s.server?.cpuMs() ?? Number.NaN, database: databaseCpu() };
      const result = await runLoad({ ...s.spec, seed: s.spec.seed + round });
      const served = Math.max(1, result.requests);
      // A PostgreSQL backend that exits during a run (an idle pool connection closed) takes its time with it; such a
      // reading is left out rather than shown as a negative cost.
      const perRequest = (used: number) => (used >= 0 ? used / served : Number.NaN);
      out[i]?.cpu.push({
        server: perRequest((s.server?.cpuMs() ?? Number.NaN) - cpuBefore.server),
        database: perRequest(databaseCpu() - cpuBefore.database),
      });
      if (s.server && s.name.startsWith('API')) {
        logBytes += s.server.logBytes() - before;
        loggedRequests += result.requests;
      }
      out[i]?.runs.push(result);
    }
    log(`  ${label}: round ${round + 1}/${rounds} done`);
  }
  return { sides: out, ...(loggedRequests > 0 ? { logBytesPer1000: (logBytes / loggedRequests) * 1000 } : {}) };
}

const warmByTime = (spec: LoadSpec): LoadSpec => {
  const { amount: _amount, ...rest } = spec;
  return { ...rest, seconds: 1 };
};
const warmByAmount = (spec: LoadSpec): LoadSpec => {
  const { seconds: _seconds, ...rest } = spec;
  return { ...rest, amount: Math.min(20, spec.amount ?? 20) };
};

// ---------------------------------------------------------------------------------------------------------------
// A program: generated, settled, with sessions

interface Program {
  engine: 'pglite' | 'postgres';
  /** Taking every patient's outcome facts from the rows once (what introducing them costs a program). */
  factsSeconds: number;
  patients: number;
  url?: string;
  dataDir?: string;
  generateSeconds: number;
  rows: number;
  /** The API's ingest patients, each with its own session. */
  sample: LoadTarget[];
  /** The bare insert's patients: as many, none of them the API's (its rows are never evaluated, so written into the
   *  API's patients they would be new, unassessed warning-sign evidence for the API's next check-in to raise). */
  baselineSample: LoadTarget[];
  heavy: { count: number; target: LoadTarget }[];
  clinicianId: string;
  clinicianToken: string;
  adminToken: string;
  drop: () => Promise<void>;
}

async function createProgram(engine: 'pglite' | 'postgres', patients: number, withIngest: boolean): Promise<Program> {
  let database: DatabaseHandle;
  let url: string | undefined;
  let dataDir: string | undefined;
  let drop: () => Promise<void>;
  if (engine === 'pglite') {
    dataDir = fs.mkdtempSync(path.join(scratch, 'pglite-'));
    database = await openDatabase({ kind: 'pglite', dataDir });
    const dir = dataDir;
    drop = async () => {
      if (keep) log(`kept ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const name = `keel_bench_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(databaseUrl ?? '');
    u.pathname = `/${name}`;
    url = u.toString();
    database = await openDatabase({ kind: 'postgres', url, poolSize: 12 });
    drop = async () => {
      if (keep) {
        log(`kept database ${name}`);
        return;
      }
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const jobs = new PgBossJobQueue(database.pool);
  try {
    log(`\n== ${engine}: ${patients} patients ==`);
    await migrateToLatest(database.db);
    await jobs.start();
    const started = Date.now();
    const bar = progressBar(`generate (${engine}, ${patients})`);
    const generated = await generateProgram(database.pool, {
      patients,
      now: new Date(),
      passwordHash: await hashPassword('bench-password-never-used-2026'),
      panelSize: Math.min(panelSize, patients),
      progress: (done, total, rows) => bar(done, total, `patients, ${rows} rows`),
    });
    const generateSeconds = (Date.now() - started) / 1000;
    log(`generated ${generated.rows} rows in ${generateSeconds.toFixed(1)} s`);

    const config = loadConfig({ NODE_ENV: 'production', KEEL_DEMO: 'off', KEEL_STAFF_MFA: 'optional', KEEL_LOG_LEVEL: 'silent', KEEL_JOBS: 'off', KEEL_PUBLIC_URL: 'http://127.0.0.1', KEEL_AUDIT_KEY: auditKey });
    useAuditKeys(auditKeyringFromConfig(config));
    const deps: AppDeps = { config, database, clock: systemClock, notifier: new OutboxNotifier({ email: new ConsoleTransport(() => undefined), webhook: null }), jobs };
    const perSide = Math.min(samplePatients, Math.floor((generated.patients.length - heavyCounts.length) / 2));
    const sample = withIngest ? generated.patients.slice(0, perSide) : [];
    const baselineSample = withIngest ? generated.patients.slice(perSide, 2 * perSide) : [];
    const heavyPatients = withIngest ? generated.patients.slice(-heavyCounts.length) : [];
    // Patients whose signal window holds exactly 10, 1,000 and 5,000 check-ins, spread over the last three days.
    for (const [i, p] of heavyPatients.entries()) {
      const n = heavyCounts[i] ?? 10;
      await database.pool.query('DELETE FROM check_ins WHERE patient_id = $1', [p.patientId]);
      await database.pool.query(
        `INSERT INTO check_ins (id, patient_id, submitted_at, submitted_by, mood_0_10, sleep_hours, craving_0_10, used_outside_session,
           bladder_symptoms, cognitive_complaint, side_effects, note)
         SELECT gen_random_uuid(), $1, now() - (g * interval '3 days' / $2::int), $3, 5 + g % 3, 7, g % 3, false, false, false, '{}', null
         FROM generate_series(1, $2::int) g`,
        [p.patientId, n, p.userId],
      );
    }
    // Steady state, not the tail of the bulk load: vacuum (visibility map, statistics) and flush it.
    await database.pool.query('VACUUM (ANALYZE)');
    await database.pool.query('CHECKPOINT');
    // In a running program a patient's stored tier is the engine's last answer; the generator writes a plausible
    // one. Settle the measured patients' tiers with the nightly job's own evaluation, so a measured check-in is a
    // day's check-in and not a first evaluation disagreeing with a synthetic tier.
    const settling = Date.now();
    const toSettle = [...sample, ...heavyPatients];
    const settled = await loop(toSettle.length, 4, async (i) => {
      await recomputeRisk(deps, { patientId: toSettle[i]?.patientId ?? '' }, new Date());
      return true;
    });
    if (toSettle.length > 0) log(`settled ${toSettle.length} patients' risk tiers in ${((Date.now() - settling) / 1000).toFixed(1)} s (${settled.errors} errors)`);
    // The outcome facts every patient has in a running program (the minute job keeps them), taken as that job
    // takes them; the time is what a program pays once when the facts are introduced (migration 0024).
    const taking = Date.now();
    const { refreshed } = await refreshStaleOutcomeFacts(database.db, reportSettings((await loadStoredProgramSettings(database.db)).settings), new Date(), Number.POSITIVE_INFINITY);
    const factsSeconds = (Date.now() - taking) / 1000;
    log(`took ${refreshed} patients' outcome facts from their rows in ${factsSeconds.toFixed(1)} s`);

    const session = async (userId: string, role: 'patient' | 'clinician' | 'admin') =>
      (await createSession(database.db, { userId, role, mfaVerified: role !== 'patient', clientAddress: '127.0.0.1', now: new Date(), config })).token;
    const targetOf = async (p: { patientId: string; userId: string }): Promise<LoadTarget> => ({ path: p.patientId, token: await session(p.userId, 'patient') });
    const sampleTargets: LoadTarget[] = [];
    for (const p of sample) sampleTargets.push(await targetOf(p));
    const heavy: Program['heavy'] = [];
    for (const [i, p] of heavyPatients.entries()) heavy.push({ count: heavyCounts[i] ?? 10, target: await targetOf(p) });
    const clinicianToken = await session(generated.panelClinicianId, 'clinician');
    const adminToken = await session(generated.adminUserId, 'admin');
    return {
      engine,
      patients,
      ...(url ? { url } : {}),
      ...(dataDir ? { dataDir } : {}),
      generateSeconds,
      factsSeconds,
      rows: generated.rows,
      sample: sampleTargets,
      baselineSample: baselineSample.map((p) => ({ path: p.patientId })),
      heavy,
      clinicianId: generated.panelClinicianId,
      clinicianToken,
      adminToken,
      drop,
    };
  } finally {
    await jobs.stop();
    await database.close();
  }
}

function keelEnv(program: Program): Record<string, string> {
  return {
    NODE_ENV: 'production',
    KEEL_DEMO: 'off',
    KEEL_STAFF_MFA: 'optional',
    KEEL_PUBLIC_URL: 'http://127.0.0.1',
    KEEL_AUDIT_KEY: auditKey,
    KEEL_LOG_LEVEL: 'info',
    KEEL_JOBS: 'on',
    KEEL_MAIL_TRANSPORT: 'file',
    KEEL_MAIL_FILE: path.join(scratch, 'outbox.log'),
    KEEL_AUDIT_CHECKPOINT_FILE: path.join(scratch, 'audit-checkpoints.jsonl'),
    // The per-patient submission limit (docs/perf.md) is raised: the per-patient scenario submits one patient's
    // check-ins back to back, far faster than any patient does.
    KEEL_PATIENT_SUBMIT_BURST: '1000000',
    KEEL_PATIENT_SUBMIT_PER_MINUTE: '1000000',
    ...(program.url ? { DATABASE_URL: program.url } : { KEEL_DATA_DIR: program.dataDir ?? '' }),
  };
}

const checkInTargets = (targets: LoadTarget[], prefix: string): LoadTarget[] =>
  targets.map((t) => ({ path: `${prefix}/patients/${t.path}/check-ins`, ...(t.token ? { token: t.token } : {}) }));

// ---------------------------------------------------------------------------------------------------------------
// EXPLAIN of the panel statements, as their named prepared statements run them (after five executions)

const literal = (v: unknown): string => {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return `'${v.toISOString()}'`;
  if (Array.isArray(v)) return `'{${v.map((x) => `"${String(x).replaceAll('"', '\\"')}"`).join(',')}}'`;
  return `'${(typeof v === 'string' ? v : JSON.stringify(v)).replaceAll("'", "''")}'`;
};

async function explainPlans(program: Program): Promise<{ api: string; sql: string; seqScans: string[] }> {
  const database = await openDatabase({ kind: 'postgres', url: program.url ?? '', poolSize: 1 });
  try {
    const settings = (await loadStoredProgramSettings(database.db)).settings;
    const now = new Date();
    const api = panelSql(database.db, program.clinicianId, now, settings.monitoring.cadence.recurring.checkin.phases)
      .orderBy(tierRank, 'desc')
      .orderBy('p.name')
      .orderBy('p.id')
      .limit(panelSize + 1)
      .offset(0)
      .compile();
    const client = await database.pool.connect();
    try {
      const plan = async (name: string, text: string, params: readonly unknown[]) => {
        await client.query(`PREPARE ${name} AS ${text}`);
        const exec = `EXECUTE ${name}(${params.map(literal).join(', ')})`;
        for (let i = 0; i < 5; i++) await client.query(exec);
        const rows = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, TIMING OFF) ${exec}`)).rows;
        await client.query(`DEALLOCATE ${name}`);
        return rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n');
      };
      const apiPlan = await plan('bench_explain_api', api.sql, api.parameters);
      const sqlPlan = await plan('bench_explain_sql', handWrittenPanelSql(panelSize), [program.clinicianId, now]);
      const seqScans = [...`${apiPlan}\n${sqlPlan}`.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1] ?? '');
      return { api: apiPlan, sql: sqlPlan, seqScans: [...new Set(seqScans)] };
    } finally {
      client.release();
    }
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

const report: string[] = [];
const targets: string[] = [];
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
const target = (line: string, ok: boolean, note = '') => targets.push(`  ${verdict(ok).padEnd(8)} ${line}${note ? `   ${note}` : ''}`);
const scale = quick ? ' [quick: not the target program size]' : '';

let pgIngest: Spread | undefined;
let pgliteIngest: Spread | undefined;
let logPer1000: number | undefined;

async function measureIngest(program: Program, keel: ServerProcess, base: ServerProcess | undefined): Promise<void> {
  const checkIn = (server: ServerProcess, prefix: string, auth: boolean, connections: number, amount?: number): LoadSpec => ({
    url: server.url,
    method: 'POST',
    targets: checkInTargets(auth ? program.sample : program.baselineSample, prefix),
    body: 'check-in',
    connections,
    ...(amount ? { amount } : { seconds }),
    seed: 11,
  });
  for (const connections of [16, 1]) {
    const amount = connections === 1 ? latencyRequests : undefined;
    const sides = [
      ...(base ? [{ name: `bare insert (baseline), c=${connections}`, spec: checkIn(base, '', false, connections, amount), server: base }] : []),
      { name: `API check-in, c=${connections}`, spec: checkIn(keel, '/api/v1', true, connections, amount), server: keel },
    ];
    const { sides: measured, logBytesPer1000 } = await alternate(`ingest c=${connections} (${program.engine})`, sides, connections === 1 ? warmByAmount : warmByTime, program.engine);
    for (const s of measured) report.push(`  ${describe(s)}`, ...(cpuPerRequest(s) ? [`      ${cpuPerRequest(s)}`] : []));
    const api = measured[measured.length - 1];
    if (!api) continue;
    if (connections === 16) {
      if (program.engine === 'postgres') pgIngest = perSecond(api);
      else pgliteIngest = perSecond(api);
      if (logBytesPer1000 !== undefined && program.engine === 'postgres') logPer1000 = logBytesPer1000;
    }
    const bare = measured.length > 1 ? measured[0] : undefined;
    if (bare) {
      const r = connections === 16 ? ratio(api, bare, (x) => x.perSecond) : ratio(api, bare, (x) => x.meanMs);
      report.push(`  ingest ratio c=${connections} (API/bare, ${connections === 16 ? 'req/s' : 'mean latency'} per round)   ${showSpread(r)}×`);
      if (connections === 16) target(`check-in ingest ≥ 0.5× the bare insert, ${program.patients} patients, c=16: ${showSpread(r)}×${scale}`, r.median >= 0.5);
    }
  }
}

async function measurePerPatient(program: Program, keel: ServerProcess): Promise<void> {
  const sides = program.heavy.map((h) => ({
    name: `one patient with ${h.count} check-ins, c=1`,
    spec: { url: keel.url, method: 'POST' as const, targets: checkInTargets([h.target], '/api/v1'), body: 'check-in' as const, connections: 1, amount: latencyRequests, seed: 21 },
    server: keel,
  }));
  const { sides: measured } = await alternate('per-patient', sides, warmByAmount);
  for (const s of measured) report.push(`  ${describe(s)}`);
  const light = measured[0];
  for (const heavy of measured.slice(1)) {
    if (!light) break;
    const r = ratio(heavy, light, (x) => x.meanMs);
    report.push(`  ${heavy.name.replace(', c=1', '')} / 10: mean latency ×${showSpread(r)}`);
  }
  const heaviest = measured[measured.length - 1];
  if (light && heaviest) {
    const r = ratio(heaviest, light, (x) => x.meanMs);
    target(`a patient with 5,000 check-ins costs ≤ 1.3× one with 10 (mean latency, c=1): ${showSpread(r)}×`, r.median <= 1.3);
  }
}

async function measurePanel(program: Program, keel: ServerProcess, base: ServerProcess): Promise<void> {
  const plans = await explainPlans(program);
  report.push(`  EXPLAIN (ANALYZE) of the API's panel statement (its named prepared statement, 6th execution):`, plans.api);
  report.push(`  EXPLAIN (ANALYZE) of the hand-written panel SQL (baseline, the same way):`, plans.sql);
  report.push(`  sequential scans in the two plans: ${plans.seqScans.length ? plans.seqScans.join(', ') : 'none'}`);
  const api = (connections: number): LoadSpec => ({
    url: keel.url,
    method: 'GET',
    targets: [{ path: `/api/v1/patients?limit=${panelSize}&sort=risk`, token: program.clinicianToken }],
    connections,
    ...(connections === 1 ? { amount: latencyRequests } : { seconds }),
    seed: 31,
  });
  const sql = (connections: number): LoadSpec => ({
    url: base.url,
    method: 'GET',
    targets: [{ path: `/panel?clinician=${program.clinicianId}&limit=${panelSize}` }],
    connections,
    ...(connections === 1 ? { amount: latencyRequests } : { seconds }),
    seed: 31,
  });
  const at100k = program.patients >= 100_000;
  for (const connections of [1, 16]) {
    const { sides } = await alternate(`panel c=${connections} (${program.patients})`, [
      { name: `panel SQL (baseline), c=${connections}`, spec: sql(connections), server: base },
      { name: `panel API, c=${connections}`, spec: api(connections), server: keel },
    ], connections === 1 ? warmByAmount : warmByTime);
    const [s, a] = sides;
    if (!s || !a) continue;
    for (const side of [s, a]) report.push(`  ${describe(side)}`, ...(cpuPerRequest(side) ? [`      ${cpuPerRequest(side)}`] : []));
    if (connections === 1) {
      const r = ratio(a, s, (x) => x.meanMs);
      report.push(`  panel ratio c=1 (API/SQL mean latency per round)   ${showSpread(r)}×`);
      target(`panel ≤ 2× the equal-footing SQL, ${program.patients} patients (mean latency, c=1): ${showSpread(r)}×${quick ? scale : ''}`, r.median <= 2);
      const tail = p99(a);
      target(`panel p99 ≤ 50 ms at c=1, ${program.patients} patients: ${showSpread(tail, 1, ' ms')}${at100k ? '' : ' (the target is set at 100,000)'}`, tail.median <= 50);
    } else {
      const r = ratio(s, a, (x) => x.perSecond);
      report.push(`  panel ratio c=16 (SQL/API req/s per round)   ${showSpread(r)}×`);
      const tail = p99(a);
      target(`panel p99 ≤ 150 ms at c=16, ${program.patients} patients: ${showSpread(tail, 1, ' ms')}${at100k ? '' : ' (the target is set at 100,000)'}`, tail.median <= 150);
    }
  }
}

/** The program's outcomes report (docs/outcomes-report.md): the API's answer against the hand-written SQL's. */
async function measureOutcomes(program: Program, keel: ServerProcess, base: ServerProcess): Promise<void> {
  // The default period, made explicit so both sides read the same one: the twelve months up to today, local days.
  const database = await openDatabase({ kind: 'postgres', url: program.url ?? '', poolSize: 1 });
  const timeZone = (await loadStoredProgramSettings(database.db)).settings.dosing.compliance.timeZone;
  await database.close();
  const to = wallClock(new Date(), timeZone).date;
  const from = addDays(to, -364);
  const instants = { from: zonedTimeToUtc(from, 0, timeZone).toISOString(), to: endOfLocalDate(to, timeZone).toISOString() };
  const apiPath = `/api/v1/reports/outcomes?from=${from}&to=${to}`;
  const sqlPath = `/outcomes?from=${instants.from}&to=${instants.to}`;

  // The same figures, or the ratio means nothing: compare them once. This is the server's first report, which reads
  // every patient's kept facts (later ones read what was written since): its time is printed apart.
  const started = performance.now();
  const apiAnswer = await fetch(`${keel.url}${apiPath}`, { headers: { authorization: `Bearer ${program.adminToken}` } }).then((r) => r.json() as Promise<OutcomesReportResponse>);
  const firstMs = performance.now() - started;
  const sqlAnswer = await fetch(`${base.url}${sqlPath}`).then((r) => r.json() as Promise<SqlOutcomes>);
  report.push(`  outcomes: the server's first report (every patient's kept facts read into memory) took ${firstMs.toFixed(0)} ms`);
  const differences = outcomesDifferences(apiAnswer, sqlAnswer);
  const differing = Object.keys(differences);
  report.push(
    differing.length === 0
      ? `  outcomes: the API's figures and the hand-written SQL's agree (cohort ${apiAnswer.cohort.patients}, ${apiAnswer.safety.sessions} sessions, ${apiAnswer.engagement.checkIns.received} weekly check-in slots filled)`
      : `  outcomes: ${differing.length} figures DIFFER between the API and the SQL: ${JSON.stringify(differences)}`,
  );
  const requests = Math.max(1, Math.min(latencyRequests, program.patients >= 10_000 ? 2 : 5));
  // The hand-written SQL takes about 40 s at 100,000 patients: a request may take up to 3 minutes.
  const spec = (url: string, path: string, token?: string): LoadSpec => ({
    url,
    method: 'GET',
    targets: [{ path, ...(token ? { token } : {}) }],
    connections: 1,
    amount: requests,
    seed: 41,
    timeoutSeconds: 180,
  });
  const { sides } = await alternate(
    `outcomes c=1 (${program.patients})`,
    [
      { name: `outcomes SQL (baseline), c=1`, spec: spec(base.url, sqlPath), server: base },
      { name: `outcomes API, c=1`, spec: spec(keel.url, apiPath, program.adminToken), server: keel },
    ],
    (s) => ({ ...s, amount: 1 }),
  );
  const [sql, api] = sides;
  if (!sql || !api) return;
  report.push(`  ${describe(sql)}`, `  ${describe(api)}`);
  const r = ratio(api, sql, (x) => x.meanMs);
  report.push(`  outcomes ratio c=1 (API/SQL mean latency per round)   ${showSpread(r)}×`);
  const at100k = program.patients >= 100_000;
  target(
    `outcomes report p50 ≤ 2 s, ${program.patients} patients: ${showSpread(p50(api), 0, ' ms')} (SQL ${showSpread(p50(sql), 0, ' ms')})${at100k ? '' : ' (the target is set at 100,000)'}`,
    p50(api).median <= 2000 && differing.length === 0 && failures(api) === 0 && failures(sql) === 0,
  );
}

async function runProgram(engine: 'pglite' | 'postgres', patients: number): Promise<void> {
  const withIngest = patients === ingestPatients;
  const withPanel = engine === 'postgres' && panelPrograms.includes(patients);
  const program = await createProgram(engine, patients, withIngest);
  report.push('', `${engine}, ${patients} patients (generated ${program.rows} rows in ${program.generateSeconds.toFixed(1)} s; every patient's outcome facts taken in ${program.factsSeconds.toFixed(1)} s)`);
  const keel = await startKeel(keelEnv(program));
  const base = engine === 'postgres' && program.url ? await startBaseline(program.url) : undefined;
  try {
    if (withIngest) {
      if (wants('ingest')) await measureIngest(program, keel, base);
      if (engine === 'postgres' && wants('per-patient')) await measurePerPatient(program, keel);
    }
    if (withPanel && base) {
      if (wants('panel')) await measurePanel(program, keel, base);
      if (wants('outcomes')) await measureOutcomes(program, keel, base);
    }
  } finally {
    await keel.stop();
    await base?.stop();
    await program.drop();
  }
}

const began = Date.now();
try {
  for (const engine of engines) {
    const programs = [...(wants('panel') || wants('outcomes') ? panelPrograms : []), ...(wants('ingest') || wants('per-patient') ? [ingestPatients] : [])];
    const sizes = engine === 'postgres' ? [...new Set(programs)].sort((a, b) => a - b) : wants('ingest') ? [ingestPatients] : [];
    for (const patients of sizes) {
      try {
        await runProgram(engine, patients);
      } catch (error) {
        // One program's failure is reported; the others are still measured.
        log(`${engine}, ${patients} patients failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        report.push('', `${engine}, ${patients} patients: FAILED (${error instanceof Error ? error.message : String(error)})`);
        targets.push(`  FAILED   ${engine}, ${patients} patients: see the log above`);
      }
    }
  }
} finally {
  stopLoadClient();
  if (!keep) fs.rmSync(scratch, { recursive: true, force: true });
}

if (pgIngest && pgliteIngest) {
  const r = { min: pgliteIngest.min / pgIngest.max, median: pgliteIngest.median / pgIngest.median, max: pgliteIngest.max / pgIngest.min };
  report.push('', `embedded/PostgreSQL ingest (API check-ins, c=16)   ${showSpread(r)}×  (medians; range from the extremes)`);
  target(`embedded ≥ 0.4× PostgreSQL on check-in ingest: ${showSpread(r)}×${scale}`, r.median >= 0.4);
}
if (logPer1000 !== undefined) report.push('', `request log: ${(logPer1000 / 1024).toFixed(1)} KiB per 1,000 check-ins (info, PostgreSQL ingest rounds)`);
if (!engines.includes('postgres')) targets.push('  skipped  the PostgreSQL targets: no PostgreSQL reachable (give --database-url)');

const header = [
  '',
  `Keel benchmark${quick ? ' (quick)' : ''} — load from its own process (autocannon), servers in their own processes, ${rounds} alternating rounds`,
  `(${seconds} s per throughput round, ${latencyRequests} requests per latency round); figures are the median of the rounds (min–max)`,
  `${os.cpus().length} CPUs, Node ${process.version}, total ${((Date.now() - began) / 1000).toFixed(0)} s`,
];
process.stdout.write(`${[...header, ...report, '', 'Targets (median of rounds; min–max in brackets):', ...targets].join('\n')}\n`);
