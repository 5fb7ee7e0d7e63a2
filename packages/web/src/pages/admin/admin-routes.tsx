import type { RouteObject } from 'react-router-dom';
import { AccountPage } from '../account/account-page.tsx';
import { AccountsPage } from './accounts-page.tsx';
import { AuditLogPage } from './audit-log-page.tsx';
import { CareTeamsPage } from './care-teams-page.tsx';
import { LapseListPage } from '../../features/compliance/lapse-list.tsx';
import { CredentialsPage } from './credentials-page.tsx';
import { OutcomesPage } from '../../features/outcomes/outcomes-page.tsx';
import { OnCallPage } from './on-call-page.tsx';
import { SettingsPage } from './settings-page.tsx';

export { adminBasePath } from './admin-paths.ts';

/** The admin app's pages, relative to adminBasePath. */
export const adminRoutes: RouteObject[] = [
  { index: true, element: <AccountsPage /> },
  { path: 'care-teams', element: <CareTeamsPage /> },
  { path: 'on-call', element: <OnCallPage /> },
  { path: 'credentials', element: <CredentialsPage /> },
  { path: 'telemedicine-lapse', element: <LapseListPage showClinician /> },
  { path: 'outcomes', element: <OutcomesPage admin /> },
  { path: 'settings', element: <SettingsPage /> },
  { path: 'audit-log', element: <AuditLogPage /> },
  { path: 'account', element: <AccountPage /> },
];
