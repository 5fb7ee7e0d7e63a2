// The load-balanced failover check (docs/scaling.md, "Load-balanced processes"): HAProxy in front of two `keel serve`
// processes, which reach PostgreSQL through PgBouncer in transaction mode, read from a streaming replica and take
// their session-bound work to the primary directly. A mixed clinic workload (check-ins and messages from patients,
// panel and timeline reads by clinicians) runs for a bounded time; one Keel process is killed (SIGKILL) halfway.
// Asserted: every acknowledged write is in the database exactly once; no job effect is duplicated (no notification
// delivered twice, by the mail transport's own record); every answer the clients got was a success or a clean 503
// (the balancer's problem document with Retry-After), and the 503s fall within the moments after the kill; after
// that the survivor serves every kind of request. Printed: throughput with two processes and with one.
//
// Usage: npm run bench:failover -- [--seconds=20] [--clients=8]
// Needs Debian's haproxy, pgbouncer and PostgreSQL server binaries (apt-get install haproxy pgbouncer); it starts
// its own primary and replica (scripts/replica-pair.sh) and PgBouncer (scripts/pgbouncer.sh) on ports 5451/5452/6451.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { repoRoot } from './src/processes.ts';

const { values: argv } = parseArgs({ options: { seconds: { type: 'string' }, clients: { type: 'string' } }, strict: false });
const seconds = Number(argv.seconds ?? process.env['npm_config_seconds'] ?? 20);
const clients = Number(argv.clients ?? process.env['npm_config_clients'] ?? 8);
const log = (line: string) => process.stderr.write(`${line}\n`);
const ports = { primary: 5451, replica: 5452, pooler: 6451, haproxy: 3150, a: 3151, b: 3152 };
const password = 'keel-demo-2026';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-failover-'));
const children: ChildProcess[] = [];

