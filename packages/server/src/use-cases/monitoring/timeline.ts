import { sql, type RawBuilder } from 'kysely';
import type { TimelineItem } from '@keel/contract';
import type { Relation } from '@keel/domain';
import type { UseCase } from '../deps.ts';
import { decodeKeyset, encodeKeyset, type Keyset } from './pagination.ts';

type TimelineType = TimelineItem['type'];

interface Branch {
  type: TimelineType;
  sql: (keyset: RawBuilder<boolean>, limit: number) => RawBuilder<unknown>;
}

// Each branch reads one table by (patient_id, time) and stops at `limit` rows older than the cursor, so a page
// costs at most (branches × limit) index reads however long the history is; the outer query merges them.
function branches(patientId: string): Branch[] {
  return [
    {
      type: 'assessment',
      sql: (k, n) => sql`(SELECT 'assessment'::text AS type, id::text AS id, submitted_at AS at,
        jsonb_build_object('instrument', instrument, 'total', total, 'band', band, 'flags', flags, 'context', context) AS detail
        FROM assessments WHERE patient_id = ${patientId} AND ${k} ORDER BY submitted_at DESC, id DESC LIMIT ${n})`,
    },
    {
      type: 'check_in',
      sql: (k, n) => sql`(SELECT 'check_in'::text, id::text, submitted_at,
        jsonb_build_object('mood0to10', mood_0_10, 'sleepHours', sleep_hours, 'craving0to10', craving_0_10,
          'usedOutsideSession', used_outside_session, 'bladderSymptoms', bladder_symptoms,
          'cognitiveComplaint', cognitive_complaint, 'sideEffects', side_effects)
        FROM check_ins WHERE patient_id = ${patientId} AND ${k} ORDER BY submitted_at DESC, id DESC LIMIT ${n})`,
    },
    {
      type: 'session',
      sql: (k, n) => sql`(SELECT 'session'::text, id::text, coalesce(completed_at, aborted_at, started_at, authorized_at, scheduled_for),
        jsonb_build_object('status', status, 'doseMg', dose_mg, 'scheduledFor', scheduled_for, 'authorizedAt', authorized_at,
          'startedAt', started_at, 'completedAt', completed_at)
        FROM dosing_sessions WHERE patient_id = ${patientId}
          AND ${k} ORDER BY 3 DESC, 2 DESC LIMIT ${n})`,
    },
    {
      type: 'gate_evaluation',
      sql: (k, n) => sql`(SELECT 'gate_evaluation'::text, id::text, evaluated_at,
        jsonb_build_object('outcome', outcome, 'reasonCodes', reason_codes, 'sessionId', session_id, 'doseMg', dose_mg)
        FROM gate_evaluations WHERE patient_id = ${patientId} AND ${k} ORDER BY evaluated_at DESC, id DESC LIMIT ${n})`,
    },
    {
      type: 'ledger_entry',
      sql: (k, n) => sql`(SELECT 'ledger_entry'::text, id::text, occurred_at,
        jsonb_build_object('kind', kind, 'units', units, 'sessionId', session_id, 'countedUnits', counted_units,
          'expectedUnits', expected_units)
        FROM ledger_entries WHERE patient_id = ${patientId} AND ${k} ORDER BY occurred_at DESC, id DESC LIMIT ${n})`,
    },
    {
      type: 'alert',
      sql: (k, n) => sql`(SELECT 'alert'::text, id::text, raised_at,
        jsonb_build_object('code', code, 'severity', severity, 'status', status, 'title', title)
        FROM alerts WHERE patient_id = ${patientId} AND ${k} ORDER BY raised_at DESC, id DESC LIMIT ${n})`,
    },
    {
      type: 'appointment',
      sql: (k, n) => sql`(SELECT 'appointment'::text, id::text, starts_at,
        jsonb_build_object('kind', kind, 'status', status, 'modality', modality, 'endsAt', ends_at)
        FROM appointments WHERE patient_id = ${patientId} AND ${k} ORDER BY starts_at DESC, id DESC LIMIT ${n})`,
    },
  ];
}

const timeColumn: Record<TimelineType, RawBuilder<unknown>> = {
  assessment: sql`submitted_at`,
  check_in: sql`submitted_at`,
  session: sql`coalesce(completed_at, aborted_at, started_at, authorized_at, scheduled_for)`,
  gate_evaluation: sql`evaluated_at`,
  ledger_entry: sql`occurred_at`,
  alert: sql`raised_at`,
  appointment: sql`starts_at`,
};

function keysetFilter(type: TimelineType, keyset: Keyset | null): RawBuilder<boolean> {
  if (!keyset) return sql<boolean>`TRUE`;
  return sql<boolean>`(${timeColumn[type]}, id::text) < (${keyset.at}::timestamptz, ${keyset.id}::text)`;
}

function summaryOf(type: TimelineType, d: Record<string, unknown>): string {
  const s = (k: string): string => {
    const v = d[k];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  };
  switch (type) {
    case 'assessment':
      return `${s('instrument')}${d['total'] === null ? '' : ` ${s('total')}`}${d['band'] ? ` (${s('band')})` : ''}`;
    case 'check_in':
      return `Check-in: mood ${s('mood0to10')}/10, craving ${s('craving0to10') || '–'}/10`;
    case 'session':
      return `Dosing session ${s('status')}${d['doseMg'] ? `, ${s('doseMg')} mg` : ''}`;
    case 'gate_evaluation':
      return d['outcome'] === 'authorized'
        ? 'Gate: authorized'
        : `Gate: blocked (${Array.isArray(d['reasonCodes']) ? (d['reasonCodes'] as string[]).join(', ') : ''})`;
    case 'ledger_entry':
      return `Ledger: ${s('kind')}${d['units'] === null || d['units'] === undefined ? '' : ` ${s('units')} unit(s)`}`;
    case 'alert':
      return `Alert (${s('severity')}, ${s('status')}): ${s('title')}`;
    case 'appointment':
      return `Appointment: ${s('kind').replaceAll('_', ' ')} (${s('status')})`;
  }
}

/**
 * Everything that happened to a patient, newest first: assessments, check-ins, sessions and gate decisions, the
 * ledger, alerts and appointments. The patient sees their own timeline without the alerts (the access policy
 * gives alerts to the care team; the patient sees crisis resources instead).
 */
export async function patientTimeline(
  { deps }: UseCase,
  patientId: string,
  relation: Relation,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: TimelineItem[]; nextCursor: string | null }> {
  const keyset = decodeKeyset(query.cursor);
  const n = query.limit + 1;
  const parts = branches(patientId)
    .filter((b) => relation !== 'self' || b.type !== 'alert')
    .map((b) => b.sql(keysetFilter(b.type, keyset), n));
  const union = sql.join(parts, sql` UNION ALL `);
  // The replica when there is one (DATABASE_READ_URL): a view of the record, read by no decision.
  const db = deps.database.reads.db;
  const result = await sql<{ type: TimelineType; id: string; at: Date; detail: Record<string, unknown> }>`
    SELECT type, id, at, detail FROM (${union}) t ORDER BY at DESC, id DESC LIMIT ${n}`.execute(db);
  const rows = result.rows;
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      type: r.type,
      id: r.id,
      at: new Date(r.at).toISOString(),
      summary: summaryOf(r.type, r.detail),
      detail: r.detail,
    })),
    nextCursor: rows.length > query.limit && last ? encodeKeyset({ at: last.at, id: last.id }) : null,
  };
}
