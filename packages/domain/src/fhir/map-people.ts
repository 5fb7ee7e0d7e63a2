import { programOrganizationId, type FhirProgram, type FhirResource } from './fhir-types.ts';
import { latest, ref, resource, type MapContext } from './map-context.ts';
import type { FhirPatientRecord, FhirStaffMember } from './patient-record.ts';
import { DEA_SYSTEM, KEEL_CS, SNOMED, V2_0203, coding, concept, keelCoding, profiles, relationshipCoding } from './terminology.ts';

/** "Sam Q Patel" → family Patel, given [Sam, Q]; a one-word name is a given name. */
export function nameParts(name: string): { text: string; family?: string; given: string[] } {
  const parts = name.trim().split(/\s+/).filter((p) => !/^(dr|mr|mrs|ms|mx)\.?$/i.test(p));
  if (parts.length <= 1) return { text: name.trim(), given: parts };
  return { text: name.trim(), family: parts.at(-1) ?? '', given: parts.slice(0, -1) };
}

/** "100 Demo Street, Oakland, CA 94607" → its parts; anything else stays as text with the state. */
function address(text: string | null, state: string) {
  const m = text ? /^(.+),\s*([^,]+),\s*([A-Z]{2})\s+(\d{5}(?:-\d{4})?)$/.exec(text.trim()) : null;
  if (m) return { use: 'home', text: text ?? undefined, line: [m[1]], city: m[2], state: m[3], postalCode: m[4], country: 'US' };
  return { use: 'home', text: text ?? undefined, state, country: 'US' };
}

export function patientResource(ctx: MapContext): FhirResource {
  const p = ctx.record.patient;
  const primary = ctx.record.careTeam.find((c) => c.isPrimary && c.role === 'clinician') ?? ctx.record.careTeam.find((c) => c.role === 'clinician');
  // Keel records sex assigned at birth, not administrative gender: the first goes in the US Core birth-sex
  // extension, and gender says honestly that it was not recorded.
  return resource('Patient', p.id, { profiles: [profiles.patient], lastUpdated: p.createdAt }, {
    extension: p.sexAtBirth ? [{ url: profiles.birthSex, valueCode: p.sexAtBirth === 'female' ? 'F' : 'M' }] : undefined,
    identifier: [
      {
        use: 'usual',
        type: concept([coding(V2_0203, 'MR', 'Medical record number')]),
        system: ctx.program.mrnSystem,
        value: p.id,
      },
    ],
    active: p.status !== 'discharged' && p.status !== 'declined',
    name: [{ use: 'official', ...nameParts(p.name) }],
    telecom: p.email ? [{ system: 'email', value: p.email, use: 'home' }] : undefined,
    gender: 'unknown',
    birthDate: p.dateOfBirth,
    address: [address(p.address, p.state)],
    generalPractitioner: primary ? [ctx.practitionerRef(primary.userId)] : undefined,
    managingOrganization: ctx.organizationRef,
  });
}

export function practitionerResource(program: FhirProgram, s: FhirStaffMember, lastUpdated: string): FhirResource {
  const roleCoding = keelCoding('staff-role', s.role, s.role === 'clinician' ? 'Prescribing clinician' : s.role === 'coach' ? 'Integration coach' : 'Program staff');
  return resource('Practitioner', s.id, { profiles: [profiles.practitioner], lastUpdated }, {
    identifier: [
      { system: program.staffIdSystem, value: s.id },
      ...(s.deaRegistration ? [{ system: DEA_SYSTEM, value: s.deaRegistration, type: concept([coding(V2_0203, 'DEA', 'Drug Enforcement Administration registration number')]) }] : []),
    ],
    active: s.active,
    name: [{ use: 'official', ...nameParts(s.name) }],
    qualification: [
      { code: concept([roleCoding]) },
      ...s.stateLicenses.map((state) => ({
        code: concept([coding(`${KEEL_CS}/license`, 'state-license', 'State license to practise')], `Licensed in ${state}`),
        issuer: { display: `State of ${state} licensing board` },
      })),
    ],
  });
}

/** The program itself; `lastUpdated` is when its settings last changed. */
export function organizationResource(program: FhirProgram, lastUpdated: string): FhirResource {
  return resource('Organization', programOrganizationId, { profiles: [profiles.organization], lastUpdated }, {
    identifier: [{ system: program.staffIdSystem.replace(/\/[^/]*$/, '/organization'), value: programOrganizationId }],
    active: true,
    type: [concept([coding('http://terminology.hl7.org/CodeSystem/organization-type', 'prov', 'Healthcare Provider')])],
    name: program.organizationName,
  });
}

export function relatedPersonResource(ctx: MapContext, s: FhirPatientRecord['sitters'][number]): FhirResource {
  const rel = relationshipCoding(s.relationship);
  return resource('RelatedPerson', s.id, { profiles: [profiles.relatedPerson], lastUpdated: latest(s.since, s.until) }, {
    active: s.status === 'active',
    patient: ctx.patientRef,
    relationship: [
      concept([keelCoding('related-person-role', 'sitter', 'Session sitter')], 'Sober adult present at every dosing session'),
      ...(rel ? [concept([rel], s.relationship ?? undefined)] : s.relationship ? [{ text: s.relationship }] : []),
    ],
    name: [nameParts(s.name)],
    period: { start: s.since, end: s.until ?? undefined },
  });
}

/** The care team: clinicians and coaches on the record, and the sitters. */
export function careTeamResource(ctx: MapContext): FhirResource | undefined {
  const members = ctx.record.careTeam.flatMap((m) => {
    const member = ctx.practitionerRef(m.userId);
    if (!member) return [];
    const role =
      m.role === 'clinician'
        ? concept([coding(SNOMED, '223366009', 'Healthcare professional'), keelCoding('staff-role', 'clinician', 'Prescribing clinician')])
        : concept([keelCoding('staff-role', m.role, m.role === 'coach' ? 'Integration coach' : m.role)]);
    return [{ role: [role], member, period: { start: m.since } }];
  });
  const sitters = ctx.record.sitters
    .filter((s) => s.status === 'active')
    .map((s) => ({ role: [concept([keelCoding('related-person-role', 'sitter', 'Session sitter')])], member: ref('RelatedPerson', s.id, s.name), period: { start: s.since } }));
  if (members.length + sitters.length === 0) return undefined;
  const p = ctx.record.patient;
  return resource('CareTeam', p.id, { profiles: [profiles.careTeam], lastUpdated: latest(p.createdAt, ...ctx.record.careTeam.map((c) => c.since), ...ctx.record.sitters.map((s) => s.since)) }, {
    status: p.status === 'discharged' ? 'inactive' : 'active',
    name: `Care team of ${p.name}`,
    subject: ctx.patientRef,
    participant: [...members, ...sitters],
    managingOrganization: [ctx.organizationRef],
  });
}
