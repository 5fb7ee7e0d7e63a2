import type { FhirResource, Reference } from './fhir-types.ts';
import { latest, ref, resource, type MapContext } from './map-context.ts';
import type { FhirEvidence, FhirPatientRecord } from './patient-record.ts';
import { assessmentIds } from './map-assessments.ts';
import { vitalsIds } from './map-vitals.ts';
import { coding, concept, keelCoding } from './terminology.ts';

/** The exported resource an alert's or a warning sign's evidence row stands for, if the export has it. */
export function evidenceReference(ctx: MapContext, e: FhirEvidence): Reference | undefined {
  const candidates: [string, string][] =
    e.type === 'assessment'
      ? [['Observation', assessmentIds.main(e)]]
      : e.type === 'vitals'
        ? [['Observation', vitalsIds.bloodPressure(e)]]
        : e.type === 'session'
          ? [['Encounter', e.id]]
          : e.type === 'adverse_event'
            ? [['AdverseEvent', e.id]]
            : e.type === 'risk_evaluation'
              ? [['DetectedIssue', e.id]]
              : [];
  const hit = candidates.find(([type, id]) => ctx.has(type, id));
  return hit ? ref(hit[0], hit[1]) : undefined;
}

/** Every evidence row: a reference where the record it names is exported, its summary either way. */
const evidenceOf = (ctx: MapContext, rows: readonly FhirEvidence[]) =>
  rows.map((e) => {
    const detail = evidenceReference(ctx, e);
    return { code: [concept([keelCoding('evidence-type', e.type, e.type.replaceAll('_', ' '))], e.summary)], detail: detail ? [detail] : undefined };
  });

const issueSeverity = (severity: string): string => (severity === 'critical' || severity === 'high' ? 'high' : severity === 'moderate' ? 'moderate' : 'low');

/** Alert severity as the flag-priority codes of the FHIR flag-priority extension. */
function flagPriority(severity: string) {
  const [code, display] = severity === 'critical' || severity === 'high' ? ['PH', 'High priority'] : severity === 'moderate' ? ['PM', 'Medium priority'] : ['PL', 'Low priority'];
  return concept([coding('http://hl7.org/fhir/flag-priority-code', code, display)], `Keel severity: ${severity}`);
}

const adverseEventSeverity = (severity: string): string | undefined => (['mild', 'moderate', 'severe'].includes(severity) ? severity : undefined);

export function adverseEventResource(ctx: MapContext, e: FhirPatientRecord['adverseEvents'][number]): FhirResource {
  const severity = adverseEventSeverity(e.severity);
  return resource('AdverseEvent', e.id, { lastUpdated: latest(e.reportedAt, e.resolvedAt) }, {
    actuality: 'actual',
    event: concept([keelCoding('adverse-event-kind', e.kind, e.kind.replaceAll('_', ' '))], e.description),
    subject: ctx.patientRef,
    encounter: e.sessionId && ctx.has('Encounter', e.sessionId) ? ref('Encounter', e.sessionId) : undefined,
    date: e.reportedAt,
    recordedDate: e.reportedAt,
    recorder: ctx.actorRef(e.reportedBy),
    seriousness: concept([
      e.serious
        ? coding('http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', 'serious', 'Serious')
        : coding('http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', 'non-serious', 'Non-serious'),
    ]),
    severity: severity ? concept([coding('http://terminology.hl7.org/CodeSystem/adverse-event-severity', severity, severity[0]?.toUpperCase() + severity.slice(1))]) : undefined,
    outcome: concept([
      e.resolvedAt
        ? coding('http://terminology.hl7.org/CodeSystem/adverse-event-outcome', 'resolved', 'Resolved')
        : coding('http://terminology.hl7.org/CodeSystem/adverse-event-outcome', 'ongoing', 'Ongoing'),
    ]),
    suspectEntity: e.sessionId && ctx.has('MedicationAdministration', e.sessionId) ? [{ instance: ref('MedicationAdministration', e.sessionId) }] : undefined,
  });
}

/** A risk evaluation: the dependence warning signs found, each with its evidence, and the tier they led to. */
export function warningSignsIssue(ctx: MapContext, r: FhirPatientRecord['riskEvaluations'][number]): FhirResource {
  const tierSeverity = r.tier === 'high' ? 'high' : r.tier === 'elevated' ? 'moderate' : 'low';
  return resource('DetectedIssue', r.id, { lastUpdated: r.evaluatedAt }, {
    status: 'final',
    code: concept([keelCoding('dependence-risk-tier', r.tier, `Dependence risk ${r.tier}`)], `Dependence and misuse warning signs: risk ${r.tier}${r.previousTier ? ` (was ${r.previousTier})` : ''}`),
    severity: tierSeverity,
    patient: ctx.patientRef,
    identifiedDateTime: r.evaluatedAt,
    evidence: r.signals.map((s) => {
      const details = s.evidence.map((e) => evidenceReference(ctx, e)).filter((x): x is Reference => x !== undefined);
      return {
        code: [concept([keelCoding('warning-sign', s.code, s.code.replaceAll('_', ' ').toLowerCase())], `${s.summary} (severity ${s.severity})`)],
        detail: details.length ? details : undefined,
      };
    }),
    detail: r.explanation.join(' ') || undefined,
  });
}

/** A safety alert: a Flag (so it shows wherever the patient is opened) and a DetectedIssue with its evidence. */
export function alertResources(ctx: MapContext, a: FhirPatientRecord['alerts'][number]): FhirResource[] {
  const code = concept([keelCoding('alert', a.code, a.title)], a.title);
  const updated = latest(a.raisedAt, a.acknowledgedAt, a.resolvedAt);
  const issue = resource('DetectedIssue', a.id, { lastUpdated: updated }, {
    status: 'final',
    code,
    severity: issueSeverity(a.severity),
    patient: ctx.patientRef,
    identifiedDateTime: a.raisedAt,
    evidence: evidenceOf(ctx, a.evidence),
    detail: [a.holdsDosing ? 'Dosing is held while this alert is open.' : undefined, ...a.recommendedActions].filter(Boolean).join(' ') || undefined,
    mitigation: [
      ...(a.acknowledgedAt ? [{ action: { text: 'Acknowledged by the care team' }, date: a.acknowledgedAt }] : []),
      ...(a.resolvedAt ? [{ action: { text: 'Resolved by the care team' }, date: a.resolvedAt }] : []),
    ],
  });
  const flag = resource('Flag', a.id, { lastUpdated: updated }, {
    extension: [
      { url: 'http://hl7.org/fhir/StructureDefinition/flag-detail', valueReference: ref('DetectedIssue', a.id) },
      { url: 'http://hl7.org/fhir/StructureDefinition/flag-priority', valueCodeableConcept: flagPriority(a.severity) },
    ],
    status: a.status === 'resolved' ? 'inactive' : 'active',
    category: [concept([coding('http://terminology.hl7.org/CodeSystem/flag-category', 'safety', 'Safety')])],
    code: a.holdsDosing ? { ...code, text: `${a.title} (dosing held)` } : code,
    subject: ctx.patientRef,
    period: { start: a.raisedAt, end: a.resolvedAt ?? undefined },
    author: ctx.organizationRef,
  });
  return [issue, flag];
}
