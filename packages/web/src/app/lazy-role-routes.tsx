import { lazy, Suspense } from 'react';
import { useRoutes, type RouteObject } from 'react-router-dom';
import { PageLoader } from '../components/page-loader.tsx';
import { NotFoundPage } from './not-found-page.tsx';

/**
 * A role's pages as one chunk loaded when that role's app is first opened (route-level code splitting): the
 * sign-in page and the other roles never download a clinician's charts or an admin's tables.
 */
export function lazyRoleRoutes(load: () => Promise<{ routes: RouteObject[] }>): RouteObject[] {
  const RoleRoutes = lazy(async () => {
    const { routes } = await load();
    const all = [...routes, { path: '*', element: <NotFoundPage /> }];
    return {
      default: function RoleRoutes() {
        return useRoutes(all);
      },
    };
  });
  const element = (
    <Suspense fallback={<PageLoader label="Loading…" />}>
      <RoleRoutes />
    </Suspense>
  );
  // A splat alone does not match the role's own address (/patient): the index route takes that one.
  return [
    { index: true, element },
    { path: '*', element },
  ];
}
