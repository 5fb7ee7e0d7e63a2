import type { FhirResource, Reference } from './fhir-types.ts';
import { ref, resource, type MapContext } from './map-context.ts';
import type { FhirPatientRecord } from './patient-record.ts';
import { LOINC, PROVENANCE_PARTICIPANT, V3_ACT_CODE, coding, concept, profiles } from './terminology.ts';

export function consentResource(ctx: MapContext, c: FhirPatientRecord['consents'][number]): FhirResource {
  return resource('Consent', c.id, { lastUpdated: c.signedAt }, {
    identifier: [{ system: `${ctx.program.fhirBase}/sid/consent-document-sha256`, value: c.documentSha256 }],
    status: 'active',
    scope: concept([coding('http://terminology.hl7.org/CodeSystem/consentscope', 'treatment', 'Treatment')]),
    category: [concept([coding(LOINC, '59284-0', 'Patient Consent')])],
    patient: ctx.patientRef,
    dateTime: c.signedAt,
    performer: [ctx.patientRef],
    organization: [ctx.organizationRef],
    sourceAttachment: {
      contentType: c.pdfBase64 ? 'application/pdf' : undefined,
      language: 'en',
      data: c.pdfBase64 ?? undefined,
      title: `${c.title} (version ${c.version}; SHA-256 of the signed text ${c.documentSha256})`,
      creation: c.signedAt,
    },
    policyRule: concept([coding(V3_ACT_CODE, 'OPTIN', 'opt-in')]),
    provision: { type: 'permit', period: { start: c.signedAt } },
  });
}

const signatureTypes: Record<string, [code: string, display: string]> = {
  consented: ['1.2.840.10065.1.12.1.7', 'Consent Signature'],
  prescribed: ['1.2.840.10065.1.12.1.1', "Author's Signature"],
  approved: ['1.2.840.10065.1.12.1.5', 'Verification Signature'],
  declined: ['1.2.840.10065.1.12.1.5', 'Verification Signature'],
};

/** The resources a signed record became in the export. */
function targetsOf(ctx: MapContext, s: FhirPatientRecord['signatures'][number]): Reference[] {
  const candidates: [string, string][] =
    s.recordType === 'plan'
      ? [['MedicationRequest', s.recordId], ['CarePlan', s.recordId]]
      : s.recordType === 'consent'
        ? [['Consent', s.recordId]]
        : s.recordType === 'intake_decision'
          ? [['Condition', s.recordId]]
          : [];
  return candidates.filter(([type, id]) => ctx.has(type, id)).map(([type, id]) => ref(type, id));
}

/**
 * Who signed what, when: one Provenance per electronic signature whose record is in the export. The signature's
 * own record hash stays in Keel (it verifies the record's canonical JSON, which the export does not carry).
 */
export function provenanceResource(ctx: MapContext, s: FhirPatientRecord['signatures'][number]): FhirResource | undefined {
  const target = targetsOf(ctx, s);
  const who = ctx.actorRef(s.signerId);
  if (target.length === 0 || !who) return undefined;
  const [code, display] = signatureTypes[s.meaning] ?? ["1.2.840.10065.1.12.1.1", "Author's Signature"];
  const onBehalfOf = who.reference.startsWith('Practitioner/') ? ctx.organizationRef : undefined;
  return resource('Provenance', s.id, { profiles: [profiles.provenance], lastUpdated: s.signedAt }, {
    target,
    recorded: s.signedAt,
    agent: [
      {
        type: concept([coding(PROVENANCE_PARTICIPANT, 'author', 'Author')]),
        who,
        onBehalfOf,
      },
    ],
    signature: [{ type: [coding('urn:iso-astm:E1762-95:2013', code, display)], when: s.signedAt, who }],
  });
}
