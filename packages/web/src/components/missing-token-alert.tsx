import { Alert, Anchor } from '@mantine/core';
import { Link } from 'react-router-dom';

/** The page was opened without the token its email link carries. */
export function MissingTokenAlert({ what, retry }: { what: string; retry?: { to: string; label: string } }) {
  return (
    <Alert color="red" variant="light" title="This link is incomplete" role="alert">
      Open the {what} link from your email again, exactly as it was sent.{' '}
      {retry && (
        <Anchor component={Link} to={retry.to}>
          {retry.label}
        </Anchor>
      )}
    </Alert>
  );
}
