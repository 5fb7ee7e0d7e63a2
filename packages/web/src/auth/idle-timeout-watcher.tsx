import { Button, Group, Modal, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { isApiError } from '../api/api-error.ts';
import { authApi } from './auth-api.ts';
import { useAuth } from './auth-context.ts';
import { idleAction, idlePlan } from './idle-deadline.ts';
import { useLastActivity } from './use-last-activity.ts';

function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

function spokenRemaining(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes >= 1 ? `about ${minutes} minute${minutes === 1 ? '' : 's'}` : 'less than a minute';
}

/**
 * Keeps an active person's session alive, warns an idle one two minutes before the server's idle timeout, and
 * locks the page (the sign-in dialog) when the time is up.
 */
export function IdleTimeoutWatcher() {
  const { user, sessionExpired, lastServerContactAt, expireSession, signOut } = useAuth();
  const lastActivity = useLastActivity();
  const [warning, setWarning] = useState(false);
  const [remainingMs, setRemainingMs] = useState(0);
  const [staying, setStaying] = useState(false);
  const inFlight = useRef(false);
  const active = user !== null && !sessionExpired;
  const idleMinutes = user?.idleTimeoutMinutes ?? 0;

  useEffect(() => {
    if (!active) {
      setWarning(false);
      return;
    }
    const tick = () => {
      const now = Date.now();
      const lastContact = lastServerContactAt();
      // While the warning is up, only the button counts: a stray touch should not silently keep the session.
      const activity = warning ? 0 : lastActivity.current;
      const action = idleAction(now, lastContact, activity, idleMinutes);
      switch (action) {
        case 'expire':
          setWarning(false);
          expireSession();
          return;
        case 'keep-alive':
          if (!inFlight.current) {
            inFlight.current = true;
            // A 401 here reaches the auth context through the client and opens the sign-in dialog.
            authApi.keepAlive().catch(() => undefined).finally(() => {
              inFlight.current = false;
            });
          }
          return;
        case 'warn':
          setWarning(true);
          setRemainingMs(idlePlan(lastContact, idleMinutes).deadline - now);
          return;
        case 'none':
          setWarning(false);
          return;
      }
    };
    tick();
    const timer = window.setInterval(tick, 1000);
    return () => window.clearInterval(timer);
  }, [active, warning, idleMinutes, lastServerContactAt, expireSession, lastActivity]);

  const staySignedIn = async () => {
    setStaying(true);
    try {
      await authApi.keepAlive();
      setWarning(false);
    } catch (error) {
      if (!isApiError(error)) throw error;
    } finally {
      setStaying(false);
    }
  };

  return (
    <Modal
      opened={active && warning}
      onClose={() => void staySignedIn()}
      title="Are you still there?"
      centered
      zIndex={900}
      closeButtonProps={{ 'aria-label': 'Stay signed in' }}
    >
      <Stack gap="md">
        <Text>
          For your privacy, Keel signs you out after {idleMinutes} minute{idleMinutes === 1 ? '' : 's'} without activity. You will be signed out in{' '}
          <Text span fw={700} aria-hidden="true">
            {formatRemaining(remainingMs)}
          </Text>
          <VisuallyHidden>{spokenRemaining(remainingMs)}</VisuallyHidden>
          .
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => void signOut()}>
            Sign out
          </Button>
          <Button onClick={() => void staySignedIn()} loading={staying} data-autofocus>
            Stay signed in
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
