import { List, Stack, Text, Title } from '@mantine/core';

const steps = [
  {
    title: 'Screening comes first.',
    body: 'You answer questions about your health, mood and medicines. A Keel clinician reviews them and decides whether at-home treatment is safe and suitable for you.',
  },
  {
    title: 'Your clinician sets the dose.',
    body: 'Treatment follows a plan your clinician writes and signs, with a set dose on a limited schedule. Each session is checked against that plan before it can begin.',
  },
  {
    title: 'You are never alone during a session.',
    body: 'A sober adult you trust, your sitter, stays with you for the whole of every session.',
  },
  {
    title: 'Your care team keeps watch.',
    body: 'Short check-ins, blood pressure and heart-rate readings, and regular questionnaires help your team notice warning signs early and act on them.',
  },
  {
    title: 'Help making sense of it.',
    body: 'Integration coaches help you reflect on your sessions and turn what you learn into changes in everyday life.',
  },
];

/** What Keel is, in plain words, for someone arriving for the first time. */
export function ProgramOverview() {
  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        How the program works
      </Title>
      <List spacing="sm" type="ordered">
        {steps.map((step) => (
          <List.Item key={step.title}>
            <Text span fw={650}>
              {step.title}
            </Text>{' '}
            {step.body}
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}
