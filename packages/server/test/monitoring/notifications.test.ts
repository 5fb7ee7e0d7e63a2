import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConsoleTransport,
  FileTransport,
  OutboxNotifier,
  SmtpTransport,
  WebhookTransport,
  type OutgoingMessage,
  type Transport,
} from '../../src/notifications/notifier.ts';
import { assignCareTeam, createPatient, createUser } from '../support/factories.ts';
import { createTestApp, MemoryTransport, type TestContext } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';
import { raiseFor } from './monitoring-fixtures.ts';
import { escalateAlerts } from '../../src/use-cases/alerts/escalate-alerts.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const message = (cause: string): OutgoingMessage => ({
  cause,
  channel: 'email',
  recipient: 'clinician@example.test',
  subject: 'Keel: a notice',
  body: 'Sign in to Keel: http://keel.test/\n',
});

/** Delivers only this test's messages: other tests' pending rows are not ours to send. */
async function pendingFor(prefix: string) {
  return t.database.db.selectFrom('notification_outbox').selectAll().where('cause', 'like', `${prefix}%`).orderBy('created_at').execute();
}

class FlakyTransport implements Transport {
  readonly sent: OutgoingMessage[] = [];
  constructor(private failures: number) {}
  send(m: OutgoingMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error('mail server unavailable'));
    }
    this.sent.push(m);
    return Promise.resolve();
  }
}

