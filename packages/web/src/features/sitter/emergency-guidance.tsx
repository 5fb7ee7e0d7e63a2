import { Alert, Button, List, Stack, Text } from '@mantine/core';

/** What to do first when something is wrong. Shown before anything else is asked of the sitter. */
export function EmergencyGuidance({ serverGuidance }: { serverGuidance?: string | null }) {
  return (
    <Alert color="red" variant="filled" title="If this is an emergency, call 911 now" role="alert" data-testid="emergency-guidance">
      <Stack gap="sm">
        <Button component="a" href="tel:911" color="white" c="red.9" size="lg" fullWidth>
          Call 911
        </Button>
        <Text fw={600}>Call 911 if they:</Text>
        <List c="white" spacing={4}>
          <List.Item>cannot be woken or do not respond to you</List.Item>
          <List.Item>are not breathing normally, or their lips look blue</List.Item>
          <List.Item>have chest pain, a seizure, or a sudden severe headache</List.Item>
          <List.Item>are vomiting while very drowsy</List.Item>
        </List>
        <Text fw={600}>Stay with them. Lay them on their side. Do not give food, drink or any medicine.</Text>
        {serverGuidance && <Text>{serverGuidance}</Text>}
      </Stack>
    </Alert>
  );
}
