import { createBrowserRouter, type RouteObject } from 'react-router-dom';
import type { Role } from '../auth/auth-types.ts';
import type { RoleSection } from '../components/role-section.ts';
import { MfaSetupPage } from '../pages/account/mfa-setup-page.tsx';
import { adminBasePath } from '../pages/admin/admin-paths.ts';
import { adminSections } from '../pages/admin/admin-sections.ts';
import { clinicianBasePath } from '../pages/clinician/clinician-paths.ts';
import { clinicianSections } from '../pages/clinician/clinician-sections.ts';
import { coachBasePath } from '../pages/coach/coach-paths.ts';
import { coachSections } from '../pages/coach/coach-sections.ts';
import { patientBasePath } from '../pages/patient/patient-base-path.ts';
import { patientSections } from '../pages/patient/patient-sections.ts';
import { AcceptInvitationPage } from '../pages/public/accept-invitation-page.tsx';
import { ForgotPasswordPage } from '../pages/public/forgot-password-page.tsx';
import { LandingPage } from '../pages/public/landing-page.tsx';
import { ResetPasswordPage } from '../pages/public/reset-password-page.tsx';
import { SignupConfirmPage } from '../pages/public/signup-confirm-page.tsx';
import { SignupPage } from '../pages/public/signup-page.tsx';
import { SitterInvitationPage } from '../pages/public/sitter-invitation-page.tsx';
import { sitterBasePath } from '../pages/sitter/sitter-paths.ts';
import { sitterSections } from '../pages/sitter/sitter-sections.ts';
import { lazyRoleRoutes } from './lazy-role-routes.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { PublicLayout } from './public-layout.tsx';
import { RequireRole } from './require-role.tsx';
import { RoleShell } from './role-shell.tsx';
import { RootLayout } from './root-layout.tsx';
import { RouteErrorPage } from './route-error-page.tsx';

function roleApp(role: Role, basePath: string, sections: readonly RoleSection[], children: RouteObject[]): RouteObject {
  return {
    path: basePath,
    element: (
      <RequireRole role={role}>
        <RoleShell basePath={basePath} sections={sections} />
      </RequireRole>
    ),
    children,
  };
}

export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    errorElement: <RouteErrorPage />,
    children: [
      {
        element: <PublicLayout />,
        children: [
          { index: true, element: <LandingPage /> },
          { path: 'signup', element: <SignupPage /> },
          { path: 'signup/confirm', element: <SignupConfirmPage /> },
          { path: 'forgot-password', element: <ForgotPasswordPage /> },
          { path: 'reset-password', element: <ResetPasswordPage /> },
          { path: 'accept-invitation', element: <AcceptInvitationPage /> },
          { path: 'sitter-invitation', element: <SitterInvitationPage /> },
          { path: 'mfa-setup', element: <MfaSetupPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
      roleApp('patient', patientBasePath, patientSections, lazyRoleRoutes(async () => ({ routes: (await import('../pages/patient/patient-routes.tsx')).patientRoutes }))),
      roleApp('sitter', sitterBasePath, sitterSections, lazyRoleRoutes(async () => ({ routes: (await import('../pages/sitter/sitter-routes.tsx')).sitterRoutes }))),
      roleApp('clinician', clinicianBasePath, clinicianSections, lazyRoleRoutes(async () => ({ routes: (await import('../pages/clinician/clinician-routes.tsx')).clinicianRoutes }))),
      roleApp('coach', coachBasePath, coachSections, lazyRoleRoutes(async () => ({ routes: (await import('../pages/coach/coach-routes.tsx')).coachRoutes }))),
      roleApp('admin', adminBasePath, adminSections, lazyRoleRoutes(async () => ({ routes: (await import('../pages/admin/admin-routes.tsx')).adminRoutes }))),
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
