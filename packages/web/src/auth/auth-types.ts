import type { Role, User } from '@keel/contract';

export type { Role };

/** The signed-in user as `GET /api/v1/me` returns it (`mfaRequired` is only on /me, not on login). */
export type SessionUser = User & { mfaRequired?: boolean };

export interface LoginInput {
  email: string;
  password: string;
  totp?: string;
  recoveryCode?: string;
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: SessionUser;
}

export interface SignupInput {
  email: string;
  password: string;
  name: string;
  dateOfBirth: string;
  state: string;
}

export interface MfaEnrollResult {
  secret: string;
  otpauthUrl: string;
}

export interface MfaVerifyResult {
  mfaEnabled: true;
  recoveryCodes?: string[];
}

/** The staff roles that must use MFA when the program requires it. */
export const staffRoles: readonly Role[] = ['clinician', 'coach', 'admin'];

/** A staff session that must finish MFA enrolment before anything else. */
export function needsMfaSetup(user: SessionUser): boolean {
  return user.mfaRequired === true && !user.mfaVerified;
}
