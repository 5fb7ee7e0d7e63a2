import type { RouteObject } from 'react-router-dom';
import { placeholderRoutes } from '../../components/placeholder-routes.tsx';
import { RoleHomePage } from '../../components/role-home-page.tsx';
import { sitterSections } from './sitter-sections.ts';

export const sitterBasePath = '/sitter';

/** The sitter app's pages, relative to sitterBasePath. Replace a placeholder with the real page as it is built. */
export const sitterRoutes: RouteObject[] = [
  { index: true, element: <RoleHomePage basePath={sitterBasePath} sections={sitterSections} /> },
  ...placeholderRoutes(sitterSections),
];
