import { Stack, Text } from '@mantine/core';
import type { SessionUser } from '../auth/auth-types.ts';
import { roleLabel } from '../auth/role-home.ts';

export function UserBadge({ user, align = 'right' }: { user: SessionUser; align?: 'left' | 'right' }) {
  return (
    <Stack gap={0} align={align === 'right' ? 'flex-end' : 'flex-start'}>
      <Text size="sm" fw={600} lh={1.3}>
        {user.name}
      </Text>
      <Text size="xs" c="dimmed" lh={1.3}>
        {roleLabel(user.role)}
      </Text>
    </Stack>
  );
}
