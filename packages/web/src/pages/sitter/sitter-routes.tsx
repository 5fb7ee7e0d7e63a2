import type { RouteObject } from 'react-router-dom';
import { SitterHomePage } from './sitter-home-page.tsx';

export const sitterBasePath = '/sitter';

/** The sitter app's pages, relative to sitterBasePath. */
export const sitterRoutes: RouteObject[] = [{ index: true, element: <SitterHomePage /> }];
