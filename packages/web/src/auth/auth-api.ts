import { api } from '../api/client.ts';
import type { LoginInput, LoginResult, MfaEnrollResult, MfaVerifyResult, SessionUser, SignupInput } from './auth-types.ts';

// The auth endpoints handle their own 401s (wrong password, MFA needed): they never mean "your session expired".
const own401 = { expectUnauthenticated: true } as const;

export const authApi = {
  /** Start-up: the signed-in user or null, never a 401 (a first visit makes no failing request). */
  session: (signal?: AbortSignal) => api.get<{ user: SessionUser | null }>('/auth/session', signal ? { signal } : {}),
  me: (signal?: AbortSignal) => api.get<SessionUser>('/me', { ...own401, ...(signal ? { signal } : {}) }),
  /** Touches the session (the idle timer) and returns the user; a 401 here does mean the session ended. */
  keepAlive: () => api.get<SessionUser>('/me'),
  login: (input: LoginInput) => api.post<LoginResult>('/auth/login', input, own401),
  logout: () => api.post<undefined>('/auth/logout', undefined, own401),
  /** Step one: always answers the same way; the link to create the account is in the email. */
  signup: (input: SignupInput) =>
    api.post<{ status: 'confirmation_sent'; email: string; expiresInHours: number }>('/auth/signup', input, own401),
  /** Step two, from the emailed link: creates the account and signs in (the cookie is set). */
  confirmSignup: (token: string) => api.post<LoginResult>('/auth/signup/confirm', { token }, own401),
  requestPasswordReset: (email: string) => api.post<undefined>('/auth/password-reset', { email }, own401),
  completePasswordReset: (token: string, password: string) =>
    api.post<undefined>('/auth/password-reset/complete', { token, password }, own401),
  acceptInvitation: (token: string, password: string) => api.post<undefined>('/auth/invitations/accept', { token, password }, own401),
  acceptSitterInvitation: (input: { token: string; password?: string; name?: string }) =>
    api.post<{ patientId: string; createdAccount: boolean }>('/sitter-invitations/accept', input, own401),
  enrollMfa: () => api.post<MfaEnrollResult>('/auth/mfa/enroll', undefined, own401),
  verifyMfa: (code: string) => api.post<MfaVerifyResult>('/auth/mfa/verify', { code }, own401),
};
