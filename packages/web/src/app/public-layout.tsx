import { AppShell, Container, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { Outlet } from 'react-router-dom';
import { useAuth } from '../auth/auth-context.ts';
import { DemoBanner, demoBannerHeight } from '../components/demo-banner.tsx';
import { CrisisButton } from '../crisis/crisis-button.tsx';
import { KeelWordmark } from './keel-wordmark.tsx';
import { SignOutButton } from './sign-out-button.tsx';
import { mainContentId } from './skip-link.tsx';
import { useFocusMainOnNavigate } from './use-focus-main-on-navigate.ts';

const headerHeight = 60;

/** The frame of the pages anyone can open (sign-in, sign-up, invitations): Keel, crisis help, the page. */
export function PublicLayout({ children }: { children?: ReactNode }) {
  const { user } = useAuth();
  useFocusMainOnNavigate();
  const demo = user?.isDemo === true;
  return (
    <AppShell header={{ height: headerHeight + (demo ? demoBannerHeight : 0) }} padding={{ base: 'md', sm: 'lg' }}>
      <AppShell.Header>
        {demo && <DemoBanner />}
        <Group h={headerHeight} px="md" justify="space-between" wrap="nowrap">
          <KeelWordmark to="/" />
          <Group gap="sm" wrap="nowrap">
            <CrisisButton />
            {user && <SignOutButton />}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main id={mainContentId} tabIndex={-1}>
        <Container size="md" px={0}>
          {children ?? <Outlet />}
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
