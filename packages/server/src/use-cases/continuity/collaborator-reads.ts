// Reads of other areas' tables, by the names and columns of docs/data-model.md (the contract between areas).
// Raw SQL keeps this module independent of how each area types its tables.
import { sql } from 'kysely';
import type { Db } from '../../db/transaction.ts';

export interface CompletedSession {
  id: string;
  completedAt: Date;
  doseMg: number | null;
}

export async function completedSessions(db: Db, patientId: string): Promise<CompletedSession[]> {
  const { rows } = await sql<{ id: string; completed_at: Date | string; dose_mg: string | number | null }>`
    SELECT id, completed_at, dose_mg FROM dosing_sessions
    WHERE patient_id = ${patientId} AND status = 'completed' AND completed_at IS NOT NULL
    ORDER BY completed_at`.execute(db);
  return rows.map((r) => ({ id: r.id, completedAt: new Date(r.completed_at), doseMg: r.dose_mg === null ? null : Number(r.dose_mg) }));
}

/** The first dose: the earliest session that was authorized (the clinical basis's "before the first dose"). */
export async function firstDoseAt(db: Db, patientId: string): Promise<Date | null> {
  const { rows } = await sql<{ first: Date | string | null }>`
    SELECT min(authorized_at) AS first FROM dosing_sessions
    WHERE patient_id = ${patientId} AND authorized_at IS NOT NULL`.execute(db);
  const first = rows[0]?.first;
  return first ? new Date(first) : null;
}

export interface ActivePlan {
  id: string;
  version: number;
  terms: Record<string, unknown>;
  signedAt: Date | null;
}

export async function activePlan(db: Db, patientId: string): Promise<ActivePlan | null> {
  const { rows } = await sql<{ id: string; version: number; terms: Record<string, unknown>; signed_at: Date | string | null }>`
    SELECT id, version, terms, signed_at FROM treatment_plans
    WHERE patient_id = ${patientId} AND status = 'active'
    ORDER BY version DESC LIMIT 1`.execute(db);
  const r = rows[0];
  return r ? { id: r.id, version: Number(r.version), terms: r.terms, signedAt: r.signed_at ? new Date(r.signed_at) : null } : null;
}

export async function intakeAnswers(db: Db, patientId: string): Promise<Record<string, unknown> | null> {
  const { rows } = await sql<{ answers: Record<string, unknown> | null }>`
    SELECT answers FROM intakes WHERE patient_id = ${patientId}`.execute(db);
  return rows[0]?.answers ?? null;
}

export interface ScoreRow {
  id: string;
  at: string;
  total: number;
}

export async function instrumentScores(db: Db, patientId: string, instrument: 'phq9' | 'gad7'): Promise<ScoreRow[]> {
  const { rows } = await sql<{ id: string; submitted_at: Date | string; total: number | null }>`
    SELECT id, submitted_at, total FROM assessments
    WHERE patient_id = ${patientId} AND instrument = ${instrument} AND total IS NOT NULL
    ORDER BY submitted_at`.execute(db);
  return rows.map((r) => ({ id: r.id, at: new Date(r.submitted_at).toISOString(), total: Number(r.total) }));
}
