import { AppShell, Burger, Container, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Outlet } from 'react-router-dom';
import { useCurrentUser } from '../auth/auth-context.ts';
import { DemoBanner, demoBannerHeight } from '../components/demo-banner.tsx';
import type { RoleSection } from '../components/role-section.ts';
import { CrisisButton } from '../crisis/crisis-button.tsx';
import { KeelWordmark } from './keel-wordmark.tsx';
import { RoleNavbar } from './role-navbar.tsx';
import { SignOutButton } from './sign-out-button.tsx';
import { mainContentId } from './skip-link.tsx';
import { useFocusMainOnNavigate } from './use-focus-main-on-navigate.ts';
import { UserBadge } from './user-badge.tsx';

const headerHeight = 60;

interface RoleShellProps {
  basePath: string;
  sections: readonly RoleSection[];
}

/** The signed-in app frame: header (Keel, who, crisis help, sign out), the role's sections, and the page. */
export function RoleShell({ basePath, sections }: RoleShellProps) {
  const user = useCurrentUser();
  const [navOpen, { toggle, close }] = useDisclosure(false);
  useFocusMainOnNavigate();
  const bannerHeight = user.isDemo ? demoBannerHeight : 0;

  return (
    <AppShell
      header={{ height: headerHeight + bannerHeight }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
      padding={{ base: 'md', sm: 'lg' }}
      // The patient app is a calmer, warmer place than the staff tools: a soft sand background behind white cards.
      style={user.role === 'patient' ? { '--mantine-color-body': '#fbf8f3' } : undefined}
    >
      <AppShell.Header>
        {user.isDemo && <DemoBanner />}
        <Group h={headerHeight} px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpen}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpen ? 'Close menu' : 'Open menu'}
              aria-expanded={navOpen}
              aria-controls="role-navbar"
            />
            <KeelWordmark to={basePath} />
          </Group>
          <Group gap="md" wrap="nowrap">
            <Group gap="md" wrap="nowrap" visibleFrom="sm">
              <UserBadge user={user} />
            </Group>
            <CrisisButton />
            <SignOutButton visibleFrom="sm" />
          </Group>
        </Group>
      </AppShell.Header>
      <RoleNavbar user={user} basePath={basePath} sections={sections} onNavigate={close} />
      <AppShell.Main id={mainContentId} tabIndex={-1}>
        <Container size="xl" px={0} ml={0}>
          <Outlet />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
