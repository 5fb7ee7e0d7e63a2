import { Anchor, Card, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../../auth/auth-context.ts';
import { needsMfaSetup, type SessionUser } from '../../auth/auth-types.ts';
import { roleHome } from '../../auth/role-home.ts';
import { SignInForm } from '../../auth/sign-in-form.tsx';
import { PageLoader } from '../../components/page-loader.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { ProgramOverview } from './program-overview.tsx';

function returnPath(state: unknown): string | null {
  if (typeof state !== 'object' || state === null || !('from' in state)) return null;
  const from = state.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') ? from : null;
}

function destinationFor(user: SessionUser, from: string | null): string {
  if (needsMfaSetup(user)) return '/mfa-setup';
  const home = roleHome(user.role);
  // Only go back to a page inside this user's own app.
  return from && (from === home || from.startsWith(`${home}/`)) ? from : home;
}

/** The front door: what Keel is, and signing in. */
export function LandingPage() {
  usePageTitle(undefined);
  const { status, user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = returnPath(location.state);

  if (status === 'loading') return <PageLoader />;
  if (user) return <Navigate to={destinationFor(user, from)} replace />;

  return (
    <Stack gap="xl">
      <Stack gap="xs">
        <Title order={1}>Keel</Title>
        <Text size="lg" maw={640}>
          A medically supervised program of at-home ketamine treatment for adults whose depression has not improved
          with other treatments.
        </Text>
      </Stack>
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, md: 5 }} order={{ base: 1, md: 2 }}>
          <Card withBorder padding="lg" component="section" aria-labelledby="sign-in-heading">
            <Title order={2} size="h3" id="sign-in-heading" mb="md">
              Sign in
            </Title>
            <SignInForm onSignedIn={(signedIn) => void navigate(destinationFor(signedIn, from), { replace: true })} />
            <Group justify="space-between" mt="md" gap="xs">
              <Anchor component={Link} to="/signup" fw={600}>
                Create a patient account
              </Anchor>
              <Anchor component={Link} to="/forgot-password">
                Forgot password
              </Anchor>
            </Group>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }} order={{ base: 2, md: 1 }}>
          <Stack gap="lg">
            <ProgramOverview />
            <Text size="sm" c="dimmed">
              Keel is not an emergency service. If you are in crisis, use the Crisis help button at the top of any page.
            </Text>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
