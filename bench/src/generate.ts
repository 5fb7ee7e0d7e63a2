// Synthetic program generator: N patients with about six months of history each (users, patients, care team,
// intakes, weekly PHQ-9/GAD-7 and monthly screens, the prescribing record — pathway, signed plan, a PDMP check
// before each fill, the clinicians' credentials —, dosing sessions with their gate decisions, dispenses and the
// ledger, daily-then-twice-weekly check-ins, integration appointments, a few alerts, the current risk tier).
//
// Bulk-loaded: each table is written with one INSERT … SELECT FROM unnest($1::type[], …) per batch of patients
// (one parameter per column, no per-row round trips), on one connection with session_replication_role = replica
// so row triggers (foreign keys, the ledger balance trigger, the appointment slot check) do not fire per row;
// the generator writes the derived rows (ledger balances) itself, consistent with the entries.
import type pg from 'pg';
import { samplePlanTerms } from '../../packages/domain/src/plan/fixtures.ts';
import { seededRandom } from '../../packages/server/src/demo/seeded-random.ts';

const DAY = 86_400_000;


type Col = { name: string; type: string; expr?: string };

/** A column-oriented batch for one table: values pushed row by row, inserted with one unnest statement. */
class Batch {
  /** Columns fed from the generator (one unnest array each); the others are SQL expressions over them. */
  private readonly params: readonly Col[];
  readonly columns: unknown[][];
  constructor(
    readonly table: string,
    readonly cols: readonly Col[],
  ) {
    this.params = cols.filter((c) => c.expr === undefined || c.expr.includes(`u.${c.name}`));
    this.columns = this.params.map(() => []);
  }
  /** Values for the parameter columns, in their order. */
  push(...values: unknown[]): void {
    for (let i = 0; i < this.params.length; i++) this.columns[i]?.push(values[i] ?? null);
  }
  get size(): number {
    return this.columns[0]?.length ?? 0;
  }
  async flush(client: pg.PoolClient): Promise<number> {
    const n = this.size;
    if (n === 0) return 0;
    const names = this.cols.map((c) => c.name).join(', ');
    const args = this.params.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
    const aliases = this.params.map((c) => c.name).join(', ');
    const select = this.cols.map((c) => c.expr ?? `u.${c.name}`).join(', ');
    await client.query(`INSERT INTO ${this.table} (${names}) SELECT ${select} FROM unnest(${args}) AS u(${aliases})`, this.columns);
    for (const c of this.columns) c.length = 0;
    return n;
  }
}

export interface GenerateOptions {
  patients: number;
  now: Date;
  passwordHash: string;
  /** The clinician whose panel the benchmark reads gets exactly this many patients. */
  panelSize: number;
  progress: (done: number, total: number, rows: number) => void;
}

export interface GeneratedProgram {
  panelClinicianId: string;
  adminUserId: string;
  patients: { patientId: string; userId: string }[];
  rows: number;
}

/** The terms of every generated patient's active plan: maintenance at 300 mg, as their sessions are dosed. */
const maintenanceTerms = samplePlanTerms({ phase: 'maintenance', sessionsPlanned: 12, goals: ['PHQ-9 below 10 and kept there'] });

