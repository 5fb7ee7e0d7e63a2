// Schemas of the prescribing-compliance part of the API (docs/compliance.md): the patient's prescribing pathway,
// prescriber credentials (state licences, DEA registrations), PDMP checks, the compliance status and the list of
// patients whose telemedicine pathway lapses.
import { z } from 'zod';
import { COMPLIANCE_REASON_CODES, CREDENTIAL_KINDS, DEA_SCHEDULES, PATHWAY_KINDS } from '@keel/domain';
import { eventDate, isoDate, isoDateTime, shortText, usState, uuid } from './common.ts';

export const pathwayKindSchema = z.enum(PATHWAY_KINDS);
export const credentialKindSchema = z.enum(CREDENTIAL_KINDS);
export const complianceReasonCodeSchema = z.enum(COMPLIANCE_REASON_CODES);
export const complianceReasonSchema = z.object({ code: complianceReasonCodeSchema, message: z.string() });
export const complianceStatusSchema = z.enum(['compliant', 'action_needed', 'blocked']);

// ---------- prescribing pathway ----------

/** The kind's own fields: only those of its kind are present. */
export const pathwayDetailsSchema = z.object({
  evaluatedOn: isoDate.optional(),
  location: z.string().optional(),
  attestation: z.literal(true).optional(),
  registrationNumber: z.string().optional(),
  registrationType: z.string().optional(),
  referringClinician: z.string().optional(),
  referredOn: isoDate.optional(),
  documentReference: z.string().optional(),
});
export const pathwaySchema = z.object({
  id: uuid,
  kind: pathwayKindSchema,
  details: pathwayDetailsSchema,
  prescriberId: uuid,
  prescriberName: z.string(),
  signedAt: isoDateTime,
  supersededAt: isoDateTime.nullable(),
});
export type Pathway = z.infer<typeof pathwaySchema>;
export const pathwayResponse = z.object({ pathway: pathwaySchema.nullable() });
export const pathwayCreatedResponse = z.object({ pathway: pathwaySchema });
/**
 * A prescriber records the patient's pathway with their e-signature; it supersedes the previous one. Fields per kind:
 * in_person_evaluation: evaluatedOn, location, attestation: true · telemedicine_flexibility: none ·
 * special_registration: registrationNumber, registrationType · referral_from_in_person_clinician: referringClinician,
 * referredOn, documentReference. A missing field for the kind is a 422 naming it.
 */
export const recordPathwayRequest = z.strictObject({
  kind: pathwayKindSchema,
  evaluatedOn: eventDate.optional(),
  location: shortText.optional(),
  attestation: z.literal(true).optional(),
  registrationNumber: shortText.optional(),
  registrationType: shortText.optional(),
  referringClinician: shortText.optional(),
  referredOn: eventDate.optional(),
  documentReference: shortText.optional(),
  signature: z.strictObject({ password: z.string().min(1).max(1024) }),
});

// ---------- credentials ----------

export const clinicianParams = z.strictObject({ userId: uuid });
export const credentialSchema = z.object({
  id: uuid,
  clinicianId: uuid,
  kind: credentialKindSchema,
  number: z.string(),
  state: z.string(),
  schedules: z.array(z.string()),
  expiresOn: isoDate,
  documentName: z.string(),
  createdAt: isoDateTime,
  createdBy: uuid,
});
export type Credential = z.infer<typeof credentialSchema>;
export const credentialList = z.object({ credentials: z.array(credentialSchema) });
export const credentialResponse = z.object({ credential: credentialSchema });
/** Up to 5 MB of document once decoded (base64 is 4/3 of that). */
const documentBase64 = z.string().min(4).max(7_000_000).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
export const createCredentialRequest = z.strictObject({
  kind: credentialKindSchema,
  number: shortText,
  state: usState,
  schedules: z.array(z.enum(DEA_SCHEDULES)).max(DEA_SCHEDULES.length).optional(),
  expiresOn: eventDate,
  document: z.strictObject({
    filename: shortText,
    contentType: z.enum(['application/pdf', 'image/png', 'image/jpeg']),
    base64: documentBase64,
  }),
});
export const credentialParams = z.strictObject({ credentialId: uuid });
export const expiringCredentialsQuery = z.strictObject({ withinDays: z.coerce.number().int().min(0).max(365).default(30) });
export const expiringCredentialList = z.object({
  credentials: z.array(credentialSchema.extend({ clinicianName: z.string(), daysLeft: z.number().int() })),
});

// ---------- PDMP checks ----------

export const pdmpOtherPrescriptionSchema = z.strictObject({ drug: shortText, prescriber: shortText, filledOn: eventDate });
export const pdmpCheckSchema = z.object({
  id: uuid,
  checkedAt: isoDateTime,
  states: z.array(z.string()),
  resultSummary: z.string(),
  otherControlledPrescriptions: z.array(z.object({ drug: z.string(), prescriber: z.string(), filledOn: isoDate })),
  otherPrescriberFound: z.boolean(),
  checkedBy: uuid,
  checkedByName: z.string(),
  recordedAt: isoDateTime,
});
export type PdmpCheck = z.infer<typeof pdmpCheckSchema>;
export const pdmpCheckListResponse = z.object({ checks: z.array(pdmpCheckSchema) });
export const pdmpCheckCreatedResponse = z.object({ check: pdmpCheckSchema });
/** `checkedAt` may not be in the future; `otherPrescriberFound: true` feeds the MULTIPLE_PRESCRIBERS warning sign. */
export const recordPdmpCheckRequest = z.strictObject({
  checkedAt: isoDateTime,
  states: z.array(usState).min(1).max(10),
  resultSummary: z.string().trim().min(1).max(4000),
  otherControlledPrescriptions: z.array(pdmpOtherPrescriptionSchema).max(50),
  otherPrescriberFound: z.boolean(),
});

// ---------- status and lapse list ----------

export const complianceResponse = z.object({
  status: complianceStatusSchema,
  reasons: z.array(complianceReasonSchema),
  pathway: pathwaySchema.nullable(),
  lastPdmpCheckAt: isoDateTime.nullable(),
  nextPdmpDueAt: isoDateTime.nullable(),
  /** The first day the pathway no longer holds (set for a telemedicine_flexibility pathway). */
  lapsesOn: isoDate.nullable(),
});
export const lapseListResponse = z.object({
  flexibilityUntil: isoDate,
  patients: z.array(
    z.object({
      patientId: uuid,
      name: z.string(),
      clinicianId: uuid.nullable(),
      clinicianName: z.string().nullable(),
      pathwayKind: pathwayKindSchema,
      lapsesOn: isoDate,
    }),
  ),
});
/** The compliance summary on a panel row. */
export const panelComplianceSchema = z.object({ status: complianceStatusSchema, reasonCodes: z.array(z.string()) });
