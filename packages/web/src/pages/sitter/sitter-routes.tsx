import type { RouteObject } from 'react-router-dom';
import { AccountPage } from '../account/account-page.tsx';
import { SitterHomePage } from './sitter-home-page.tsx';

export { sitterBasePath } from './sitter-paths.ts';

/** The sitter app's pages, relative to sitterBasePath. */
export const sitterRoutes: RouteObject[] = [
  { index: true, element: <SitterHomePage /> },
  { path: 'account', element: <AccountPage /> },
];
