import type { RouteObject } from 'react-router-dom';
import { placeholderRoutes } from '../../components/placeholder-routes.tsx';
import { RoleHomePage } from '../../components/role-home-page.tsx';
import { coachSections } from './coach-sections.ts';

export const coachBasePath = '/coach';

/** The coach app's pages, relative to coachBasePath. Replace a placeholder with the real page as it is built. */
export const coachRoutes: RouteObject[] = [
  { index: true, element: <RoleHomePage basePath={coachBasePath} sections={coachSections} /> },
  ...placeholderRoutes(coachSections),
];
