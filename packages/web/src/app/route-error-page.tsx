import { Alert, Anchor, Container, Stack, Title } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router-dom';
import { crisisResources, emergencyMessage } from '../crisis/crisis-resources.ts';

/**
 * The last line of defence when a page crashes. It renders outside the normal layout (which may be what broke),
 * so it repeats the crisis essentials itself.
 */
export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : 'An unexpected error stopped this page.';
  return (
    <Container size="sm" py="xl">
      <main id="main-content">
        <Stack>
          <Title order={1}>Something went wrong</Title>
          <Alert color="red" variant="light" title="This page could not be shown">
            {message} Reload the page, or{' '}
            <Anchor href="/">go back to the Keel home page</Anchor>.
          </Alert>
          <Alert color="red" variant="outline" title="Need help now?" role="note">
            {emergencyMessage}{' '}
            {crisisResources[0] && `${crisisResources[0].name}: call or text 988.`}
          </Alert>
        </Stack>
      </main>
    </Container>
  );
}
