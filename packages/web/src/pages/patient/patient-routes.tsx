import type { RouteObject } from 'react-router-dom';
import { placeholderRoutes } from '../../components/placeholder-routes.tsx';
import { RoleHomePage } from '../../components/role-home-page.tsx';
import { patientSections } from './patient-sections.ts';

export const patientBasePath = '/patient';

/** The patient app's pages, relative to patientBasePath. Replace a placeholder with the real page as it is built. */
export const patientRoutes: RouteObject[] = [
  { index: true, element: <RoleHomePage basePath={patientBasePath} sections={patientSections} /> },
  ...placeholderRoutes(patientSections),
];
