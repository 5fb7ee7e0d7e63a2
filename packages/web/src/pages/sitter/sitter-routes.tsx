import type { RouteObject } from 'react-router-dom';
import { SitterHomePage } from './sitter-home-page.tsx';

export { sitterBasePath } from './sitter-paths.ts';

/** The sitter app's pages, relative to sitterBasePath. */
export const sitterRoutes: RouteObject[] = [{ index: true, element: <SitterHomePage /> }];
