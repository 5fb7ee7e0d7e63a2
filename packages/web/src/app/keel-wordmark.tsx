import { Anchor } from '@mantine/core';
import { Link } from 'react-router-dom';

export function KeelWordmark({ to }: { to: string }) {
  return (
    <Anchor component={Link} to={to} underline="never" c="keel.8" fw={750} fz={24} lh={1} aria-label="Keel, home">
      Keel
    </Anchor>
  );
}
