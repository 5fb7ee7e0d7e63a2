import { Button, type ButtonProps } from '@mantine/core';
import { useState } from 'react';
import { useAuth } from '../auth/auth-context.ts';

export function SignOutButton(props: ButtonProps) {
  const { signOut } = useAuth();
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="default"
      size="sm"
      loading={pending}
      onClick={() => {
        setPending(true);
        void signOut().finally(() => setPending(false));
      }}
      {...props}
    >
      Sign out
    </Button>
  );
}
