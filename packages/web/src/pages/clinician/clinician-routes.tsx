import type { RouteObject } from 'react-router-dom';
import { AccountPage } from '../account/account-page.tsx';
import { LapseListPage } from '../../features/compliance/lapse-list.tsx';
import { StaffInboxPage } from '../../features/messaging/staff-inbox-page.tsx';
import { OutcomesPage } from '../../features/outcomes/outcomes-page.tsx';
import { AlertsPage } from './alerts-page.tsx';
import { IntakeReviewPage } from './intake-review-page.tsx';
import { LiveBoardPage } from './live-board-page.tsx';
import { PanelPage } from './panel-page.tsx';
import { PatientChartPage } from './patient-chart-page.tsx';
import { PatientsPage } from './patients-page.tsx';
import { ReviewQueuePage } from './review-queue-page.tsx';
import { SettingsChangesPage } from './settings-changes-page.tsx';
import { clinicianBasePath } from './clinician-paths.ts';

export { clinicianBasePath } from './clinician-paths.ts';

/** The clinician app's pages, relative to clinicianBasePath. */
export const clinicianRoutes: RouteObject[] = [
  { index: true, element: <PanelPage /> },
  { path: 'board', element: <LiveBoardPage /> },
  { path: 'alerts', element: <AlertsPage /> },
  { path: 'messages', element: <StaffInboxPage /> },
  { path: 'review-queue', element: <ReviewQueuePage /> },
  { path: 'review-queue/:patientId', element: <IntakeReviewPage /> },
  { path: 'patients', element: <PatientsPage /> },
  { path: 'patients/:patientId', element: <PatientChartPage /> },
  { path: 'settings-changes', element: <SettingsChangesPage /> },
  { path: 'outcomes', element: <OutcomesPage admin={false} chartPath={(id) => `${clinicianBasePath}/patients/${id}`} /> },
  { path: 'telemedicine-lapse', element: <LapseListPage showClinician={false} chartPath={(id) => `${clinicianBasePath}/patients/${id}`} /> },
  { path: 'account', element: <AccountPage /> },
];
