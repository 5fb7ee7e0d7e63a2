/**
 * The demo program: clearly marked (`is_demo`), seeded only into an empty database in demo mode, built from
 * composable steps.
 */
import { hashPassword } from '../auth/passwords.ts';
import { inTransaction } from '../db/transaction.ts';
import type { DemoAccount, DemoContext, DemoStep } from './demo-context.ts';
import type { Role } from '../db/schema.ts';
import { complianceDemoSteps } from './compliance.demo.ts';
import { continuityDemoSteps } from './continuity.demo.ts';
import { intakeDemoSteps } from './intake.demo.ts';
import { monitoringDemoSteps } from './monitoring.demo.ts';
import { onCallDemoSteps } from './on-call.demo.ts';
import { outcomesDemoSteps } from './outcomes.demo.ts';
import { treatmentDemoSteps } from './treatment.demo.ts';

export const demoAccounts: { key: DemoAccount; email: string; name: string; role: Role; what: string }[] = [
  { key: 'admin', email: 'admin@keel.demo', name: 'Avery Admin', role: 'admin', what: 'accounts, care teams, settings, audit log' },
  { key: 'clinician', email: 'clinician@keel.demo', name: 'Dr. Casey Morgan', role: 'clinician', what: 'panel, alerts, intake review, plans' },
  { key: 'coach', email: 'coach@keel.demo', name: 'Jordan Reyes', role: 'coach', what: 'integration caseload, notes, shared journals' },
  { key: 'patient', email: 'patient@keel.demo', name: 'Sam Patel', role: 'patient', what: 'mid-induction patient with a session ready to prepare' },
  { key: 'sitter', email: 'sitter@keel.demo', name: 'Riley Patel', role: 'sitter', what: "Sam's sitter" },
  { key: 'applicant', email: 'applicant@keel.demo', name: 'Alex Kim', role: 'patient', what: 'submitted intake awaiting review' },
];

const demoPhones: Partial<Record<DemoAccount, string>> = { patient: '+15105550123', sitter: '+15105550147' };

const accountsStep: DemoStep = async (ctx) => {
  for (const account of demoAccounts) {
    const id = crypto.randomUUID();
    ctx.users[account.key] = id;
    await ctx.tx
      .insertInto('users')
      .values({
        id,
        email: account.email,
        name: account.name,
        role: account.role,
        password_hash: ctx.passwordHash,
        mfa_secret: null,
        mfa_last_step: null,
        dea_registration: account.role === 'clinician' ? 'FM0000000' : null,
        state_licenses: account.role === 'clinician' ? ['CA', 'NY', 'TX', 'WA', 'CO', 'OR'] : [],
        is_demo: true,
        deactivated_at: null,
        // Fictional numbers (555-01xx is reserved for fiction): the live board shows the patient's and the sitter's.
        phone: demoPhones[account.key] ?? null,
      })
      .execute();
  }
  const patients: [key: 'patient' | 'applicant', dob: string, state: string, sex: 'female' | 'male', address: string][] = [
    ['patient', '1988-04-12', 'CA', 'male', '100 Demo Street, Oakland, CA 94607'],
    ['applicant', '1992-09-30', 'NY', 'female', '200 Example Avenue, Brooklyn, NY 11201'],
  ];
  for (const [key, dob, state, sex, address] of patients) {
    const id = crypto.randomUUID();
    ctx.patients[key] = id;
    const account = demoAccounts.find((a) => a.key === key);
    await ctx.tx
      .insertInto('patients')
      .values({ id, user_id: ctx.users[key], name: account?.name ?? key, date_of_birth: dob, state, sex_at_birth: sex, address, is_demo: true, status: key === 'patient' ? 'active' : 'submitted' })
      .execute();
  }
};

const careTeamStep: DemoStep = async (ctx) => {
  const rows = [
    { patient: ctx.patients.patient, user: ctx.users.clinician, role: 'clinician' as const },
    { patient: ctx.patients.patient, user: ctx.users.coach, role: 'coach' as const },
    { patient: ctx.patients.applicant, user: ctx.users.clinician, role: 'clinician' as const },
  ];
  for (const r of rows) {
    await ctx.tx
      .insertInto('care_team_members')
      .values({ id: crypto.randomUUID(), patient_id: r.patient, user_id: r.user, member_role: r.role, is_primary: true, assigned_at: ctx.now, assigned_by: ctx.users.admin, unassigned_at: null })
      .execute();
  }
  await ctx.tx
    .insertInto('sitter_assignments')
    .values({
      id: crypto.randomUUID(),
      patient_id: ctx.patients.patient,
      invite_email: 'sitter@keel.demo',
      invite_name: 'Riley Patel',
      relationship: 'partner',
      sitter_user_id: ctx.users.sitter,
      status: 'active',
      invite_token_hash: null,
      invite_expires_at: null,
      invited_by: ctx.users.patient,
      created_at: ctx.now,
      accepted_at: ctx.now,
      removed_at: null,
      removed_by: null,
    })
    .execute();
};

/** The steps in order: each part of the program adds its own from its `*.demo.ts` file. */
export const demoSteps: DemoStep[] = [
  accountsStep,
  careTeamStep,
  ...intakeDemoSteps,
  ...complianceDemoSteps,
  ...treatmentDemoSteps,
  ...monitoringDemoSteps,
  ...continuityDemoSteps,
  ...outcomesDemoSteps,
  ...onCallDemoSteps,
];

/**
 * The demo without its earlier cohort of 30 alumni (outcomes.demo.ts) and so without the on-call rota, which needs
 * the alumni's clinician: for tests that read every record of the program (the FHIR exports validate each resource)
 * and need only the clinic's own patients.
 */
export const demoStepsWithoutAlumni: DemoStep[] = demoSteps.filter((step) => !outcomesDemoSteps.includes(step));

export async function seedDemo(deps: DemoContext['deps'], options: { password: string; steps?: DemoStep[] }): Promise<DemoContext> {
  const passwordHash = await hashPassword(options.password);
  const now = deps.clock.now();
  return inTransaction(deps.database.db, async (tx) => {
    const ctx: DemoContext = {
      deps,
      tx,
      now,
      passwordHash,
      users: {} as Record<DemoAccount, string>,
      patients: {} as DemoContext['patients'],
    };
    for (const step of options.steps ?? demoSteps) await step(ctx);
    return ctx;
  });
}

export function demoSignIns(password: string): string {
  const width = Math.max(...demoAccounts.map((a) => a.email.length));
  return [
    '',
    '  ┌─ DEMO PROGRAM ─ synthetic data only, not for real patients ─────────────────',
    `  │ Sign in with any of these (password: ${password})`,
    ...demoAccounts.map((a) => `  │   ${a.email.padEnd(width)}  ${a.role.padEnd(9)} ${a.what}`),
    '  └──────────────────────────────────────────────────────────────────────────────',
    '',
  ].join('\n');
}
