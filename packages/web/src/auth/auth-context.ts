import { createContext, useContext } from 'react';
import type { ApiError } from '../api/api-error.ts';
import type { LoginInput, SessionUser } from './auth-types.ts';

export type AuthStatus = 'loading' | 'signed-out' | 'signed-in' | 'error';

export interface AuthState {
  status: AuthStatus;
  user: SessionUser | null;
  /** Set when the start-up /me call failed for a reason other than "not signed in". */
  startupError: ApiError | null;
  /**
   * The session ended (idle timeout, revoked, expired) while the page was open. The page stays mounted under a
   * sign-in dialog so nothing half-typed is lost.
   */
  sessionExpired: boolean;
}

export interface AuthActions {
  /** Signs in; resolves with the full user (from /me). Throws ApiError (MFA_REQUIRED, RATE_LIMITED, …). */
  signIn: (input: LoginInput) => Promise<SessionUser>;
  /** Takes a session that signup or another flow already created (the cookie is set) and loads the user. */
  adoptSession: () => Promise<SessionUser>;
  signOut: () => Promise<void>;
  /** Re-reads /me (after MFA enrolment, say). */
  refreshUser: () => Promise<SessionUser | null>;
  /** Marks the session as ended locally (the idle deadline passed): the sign-in dialog opens. */
  expireSession: () => void;
  /** When the server was last in contact with a live session (epoch ms): the idle timer's reference point. */
  lastServerContactAt: () => number;
  retryStartup: () => void;
}

export type AuthContextValue = AuthState & AuthActions;

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

/** The signed-in user, for components that only render behind a role guard. */
export function useCurrentUser(): SessionUser {
  const { user } = useAuth();
  if (!user) throw new Error('useCurrentUser needs a signed-in user');
  return user;
}
