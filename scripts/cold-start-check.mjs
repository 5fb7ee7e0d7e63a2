#!/usr/bin/env node
// CI: start three `keel serve` processes at once on an empty PostgreSQL database and wait until all three answer
// /readyz with 200 (migrations, pg-boss's queues and the demo seed are serialised under one advisory lock). Usage:
//   node scripts/cold-start-check.mjs postgres://postgres@127.0.0.1:5432/postgres
// The URL is an administrative connection; a fresh database is created beside it and dropped afterwards.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const adminUrl = process.argv[2] ?? process.env.KEEL_TEST_DATABASE_URL;
if (!adminUrl) {
  console.error('usage: cold-start-check.mjs <postgres admin URL>');
  process.exit(64);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const name = `keel_cold_${Date.now().toString(36)}_${process.pid}`;
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${name}`;
const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-cold-'));

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

function start(i) {
  const child = spawn(process.execPath, [path.join(root, 'packages/server/bin/keel.mjs'), 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: dbUrl.toString(),
      PORT: '0',
      HOST: '127.0.0.1',
      KEEL_DEMO: 'on',
      KEEL_LOG_LEVEL: 'warn',
      KEEL_DATA_DIR: path.join(dataRoot, 'data'),
      KEEL_AUDIT_CHECKPOINT_FILE: path.join(dataRoot, 'checkpoints.jsonl'),
      KEEL_MAIL_TRANSPORT: 'file',
      KEEL_MAIL_FILE: path.join(dataRoot, 'mail.log'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${i} not ready after 120 s\n${out}\n${err}`)), 120_000);
    child.stdout.on('data', () => {
      const m = /Keel is running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process ${i} exited with ${code} before it was ready:\n${out}\n${err}`));
    });
  });
  return { child, ready };
}

let failed = false;
const started = Date.now();
await admin(`CREATE DATABASE ${name}`);
const processes = [0, 1, 2].map(start);
try {
  const urls = await Promise.all(processes.map((p) => p.ready));
  for (const url of urls) {
    const response = await fetch(`${url}/readyz`);
    if (response.status !== 200) throw new Error(`${url}/readyz answered ${response.status}: ${await response.text()}`);
  }
  const seeded = await new pg.Client({ connectionString: dbUrl.toString() });
  await seeded.connect();
  const { rows } = await seeded.query(`SELECT count(*)::int AS n FROM users WHERE email = 'patient@keel.demo'`);
  await seeded.end();
  if (rows[0].n !== 1) throw new Error(`the demo was seeded ${rows[0].n} times`);
  console.log(`cold start: 3 processes ready on an empty database in ${((Date.now() - started) / 1000).toFixed(1)} s, demo seeded once`);
} catch (error) {
  failed = true;
  console.error(`cold start FAILED: ${error.message}`);
} finally {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.all(processes.map((p) => (p.child.exitCode === null ? new Promise((r) => p.child.on('exit', r)) : undefined)));
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
}
console.log(`${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
