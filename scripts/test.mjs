#!/usr/bin/env node
// `npm test`: typecheck, lint, the unit/database/HTTP suites on PGlite, again on PostgreSQL when
// KEEL_TEST_DATABASE_URL is set (less the engine-independent files, which ran once already), and the browser
// suite when Chromium is present. Prints the stage checks (typecheck, lint, build, each runner's exit) and the 10
// slowest test files, then ends with one line `N passed, N failed` counting test cases only. Exits non-zero on any
// failed test case or stage check.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-test-'));
const chromium = process.env.KEEL_CHROMIUM ?? '/usr/bin/chromium';
const requireBrowser = process.env.KEEL_REQUIRE_BROWSER === '1';
const postgresUrl = process.env.KEEL_TEST_DATABASE_URL;
const only = process.argv.slice(2); // e.g. `npm test -- unit` to run some stages
/**
 * Test files run in parallel worker processes. vitest's default is one fewer than the cores, which on a two-core
 * machine means one file at a time; PGlite runs in the worker's own process and PostgreSQL tests wait on the server
 * half the time, so two workers use both cores. KEEL_TEST_WORKERS overrides it.
 */
const workers = process.env.KEEL_TEST_WORKERS ?? String(Math.max(2, os.availableParallelism()));

/**
 * Server test files that never touch the database engine under test: the CLI suite spawns `keel` with its own
 * embedded database, and the scheduling rules are pure functions. They run on PGlite only. A file belongs here only
 * if it uses neither test/support/test-app.ts nor test/support/test-database.ts.
 */
const engineIndependent = ['packages/server/test/cli/**', 'packages/server/test/continuity/scheduling-rules.test.ts'];

let passed = 0;
let failed = 0;
let stagesOk = 0;
let stagesFailed = 0;
let runnersStarted = 0;
const summary = [];
/** Every test file's wall time, from the vitest JSON reports, for the slowest-files list. */
const fileTimes = [];

function stage(name) {
  return only.length === 0 || only.includes(name);
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

/** A stage check (typecheck, lint, build, a runner that failed to report): counted apart from test cases. */
function check(name, ok) {
  if (ok) stagesOk++;
  else stagesFailed++;
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
}

function vitest(name, projects, env = {}, exclude = [], parallel = true) {
  runnersStarted++;
  const report = path.join(reports, `${name}.json`);
  const args = [
    'vitest',
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    ...exclude.flatMap((glob) => ['--exclude', glob]),
    ...(parallel ? [`--maxWorkers=${workers}`] : []),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ];
  const ok = run('npx', args, env);
  if (!fs.existsSync(report)) {
    check(`${name}: vitest produced no report`, false);
    return;
  }
  const data = JSON.parse(fs.readFileSync(report, 'utf8'));
  const suiteErrors = (data.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  passed += data.numPassedTests;
  failed += data.numFailedTests + suiteErrors;
  for (const f of data.testResults ?? []) {
    if (typeof f.startTime === 'number' && typeof f.endTime === 'number') fileTimes.push({ run: name, file: path.relative(root, f.name), ms: f.endTime - f.startTime });
  }
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${data.numPassedTests} passed, ${data.numFailedTests + suiteErrors} failed, ${data.numPendingTests + data.numTodoTests} skipped`);
  if (!ok && data.numFailedTests + suiteErrors === 0) check(`${name}: vitest exited with an error`, false);
}

if (stage('typecheck')) {
  // The Node side (domain, contract, server, bench) is one program, so the files they share are checked once.
  for (const project of ['tsconfig.check.json', 'packages/web', 'packages/e2e']) {
    console.log(`\n▶ typecheck ${project}`);
    check(`typecheck ${project}`, run('npx', ['tsc', '-p', project, '--noEmit']));
  }
}

if (stage('lint')) {
  console.log('\n▶ lint');
  check('lint (eslint, type-aware)', run('npx', ['eslint', '.', '--max-warnings=0']));
}

if (stage('unit')) {
  console.log('\n▶ unit, database and HTTP tests on PGlite');
  vitest('pglite', ['domain', 'web', 'server'], { KEEL_TEST_ENGINE: 'pglite' });
}

if (stage('postgres')) {
  if (postgresUrl) {
    console.log('\n▶ database and HTTP tests on PostgreSQL');
    // Without the engine-independent files, which the PGlite run covered.
    vitest('postgres', ['server'], { KEEL_TEST_ENGINE: 'postgres' }, engineIndependent);
    // PgBouncer in transaction mode (scripts/pgbouncer.sh; .ci/run starts it): test/db/transaction-pooling.test.ts.
    if (!process.env.KEEL_TEST_PGBOUNCER_URL) summary.push('skip transaction-pooling tests: KEEL_TEST_PGBOUNCER_URL is not set (scripts/pgbouncer.sh start)');
    // A primary and its streaming replica (scripts/replica-pair.sh; .ci/run starts them): test/db/read-replica.test.ts.
    if (!process.env.KEEL_TEST_REPLICA_URL) summary.push('skip read-replica tests: KEEL_TEST_PRIMARY_URL and KEEL_TEST_REPLICA_URL are not set (scripts/replica-pair.sh start)');
  } else {
    summary.push('skip PostgreSQL suite: KEEL_TEST_DATABASE_URL is not set');
  }
}

if (stage('browser')) {
  if (fs.existsSync(chromium)) {
    console.log('\n▶ browser tests (Chromium)');
    const built = run('npm', ['run', 'build']);
    check('build the web app', built);
    if (built) vitest('browser', ['e2e'], { KEEL_CHROMIUM: chromium }, [], false);
  } else if (requireBrowser) {
    check(`browser tests: ${chromium} is missing and KEEL_REQUIRE_BROWSER=1`, false);
  } else {
    summary.push(`skip browser suite: ${chromium} not found (install Debian's chromium)`);
  }
}

if (fileTimes.length > 0) {
  console.log('\nSlowest test files:');
  for (const t of fileTimes.sort((a, b) => b.ms - a.ms).slice(0, 10)) console.log(`${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.run.padEnd(8)} ${t.file}`);
}
console.log('\n' + summary.join('\n'));
console.log(`stage checks: ${stagesOk} ok, ${stagesFailed} failed`);
console.log(`${passed} passed, ${failed} failed`);
// A run that started a test runner but passed no test case is a failure too (a runner that found nothing), and so
// is a run that did nothing at all.
const nothingPassed = runnersStarted > 0 ? passed === 0 : stagesOk === 0;
process.exit(failed > 0 || stagesFailed > 0 || nothingPassed ? 1 : 0);
