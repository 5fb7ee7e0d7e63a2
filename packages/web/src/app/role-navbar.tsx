import { AppShell, Divider, NavLink, Stack } from '@mantine/core';
import { Link, useLocation } from 'react-router-dom';
import type { SessionUser } from '../auth/auth-types.ts';
import { roleLabel } from '../auth/role-home.ts';
import type { RoleSection } from '../components/role-section.ts';
import { SignOutButton } from './sign-out-button.tsx';
import { UserBadge } from './user-badge.tsx';

interface RoleNavbarProps {
  user: SessionUser;
  basePath: string;
  sections: readonly RoleSection[];
  onNavigate: () => void;
}

function hrefOf(basePath: string, section: RoleSection): string {
  return section.path === '' ? basePath : `${basePath}/${section.path}`;
}

export function RoleNavbar({ user, basePath, sections, onNavigate }: RoleNavbarProps) {
  const { pathname } = useLocation();
  const isActive = (section: RoleSection) => {
    const href = hrefOf(basePath, section);
    return section.path === '' ? pathname === basePath || pathname === `${basePath}/` : pathname === href || pathname.startsWith(`${href}/`);
  };
  return (
    <AppShell.Navbar id="role-navbar" p="sm" aria-label={`${roleLabel(user.role)} sections`}>
      <Stack gap={2}>
        {sections.map((section) => {
          const active = isActive(section);
          return (
            <NavLink
              key={section.path}
              component={Link}
              to={hrefOf(basePath, section)}
              label={section.label}
              active={active}
              aria-current={active ? 'page' : undefined}
              onClick={onNavigate}
              fw={active ? 650 : 500}
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
            />
          );
        })}
      </Stack>
      {/* On phones the header has no room for who is signed in: it lives here, in the menu. */}
      <Stack gap="sm" mt="auto" hiddenFrom="sm">
        <Divider />
        <UserBadge user={user} align="left" />
        <SignOutButton fullWidth />
      </Stack>
    </AppShell.Navbar>
  );
}