describe('the outbox', () => {
  it('records one message per cause and delivers it once', async () => {
    const prefix = `test:${crypto.randomUUID()}`;
    const transport = new MemoryTransport();
    const notifier = new OutboxNotifier({ email: transport, webhook: null });
    await notifier.enqueue(t.database.db, message(`${prefix}:a`), t.clock.now());
    await notifier.enqueue(t.database.db, { ...message(`${prefix}:a`), subject: 'a second try' }, t.clock.now());
    expect(await pendingFor(prefix)).toHaveLength(1);
    await notifier.deliverPending(t.database.db, t.clock.now(), 500);
    await notifier.deliverPending(t.database.db, t.clock.now(), 500);
    expect(transport.sent.filter((m) => m.cause.startsWith(prefix)).map((m) => m.subject)).toEqual(['Keel: a notice']);
    expect((await pendingFor(prefix))[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('keeps a message whose delivery failed and sends it on a later run (at least once); gives up after 8 tries', async () => {
    const prefix = `test:${crypto.randomUUID()}`;
    const flaky = new FlakyTransport(2);
    const notifier = new OutboxNotifier({ email: flaky, webhook: null });
    await notifier.enqueue(t.database.db, message(`${prefix}:b`), t.clock.now());
    // Other tests' rows may be pending too: deliver until ours is done, a bounded number of times.
    for (let i = 0; i < 20 && (await pendingFor(prefix))[0]?.status === 'pending'; i++) {
      await notifier.deliverPending(t.database.db, t.clock.now(), 500);
    }
    const [row] = await pendingFor(prefix);
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
    expect(flaky.sent.filter((m) => m.cause.startsWith(prefix))).toHaveLength(1);

    const dead = `test:${crypto.randomUUID()}`;
    const never = new OutboxNotifier({ email: new FlakyTransport(1_000), webhook: null });
    await never.enqueue(t.database.db, message(`${dead}:c`), t.clock.now());
    for (let i = 0; i < 40 && (await pendingFor(dead))[0]?.status === 'pending'; i++) {
      await never.deliverPending(t.database.db, t.clock.now(), 500);
    }
    expect((await pendingFor(dead))[0]).toMatchObject({ status: 'failed', attempts: 8, last_error: 'mail server unavailable' });
  });

  it.runIf(onPostgres)('sends each message once when several processes deliver at the same time', async () => {
    const prefix = `test:${crypto.randomUUID()}`;
    const transport = new MemoryTransport();
    const notifier = new OutboxNotifier({ email: transport, webhook: null });
    for (let i = 0; i < 30; i++) await notifier.enqueue(t.database.db, message(`${prefix}:${i}`), t.clock.now());
    await Promise.all(Array.from({ length: 6 }, () => notifier.deliverPending(t.database.db, t.clock.now(), 200)));
    const mine = transport.sent.filter((m) => m.cause.startsWith(prefix)).map((m) => m.cause);
    expect(mine).toHaveLength(30);
    expect(new Set(mine).size).toBe(30);
  });

  it('never puts health details in alert notices: no patient name, id, alert code or finding', async () => {
    const clinician = await createUser(t, 'clinician');
    const backup = await createUser(t, 'clinician');
    const patient = await createPatient(t, { name: 'Quinn Uniquename' });
    await assignCareTeam(t, patient.patientId, clinician.id, 'clinician');
    await t.database.db
      .insertInto('care_team_members')
      .values({ id: crypto.randomUUID(), patient_id: patient.patientId, user_id: backup.id, member_role: 'clinician', is_primary: false, assigned_at: t.clock.now(), assigned_by: null, unassigned_at: null })
      .execute();
    const at = t.clock.now().toISOString();
    const raised = [
      ...(await raiseFor(t, patient.patientId, { kind: 'phq9_submitted', assessmentId: crypto.randomUUID(), at, item9Points: 2, item9Positive: true })),
      ...(await raiseFor(t, patient.patientId, { kind: 'cssrs_submitted', assessmentId: crypto.randomUUID(), at, risk: 'high' })),
      ...(await raiseFor(t, patient.patientId, { kind: 'adverse_event_reported', adverseEventId: crypto.randomUUID(), at, serious: true })),
      ...(await raiseFor(t, patient.patientId, { kind: 'message_sent', messageId: crypto.randomUUID(), at, senderRole: 'patient', text: 'I want to kill myself' })),
    ];
    t.clock.advanceMinutes(31);
    await escalateAlerts(t.deps, {}, t.clock.now());
    const notices = await t.database.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('cause', 'in', raised.flatMap((a) => [`alert:${a.id}:owner`, `alert:${a.id}:escalation`]))
      .execute();
    expect(notices).toHaveLength(raised.length * 2);
    const forbidden = new RegExp(
      ['Quinn', 'Uniquename', patient.patientId, ...raised.map((a) => a.code), 'PHQ', 'C-SSRS', 'suicid', 'kill', 'adverse', 'item 9'].join('|'),
      'i',
    );
    for (const n of notices) {
      expect(`${n.subject}\n${n.body}`).not.toMatch(forbidden);
      expect(n.body).toContain('http://keel.test/');
    }
  });
});

describe('transports', () => {
  it('console and file (development) write the notice', async () => {
    const lines: string[] = [];
    await new ConsoleTransport((l) => lines.push(l)).send(message('c'));
    expect(lines.join('')).toContain('subject=Keel: a notice');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keel-mail-')), 'outbox.log');
    await new FileTransport(file).send(message('f'));
    expect(JSON.parse(fs.readFileSync(file, 'utf8').trim())).toMatchObject({ cause: 'f', subject: 'Keel: a notice' });
  });

  it('SMTP delivers to a mail server (a minimal one on 127.0.0.1)', async () => {
    const received: { from: string; to: string[]; data: string }[] = [];
    const server = net.createServer((socket) => {
      let buffer = '';
      let inData = false;
      let mail = { from: '', to: [] as string[], data: '' };
      socket.write('220 test.local ESMTP\r\n');
      socket.on('data', (chunk) => {
        buffer += chunk.toString('utf8');
        let idx: number;
        while ((idx = buffer.indexOf('\r\n')) >= 0) {
          const line = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          if (inData) {
            if (line === '.') {
              inData = false;
              received.push(mail);
              mail = { from: '', to: [], data: '' };
              socket.write('250 OK queued\r\n');
            } else mail.data += `${line}\n`;
            continue;
          }
          const verb = line.slice(0, 4).toUpperCase();
          if (verb === 'EHLO' || verb === 'HELO') socket.write('250-test.local\r\n250 8BITMIME\r\n');
          else if (verb === 'MAIL') {
            mail.from = line;
            socket.write('250 OK\r\n');
          } else if (verb === 'RCPT') {
            mail.to.push(line);
            socket.write('250 OK\r\n');
          } else if (verb === 'DATA') {
            inData = true;
            socket.write('354 go ahead\r\n');
          } else if (verb === 'QUIT') {
            socket.write('221 bye\r\n');
            socket.end();
          } else socket.write('250 OK\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      await new SmtpTransport(`smtp://127.0.0.1:${port}?ignoreTLS=true`).send(message('smtp'));
    } finally {
      server.close();
    }
    expect(received).toHaveLength(1);
    expect(received[0]?.to.join()).toContain('clinician@example.test');
    expect(received[0]?.data).toContain('Subject: Keel: a notice');
    expect(received[0]?.data).toContain('Sign in to Keel');
  });

  it('the webhook is signed with HMAC-SHA256 over "timestamp.body", and a refusal is an error to retry', async () => {
    const secret = 'a-webhook-secret-of-good-length';
    const seen: { verified: boolean; body: Record<string, unknown> }[] = [];
    let answer = 200;
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const timestamp = String(req.headers['x-keel-timestamp']);
        const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
        seen.push({ verified: req.headers['x-keel-signature'] === expected, body: JSON.parse(raw) as Record<string, unknown> });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const transport = new WebhookTransport(`http://127.0.0.1:${port}/page`, secret);
      await transport.send({ ...message('hook'), channel: 'webhook', recipient: 'paging' });
      expect(seen[0]).toMatchObject({ verified: true, body: { cause: 'hook', subject: 'Keel: a notice' } });
      const forged = new WebhookTransport(`http://127.0.0.1:${port}/page`, 'another-secret-entirely-x');
      await forged.send({ ...message('forged'), channel: 'webhook', recipient: 'paging' });
      expect(seen[1]?.verified).toBe(false);
      answer = 503;
      await expect(transport.send({ ...message('down'), channel: 'webhook', recipient: 'paging' })).rejects.toThrow(/503/);
    } finally {
      server.close();
    }
  });
});
