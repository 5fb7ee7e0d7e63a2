import { sql, type ExpressionBuilder } from 'kysely';
import {
  computeDueAssessments,
  type AssessmentCadence,
  type DueAssessment,
  type ScheduledAssessmentCode,
  type TreatmentPhase,
} from '@keel/domain';
import type { Database } from '../../db/schema.ts';
import type { Db } from '../../db/transaction.ts';

// What the assessment schedule needs to know about a patient, as correlated scalar subqueries over `p` (the
// patients row): each is one lookup on an (patient_id, instrument, submitted_at) index. The schedule route and the
// reminder sweep select these columns; the panel reads the same facts from patient_panel_summary, which the database
// keeps equal to them (migrations/0008-panel-summary.ts, test/monitoring/panel-summary.test.ts), and all three compute
// the due list with dueFromFacts, so they never disagree.

type PatientScope = ExpressionBuilder<Database & { p: Database['patients'] }, 'p'>;

const lastOf = (eb: PatientScope, instruments: readonly string[]) =>
  eb
    .selectFrom('assessments as sa')
    .select((s) => s.fn.max('sa.submitted_at').as('at'))
    .whereRef('sa.patient_id', '=', 'p.id')
    .where('sa.instrument', 'in', [...instruments]);

/** The schedule columns for the patient aliased `p`. */
export function scheduleFactColumns(eb: PatientScope) {
  return [
    eb
      .selectFrom('check_ins as sc')
      .select((s) => s.fn.max('sc.submitted_at').as('at'))
      .whereRef('sc.patient_id', '=', 'p.id')
      .as('last_checkin'),
    lastOf(eb, ['phq9']).as('last_phq9'),
    lastOf(eb, ['gad7']).as('last_gad7'),
    // The full AUDIT at intake contains AUDIT-C's three questions, so it counts as an AUDIT-C.
    lastOf(eb, ['audit-c', 'audit']).as('last_audit_c'),
    lastOf(eb, ['dast10']).as('last_dast10'),
    lastOf(eb, ['bladder']).as('last_bladder'),
    lastOf(eb, ['cssrs-screen']).as('last_cssrs'),
    eb
      .selectFrom('assessments as si')
      .select((s) => s.fn.max('si.submitted_at').as('at'))
      .whereRef('si.patient_id', '=', 'p.id')
      .where('si.instrument', '=', 'phq9')
      .where(sql<boolean>`'PHQ9_ITEM9_POSITIVE' = ANY(si.flags)`)
      .as('last_item9_positive'),
    eb
      .selectFrom('treatment_plans as tp')
      .select(sql<string | null>`tp.terms->>'phase'`.as('phase'))
      .whereRef('tp.patient_id', '=', 'p.id')
      .where('tp.status', '=', 'active')
      .limit(1)
      .as('phase'),
    'p.created_at as enrolled_at',
  ] as const;
}

export interface ScheduleFacts {
  last_checkin: Date | string | null;
  last_phq9: Date | string | null;
  last_gad7: Date | string | null;
  last_audit_c: Date | string | null;
  last_dast10: Date | string | null;
  last_bladder: Date | string | null;
  last_cssrs: Date | string | null;
  last_item9_positive: Date | string | null;
  phase: string | null;
  enrolled_at: Date | string;
}

const phases: readonly TreatmentPhase[] = ['induction', 'maintenance', 'taper'];
export const phaseOf = (value: string | null): TreatmentPhase | null =>
  value !== null && (phases as readonly string[]).includes(value) ? (value as TreatmentPhase) : null;

const iso = (v: Date | string | null): string | undefined => (v === null ? undefined : new Date(v).toISOString());

/** The due list for one patient from the facts the SQL selected. */
export function dueFromFacts(facts: ScheduleFacts, now: Date, cadence: AssessmentCadence): DueAssessment[] {
  const lastCompleted: Partial<Record<ScheduledAssessmentCode, string | undefined>> = {
    checkin: iso(facts.last_checkin),
    phq9: iso(facts.last_phq9),
    gad7: iso(facts.last_gad7),
    'audit-c': iso(facts.last_audit_c),
    dast10: iso(facts.last_dast10),
    bladder: iso(facts.last_bladder),
    'cssrs-screen': iso(facts.last_cssrs),
  };
  const item9 = iso(facts.last_item9_positive);
  return computeDueAssessments({
    phase: phaseOf(facts.phase),
    enrolledAt: new Date(facts.enrolled_at).toISOString(),
    lastCompleted,
    lastPhq9Item9Positive: item9 === undefined ? undefined : { at: item9 },
    now,
    cadence,
  });
}

export async function loadScheduleFacts(db: Db, patientId: string): Promise<ScheduleFacts | undefined> {
  return db
    .selectFrom('patients as p')
    .select((eb) => scheduleFactColumns(eb))
    .where('p.id', '=', patientId)
    .executeTakeFirst();
}
