#!/usr/bin/env node
// `npm test`: typecheck, lint, the unit/database/HTTP suites on PGlite, again on PostgreSQL when
// KEEL_TEST_DATABASE_URL is set, and the browser suite when Chromium is present. Ends with one line
// `N passed, N failed` counted over every runner, and exits non-zero on any failure.
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

let passed = 0;
let failed = 0;
const summary = [];

function stage(name) {
  return only.length === 0 || only.includes(name);
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function check(name, ok) {
  if (ok) passed++;
  else failed++;
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
}

function vitest(name, projects, env = {}) {
  const report = path.join(reports, `${name}.json`);
  const args = ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
  const ok = run('npx', args, env);
  if (!fs.existsSync(report)) {
    check(`${name}: vitest produced no report`, false);
    return;
  }
  const data = JSON.parse(fs.readFileSync(report, 'utf8'));
  const suiteErrors = (data.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  passed += data.numPassedTests;
  failed += data.numFailedTests + suiteErrors;
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${data.numPassedTests} passed, ${data.numFailedTests + suiteErrors} failed, ${data.numPendingTests + data.numTodoTests} skipped`);
  if (!ok && data.numFailedTests + suiteErrors === 0) check(`${name}: vitest exited with an error`, false);
}

if (stage('typecheck')) {
  for (const project of ['packages/domain', 'packages/contract', 'packages/server', 'packages/web', 'packages/e2e', 'bench']) {
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
    vitest('postgres', ['server'], { KEEL_TEST_ENGINE: 'postgres' });
  } else {
    summary.push('skip PostgreSQL suite: KEEL_TEST_DATABASE_URL is not set');
  }
}

if (stage('browser')) {
  if (fs.existsSync(chromium)) {
    console.log('\n▶ browser tests (Chromium)');
    const built = run('npm', ['run', 'build']);
    check('build the web app', built);
    if (built) vitest('browser', ['e2e'], { KEEL_CHROMIUM: chromium });
  } else if (requireBrowser) {
    check(`browser tests: ${chromium} is missing and KEEL_REQUIRE_BROWSER=1`, false);
  } else {
    summary.push(`skip browser suite: ${chromium} not found (install Debian's chromium)`);
  }
}

console.log('\n' + summary.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
