import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../src/auth/passwords.ts';
import { withDatabase } from '../support/global-setup.ts';
import { onPostgres } from '../support/test-database.ts';
import { startKeel, stopKeel, type KeelProcess } from '../support/processes.ts';

/**
 * The acceptance test of the live board across processes (docs/live-board.md): two `keel serve` processes on one
 * PostgreSQL database. A sitter check recorded through A reaches a board stream opened on B within 2 s; a stream
 * reopened on B with Last-Event-ID gets exactly what it missed; an escalation goes to the clinician on call.
 */
const template = inject('postgresTemplate');
const adminUrl = template ? withDatabase(template, 'postgres') : '';
let databaseUrl = '';
const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-live-'));
const processes: KeelProcess[] = [];
let a = '';
let b = '';
const password = 'keel-demo-2026';

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = [], url = databaseUrl): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}

const env = () => ({
  DATABASE_URL: databaseUrl,
  PORT: '0',
  HOST: '127.0.0.1',
  KEEL_DEMO: 'on',
  KEEL_DEMO_PASSWORD: password,
  KEEL_JOBS: 'on',
  KEEL_STAFF_MFA: 'optional',
  KEEL_DATA_DIR: path.join(dataRoot, 'data'),
  KEEL_AUDIT_CHECKPOINT_FILE: path.join(dataRoot, 'checkpoints.jsonl'),
  KEEL_MAIL_TRANSPORT: 'file',
  KEEL_MAIL_FILE: path.join(dataRoot, 'mail.log'),
});

beforeAll(async () => {
  if (!onPostgres || !template) return;
  const name = `${new URL(template).pathname.slice(1)}_live_${Math.random().toString(36).slice(2, 8)}`;
  await query(`CREATE DATABASE ${name}`, [], adminUrl);
  databaseUrl = withDatabase(template, name);
  processes.push(startKeel(env()));
  a = await processes[0]!.ready;
  processes.push(startKeel(env()));
  b = await processes[1]!.ready;
}, 240_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => stopKeel(p)));
});

async function call(base: string, token: string | null, method: string, url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
async function login(base: string, email: string): Promise<{ token: string; user: { id: string; patientId?: string } }> {
  const r = await call(base, null, 'POST', '/api/v1/auth/login', { email, password });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json as unknown as { token: string; user: { id: string; patientId?: string } };
}
async function ok(p: Promise<{ status: number; json: Record<string, unknown> }>, status: number) {
  const r = await p;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json;
}

function openStream(base: string, token: string, lastEventId?: string) {
  const events: { id: string; event: string; data: Record<string, unknown> }[] = [];
  let buffer = '';
  let req: http.ClientRequest | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    req = http.get(`${base}/api/v1/board/stream`, { headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const f = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
          if (f['id']) events.push({ id: f['id'], event: f['event'] ?? '', data: JSON.parse(f['data'] ?? '{}') as Record<string, unknown> });
        }
      });
      resolve();
    });
    req.on('error', reject);
  });
  return { events, ready, stop: () => req?.destroy() };
}
async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - started;
}

