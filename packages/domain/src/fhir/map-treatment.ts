import type { FhirResource } from './fhir-types.ts';
import { latest, ref, resource, xhtml, type MapContext } from './map-context.ts';
import type { FhirPatientRecord, FhirPlan, FhirSession } from './patient-record.ts';
import {
  CONDITION_CATEGORY,
  CONDITION_CLINICAL,
  CONDITION_VERIFICATION,
  UCUM,
  V3_ACT_CODE,
  V3_PARTICIPATION,
  coding,
  concept,
  depressionCodes,
  keelCoding,
  ketamine,
  mg,
  profiles,
  routeCodes,
} from './terminology.ts';

/** The plan's status as a MedicationRequest status; anything unknown is `unknown`, never a guess. */
export function medicationRequestStatus(status: string): string {
  switch (status) {
    case 'active':
      return 'active';
    case 'superseded':
      return 'stopped';
    case 'draft':
      return 'draft';
    default:
      return 'unknown';
  }
}

/** The plan's status as a CarePlan status. */
export function carePlanStatus(status: string): string {
  switch (status) {
    case 'active':
      return 'active';
    case 'superseded':
      return 'revoked';
    case 'draft':
      return 'draft';
    default:
      return 'unknown';
  }
}

/**
 * A dosing session's lifecycle as an Encounter status. Statuses Keel may add later (an authorization that expires,
 * a session cancelled by the clinic) map explicitly here; anything else is `unknown` rather than a wrong claim.
 */
export function sessionEncounterStatus(s: Pick<FhirSession, 'status' | 'startedAt'>): string {
  switch (s.status) {
    case 'scheduled':
      return 'planned';
    case 'authorized':
      return 'arrived';
    case 'in_progress':
      return 'in-progress';
    case 'completed':
      return 'finished';
    case 'aborted':
      // Stopped once under way: the encounter happened and ended early. Stopped before the dose: it never began.
      return s.startedAt ? 'finished' : 'cancelled';
    case 'missed':
    case 'expired':
    case 'cancelled':
      return 'cancelled';
    default:
      return 'unknown';
  }
}

/** The administration of a started session; undefined when no dose was taken (not started). */
export function administrationStatus(s: Pick<FhirSession, 'status' | 'startedAt'>): string | undefined {
  if (!s.startedAt) return undefined;
  switch (s.status) {
    case 'in_progress':
      return 'in-progress';
    case 'completed':
      return 'completed';
    case 'aborted':
      return 'stopped';
    default:
      return 'unknown';
  }
}

const DAY_MS = 86_400_000;

function addMonths(instant: string, months: number): string {
  const d = new Date(instant);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.toISOString();
}

const formUnit = (form: string) => ({ unit: form.replaceAll('_', ' '), system: UCUM, code: `{${form.replace(/[^A-Za-z0-9_]/g, '')}}` });

export const goalId = (plan: { id: string }, index: number): string => `${plan.id}-goal-${index + 1}`;

function dosageText(plan: FhirPlan): string {
  return (
    `${plan.currentDoseMg} mg ${plan.route} per supervised session (at most ${plan.maximumDoseMg} mg per session), ` +
    `at least ${plan.minHoursBetweenSessions} h apart and at most ${plan.maxSessionsPer7Days} sessions in any 7 days; ` +
    `${plan.sessionsPlanned} sessions planned (${plan.phase}).`
  );
}

export function medicationRequestResource(ctx: MapContext, plan: FhirPlan, conditionId: string | undefined): FhirResource {
  const route = routeCodes[plan.route];
  const signedAt = plan.signedAt ?? plan.createdAt;
  const { maxRefills, windowMonths } = ctx.record.refillPolicy;
  return resource('MedicationRequest', plan.id, { profiles: [profiles.medicationRequest], lastUpdated: latest(plan.updatedAt, plan.signedAt) }, {
    identifier: [{ system: `${ctx.program.fhirBase}/sid/plan-version`, value: `${plan.id}|${plan.version}` }],
    status: medicationRequestStatus(plan.status),
    intent: 'order',
    category: [concept([coding('http://terminology.hl7.org/CodeSystem/medicationrequest-category', 'community', 'Community')])],
    reportedBoolean: false,
    medicationCodeableConcept: ketamine,
    subject: ctx.patientRef,
    authoredOn: signedAt,
    requester: ctx.practitionerRef(plan.signedBy) ?? ctx.organizationRef,
    reasonReference: conditionId ? [ref('Condition', conditionId)] : undefined,
    groupIdentifier: { system: `${ctx.program.fhirBase}/sid/plan-version`, value: String(plan.version) },
    priorPrescription: plan.supersedesId && ctx.has('MedicationRequest', plan.supersedesId) ? ref('MedicationRequest', plan.supersedesId) : undefined,
    note: [{ text: `Treatment phase: ${plan.phase}.` }, ...(plan.administrationNotes ? [{ text: plan.administrationNotes }] : [])],
    dosageInstruction: [
      {
        sequence: 1,
        text: dosageText(plan),
        patientInstruction: plan.administrationNotes || undefined,
        // The number of sessions the plan allows, not a schedule: sessions are taken when the session gate
        // authorizes them, within the limits below.
        timing: { repeat: { count: plan.sessionsPlanned } },
        route: route ? concept([route]) : { text: plan.route },
        doseAndRate: [{ type: concept([coding('http://terminology.hl7.org/CodeSystem/dose-rate-type', 'ordered', 'Ordered')]), doseQuantity: mg(plan.currentDoseMg) }],
        maxDosePerPeriod: { numerator: mg(plan.maxSessionsPer7Days * plan.maximumDoseMg), denominator: { value: 7, unit: 'days', system: UCUM, code: 'd' } },
        maxDosePerAdministration: mg(plan.maximumDoseMg),
      },
    ],
    dispenseRequest: {
      validityPeriod: { start: signedAt, end: addMonths(signedAt, windowMonths) },
      numberOfRepeatsAllowed: maxRefills,
      quantity: plan.firstFillUnits !== null && plan.firstFillForm ? { value: plan.firstFillUnits, ...formUnit(plan.firstFillForm) } : undefined,
    },
  });
}

