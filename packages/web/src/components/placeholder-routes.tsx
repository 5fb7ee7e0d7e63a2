import type { RouteObject } from 'react-router-dom';
import type { RoleSection } from './role-section.ts';
import { SectionPlaceholderPage } from './section-placeholder-page.tsx';

/** Routes for sections that have no page of their own yet (each shows "Nothing here yet"). */
export function placeholderRoutes(sections: readonly RoleSection[]): RouteObject[] {
  return sections
    .filter((section) => section.path !== '')
    .map((section) => ({ path: section.path, element: <SectionPlaceholderPage section={section} /> }));
}