describe.skipIf(!onPostgres)('the live board across two processes on PostgreSQL', () => {
  let sessionId = '';
  let tokens: Record<'patient' | 'sitter' | 'clinician' | 'admin', string>;
  let patientId = '';

  it('carries a sitter check recorded on A to a stream on B within 2 s, and replays what a reconnect missed', async () => {
    const patient = await login(a, 'patient@keel.demo');
    patientId = patient.user.patientId ?? '';
    tokens = { patient: patient.token, sitter: (await login(a, 'sitter@keel.demo')).token, clinician: (await login(b, 'clinician@keel.demo')).token, admin: (await login(a, 'admin@keel.demo')).token };
    // The demo patient's session is ready to prepare: the sitter attests, the patient records vitals and the
    // checklist, authorizes and starts it (the gate decides, as always).
    const sessions = (await ok(call(a, tokens.patient, 'GET', `/api/v1/patients/${patientId}/sessions`), 200))['items'] as { id: string; status: string }[];
    sessionId = sessions.find((s) => s.status === 'scheduled')?.id ?? '';
    expect(sessionId).not.toBe('');
    await ok(call(a, tokens.sitter, 'POST', `/api/v1/sessions/${sessionId}/sitter-attestation`, { present: true, sober: true }), 201);
    await ok(call(a, tokens.patient, 'POST', `/api/v1/sessions/${sessionId}/vitals`, { phase: 'pre', systolicMmHg: 122, diastolicMmHg: 78, heartRateBpm: 70, spo2Pct: 98 }), 201);
    await ok(call(a, tokens.patient, 'POST', `/api/v1/sessions/${sessionId}/checklist`, { fastedHours: 6, alcohol24h: false, sedatives24h: false, cannabis24h: false, newMedication: false, safeSetting: true }), 201);
    const authorized = await ok(call(a, tokens.patient, 'POST', `/api/v1/sessions/${sessionId}/authorize`), 200);
    expect(authorized['outcome'], JSON.stringify(authorized)).toBe('authorized');
    await ok(call(a, tokens.patient, 'POST', `/api/v1/sessions/${sessionId}/start`), 200);

    const stream = openStream(b, tokens.clinician);
    await stream.ready;
    await new Promise((r) => setTimeout(r, 200));
    await ok(call(a, tokens.sitter, 'POST', `/api/v1/sessions/${sessionId}/check-ins`, { responsive: true, breathingNormally: true, concern: false }), 201);
    const waited = await until(() => stream.events.some((e) => e.event === 'sitter.check'), 2000);
    expect(waited).toBeLessThan(2000);
    const check = stream.events.find((e) => e.event === 'sitter.check');
    expect(check?.data).toMatchObject({ sessionId, patientId, kind: 'sitter.check' });
    stream.stop();

    await ok(call(a, tokens.patient, 'POST', `/api/v1/sessions/${sessionId}/vitals`, { phase: 'during', systolicMmHg: 124, diastolicMmHg: 80, heartRateBpm: 74, spo2Pct: 97 }), 201);
    await ok(call(a, tokens.sitter, 'POST', `/api/v1/sessions/${sessionId}/check-ins`, { responsive: true, breathingNormally: true, concern: false }), 201);
    const again = openStream(b, tokens.clinician, check?.id);
    await again.ready;
    await until(() => again.events.length >= 2, 3000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(again.events.map((e) => e.event)).toEqual(['vitals.recorded', 'sitter.check']);
    again.stop();
  }, 60_000);

  it('escalates an unacknowledged alert to the clinician on call', async () => {
    // A second clinician, put on call by the administrator through A.
    const onCallId = crypto.randomUUID();
    await query(
      `INSERT INTO users (id, email, name, role, status, password_hash, state_licenses) VALUES ($1, 'oncall@keel.test', 'Dr. On Call', 'clinician', 'active', $2, '{CA}')`,
      [onCallId, await hashPassword(password)],
    );
    const now = new Date();
    const local = (d: Date) => d.toISOString().slice(0, 16);
    // The demo's rota covers this hour already: the administrator cancels what overlaps the new shift first.
    const window = `from=${new Date(now.getTime() - 180_000).toISOString()}&to=${new Date(now.getTime() + 3_660_000).toISOString()}`;
    const existing = (await ok(call(a, tokens.admin, 'GET', `/api/v1/on-call/shifts?${window}`), 200))['items'] as { id: string }[];
    for (const shift of existing) await ok(call(a, tokens.admin, 'DELETE', `/api/v1/on-call/shifts/${shift.id}`), 200);
    await ok(call(a, tokens.admin, 'POST', '/api/v1/on-call/shifts', { clinicianId: onCallId, startsLocal: local(new Date(now.getTime() - 120_000)), endsLocal: local(new Date(now.getTime() + 3_600_000)), timeZone: 'UTC' }), 201);
    const concern = await ok(call(a, tokens.sitter, 'POST', `/api/v1/sessions/${sessionId}/concerns`, { emergency: true }), 201);
    const alert = (concern['alerts'] as { id: string; severity: string }[]).find((x) => x.severity === 'critical');
    expect(alert).toBeDefined();
    // Its deadline brought forward: the per-minute sweep of either process escalates it.
    await query(`UPDATE alerts SET escalate_at = now() - interval '1 second' WHERE id = $1`, [alert?.id]);
    await until(async () => (await query<{ escalated_to: string | null }>('SELECT escalated_to FROM alerts WHERE id = $1', [alert?.id])).rows[0]?.escalated_to !== null, 90_000);
    const row = (await query<{ escalated_to: string; on_call_notified: { escalation: { primaryId: string } } }>('SELECT escalated_to, on_call_notified FROM alerts WHERE id = $1', [alert?.id])).rows[0];
    expect(row?.escalated_to).toBe(onCallId);
    expect(row?.on_call_notified.escalation.primaryId).toBe(onCallId);
    const notice = await query<{ recipient: string }>(`SELECT recipient FROM notification_outbox WHERE cause = $1`, [`alert:${alert?.id}:escalation`]);
    expect(notice.rows.map((r) => r.recipient)).toEqual(['oncall@keel.test']);
  }, 120_000);
});
