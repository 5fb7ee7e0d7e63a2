import { Anchor, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { PageHeader } from '../components/page-header.tsx';

export function NotFoundPage() {
  return (
    <Stack>
      <PageHeader title="Page not found" />
      <Text>There is no page at this address, or it has moved.</Text>
      <Anchor component={Link} to="/">
        Go to the Keel home page
      </Anchor>
    </Stack>
  );
}
