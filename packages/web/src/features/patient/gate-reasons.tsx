import { Alert, List, Stack, Text, Title } from '@mantine/core';
import { gateReasonHelp, type GateReasonCode } from '@keel/domain';

interface GateReasonsProps {
  reasons: readonly { code: GateReasonCode; message: string }[];
}

/** Every reason the safety check gave, in plain words, with what to do about each. */
export function GateReasons({ reasons }: GateReasonsProps) {
  return (
    <Alert color="red" variant="light" title="Not today — not yet" role="alert" data-testid="gate-blocked">
      <Text mb="sm">
        The safety check found {reasons.length === 1 ? 'one thing' : `${reasons.length} things`} to sort out before this session can go ahead.
        This is there to keep you safe.
      </Text>
      <Stack gap="md" component="ol" style={{ paddingLeft: '1.2rem', margin: 0 }}>
        {reasons.map((reason) => {
          const help = gateReasonHelp[reason.code];
          return (
            <li key={reason.code} data-reason={reason.code}>
              <Title order={3} size="h5">
                {help.title}
              </Title>
              <Text size="sm">{reason.message}</Text>
              <Text size="sm" c="dimmed">
                {help.explanation}
              </Text>
              <List size="sm" mt={4}>
                <List.Item>
                  <strong>What to do:</strong> {help.whatToDo}
                </List.Item>
              </List>
            </li>
          );
        })}
      </Stack>
    </Alert>
  );
}