const tables = () => ({
  users: new Batch('users', [
    { name: 'id', type: 'uuid' },
    { name: 'email', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'role', type: 'text' },
    { name: 'password_hash', type: 'text' },
    { name: 'created_at', type: 'timestamptz' },
  ]),
  patients: new Batch('patients', [
    { name: 'id', type: 'uuid' },
    { name: 'user_id', type: 'uuid' },
    { name: 'name', type: 'text' },
    { name: 'date_of_birth', type: 'date' },
    { name: 'state', type: 'text' },
    { name: 'sex_at_birth', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'created_at', type: 'timestamptz' },
  ]),
  care: new Batch('care_team_members', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'user_id', type: 'uuid' },
    { name: 'member_role', type: 'text' },
    { name: 'is_primary', type: 'bool' },
    { name: 'assigned_at', type: 'timestamptz' },
  ]),
  intakes: new Batch('intakes', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'status', type: 'text' },
    { name: 'screening', type: 'text', expr: 'u.screening::jsonb' },
    { name: 'eligibility', type: 'text' },
    { name: 'risk_tier', type: 'text' },
    { name: 'submitted_at', type: 'timestamptz' },
    { name: 'decided_at', type: 'timestamptz' },
    { name: 'created_at', type: 'timestamptz' },
    { name: 'updated_at', type: 'timestamptz' },
  ]),
  assessments: new Batch('assessments', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'instrument', type: 'text' },
    { name: 'version', type: 'text', expr: "'1.0'" },
    { name: 'answers', type: 'text', expr: "'{}'::jsonb" },
    { name: 'total', type: 'int4' },
    { name: 'band', type: 'text' },
    { name: 'context', type: 'text' },
    { name: 'submitted_by', type: 'uuid' },
    { name: 'submitted_at', type: 'timestamptz' },
  ]),
  sessions: new Batch('dosing_sessions', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'status', type: 'text' },
    { name: 'scheduled_for', type: 'timestamptz' },
    { name: 'authorized_at', type: 'timestamptz' },
    { name: 'dose_mg', type: 'float8' },
    { name: 'started_at', type: 'timestamptz' },
    { name: 'completed_at', type: 'timestamptz' },
    { name: 'created_by', type: 'uuid' },
    { name: 'created_at', type: 'timestamptz' },
  ]),
  gate: new Batch('gate_evaluations', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'session_id', type: 'uuid' },
    { name: 'evaluated_at', type: 'timestamptz' },
    { name: 'outcome', type: 'text' },
    { name: 'reason_codes', type: 'text', expr: "CASE WHEN u.reason_codes IS NULL THEN '{}'::text[] ELSE ARRAY[u.reason_codes] END" },
    { name: 'reasons', type: 'text', expr: "'[]'::jsonb" },
    { name: 'dose_mg', type: 'float8' },
  ]),
  dispenses: new Batch('dispenses', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'substance', type: 'text', expr: "'ketamine'" },
    { name: 'form', type: 'text', expr: "'sublingual tablet'" },
    { name: 'strength_mg', type: 'float8', expr: '150' },
    { name: 'units', type: 'int4' },
    { name: 'dispensed_at', type: 'timestamptz' },
    { name: 'patient_name', type: 'text' },
    { name: 'ship_to', type: 'text', expr: "'1 Synthetic Street'" },
    { name: 'prescriber_id', type: 'uuid' },
    { name: 'prescriber_dea_registration', type: 'text', expr: "'FB0000000'" },
    { name: 'dispenser', type: 'text', expr: "'Synthetic Pharmacy'" },
    { name: 'recorded_by', type: 'uuid' },
    { name: 'created_at', type: 'timestamptz' },
  ]),
  ledger: new Batch('ledger_entries', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'kind', type: 'text' },
    { name: 'units', type: 'int4' },
    { name: 'occurred_at', type: 'timestamptz' },
    { name: 'recorded_by', type: 'uuid' },
    { name: 'recorded_at', type: 'timestamptz' },
    { name: 'session_id', type: 'uuid' },
    { name: 'dispense_id', type: 'uuid' },
    { name: 'counted_units', type: 'int4' },
    { name: 'expected_units', type: 'int4' },
  ]),
  balances: new Batch('ledger_balances', [
    { name: 'patient_id', type: 'uuid' },
    { name: 'on_hand_units', type: 'int4' },
    { name: 'updated_at', type: 'timestamptz' },
  ]),
  checkIns: new Batch('check_ins', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'submitted_at', type: 'timestamptz' },
    { name: 'submitted_by', type: 'uuid' },
    { name: 'mood_0_10', type: 'int2' },
    { name: 'sleep_hours', type: 'numeric' },
    { name: 'craving_0_10', type: 'int2' },
    { name: 'used_outside_session', type: 'bool' },
    { name: 'bladder_symptoms', type: 'bool' },
    { name: 'cognitive_complaint', type: 'bool' },
  ]),
  appointments: new Batch('appointments', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'staff_id', type: 'uuid' },
    { name: 'kind', type: 'text', expr: "'integration'" },
    { name: 'starts_at', type: 'timestamptz' },
    { name: 'ends_at', type: 'timestamptz', expr: "u.starts_at + interval '1 hour'" },
    { name: 'status', type: 'text' },
    { name: 'modality', type: 'text', expr: "'audio_video'" },
    { name: 'booked_by', type: 'uuid' },
    { name: 'created_at', type: 'timestamptz' },
  ]),
  alerts: new Batch('alerts', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'code', type: 'text' },
    { name: 'severity', type: 'text' },
    { name: 'holds_dosing', type: 'bool' },
    { name: 'cause', type: 'text' },
    { name: 'title', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'owner_id', type: 'uuid' },
    { name: 'raised_at', type: 'timestamptz' },
    { name: 'escalate_at', type: 'timestamptz' },
    { name: 'escalated_at', type: 'timestamptz', expr: 'u.escalate_at' },
  ]),
  // The prescribing-compliance record the panel's compliance column reads (docs/compliance.md): the signed plan,
  // the prescribing pathway, the PDMP checks and (per clinician, below) the prescriber's credentials.
  plans: new Batch('treatment_plans', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'version', type: 'int4', expr: '1' },
    { name: 'status', type: 'text', expr: "'active'" },
    { name: 'terms', type: 'text', expr: `'${JSON.stringify(maintenanceTerms).replaceAll("'", "''")}'::jsonb` },
    { name: 'terms_sha256', type: 'text', expr: "'bench'" },
    { name: 'created_by', type: 'uuid' },
    { name: 'created_at', type: 'timestamptz' },
    { name: 'updated_at', type: 'timestamptz', expr: 'u.created_at' },
    { name: 'signed_by', type: 'uuid', expr: 'u.created_by' },
    { name: 'signed_at', type: 'timestamptz', expr: 'u.created_at' },
  ]),
  pathways: new Batch('prescribing_pathways', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'kind', type: 'text', expr: "'in_person_evaluation'" },
    { name: 'details', type: 'text', expr: "jsonb_build_object('evaluatedOn', to_char(u.signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'location', 'Bench clinic', 'attestation', true)" },
    { name: 'prescriber_id', type: 'uuid' },
    { name: 'signed_at', type: 'timestamptz' },
  ]),
  pdmp: new Batch('pdmp_checks', [
    { name: 'id', type: 'uuid' },
    { name: 'patient_id', type: 'uuid' },
    { name: 'checked_at', type: 'timestamptz' },
    { name: 'checked_by', type: 'uuid' },
    { name: 'other_controlled_prescriptions', type: 'bool', expr: 'false' },
    { name: 'states', type: 'text', expr: 'ARRAY[u.states]' },
    { name: 'result_summary', type: 'text', expr: "'No other controlled prescriptions.'" },
    { name: 'recorded_at', type: 'timestamptz', expr: 'u.checked_at' },
  ]),
  risk: new Batch('patient_risk', [
    { name: 'patient_id', type: 'uuid' },
    { name: 'tier', type: 'text' },
    { name: 'evaluated_at', type: 'timestamptz' },
  ]),
});

