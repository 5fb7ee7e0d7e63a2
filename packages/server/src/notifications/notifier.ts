import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import type { Db } from '../db/transaction.ts';

export interface OutgoingMessage {
  /** The deduplication key: one message per cause, however often the cause is recorded. */
  cause: string;
  channel: 'email' | 'webhook';
  recipient: string;
  subject: string;
  /** Never health details: a short notice and a link to sign in. */
  body: string;
}

export interface Transport {
  send(message: OutgoingMessage): Promise<void>;
}

export interface Notifier {
  /** Records the message in the outbox inside the caller's transaction. */
  enqueue(tx: Db, message: OutgoingMessage, now: Date): Promise<void>;
  /** Delivers pending messages (at least once); safe to run from several processes at once. */
  deliverPending(db: Db, now: Date, batchSize?: number): Promise<{ sent: number; failed: number }>;
}

export class ConsoleTransport implements Transport {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line)) {}
  send(m: OutgoingMessage): Promise<void> {
    this.write(`\n[keel mail] to=${m.recipient} subject=${m.subject}\n${m.body}\n`);
    return Promise.resolve();
  }
}

export class FileTransport implements Transport {
  constructor(private readonly file: string) {}
  send(m: OutgoingMessage): Promise<void> {
    fs.mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
    fs.appendFileSync(this.file, JSON.stringify({ ...m, at: new Date().toISOString() }) + '\n');
    return Promise.resolve();
  }
}

export class SmtpTransport implements Transport {
  private transporter: Promise<{ sendMail(o: object): Promise<unknown> }>;
  constructor(url: string, private readonly from = 'Keel <no-reply@keel.invalid>') {
    this.transporter = import('nodemailer').then((m) => m.default.createTransport(url));
  }
  async send(m: OutgoingMessage): Promise<void> {
    await (await this.transporter).sendMail({ from: this.from, to: m.recipient, subject: m.subject, text: m.body });
  }
}

/** Posts the message to a clinic's paging system, signed with HMAC-SHA256 over `timestamp.body`. */
export class WebhookTransport implements Transport {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}
  async send(m: OutgoingMessage): Promise<void> {
    const body = JSON.stringify({ cause: m.cause, recipient: m.recipient, subject: m.subject, body: m.body });
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const signature = createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex');
    const response = await this.fetchImpl(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-keel-timestamp': timestamp, 'x-keel-signature': `sha256=${signature}` },
      body,
    });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  }
}

export function transportsFromConfig(config: Config): { email: Transport; webhook: Transport | null } {
  const email: Transport =
    config.KEEL_MAIL_TRANSPORT === 'smtp' && config.KEEL_SMTP_URL
      ? new SmtpTransport(config.KEEL_SMTP_URL)
      : config.KEEL_MAIL_TRANSPORT === 'file'
        ? new FileTransport(config.KEEL_MAIL_FILE)
        : new ConsoleTransport();
  const webhook =
    config.KEEL_WEBHOOK_URL && config.KEEL_WEBHOOK_SECRET
      ? new WebhookTransport(config.KEEL_WEBHOOK_URL, config.KEEL_WEBHOOK_SECRET)
      : null;
  return { email, webhook };
}

const maxAttempts = 8;

export class OutboxNotifier implements Notifier {
  constructor(private readonly transports: { email: Transport; webhook: Transport | null }) {}

  async enqueue(tx: Db, message: OutgoingMessage, now: Date): Promise<void> {
    await tx
      .insertInto('notification_outbox')
      .values({ id: crypto.randomUUID(), ...message, created_at: now, last_error: null, sent_at: null })
      .onConflict((oc) => oc.column('cause').doNothing())
      .execute();
  }

  async deliverPending(db: Db, now: Date, batchSize = 20): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    // Each message is claimed with SKIP LOCKED inside its own transaction, so two processes never send one
    // message at the same time; a crash before commit leaves it pending and it is sent again (at least once).
    for (let i = 0; i < batchSize; i++) {
      const done = await db.transaction().execute(async (tx) => {
        const row = await sql<{ id: string; cause: string; channel: 'email' | 'webhook'; recipient: string; subject: string; body: string; attempts: number }>`
          SELECT id, cause, channel, recipient, subject, body, attempts FROM notification_outbox
          WHERE status = 'pending' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(tx);
        const m = row.rows[0];
        if (!m) return 'empty' as const;
        const transport = m.channel === 'email' ? this.transports.email : this.transports.webhook;
        try {
          if (!transport) throw new Error('no transport configured for this channel');
          await transport.send(m);
          await tx.updateTable('notification_outbox').set({ status: 'sent', sent_at: now, attempts: m.attempts + 1 }).where('id', '=', m.id).execute();
          return 'sent' as const;
        } catch (error) {
          const attempts = m.attempts + 1;
          await tx
            .updateTable('notification_outbox')
            .set({ attempts, status: attempts >= maxAttempts ? 'failed' : 'pending', last_error: (error as Error).message.slice(0, 500) })
            .where('id', '=', m.id)
            .execute();
          return 'failed' as const;
        }
      });
      if (done === 'empty') break;
      if (done === 'sent') sent++;
      else failed++;
      if (done === 'failed') break;
    }
    return { sent, failed };
  }
}
