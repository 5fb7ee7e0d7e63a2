import type { RouteObject } from 'react-router-dom';
import { AccountPage } from '../account/account-page.tsx';
import { StaffInboxPage } from '../../features/messaging/staff-inbox-page.tsx';
import { CaseloadPage } from './caseload-page.tsx';
import { CoachPatientPage } from './coach-patient-page.tsx';
import { NotesPage } from './notes-page.tsx';

export { coachBasePath } from './coach-paths.ts';

/** The coach app's pages, relative to coachBasePath. */
export const coachRoutes: RouteObject[] = [
  { index: true, element: <CaseloadPage /> },
  { path: 'notes', element: <NotesPage /> },
  { path: 'messages', element: <StaffInboxPage /> },
  { path: 'patients/:patientId', element: <CoachPatientPage /> },
  { path: 'account', element: <AccountPage /> },
];