export function goalResources(ctx: MapContext, plan: FhirPlan): FhirResource[] {
  return plan.goals.map((text, i) =>
    resource('Goal', goalId(plan, i), { profiles: [profiles.goal], lastUpdated: latest(plan.updatedAt, plan.signedAt) }, {
      lifecycleStatus: plan.status === 'active' ? 'active' : 'cancelled',
      description: { text },
      subject: ctx.patientRef,
      startDate: (plan.signedAt ?? plan.createdAt).slice(0, 10),
      expressedBy: ctx.practitionerRef(plan.signedBy),
    }),
  );
}

export function carePlanResource(ctx: MapContext, plan: FhirPlan, conditionId: string | undefined): FhirResource {
  const status = carePlanStatus(plan.status);
  const goals = plan.goals.map((g) => `<li>${xhtml(g)}</li>`).join('');
  const div =
    `<div xmlns="http://www.w3.org/1999/xhtml"><p><b>Supervised at-home ketamine treatment plan, version ${plan.version}</b> (${xhtml(status)}).</p>` +
    `<p>${xhtml(dosageText(plan))}</p>${goals ? `<p>Goals:</p><ul>${goals}</ul>` : ''}</div>`;
  return resource('CarePlan', plan.id, { profiles: [profiles.carePlan], lastUpdated: latest(plan.updatedAt, plan.signedAt) }, {
    text: { status: 'generated', div },
    status,
    intent: 'plan',
    category: [concept([coding('http://hl7.org/fhir/us/core/CodeSystem/careplan-category', 'assess-plan', 'Assessment and Plan of Treatment')])],
    title: `Treatment plan, version ${plan.version} (${plan.phase})`,
    subject: ctx.patientRef,
    period: { start: plan.signedAt ?? plan.createdAt },
    created: plan.signedAt ?? plan.createdAt,
    author: ctx.practitionerRef(plan.signedBy),
    replaces: plan.supersedesId && ctx.has('CarePlan', plan.supersedesId) ? [ref('CarePlan', plan.supersedesId)] : undefined,
    addresses: conditionId ? [ref('Condition', conditionId)] : undefined,
    goal: plan.goals.map((_, i) => ref('Goal', goalId(plan, i))),
    activity: [{ reference: ref('MedicationRequest', plan.id) }],
  });
}

export function dispenseResources(ctx: MapContext): FhirResource[] {
  const seenPlans = new Set<string>();
  return ctx.record.dispenses.map((d) => {
    const first = d.planId !== null && !seenPlans.has(d.planId);
    if (d.planId) seenPlans.add(d.planId);
    return resource('MedicationDispense', d.id, { profiles: [profiles.medicationDispense], lastUpdated: d.dispensedAt }, {
      status: 'completed',
      type: d.planId ? concept([first ? coding(V3_ACT_CODE, 'FF', 'First Fill') : coding(V3_ACT_CODE, 'RF', 'Refill')]) : undefined,
      medicationCodeableConcept: { ...ketamine, text: `Ketamine ${d.strengthMg} mg ${d.form.replaceAll('_', ' ')} (Schedule III)` },
      subject: ctx.patientRef,
      performer: [{ actor: { display: d.dispenser } }],
      authorizingPrescription: d.planId && ctx.has('MedicationRequest', d.planId) ? [ref('MedicationRequest', d.planId)] : undefined,
      quantity: { value: d.units, ...formUnit(d.form) },
      whenHandedOver: d.dispensedAt,
      note: [{ text: `${d.units} × ${d.strengthMg} mg ${d.form.replaceAll('_', ' ')}, dispensed by ${d.dispenser}.` }],
    });
  });
}

