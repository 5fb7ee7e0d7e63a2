import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { isApiError } from '../api/api-error.ts';
import { setApiEvents } from '../api/client.ts';
import { authApi } from './auth-api.ts';
import { AuthContext, type AuthContextValue, type AuthState } from './auth-context.ts';
import type { LoginInput, SessionUser } from './auth-types.ts';
import { createContactChannel } from './contact-channel.ts';
import { roleHome } from './role-home.ts';

const initialState: AuthState = { status: 'loading', user: null, startupError: null, sessionExpired: false };

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>(initialState);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const lastContact = useRef(Date.now());
  const userRef = useRef<SessionUser | null>(null);
  userRef.current = state.user;
  const [startupAttempt, setStartupAttempt] = useState(0);

  useEffect(() => {
    // Other tabs share the cookie session: their server contact keeps this tab's idle timer honest too.
    const channel = createContactChannel((at) => {
      if (at > lastContact.current) lastContact.current = at;
    });
    const unsubscribe = setApiEvents({
      onServerContact: () => {
        if (!userRef.current) return;
        lastContact.current = Date.now();
        channel.announce(lastContact.current);
      },
      onSessionExpired: () => {
        if (!userRef.current) return;
        setState((s) => (s.user ? { ...s, sessionExpired: true } : s));
      },
      onMfaRequired: () => {
        if (!userRef.current) return;
        setState((s) => (s.user ? { ...s, user: { ...s.user, mfaVerified: false, mfaRequired: true } } : s));
        void navigate('/mfa-setup', { replace: true });
      },
    });
    return () => {
      unsubscribe();
      channel.close();
    };
  }, [navigate]);

  // Start-up: who is signed in (the cookie is httpOnly, so only the server can say).
  useEffect(() => {
    const controller = new AbortController();
    authApi
      .session(controller.signal)
      .then(({ user }) => {
        if (!user) {
          setState({ status: 'signed-out', user: null, startupError: null, sessionExpired: false });
          return;
        }
        lastContact.current = Date.now();
        setState({ status: 'signed-in', user, startupError: null, sessionExpired: false });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (isApiError(error) && error.status === 401) {
          setState({ status: 'signed-out', user: null, startupError: null, sessionExpired: false });
        } else {
          setState({ status: 'error', user: null, startupError: isApiError(error) ? error : null, sessionExpired: false });
        }
      });
    return () => controller.abort();
  }, [startupAttempt]);

  const loadUser = useCallback(async (): Promise<SessionUser> => {
    const user = await authApi.me();
    const previous = userRef.current;
    lastContact.current = Date.now();
    if (previous && previous.id !== user.id) {
      // Someone else signed in over an expired page: nothing of the previous user's may stay on screen.
      queryClient.clear();
      void navigate(roleHome(user.role), { replace: true });
    } else if (previous) {
      // The same person again: refetch what failed while the session was gone, keep the page as it was.
      void queryClient.invalidateQueries();
    }
    userRef.current = user;
    setState({ status: 'signed-in', user, startupError: null, sessionExpired: false });
    return user;
  }, [navigate, queryClient]);

  const signIn = useCallback(
    async (input: LoginInput) => {
      await authApi.login(input);
      return loadUser();
    },
    [loadUser],
  );

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } catch (error) {
      // An already-ended session is signed out anyway; anything else still clears this screen.
      if (!isApiError(error)) throw error;
    }
    queryClient.clear();
    userRef.current = null;
    setState({ status: 'signed-out', user: null, startupError: null, sessionExpired: false });
    void navigate('/', { replace: true });
  }, [navigate, queryClient]);

  const refreshUser = useCallback(async () => {
    try {
      return await loadUser();
    } catch (error) {
      if (isApiError(error) && error.status === 401) {
        setState((s) => (s.user ? { ...s, sessionExpired: true } : s));
        return null;
      }
      throw error;
    }
  }, [loadUser]);

  const expireSession = useCallback(() => {
    setState((s) => (s.user ? { ...s, sessionExpired: true } : s));
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      ...state,
      signIn,
      adoptSession: loadUser,
      signOut,
      refreshUser,
      expireSession,
      lastServerContactAt: () => lastContact.current,
      retryStartup: () => {
        setState(initialState);
        setStartupAttempt((n) => n + 1);
      },
    }),
    [state, signIn, loadUser, signOut, refreshUser, expireSession],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
