import { Alert, Anchor, Text } from '@mantine/core';

/** On every message screen: when to expect a reply, and that messages are not for emergencies. */
export function MessagesNotice({ replyText }: { replyText: string | undefined }) {
  return (
    <Alert color="red" variant="light" title="Messages are not for emergencies" data-testid="messages-notice">
      <Text size="sm">
        {replyText ?? 'Your care team replies during business hours.'} If you are in crisis, call or text{' '}
        <Anchor href="tel:988" fw={700} underline="always">
          988
        </Anchor>{' '}
        (Suicide &amp; Crisis Lifeline). In an emergency, call{' '}
        <Anchor href="tel:911" fw={700} underline="always">
          911
        </Anchor>
        .
      </Text>
    </Alert>
  );
}
