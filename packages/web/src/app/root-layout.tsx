import { Outlet } from 'react-router-dom';
import { AuthProvider } from '../auth/auth-provider.tsx';
import { useAuth } from '../auth/auth-context.ts';
import { IdleTimeoutWatcher } from '../auth/idle-timeout-watcher.tsx';
import { SessionExpiredModal } from '../auth/session-expired-modal.tsx';
import { PublicLayout } from './public-layout.tsx';
import { SkipLink } from './skip-link.tsx';
import { StartupError } from './startup-error.tsx';
import { useTableCellLabels } from './use-table-cell-labels.ts';

function RootContent() {
  const { status } = useAuth();
  if (status === 'error') {
    return (
      <PublicLayout>
        <StartupError />
      </PublicLayout>
    );
  }
  return <Outlet />;
}

/** Everything every page has: the auth context, the skip link, the idle timer and the expired-session dialog. */
export function RootLayout() {
  useTableCellLabels();
  return (
    <AuthProvider>
      <SkipLink />
      <RootContent />
      <IdleTimeoutWatcher />
      <SessionExpiredModal />
    </AuthProvider>
  );
}
