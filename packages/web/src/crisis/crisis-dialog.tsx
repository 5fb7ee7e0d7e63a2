import { Alert, Anchor, Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { crisisResources, emergency, emergencyMessage } from './crisis-resources.ts';

interface CrisisDialogProps {
  opened: boolean;
  onClose: () => void;
}

export function CrisisDialog({ opened, onClose }: CrisisDialogProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title="Get help now"
      size="lg"
      zIndex={1000}
      closeButtonProps={{ 'aria-label': 'Close crisis help' }}
    >
      <Stack gap="md">
        <Alert color="red" variant="light" title="Emergency" role="note">
          <Stack gap="xs">
            <Text fw={600}>{emergencyMessage}</Text>
            <Group>
              <Button component="a" href={emergency.href} color="red">
                {emergency.label}
              </Button>
            </Group>
          </Stack>
        </Alert>
        {crisisResources.map((resource) => (
          <section key={resource.id} aria-labelledby={`crisis-${resource.id}`}>
            <Title order={3} size="h4" id={`crisis-${resource.id}`}>
              {resource.name}
            </Title>
            <Text size="sm" mb={6}>
              {resource.description}
            </Text>
            <Group gap="sm">
              {resource.actions.map((action) =>
                action.href.startsWith('http') ? (
                  <Anchor key={action.label} href={action.href} target="_blank" rel="noopener noreferrer" fw={600}>
                    {action.label} (opens a new tab)
                  </Anchor>
                ) : (
                  <Button key={action.label} component="a" href={action.href} variant="outline">
                    {action.label}
                  </Button>
                ),
              )}
            </Group>
          </section>
        ))}
      </Stack>
    </Modal>
  );
}
