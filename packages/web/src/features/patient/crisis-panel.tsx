import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import type { CrisisEntry } from '../../api/patient-api.ts';

interface CrisisPanelProps {
  resources: readonly CrisisEntry[];
  title?: string;
  messages?: readonly string[];
}

/** Crisis resources from the API, shown at once and prominently (a positive safety answer, an open safety alert). */
export function CrisisPanel({ resources, title = 'You don’t have to face this alone', messages = [] }: CrisisPanelProps) {
  return (
    <Alert color="red" variant="light" title={title} role="alert" data-testid="crisis-panel">
      <Stack gap="sm">
        {messages.length > 0 ? (
          messages.map((m) => <Text key={m}>{m}</Text>)
        ) : (
          <Text>
            If you are thinking about harming yourself, please reach out now. These services are free, confidential and
            open 24 hours a day. If you are in immediate danger, call 911.
          </Text>
        )}
        <Group gap="sm">
          {resources.map((r) =>
            r.contact.kind === 'chat' ? (
              <Anchor key={r.id} href={r.contact.href} target="_blank" rel="noopener noreferrer" fw={600}>
                {r.name}: {r.instruction} (opens a new tab)
              </Anchor>
            ) : (
              <Button key={r.id} component="a" href={r.contact.href} color="red" variant={r.contact.value === '911' ? 'filled' : 'outline'}>
                {r.instruction}
                {r.name.includes('988') || r.contact.value === '911' ? '' : ` (${r.name})`}
              </Button>
            ),
          )}
        </Group>
      </Stack>
    </Alert>
  );
}
