import type { RouteObject } from 'react-router-dom';
import { AccountPage } from '../account/account-page.tsx';
import { AppointmentsPage } from './appointments-page.tsx';
import { AssessmentPage } from './assessment-page.tsx';
import { CheckInPage } from './check-in-page.tsx';
import { ConsentPage } from './consent-page.tsx';
import { EducationModulePage, EducationPage } from './education-page.tsx';
import { IntakePage } from './intake-page.tsx';
import { JournalPage } from './journal-page.tsx';
import { MedicationPage } from './medication-page.tsx';
import { MessagesPage } from './messages-page.tsx';
import { patientBasePath } from './patient-base-path.ts';
import { PatientHomePage } from './patient-home-page.tsx';
import { PracticesPage } from './practices-page.tsx';
import { ProgressPage } from './progress-page.tsx';
import { RecordsPage } from './records-page.tsx';
import { SessionPage } from './session-page.tsx';
import { SessionsPage } from './sessions-page.tsx';
import { SupportPage } from './support-page.tsx';

export { patientBasePath };

/** The patient app's pages, relative to patientBasePath. */
export const patientRoutes: RouteObject[] = [
  { index: true, element: <PatientHomePage /> },
  { path: 'intake', element: <IntakePage /> },
  { path: 'consent', element: <ConsentPage /> },
  { path: 'education', element: <EducationPage /> },
  { path: 'education/:slug', element: <EducationModulePage /> },
  { path: 'sessions', element: <SessionsPage /> },
  { path: 'sessions/:sessionId', element: <SessionPage /> },
  { path: 'check-in', element: <CheckInPage /> },
  { path: 'assessments/:code', element: <AssessmentPage /> },
  { path: 'progress', element: <ProgressPage /> },
  { path: 'journal', element: <JournalPage /> },
  { path: 'messages', element: <MessagesPage /> },
  { path: 'appointments', element: <AppointmentsPage /> },
  { path: 'support', element: <SupportPage /> },
  { path: 'medication', element: <MedicationPage /> },
  { path: 'practices', element: <PracticesPage /> },
  { path: 'records', element: <RecordsPage /> },
  { path: 'account', element: <AccountPage /> },
];
