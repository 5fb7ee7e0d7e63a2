import type { RouteObject } from 'react-router-dom';
import { placeholderRoutes } from '../../components/placeholder-routes.tsx';
import { RoleHomePage } from '../../components/role-home-page.tsx';
import { adminSections } from './admin-sections.ts';

export const adminBasePath = '/admin';

/** The admin app's pages, relative to adminBasePath. Replace a placeholder with the real page as it is built. */
export const adminRoutes: RouteObject[] = [
  { index: true, element: <RoleHomePage basePath={adminBasePath} sections={adminSections} /> },
  ...placeholderRoutes(adminSections),
];
