import { z } from 'zod';
import { email, isoDate, isoDateTime, roleSchema, shortText, usState, uuid } from './common.ts';

export const passwordInput = z.string().min(1).max(256);

export const signupRequest = z.strictObject({
  email,
  password: passwordInput,
  name: shortText,
  dateOfBirth: isoDate,
  state: usState,
});

export const loginRequest = z.strictObject({
  email,
  password: passwordInput,
  totp: z.string().regex(/^\d{6}$/, 'must be 6 digits').optional(),
  recoveryCode: z.string().max(40).optional(),
});

export const userSchema = z.object({
  id: uuid,
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  patientId: uuid.optional(),
  mfaEnabled: z.boolean(),
  mfaVerified: z.boolean(),
  idleTimeoutMinutes: z.number().int(),
  isDemo: z.boolean(),
  /** The user's contact number (E.164), which they set on their account; the live board shows it to the care team. */
  phone: z.string().nullable().optional(),
});
export type User = z.infer<typeof userSchema>;

export const loginResponse = z.object({ token: z.string(), expiresAt: isoDateTime, user: userSchema });

export const signupResponse = z.object({ user: userSchema, token: z.string(), expiresAt: isoDateTime });

/** The same answer whether or not the email already has an account: the next step is always in the email. */
export const signupAccepted = z.object({ status: z.literal('confirmation_sent'), email: z.string(), expiresInHours: z.number().int() });
export const signupConfirmRequest = z.strictObject({ token: z.string().min(16).max(200) });

export const mfaEnrollResponse = z.object({ secret: z.string(), otpauthUrl: z.string() });
export const mfaVerifyRequest = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'must be 6 digits') });
export const mfaVerifyResponse = z.object({ mfaEnabled: z.literal(true), recoveryCodes: z.array(z.string()).optional() });

export const createUserRequest = z.strictObject({
  email,
  name: shortText,
  role: z.enum(['sitter', 'clinician', 'coach', 'admin']),
  stateLicenses: z.array(usState).max(60).optional(),
  deaRegistration: z.string().max(20).optional(),
});
export const accountSchema = z.object({
  id: uuid,
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  status: z.enum(['invited', 'active', 'deactivated']),
  mfaEnabled: z.boolean(),
  createdAt: isoDateTime,
  stateLicenses: z.array(z.string()),
  /** For patient accounts: the patient record (admins manage care teams by it). */
  patientId: uuid.nullable(),
});
export const createUserResponse = z.object({ user: accountSchema, invitationExpiresAt: isoDateTime });
export const accountList = z.object({ items: z.array(accountSchema) });

export const acceptInvitationRequest = z.strictObject({ token: z.string().min(20).max(200), password: passwordInput });
export const passwordResetRequest = z.strictObject({ email });
export const passwordResetComplete = z.strictObject({ token: z.string().min(20).max(200), password: passwordInput });

export const careTeamAssignRequest = z.strictObject({
  userId: uuid,
  role: z.enum(['clinician', 'coach']),
  primary: z.boolean().optional(),
});
export const careTeamMemberSchema = z.object({
  userId: uuid,
  name: z.string(),
  role: z.enum(['clinician', 'coach']),
  primary: z.boolean(),
  assignedAt: isoDateTime,
});
/** Why an account is deactivated or a care-team member unassigned: kept in the audit log with the change. */
export const changeReasonRequest = z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() }).nullish();
export const careTeamResponse = z.object({ members: z.array(careTeamMemberSchema) });

export const sitterInviteRequest = z.strictObject({
  email,
  name: shortText,
  relationship: z.string().trim().max(100).optional(),
  confirmsAdult: z.literal(true, { error: 'the sitter must be an adult (18 or older)' }),
});
export const sitterSchema = z.object({
  id: uuid,
  name: z.string(),
  email: z.string(),
  relationship: z.string().nullable(),
  status: z.enum(['invited', 'pending_approval', 'active', 'removed']),
  sitterUserId: uuid.nullable(),
  invitedAt: isoDateTime,
  acceptedAt: isoDateTime.nullable(),
});
export const sitterList = z.object({ items: z.array(sitterSchema) });
export const sitterAcceptRequest = z.strictObject({
  token: z.string().min(20).max(200),
  password: passwordInput.optional(),
  name: shortText.optional(),
});

export const signatureInput = z.strictObject({ password: passwordInput });
export const signatureSchema = z.object({
  id: uuid,
  signerId: uuid,
  printedName: z.string(),
  meaning: z.string(),
  signedAt: isoDateTime,
  recordType: z.string(),
  recordId: uuid,
  recordSha256: z.string(),
});
export type Signature = z.infer<typeof signatureSchema>;
