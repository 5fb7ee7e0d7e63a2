import { createBrowserRouter, type RouteObject } from 'react-router-dom';
import type { Role } from '../auth/auth-types.ts';
import type { RoleSection } from '../components/role-section.ts';
import { MfaSetupPage } from '../pages/account/mfa-setup-page.tsx';
import { adminBasePath, adminRoutes } from '../pages/admin/admin-routes.tsx';
import { adminSections } from '../pages/admin/admin-sections.ts';
import { clinicianBasePath, clinicianRoutes } from '../pages/clinician/clinician-routes.tsx';
import { clinicianSections } from '../pages/clinician/clinician-sections.ts';
import { coachBasePath, coachRoutes } from '../pages/coach/coach-routes.tsx';
import { coachSections } from '../pages/coach/coach-sections.ts';
import { patientBasePath, patientRoutes } from '../pages/patient/patient-routes.tsx';
import { patientSections } from '../pages/patient/patient-sections.ts';
import { AcceptInvitationPage } from '../pages/public/accept-invitation-page.tsx';
import { ForgotPasswordPage } from '../pages/public/forgot-password-page.tsx';
import { LandingPage } from '../pages/public/landing-page.tsx';
import { ResetPasswordPage } from '../pages/public/reset-password-page.tsx';
import { SignupPage } from '../pages/public/signup-page.tsx';
import { SitterInvitationPage } from '../pages/public/sitter-invitation-page.tsx';
import { sitterBasePath, sitterRoutes } from '../pages/sitter/sitter-routes.tsx';
import { sitterSections } from '../pages/sitter/sitter-sections.ts';
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
    children: [...children, { path: '*', element: <NotFoundPage /> }],
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
          { path: 'forgot-password', element: <ForgotPasswordPage /> },
          { path: 'reset-password', element: <ResetPasswordPage /> },
          { path: 'accept-invitation', element: <AcceptInvitationPage /> },
          { path: 'sitter-invitation', element: <SitterInvitationPage /> },
          { path: 'mfa-setup', element: <MfaSetupPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
      roleApp('patient', patientBasePath, patientSections, patientRoutes),
      roleApp('sitter', sitterBasePath, sitterSections, sitterRoutes),
      roleApp('clinician', clinicianBasePath, clinicianSections, clinicianRoutes),
      roleApp('coach', coachBasePath, coachSections, coachRoutes),
      roleApp('admin', adminBasePath, adminSections, adminRoutes),
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
