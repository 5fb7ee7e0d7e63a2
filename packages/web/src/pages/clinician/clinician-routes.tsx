import type { RouteObject } from 'react-router-dom';
import { placeholderRoutes } from '../../components/placeholder-routes.tsx';
import { RoleHomePage } from '../../components/role-home-page.tsx';
import { clinicianSections } from './clinician-sections.ts';

export const clinicianBasePath = '/clinician';

/** The clinician app's pages, relative to clinicianBasePath. Replace a placeholder with the real page as it is built. */
export const clinicianRoutes: RouteObject[] = [
  { index: true, element: <RoleHomePage basePath={clinicianBasePath} sections={clinicianSections} /> },
  ...placeholderRoutes(clinicianSections),
];