function script(name: string, ...args: string[]): string[] {
  return execFileSync(path.join(repoRoot, 'scripts', name), args, { encoding: 'utf8', env: { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin` } }).trim().split('\n');
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url} exited (${child.exitCode}) before it was ready`);
    try {
      const res = await fetch(`${url}/readyz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} was not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function startKeel(port: number, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [path.join(repoRoot, 'packages/server/bin/keel.mjs'), 'serve'], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

/** HAProxy: round robin over the two processes, health-checked on /readyz every 500 ms (down after two failures); a request whose connection
 * to a process failed is sent to the other (`retry-on conn-failure`, `redispatch`); one in flight when its process
 * died is answered 503 with Retry-After, never replayed (a POST may have taken effect). */
function startHaproxy(): ChildProcess {
  const unavailable = path.join(scratch, '503.http');
  const body = JSON.stringify({ type: 'about:blank', title: 'Service unavailable', status: 503, code: 'UNAVAILABLE', detail: 'The server handling this request stopped; it may or may not have taken effect. Retry.' });
  fs.writeFileSync(unavailable, `HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\nretry-after: 1\r\ncache-control: no-store\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  const config = path.join(scratch, 'haproxy.cfg');
  fs.writeFileSync(
    config,
    `global
  maxconn 2000
  log stderr format short local0 info
defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout check 2s
  retries 3
  # A server connection is never reused: on a reused one, a request in flight when its server died is answered by
  # closing the client's connection (so that a browser replays it), not by the 503 below.
  http-reuse never
  option redispatch
  retry-on conn-failure
  errorfile 502 ${unavailable}
  errorfile 503 ${unavailable}
  errorfile 504 ${unavailable}
frontend keel
  bind 127.0.0.1:${ports.haproxy}
  default_backend keel
backend keel
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
  server a 127.0.0.1:${ports.a} check
  server b 127.0.0.1:${ports.b} check
`,
  );
  const child = spawn('haproxy', ['-f', config, '-db'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin` } });
  children.push(child);
  return child;
}

/**
 * One request on a connection of its own, as a fresh client would send it. (On a reused client connection HAProxy
 * answers a request whose server died by closing the connection, so that a browser replays it; on a new one it
 * answers with its 503 document.)
 */
function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: { ...init.headers, connection: 'close' }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

interface Outcome {
  kind: 'check-in' | 'message' | 'panel' | 'timeline';
  at: number;
  status: number;
  retryAfter: string | null;
  id?: string;
}

async function main(): Promise<void> {
  log('starting a primary and its replica, and PgBouncer in transaction mode');
  const [primaryBase, replicaBase] = script('replica-pair.sh', 'start', String(ports.primary), String(ports.replica));
  const poolerBase = script('pgbouncer.sh', 'start', String(ports.pooler), String(ports.primary))[0];
  const name = 'keel_failover';
  const admin = new pg.Client({ connectionString: primaryBase });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const at = (base: string | undefined) => `${String(base).replace(/\/postgres$/, '')}/${name}`;
  const env = {
    DATABASE_URL: at(poolerBase),
    KEEL_DB_POOLING: 'transaction',
    KEEL_DIRECT_DATABASE_URL: at(primaryBase),
    DATABASE_READ_URL: at(replicaBase),
    KEEL_DEMO: 'on',
    KEEL_JOBS: 'on',
    KEEL_LOG_LEVEL: 'warn',
    KEEL_DATA_DIR: path.join(scratch, 'data'),
    KEEL_AUDIT_CHECKPOINT_FILE: path.join(scratch, 'checkpoints.jsonl'),
    KEEL_MAIL_TRANSPORT: 'file',
    KEEL_MAIL_FILE: path.join(scratch, 'mail.log'),
    KEEL_DB_CONNECT_TIMEOUT_MS: '30000',
    KEEL_PATIENT_SUBMIT_BURST: '1000000',
    KEEL_PATIENT_SUBMIT_PER_MINUTE: '1000000',
  };
  log('starting two keel serve processes and HAProxy');
  // One after the other (starting together is test/db/transaction-pooling.test.ts's subject, not this check's).
  const a = startKeel(ports.a, env);
  await waitReady(`http://127.0.0.1:${ports.a}`, a);
  const b = startKeel(ports.b, env);
  await waitReady(`http://127.0.0.1:${ports.b}`, b);
  const haproxy = startHaproxy();
  const base = `http://127.0.0.1:${ports.haproxy}`;
  await waitReady(base, haproxy, 20_000);
  await new Promise((r) => setTimeout(r, 1000)); // both servers seen up by the health checks

  const login = async (email: string) => {
    const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (res.status !== 200) throw new Error(`sign-in as ${email}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  };
  const patientToken = await login('patient@keel.demo');
  const clinicianToken = await login('clinician@keel.demo');
  const me = (await (await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${patientToken}` } })).json()) as { patientId: string };
  const patientId = me.patientId;

  const outcomes: Outcome[] = [];
  // A few seconds of the same workload first, not counted: both processes past their first requests (JIT, caches).
  const warmUntil = Date.now() + 3000;
  await Promise.all(
    Array.from({ length: clients }, async (_, w) => {
      for (let n = w; Date.now() < warmUntil; n += clients) {
        await send(`${base}/api/v1/patients?sort=risk&limit=100`, { headers: { authorization: `Bearer ${clinicianToken}` } });
        await send(`${base}/api/v1/patients/${patientId}/timeline?limit=50`, { headers: { authorization: `Bearer ${clinicianToken}` } });
      }
    }),
  );
  const started = Date.now();
  const stopAt = started + seconds * 1000;
  const killAt = started + (seconds * 1000) / 2;
  let killedAt = 0;
  const request = async (kind: Outcome['kind'], n: number): Promise<void> => {
    const auth = { authorization: `Bearer ${kind === 'panel' || kind === 'timeline' ? clinicianToken : patientToken}` };
    let res: Awaited<ReturnType<typeof send>>;
    try {
      if (kind === 'check-in') {
        res = await send(`${base}/api/v1/patients/${patientId}/check-ins`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ mood0to10: 6, sleepHours: 7, craving0to10: n % 4, usedOutsideSession: false, bladderSymptoms: false, cognitiveComplaint: false, sideEffects: [] }),
        });
      } else if (kind === 'message') {
        res = await send(`${base}/api/v1/patients/${patientId}/messages`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ subject: `Failover ${n}`, body: 'How should I prepare for my next session?' }) });
      } else if (kind === 'panel') {
        res = await send(`${base}/api/v1/patients?sort=risk&limit=100`, { headers: auth });
      } else {
        res = await send(`${base}/api/v1/patients/${patientId}/timeline?limit=50`, { headers: auth });
      }
    } catch (error) {
      outcomes.push({ kind, at: Date.now(), status: 0, retryAfter: `${String(error)}: ${String((error as { cause?: unknown }).cause)}` });
      return;
    }
    const body = ((): { checkIn?: { id: string }; message?: { id: string } } | null => {
      try {
        return JSON.parse(res.body) as { checkIn?: { id: string }; message?: { id: string } };
      } catch {
        return null;
      }
    })();
    const id = kind === 'check-in' ? body?.checkIn?.id : kind === 'message' ? body?.message?.id : undefined;
    const retryAfter = res.headers['retry-after'];
    const problem = res.status >= 400 ? ` ${res.body.slice(0, 160)}` : '';
    outcomes.push({ kind, at: Date.now(), status: res.status, retryAfter: typeof retryAfter === 'string' ? `${retryAfter}${problem}` : problem || null, ...(id ? { id } : {}) });
  };
  const kinds: Outcome['kind'][] = ['check-in', 'panel', 'check-in', 'timeline', 'message', 'panel'];
  const worker = async (w: number) => {
    for (let n = w; Date.now() < stopAt; n += clients) await request(kinds[n % kinds.length] ?? 'panel', n);
  };
  const killer = (async () => {
    await new Promise((r) => setTimeout(r, killAt - Date.now()));
    a.kill('SIGKILL');
    killedAt = Date.now();
    log(`killed process a (${ports.a}) at ${((killedAt - started) / 1000).toFixed(1)} s`);
  })();
  log(`running the workload for ${seconds} s with ${clients} clients`);
  await Promise.all([...Array.from({ length: clients }, (_, w) => worker(w)), killer]);

  // The verdicts.
  const failures: string[] = [];
  const grace = 5000;
  const bad = outcomes.filter((o) => ![200, 201].includes(o.status));
  for (const o of bad) {
    if (o.status !== 503 || !o.retryAfter?.startsWith('1 ')) failures.push(`${o.kind} answered ${o.status} (${o.retryAfter ?? 'no Retry-After'}) at ${((o.at - started) / 1000).toFixed(1)} s`);
    else if (o.at < killedAt || o.at > killedAt + grace) failures.push(`${o.kind} answered 503 at ${((o.at - started) / 1000).toFixed(1)} s, outside the ${grace / 1000} s after the kill:${o.retryAfter.slice(1)}`);
  }
  const after = outcomes.filter((o) => o.at > killedAt + grace);
  for (const kind of ['check-in', 'message', 'panel', 'timeline'] as const) {
    const ok = after.filter((o) => o.kind === kind && (o.status === 200 || o.status === 201)).length;
    if (ok === 0) failures.push(`the survivor served no ${kind} after the kill`);
  }
  const verify = new pg.Client({ connectionString: at(primaryBase) });
  await verify.connect();
  try {
    for (const [kind, table] of [['check-in', 'check_ins'], ['message', 'messages']] as const) {
      const ids = outcomes.filter((o) => o.kind === kind && o.status === 201 && o.id).map((o) => o.id as string);
      const found = await verify.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE id = ANY($1::uuid[])`, [ids]);
      if (found.rows[0]?.n !== ids.length) failures.push(`${kind}s acknowledged: ${ids.length}, in the database: ${found.rows[0]?.n ?? 0}`);
      if (new Set(ids).size !== ids.length) failures.push(`${kind}: one id acknowledged twice`);
      log(`${kind}s acknowledged and found: ${ids.length}`);
    }
    // The delivery job's effect: each notice sent at most once, although the process that may have been sending it
    // was killed (the outbox's UNIQUE (cause) keeps the queue itself free of twins; this is what left the building).
    await new Promise((r) => setTimeout(r, 3000)); // the survivor's outbox job delivers what is pending
    const delivered = fs.existsSync(env.KEEL_MAIL_FILE)
      ? fs.readFileSync(env.KEEL_MAIL_FILE, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { cause: string; channel: string; recipient: string })
      : [];
    const seen = new Map<string, number>();
    for (const m of delivered) seen.set(`${m.cause}|${m.channel}|${m.recipient}`, (seen.get(`${m.cause}|${m.channel}|${m.recipient}`) ?? 0) + 1);
    const twice = [...seen].filter(([, n]) => n > 1);
    if (twice.length > 0) failures.push(`${twice.length} notifications delivered more than once (e.g. ${twice[0]?.[0] ?? ''})`);
    log(`notifications delivered through the mail file during the run: ${delivered.length}, ${twice.length === 0 ? 'none' : twice.length} twice`);
  } finally {
    await verify.end();
  }

  const rate = (from: number, to: number) => {
    const n = outcomes.filter((o) => o.at >= from && o.at < to && (o.status === 200 || o.status === 201)).length;
    return n / ((to - from) / 1000);
  };
  const two = rate(started + 1000, killedAt);
  const one = rate(killedAt + grace, stopAt);
  const statuses = new Map<number, number>();
  for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
  process.stdout.write(
    [
      '',
      `Load-balanced failover — HAProxy, 2 × keel serve, PgBouncer (transaction mode), primary + streaming replica; ${os.cpus().length} CPUs`,
      `  ${outcomes.length} requests from ${clients} clients in ${seconds} s; answers: ${[...statuses].map(([s, n]) => `${s} × ${n}`).join(', ')}`,
      `  throughput with two processes ${two.toFixed(0)} req/s, with one (after the kill) ${one.toFixed(0)} req/s: ${(two / one).toFixed(2)}× (the load client, both servers, PgBouncer and both PostgreSQL clusters share the machine)`,
      failures.length === 0 ? '  PASS  no acknowledged write lost, no duplicate job effect, every error a 503 with Retry-After right after the kill, the survivor serves everything' : `  FAIL\n${failures.map((f) => `    ${f}`).join('\n')}`,
      '',
    ].join('\n'),
  );
  process.exitCode = failures.length === 0 ? 0 : 1;
}

try {
  await main();
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  try {
    script('pgbouncer.sh', 'stop', String(ports.pooler));
    script('replica-pair.sh', 'stop', String(ports.primary), String(ports.replica));
  } catch {
    // already stopped
  }
  if (process.env.KEEL_FAILOVER_KEEP !== "1") fs.rmSync(scratch, { recursive: true, force: true });
  else log(`kept ${scratch}`);
}