export function sessionResources(ctx: MapContext, s: FhirSession): FhirResource[] {
  const status = sessionEncounterStatus(s);
  const start = s.startedAt ?? s.authorizedAt ?? s.scheduledFor;
  const end = s.completedAt ?? s.abortedAt ?? undefined;
  const sitters = ctx.record.sitters.filter((x) => x.status === 'active' || (x.until !== null && Date.parse(x.until) > Date.parse(start)));
  const updated = latest(s.createdAt, s.authorizedAt, s.startedAt, s.completedAt, s.abortedAt);
  const encounter = resource('Encounter', s.id, { profiles: [profiles.encounter], lastUpdated: updated }, {
    identifier: [{ system: `${ctx.program.fhirBase}/sid/dosing-session`, value: s.id }],
    status,
    class: coding(V3_ACT_CODE, 'HH', 'home health'),
    type: [concept([keelCoding('encounter-type', 'dosing-session', 'Supervised at-home dosing session')], 'Supervised at-home ketamine dosing session')],
    subject: ctx.patientRef,
    participant: sitters.map((x) => ({ type: [concept([coding(V3_PARTICIPATION, 'PART', 'Participation')], 'Sitter')], individual: ref('RelatedPerson', x.id, x.name) })),
    period: { start, end },
    reasonCode: s.abortReason ? [{ text: `Stopped: ${s.abortReason}` }] : undefined,
    serviceProvider: ctx.organizationRef,
  });
  const out = [encounter];
  const adminStatus = administrationStatus(s);
  if (adminStatus && s.startedAt && s.doseMg !== null) {
    const route = s.planId ? ctx.record.plans.find((p) => p.id === s.planId)?.route : undefined;
    out.push(
      resource('MedicationAdministration', s.id, { lastUpdated: updated }, {
        status: adminStatus,
        medicationCodeableConcept: ketamine,
        subject: ctx.patientRef,
        context: ref('Encounter', s.id),
        effectivePeriod: { start: s.startedAt, end },
        performer: [{ actor: ctx.patientRef }],
        request: s.planId && ctx.has('MedicationRequest', s.planId) ? ref('MedicationRequest', s.planId) : undefined,
        note: s.authorizedAt ? [{ text: `Authorized by the session gate at ${s.authorizedAt}; taken at home with a sitter present.` }] : undefined,
        dosage: { text: `${s.doseMg} mg`, route: route && routeCodes[route] ? concept([routeCodes[route]]) : undefined, dose: mg(s.doseMg) },
      }),
    );
  }
  return out;
}

export function visitEncounter(ctx: MapContext, v: FhirPatientRecord['visits'][number]): FhirResource {
  const clinician = ctx.practitionerRef(v.clinicianId);
  return resource('Encounter', v.id, { profiles: [profiles.encounter], lastUpdated: v.occurredAt }, {
    identifier: [{ system: `${ctx.program.fhirBase}/sid/clinician-visit`, value: v.id }],
    status: 'finished',
    class: v.modality === 'in_person' ? coding(V3_ACT_CODE, 'AMB', 'ambulatory') : coding(V3_ACT_CODE, 'VR', 'virtual'),
    type: [concept([keelCoding('encounter-type', 'prescriber-visit', 'Prescriber visit')], v.modality === 'in_person' ? 'Prescriber visit, in person' : 'Prescriber visit, audio-video telehealth')],
    subject: ctx.patientRef,
    participant: clinician ? [{ type: [concept([coding(V3_PARTICIPATION, 'PPRF', 'primary performer')])], individual: clinician }] : undefined,
    period: { start: v.occurredAt, end: v.occurredAt },
    reasonCode: v.note ? [{ text: v.note }] : undefined,
    serviceProvider: ctx.organizationRef,
  });
}

/** The depression the program treats, from the approved intake: SNOMED CT and ICD-10-CM, with the evidence. */
export function conditionResource(ctx: MapContext): FhirResource | undefined {
  const d = ctx.record.diagnosis;
  if (!d) return undefined;
  const { snomed, icd10cm } = depressionCodes(d.diagnoses);
  const trials = d.adequateAntidepressantTrials;
  const intakePhq9 = ctx.record.assessments.find((a) => a.instrument === 'phq9' && Date.parse(a.submittedAt) <= Date.parse(d.decidedAt) + DAY_MS);
  return resource('Condition', d.decisionId, { profiles: [profiles.condition], lastUpdated: d.decidedAt }, {
    clinicalStatus: concept([coding(CONDITION_CLINICAL, 'active', 'Active')]),
    verificationStatus: concept([coding(CONDITION_VERIFICATION, 'confirmed', 'Confirmed')]),
    category: [concept([coding(CONDITION_CATEGORY, 'problem-list-item', 'Problem List Item')])],
    code: concept(
      [snomed, icd10cm],
      `Treatment-resistant depression${d.diagnoses.length ? ` (${d.diagnoses.join('; ')})` : ''}${trials !== null ? `: ${trials} adequate antidepressant trial${trials === 1 ? '' : 's'} in the current episode` : ''}`,
    ),
    subject: ctx.patientRef,
    recordedDate: d.decidedAt,
    asserter: ctx.practitionerRef(d.decidedBy),
    evidence: [
      ...(trials !== null ? [{ code: [{ text: `${trials} adequate antidepressant trials in the current episode (intake)` }] }] : []),
      ...(intakePhq9 && ctx.has('Observation', intakePhq9.id) ? [{ detail: [ref('Observation', intakePhq9.id)] }] : []),
    ],
    note: d.note ? [{ text: d.note }] : undefined,
  });
}