const firstNames = ['Alex', 'Blair', 'Casey', 'Devon', 'Emery', 'Finley', 'Gray', 'Harper', 'Indy', 'Jules', 'Kendall', 'Logan', 'Morgan', 'Noel', 'Oakley', 'Parker', 'Quinn', 'Reese', 'Sage', 'Taylor'];
const lastNames = ['Abbott', 'Brooks', 'Chen', 'Diaz', 'Ellis', 'Flores', 'Garcia', 'Hughes', 'Ibarra', 'Jones', 'Khan', 'Lopez', 'Mills', 'Novak', 'Ortiz', 'Patel', 'Quist', 'Reyes', 'Silva', 'Tran'];
const states = ['CA', 'NY', 'TX', 'WA', 'CO', 'OR'];
const band = (total: number) => (total < 5 ? 'minimal' : total < 10 ? 'mild' : total < 15 ? 'moderate' : total < 20 ? 'moderately_severe' : 'severe');
const iso = (ms: number) => new Date(ms).toISOString();

export async function generateProgram(pool: pg.Pool, options: GenerateOptions): Promise<GeneratedProgram> {
  const random = seededRandom(20260601);
  // The prescribing record draws from its own stream, so the rest of the program is the one generated before it was
  // added (the figures of earlier runs stay comparable).
  const prescribingRandom = seededRandom(20261205);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const nowMs = options.now.getTime();
  const client = await pool.connect();
  let rows = 0;
  try {
    await client.query('SET session_replication_role = replica');
    // Staff: one clinician and one coach per 250 patients; the first clinician's panel is exactly `panelSize`.
    const staff = tables().users;
    const care = Math.max(1, Math.ceil(options.patients / 250));
    const clinicians: string[] = [];
    const coaches: string[] = [];
    for (let i = 0; i < care; i++) {
      const c = crypto.randomUUID();
      const k = crypto.randomUUID();
      clinicians.push(c);
      coaches.push(k);
      staff.push(c, `bench.clinician.${i}@keel.bench`, `Dr. Bench ${i}`, 'clinician', options.passwordHash, iso(nowMs - 200 * DAY));
      staff.push(k, `bench.coach.${i}@keel.bench`, `Coach Bench ${i}`, 'coach', options.passwordHash, iso(nowMs - 200 * DAY));
    }
    // Each clinician's state licence and DEA registration (Schedules II–V) in every state the program serves.
    const credentials = new Batch('prescriber_credentials', [
      { name: 'id', type: 'uuid' },
      { name: 'clinician_id', type: 'uuid' },
      { name: 'kind', type: 'text' },
      { name: 'number', type: 'text' },
      { name: 'state', type: 'text' },
      { name: 'schedules', type: 'text', expr: "CASE WHEN u.kind = 'dea_registration' THEN ARRAY['II', 'IIN', 'III', 'IIIN', 'IV', 'V'] ELSE '{}'::text[] END" },
      { name: 'expires_on', type: 'text' },
      { name: 'document_name', type: 'text', expr: "'credential.pdf'" },
      { name: 'document_content_type', type: 'text', expr: "'application/pdf'" },
      { name: 'document', type: 'bytea', expr: "convert_to('%PDF-1.4 bench credential', 'UTF8')" },
      { name: 'created_at', type: 'timestamptz' },
    ]);
    // The panel's clinician's DEA registration in Washington ends in 20 days: those patients' status is "action needed".
    const soon = iso(nowMs + 20 * DAY).slice(0, 10);
    for (const [i, clinician] of clinicians.entries()) {
      for (const state of states) {
        credentials.push(crypto.randomUUID(), clinician, 'state_licence', `LIC-${state}-BENCH`, state, '2099-12-31', iso(nowMs - 200 * DAY));
        credentials.push(crypto.randomUUID(), clinician, 'dea_registration', 'FB0000000', state, i === 0 && state === 'WA' ? soon : '2099-12-31', iso(nowMs - 200 * DAY));
      }
    }
    // The medical director who reads the program's outcomes report.
    const adminUserId = crypto.randomUUID();
    staff.push(adminUserId, 'bench.admin@keel.bench', 'Bench Medical Director', 'admin', options.passwordHash, iso(nowMs - 200 * DAY));
    rows += await staff.flush(client);
    rows += await credentials.flush(client);
    const panelClinicianId = clinicians[0] ?? '';

    const patients: { patientId: string; userId: string }[] = [];
    const batchSize = 1000;
    const t = tables();
    const flushAll = async () => {
      for (const b of Object.values(t)) rows += await b.flush(client);
    };
    for (let n = 0; n < options.patients; n++) {
      const userId = crypto.randomUUID();
      const patientId = crypto.randomUUID();
      patients.push({ patientId, userId });
      const name = `${pick(firstNames)} ${pick(lastNames)} ${n}`;
      // Enrolled 150–200 days ago; first dose three weeks later; six months of history.
      const enrolled = nowMs - (150 + Math.floor(random() * 50)) * DAY;
      const clinician = n < options.panelSize ? panelClinicianId : (clinicians[1 + (n % Math.max(1, care - 1))] ?? panelClinicianId);
      const coach = coaches[n % care] ?? coaches[0] ?? '';
      t.users.push(userId, `bench.patient.${n}@keel.bench`, name, 'patient', options.passwordHash, iso(enrolled));
      const state = pick(states);
      t.patients.push(patientId, userId, name, '1985-01-01', state, random() < 0.5 ? 'female' : 'male', 'active', iso(enrolled));
      t.care.push(crypto.randomUUID(), patientId, clinician, 'clinician', true, iso(enrolled));
      t.care.push(crypto.randomUUID(), patientId, coach, 'coach', true, iso(enrolled));
      const r = random();
      const tier = r < 0.8 ? 'low' : r < 0.95 ? 'elevated' : 'high';
      const screening = JSON.stringify({ dependenceRisk: { tier, factors: tier === 'low' ? [] : [{ code: 'FAMILY_HISTORY_SUD', detail: 'family history' }] }, instrumentResults: {} });
      t.intakes.push(crypto.randomUUID(), patientId, 'approved', screening, 'likely_eligible', tier, iso(enrolled - 5 * DAY), iso(enrolled - 2 * DAY), iso(enrolled - 10 * DAY), iso(enrolled - 2 * DAY));
      t.risk.push(patientId, tier, iso(nowMs - DAY));

      // Outcomes: PHQ-9 and GAD-7 weekly, improving for most patients.
      const baseline = 14 + Math.floor(random() * 10);
      const improvement = random();
      for (let w = 0; enrolled + w * 7 * DAY < nowMs; w++) {
        const at = enrolled + w * 7 * DAY + Math.floor(random() * DAY);
        const phq = Math.max(0, Math.min(27, Math.round(baseline - (w > 3 ? (w - 3) * improvement * 1.2 : 0) + (random() * 4 - 2))));
        const gad = Math.max(0, Math.min(21, Math.round(phq * 0.75 + (random() * 2 - 1))));
        const context = w === 0 ? 'intake' : 'followup';
        t.assessments.push(crypto.randomUUID(), patientId, 'phq9', phq, band(phq), context, userId, iso(at));
        t.assessments.push(crypto.randomUUID(), patientId, 'gad7', gad, band(gad), context, userId, iso(at + 60_000));
      }
      for (let m = 0; enrolled + m * 30 * DAY < nowMs; m++) {
        const at = enrolled + m * 30 * DAY + 2 * DAY;
        const context = m === 0 ? 'intake' : 'followup';
        t.assessments.push(crypto.randomUUID(), patientId, 'audit-c', Math.floor(random() * 4), 'negative', context, userId, iso(at));
        t.assessments.push(crypto.randomUUID(), patientId, 'dast10', Math.floor(random() * 2), 'low', context, userId, iso(at));
        t.assessments.push(crypto.randomUUID(), patientId, 'bladder', random() < 0.03 ? 1 : 0, 'negative', context, userId, iso(at));
      }
      t.assessments.push(crypto.randomUUID(), patientId, 'cssrs-screen', null, 'none', 'intake', userId, iso(enrolled));

      // Sessions: six in induction (twice a week), then every 2–3 weeks; one scheduled ahead.
      const firstDose = enrolled + 21 * DAY;
      // Evaluated in person at enrolment; the plan signed two days before the first dose (its revisions are not
      // generated: the active one is what the panel reads).
      t.pathways.push(crypto.randomUUID(), patientId, clinician, iso(enrolled));
      t.plans.push(crypto.randomUUID(), patientId, clinician, iso(firstDose - 2 * DAY));
      // The PDMP checked at enrolment and every 75 days while in treatment (the rule asks for 90), a few missed.
      for (let at = enrolled; at < nowMs; at += 75 * DAY) if (at === enrolled || prescribingRandom() >= 0.03) t.pdmp.push(crypto.randomUUID(), patientId, iso(at), clinician, state);
      const sessionTimes: number[] = [];
      for (let s = 0; s < 6; s++) sessionTimes.push(firstDose + s * 3.5 * DAY);
      for (let at = firstDose + 35 * DAY; at < nowMs - DAY; at += (14 + Math.floor(random() * 7)) * DAY) sessionTimes.push(at);
      const dispenseUnits = Math.ceil(sessionTimes.length / 6) * 6;
      let dispensed = 0;
      const dispenseIds: string[] = [];
      for (let d = 0; d * 6 < dispenseUnits; d++) {
        const id = crypto.randomUUID();
        const at = firstDose - DAY + d * 60 * DAY;
        dispenseIds.push(id);
        t.dispenses.push(id, patientId, 6, iso(at), name, clinician, clinician, iso(at));
        t.pdmp.push(crypto.randomUUID(), patientId, iso(at - 3_600_000), clinician, state);
        t.ledger.push(crypto.randomUUID(), patientId, 'dispensed', 6, iso(at), clinician, iso(at), null, id, null, null);
        dispensed += 6;
      }
      for (const at of sessionTimes) {
        const sid = crypto.randomUUID();
        t.sessions.push(sid, patientId, 'completed', iso(at), iso(at), 300, iso(at + 5 * 60_000), iso(at + 2 * 3_600_000), clinician, iso(at - 2 * DAY));
        if (random() < 0.1) t.gate.push(crypto.randomUUID(), patientId, sid, iso(at - 3_600_000), 'blocked', 'VITALS_STALE', null);
        t.gate.push(crypto.randomUUID(), patientId, sid, iso(at), 'authorized', null, 300);
        t.ledger.push(crypto.randomUUID(), patientId, 'administered', 1, iso(at + 5 * 60_000), userId, iso(at + 5 * 60_000), sid, null, null, null);
      }
      t.balances.push(patientId, dispensed - sessionTimes.length, iso(nowMs - DAY));
      const next = crypto.randomUUID();
      const nextAt = nowMs + (1 + Math.floor(random() * 14)) * DAY;
      t.sessions.push(next, patientId, 'scheduled', iso(nextAt), null, null, null, null, clinician, iso(nowMs - DAY));
      // Monthly pill count on video (matching the ledger, mostly).
      for (let at = firstDose + 30 * DAY; at < nowMs; at += 30 * DAY) {
        const expected = dispensed - sessionTimes.filter((s) => s < at).length;
        const counted = random() < 0.02 ? Math.max(0, expected - 1) : expected;
        t.ledger.push(crypto.randomUUID(), patientId, 'counted', 0, iso(at), clinician, iso(at), null, null, counted, expected);
      }

      // Check-ins: daily through induction (a few missed), then twice a week.
      for (let at = firstDose - DAY; at < nowMs; at += at < firstDose + 21 * DAY ? DAY : 3.5 * DAY) {
        if (random() < 0.1) continue;
        t.checkIns.push(
          crypto.randomUUID(),
          patientId,
          iso(at + 9 * 3_600_000),
          userId,
          3 + Math.floor(random() * 6),
          (50 + Math.floor(random() * 40)) / 10,
          Math.floor(random() * 4),
          false,
          random() < 0.01,
          random() < 0.02,
        );
      }
      // Integration sessions monthly with the coach.
      for (let at = firstDose + 2 * DAY; at < nowMs; at += 30 * DAY) {
        const start = Math.floor((at + 15 * 3_600_000) / 900_000) * 900_000;
        t.appointments.push(crypto.randomUUID(), patientId, coach, iso(start), random() < 0.1 ? 'missed' : 'completed', coach, iso(start - 7 * DAY));
      }
      // A few alerts: some open, most resolved.
      if (random() < 0.05) {
        const severity = pick(['moderate', 'high', 'high', 'critical'] as const);
        const raised = nowMs - Math.floor(random() * 30) * DAY;
        const status = random() < 0.3 ? 'open' : 'resolved';
        t.alerts.push(crypto.randomUUID(), patientId, 'SUICIDE_RISK_PHQ9_ITEM9', severity, severity !== 'moderate', `bench:${n}`, 'Synthetic alert', status, clinician, iso(raised), iso(raised + 30 * 60_000));
      }

      if ((n + 1) % batchSize === 0 || n === options.patients - 1) {
        await flushAll();
        options.progress(n + 1, options.patients, rows);
      }
    }
    await client.query('SET session_replication_role = origin');
    // As a running program has them: every generated row in its month's partition (maintenance moves them out of
    // the default partition, docs/scaling.md), and the craving series that the triggers keep (migration 0022),
    // which did not run in replica mode.
    for (const table of ['assessments', 'audit_log', 'check_ins']) await client.query('SELECT count(*) FROM time_partitions_maintain_at($1, now(), 3)', [table]);
    await client.query('SELECT craving_series_rebuild()');
    // Statistics first: the summary is built by the view's per-patient index lookups, which the planner only
    // chooses once it knows the tables' sizes (without them the 100,000-patient build ran for many minutes).
    await client.query('ANALYZE');
    // The triggers that maintain the panel summary did not run in replica mode: build it from its view, set-wise.
    await client.query('INSERT INTO patient_panel_summary SELECT f.*, clock_timestamp() FROM patient_panel_facts f');
    // Nor did the outcome facts' marks: every patient is marked, for the server to take their facts (bench/run.ts).
    await client.query('INSERT INTO outcome_facts_stale (patient_id, marked_at) SELECT id, now() FROM patients ON CONFLICT DO NOTHING');
    rows += options.patients;
    await client.query('ANALYZE patient_panel_summary');
    return { panelClinicianId, adminUserId, patients, rows };
  } finally {
    await client.query('RESET session_replication_role').catch(() => undefined);
    client.release();
  }
}
