import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { CrisisDialog } from '../crisis/crisis-dialog.tsx';
import { useAuth } from './auth-context.ts';
import { SignInForm } from './sign-in-form.tsx';

/**
 * When the session ends under an open page, this covers it with an opaque layer (nothing of the record stays
 * readable on an unattended screen) while the page itself stays mounted, so what was typed is still there after
 * signing in again.
 */
export function SessionExpiredModal() {
  const { user, sessionExpired, signOut } = useAuth();
  const [crisisOpen, crisis] = useDisclosure(false);
  const opened = sessionExpired && user !== null;
  return (
    <>
      <Modal
        opened={opened}
        onClose={() => undefined}
        withCloseButton={false}
        closeOnClickOutside={false}
        closeOnEscape={false}
        centered
        zIndex={950}
        title="Your session ended"
        overlayProps={{ backgroundOpacity: 1, color: '#e7f3f5', blur: 0 }}
      >
        <Stack gap="md">
          <Text>
            For your privacy, Keel signs you out after a period without activity. Sign in again to carry on where you
            left off: anything you typed on this page is still here.
          </Text>
          {user && <SignInForm initialEmail={user.email} submitLabel="Sign in and continue" onSignedIn={() => undefined} />}
          <Group justify="space-between">
            <Button variant="subtle" onClick={() => void signOut()}>
              Sign out instead
            </Button>
            <Button variant="outline" color="red" onClick={crisis.open}>
              Crisis help
            </Button>
          </Group>
        </Stack>
      </Modal>
      <CrisisDialog opened={crisisOpen} onClose={crisis.close} />
    </>
  );
}
