import { Badge, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { boardApi, boardKeys, type ChannelMessage } from '../../api/board-api.ts';
import { label } from '../../components/labels.ts';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { atTime } from '../../components/when.ts';

interface SessionChannelProps {
  sessionId: string;
  /** Poll this often (sitter and patient screens); the board refreshes it from the live stream instead. */
  pollMs?: number;
  /** The heading's id and text, so a page can label the section. */
  headingId: string;
  heading?: string;
  /** A line under the heading: who reads the channel, and that it is not for emergencies. */
  description?: string;
  /** Heading level inside the page (2 on the sitter and patient pages, 3 in the board's drawer). */
  order?: 2 | 3;
}

function Message({ message }: { message: ChannelMessage }) {
  return (
    <Paper withBorder radius="md" p="sm" component="li" data-testid="channel-message" style={message.urgent ? { borderColor: 'var(--mantine-color-red-8)', borderWidth: 2 } : undefined}>
      <Group gap="xs" wrap="wrap" mb={4}>
        <Text size="sm" fw={650}>
          {message.authorName}
        </Text>
        <Text size="sm" c="dimmed">
          {label(message.authorRole)} · {atTime(message.at)}
        </Text>
        {message.urgent && (
          <Badge color="red.9" variant="filled" radius="sm">
            Urgent
          </Badge>
        )}
      </Group>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {message.body}
      </Text>
    </Paper>
  );
}

/** The session's shared channel: the sitter, the patient and the clinicians covering the session, oldest first. */
export function SessionChannel({ sessionId, pollMs, headingId, heading = 'Session channel', description, order = 2 }: SessionChannelProps) {
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [empty, setEmpty] = useState(false);
  const messages = useQuery({ queryKey: boardKeys.channel(sessionId), queryFn: () => boardApi.channel(sessionId), refetchInterval: pollMs ?? false });
  const send = useMutation({
    mutationFn: (text: string) => boardApi.post(sessionId, text),
    onSuccess: async () => {
      setBody('');
      await queryClient.invalidateQueries({ queryKey: boardKeys.channel(sessionId) });
    },
  });
  const items = [...(messages.data?.items ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <Stack gap="sm" component="section" aria-labelledby={headingId} data-testid="session-channel">
      <Title order={order} size="h4" id={headingId}>
        {heading}
      </Title>
      {description && <Text size="sm">{description}</Text>}
      {messages.isPending ? (
        <Text size="sm">Loading messages…</Text>
      ) : messages.isError ? (
        <ProblemAlert error={messages.error} title="Could not load the channel" />
      ) : items.length === 0 ? (
        <Text size="sm">No messages yet.</Text>
      ) : (
        <Stack gap="xs" component="ol" aria-label="Messages, oldest first" style={{ listStyle: 'none', paddingLeft: 0, margin: 0 }}>
          {items.map((m) => (
            <Message key={m.id} message={m} />
          ))}
        </Stack>
      )}
      <form
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          const text = body.trim();
          setEmpty(text === '');
          if (text !== '') send.mutate(text);
        }}
      >
        <Stack gap="xs">
          <Textarea label="Message" autosize minRows={2} maxRows={6} value={body} onChange={(e) => setBody(e.currentTarget.value)} error={empty ? 'Write a message first.' : undefined} />
          {send.error !== null && <ProblemAlert error={send.error} title="The message was not sent" />}
          {send.data?.urgent && (
            <Text size="sm" fw={600} c="red.9" role="status">
              Marked urgent: the clinician covering the session has been alerted.
            </Text>
          )}
          <Button type="submit" loading={send.isPending} w="fit-content">
            Send message
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
