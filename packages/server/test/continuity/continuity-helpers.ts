import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { bearer, type createCareWorld } from '../support/factories.ts';
import type { TestContext } from '../support/test-app.ts';

export type CareWorld = Awaited<ReturnType<typeof createCareWorld>>;

/** Weekday office hours (Mon–Fri 09:00–17:00) in `timeZone` for a staff member, set through the API. */
export async function setOfficeHours(t: TestContext, token: string, staffId: string, timeZone = 'America/New_York', extra: { exceptions?: unknown[] } = {}) {
  const weekly = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
  const response = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/staff/${staffId}/availability`,
    headers: bearer(token),
    payload: { timeZone, weekly, exceptions: extra.exceptions ?? [] },
  });
  if (response.statusCode !== 200) throw new Error(`availability: ${response.statusCode} ${response.body}`);
  return response.json();
}

// Rows of other areas' tables, written with the columns of docs/data-model.md (the contract between areas).

export async function seedCompletedSession(t: TestContext, patientId: string, createdBy: string, completedAt: Date, doseMg = 300): Promise<string> {
  const id = crypto.randomUUID();
  const authorizedAt = new Date(completedAt.getTime() - 2 * 3_600_000);
  await sql`
    INSERT INTO dosing_sessions (id, patient_id, plan_id, status, scheduled_for, authorized_at, dose_mg, started_at, completed_at, created_by, created_at)
    VALUES (${id}, ${patientId}, NULL, 'completed', ${authorizedAt}, ${authorizedAt}, ${doseMg}, ${authorizedAt}, ${completedAt}, ${createdBy}, ${authorizedAt})`.execute(t.database.db);
  return id;
}

export async function seedIntake(t: TestContext, patientId: string, answers: Record<string, unknown>): Promise<void> {
  const now = t.clock.now();
  await sql`
    INSERT INTO intakes (id, patient_id, status, answers, submitted_at, decided_at, created_at, updated_at)
    VALUES (${crypto.randomUUID()}, ${patientId}, 'approved', ${JSON.stringify(answers)}::jsonb, ${now}, ${now}, ${now}, ${now})`.execute(t.database.db);
}

export async function seedActivePlan(t: TestContext, patientId: string, clinicianId: string, terms: Record<string, unknown>): Promise<void> {
  const now = t.clock.now();
  await sql`
    INSERT INTO treatment_plans (id, patient_id, version, status, terms, terms_sha256, created_by, created_at, updated_at, signed_by, signed_at)
    VALUES (${crypto.randomUUID()}, ${patientId}, 1, 'active', ${JSON.stringify(terms)}::jsonb, 'test', ${clinicianId}, ${now}, ${now}, ${clinicianId}, ${now})`.execute(t.database.db);
}

export async function seedScore(t: TestContext, patientId: string, by: string, instrument: 'phq9' | 'gad7', total: number, at: Date): Promise<void> {
  await sql`
    INSERT INTO assessments (id, patient_id, instrument, version, answers, total, band, flags, risk, context, submitted_by, submitted_at)
    VALUES (${crypto.randomUUID()}, ${patientId}, ${instrument}, '1', '{}'::jsonb, ${total}, 'test', '{}', NULL, 'followup', ${by}, ${at})`.execute(t.database.db);
}

export async function seedFollowUp(t: TestContext, patientId: string, dueAt: Date, cause = `test:${crypto.randomUUID()}`): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insertInto('follow_ups')
    .values({ id, patient_id: patientId, reason: 'Clinician follow-up after session', cause, due_at: dueAt, created_at: t.clock.now(), completed_at: null, completed_by: null, visit_id: null })
    .execute();
  return id;
}

// ---------------------------------------------------------------------------------------------------------------
// PDF → PNG (poppler's pdftoppm) and a small PNG reader (zlib only) to prove a page is not blank.

export function pdfFirstPageToPng(pdf: Buffer): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-pdf-'));
  try {
    const input = path.join(dir, 'in.pdf');
    fs.writeFileSync(input, pdf);
    execFileSync('pdftoppm', ['-png', '-gray', '-r', '50', '-f', '1', '-l', '1', '-singlefile', input, path.join(dir, 'page')]);
    return fs.readFileSync(path.join(dir, 'page.png'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-pdf-'));
  try {
    const input = path.join(dir, 'in.pdf');
    fs.writeFileSync(input, pdf);
    return execFileSync('pdftotext', ['-layout', input, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Decodes an 8-bit greyscale or RGB(A) PNG into rows of grey levels (0 black … 255 white). */
export function decodePng(png: Buffer): { width: number; height: number; grey: Uint8Array } {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString('ascii');
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8) throw new Error('only 8-bit PNGs');
      colorType = data[9] ?? 0;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const channels = colorType === 0 ? 1 : colorType === 2 ? 3 : colorType === 4 ? 2 : colorType === 6 ? 4 : 0;
  if (channels === 0) throw new Error(`unsupported colour type ${colorType}`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const byte = raw[y * (stride + 1) + 1 + x] ?? 0;
      const a = x >= channels ? (out[y * stride + x - channels] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= channels && y > 0 ? (out[(y - 1) * stride + x - channels] ?? 0) : 0;
      let value: number;
      switch (filter) {
        case 0: value = byte; break;
        case 1: value = byte + a; break;
        case 2: value = byte + b; break;
        case 3: value = byte + Math.floor((a + b) / 2); break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          value = byte + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default: throw new Error(`bad filter ${filter}`);
      }
      out[y * stride + x] = value & 0xff;
    }
  }
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) grey[i] = out[i * channels] ?? 255;
  return { width, height, grey };
}

export function darkPixelShare(png: Buffer): number {
  const { grey } = decodePng(png);
  let dark = 0;
  for (const v of grey) if (v < 200) dark++;
  return dark / grey.length;
}
