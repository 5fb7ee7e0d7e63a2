import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/auth-context.ts';
import { needsMfaSetup, type Role } from '../auth/auth-types.ts';
import { roleHome } from '../auth/role-home.ts';
import { PageLoader } from '../components/page-loader.tsx';

/**
 * Lets the role's own user through. Signed out → the sign-in page (which brings them back here); a staff session
 * that still has to set up MFA → the MFA page; another role → that role's home. Once signed in, an expired
 * session keeps the page mounted: the sign-in dialog covers it.
 */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const { status, user } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <PageLoader label="Checking your session…" />;
  if (!user) return <Navigate to="/" replace state={{ from: location.pathname }} />;
  if (needsMfaSetup(user)) return <Navigate to="/mfa-setup" replace />;
  if (user.role !== role) return <Navigate to={roleHome(user.role)} replace />;
  return children;
}
