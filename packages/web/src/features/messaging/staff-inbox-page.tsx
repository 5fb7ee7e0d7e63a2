import { Alert, Badge, Button, Card, Grid, Group, SegmentedControl, Select, Stack, Text, Textarea, Title, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { inboxApi, inboxKeys, type InboxFilter, type InboxItem, type InboxThread } from '../../api/inbox-api.ts';
import { useCurrentUser } from '../../auth/auth-context.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { atTime, distance } from '../../components/when.ts';
import { ToneBadge, amber } from '../clinician/badges.tsx';
import { QueryView } from '../clinician/query-view.tsx';

const recipientLabel: Record<InboxThread['recipient'], string> = { care_team: 'To the care team', coach: 'To the coach' };

/** The reply clock in words: "Reply overdue since today at 5:00 PM", "Reply due in 3 hours (today at 5:00 PM)". */
function ReplyClock({ thread, now }: { thread: InboxThread; now: Date }) {
  if (!thread.replyDueAt) return thread.awaitingReplySince ? null : <Text size="xs">Answered</Text>;
  return thread.overdue ? (
    <Text size="xs" fw={700} c="red.8">
      Reply overdue since {atTime(thread.replyDueAt, now)}
    </Text>
  ) : (
    <Text size="xs" c={amber} fw={600}>
      Reply due {distance(thread.replyDueAt, now)} ({atTime(thread.replyDueAt, now)})
    </Text>
  );
}

function ThreadBadges({ thread }: { thread: InboxThread }) {
  return (
    <Group gap={4}>
      {thread.urgent && (
        <ToneBadge color="red.9" variant="filled">
          Urgent language
        </ToneBadge>
      )}
      {thread.overdue && (
        <ToneBadge color="red.7" variant="filled">
          Overdue
        </ToneBadge>
      )}
      {thread.unreadCount > 0 && (
        <ToneBadge color="keel.8" variant="filled">
          {thread.unreadCount} unread
        </ToneBadge>
      )}
    </Group>
  );
}

function InboxRow({ item, selected, onSelect, now }: { item: InboxItem; selected: boolean; onSelect: () => void; now: Date }) {
  const t = item.thread;
  const border = t.urgent ? 'var(--mantine-color-red-9)' : t.overdue ? 'var(--mantine-color-red-7)' : t.awaitingReplySince ? amber : 'var(--mantine-color-gray-3)';
  return (
    <Card
      component="li"
      withBorder
      radius="md"
      padding={0}
      style={{ borderLeft: `5px solid ${border}`, background: selected ? 'var(--mantine-color-keel-0)' : undefined }}
    >
      <UnstyledButton onClick={onSelect} p="sm" w="100%" aria-current={selected ? 'true' : undefined}>
        <Stack gap={4}>
          <Group justify="space-between" gap="xs" wrap="wrap">
            <Text fw={t.unreadCount > 0 ? 750 : 600}>{item.patientName}</Text>
            <Text size="xs" c="dimmed">
              {atTime(t.lastMessageAt, now)}
            </Text>
          </Group>
          <Text size="sm" fw={t.unreadCount > 0 ? 700 : 500}>
            {t.subject}
          </Text>
          {item.lastMessage && (
            <Text size="sm" c="dimmed" lineClamp={2}>
              {item.lastMessage.senderName}: {item.lastMessage.preview}
            </Text>
          )}
          <ThreadBadges thread={t} />
          <Group gap="xs" wrap="wrap">
            <Text size="xs">{recipientLabel[t.recipient]}</Text>
            <Text size="xs">· {t.assignedTo ? `Assigned to ${t.assignedTo.name}` : 'Not assigned'}</Text>
          </Group>
          <ReplyClock thread={t} now={now} />
        </Stack>
      </UnstyledButton>
    </Card>
  );
}

function AssignControl({ item }: { item: InboxItem }) {
  const queryClient = useQueryClient();
  const team = useQuery({ queryKey: inboxKeys.careTeam(item.patientId), queryFn: () => inboxApi.careTeam(item.patientId) });
  const assign = useMutation({
    mutationFn: (assigneeId: string | null) => inboxApi.assign(item.patientId, item.thread.id, assigneeId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: inboxKeys.all }),
  });
  const roleWord = { clinician: 'clinician', coach: 'coach' } as const;
  const data = [{ value: '', label: 'Nobody yet' }, ...(team.data?.members ?? []).map((m) => ({ value: m.userId, label: `${m.name} (${roleWord[m.role]})` }))];
  return (
    <Stack gap={4}>
      <Select
        label="Who answers this conversation"
        data={data}
        value={item.thread.assignedTo?.id ?? ''}
        onChange={(v) => assign.mutate(v ? v : null)}
        allowDeselect={false}
        disabled={assign.isPending || team.isPending}
        maw={360}
        comboboxProps={{ withinPortal: true }}
        error={isApiError(assign.error) ? (assign.error.fieldError('assigneeId') ?? undefined) : undefined}
      />
      {assign.error && !isApiError(assign.error) && <ProblemAlert error={assign.error} />}
    </Stack>
  );
}

function ThreadPane({ item, now }: { item: InboxItem; now: Date }) {
  const queryClient = useQueryClient();
  const me = useCurrentUser();
  const thread = useQuery({ queryKey: inboxKeys.thread(item.patientId, item.thread.id), queryFn: () => inboxApi.thread(item.patientId, item.thread.id), refetchInterval: 30_000 });
  const [body, setBody] = useState('');
  const [missing, setMissing] = useState(false);
  const unread = thread.data?.thread.unreadCount ?? 0;
  useEffect(() => {
    if (unread > 0) void inboxApi.markRead(item.patientId, item.thread.id).then(() => queryClient.invalidateQueries({ queryKey: inboxKeys.all }));
  }, [unread, item.patientId, item.thread.id, queryClient]);
  const reply = useMutation({
    mutationFn: () => inboxApi.reply(item.patientId, item.thread.id, body.trim()),
    onSuccess: async () => {
      setBody('');
      await queryClient.invalidateQueries({ queryKey: inboxKeys.all });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (body.trim() === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    reply.mutate();
  };
  return (
    <Stack gap="md">
      <div>
        <Title order={2} size="h4">
          {item.thread.subject}
        </Title>
        <Text size="sm">
          {item.patientName} · {recipientLabel[item.thread.recipient].toLowerCase()}
        </Text>
      </div>
      {item.thread.urgent && (
        <Alert color="red" variant="light" title="Urgent language in an unanswered message">
          A safety alert was raised. Read the message and contact the patient now; if they may be in danger, follow the crisis steps on the alert.
        </Alert>
      )}
      <ReplyClock thread={item.thread} now={now} />
      <AssignControl item={item} />
      <QueryView query={thread} what="the conversation" loadingLabel="Loading the conversation…">
        {(data) => (
          <Stack gap="sm" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Messages">
            {data.messages.map((m) => (
              <Card key={m.id} component="li" withBorder radius="md" padding="sm" bg={m.senderRole === 'patient' ? 'gray.0' : 'keel.0'}>
                <Group justify="space-between" gap="xs" wrap="wrap">
                  <Text size="sm" fw={650}>
                    {m.senderId === me.id ? 'You' : m.senderName}
                    {m.senderRole === 'patient' ? ' (patient)' : ''}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {atTime(m.sentAt, now)}
                  </Text>
                </Group>
                {m.urgent && (
                  <Badge color="red.9" radius="sm" mt={4}>
                    Urgent language
                  </Badge>
                )}
                <Text mt={4} style={{ whiteSpace: 'pre-wrap' }}>
                  {m.body}
                </Text>
                {m.responseMinutes !== null && (
                  <Text size="xs" c="dimmed" mt={4}>
                    Answered {m.responseMinutes < 60 ? `${Math.round(m.responseMinutes)} minutes` : `${Math.round(m.responseMinutes / 6) / 10} hours`} after the patient wrote
                  </Text>
                )}
              </Card>
            ))}
          </Stack>
        )}
      </QueryView>
      <form onSubmit={submit} noValidate aria-label="Reply">
        <Stack gap="xs">
          <Textarea
            label="Your reply"
            description="The patient is told by email that a message waits; the text stays in Keel."
            autosize
            minRows={3}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            error={missing ? 'Write a reply before sending.' : isApiError(reply.error) ? reply.error.fieldError('body') : undefined}
          />
          {reply.error !== null && <ProblemAlert error={reply.error} fieldsShownInline={['body']} />}
          <Button type="submit" loading={reply.isPending} w="fit-content">
            Send reply
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}

/** The staff inbox of clinicians and coaches: urgent language first, then overdue replies, then waiting threads. */
export function StaffInboxPage() {
  const [filter, setFilter] = useState<InboxFilter>('all');
  const [selected, setSelected] = useState<string | null>(null);
  const inbox = useQuery({ queryKey: inboxKeys.list(filter), queryFn: () => inboxApi.inbox(filter), refetchInterval: 60_000 });
  const now = new Date();
  return (
    <>
      <PageHeader title="Messages" description="Conversations with your patients. Urgent language and overdue replies come first." />
      <QueryView query={inbox} what="the inbox" loadingLabel="Loading the inbox…">
        {(data) => {
          const current = data.items.find((i) => i.thread.id === selected) ?? null;
          return (
            <Stack gap="md">
              <Text size="sm">{data.replyExpectation.text}</Text>
              <Group gap="md" wrap="wrap" aria-label="Inbox summary">
                <Text size="sm" fw={650} c={data.counts.urgent > 0 ? 'red.8' : undefined}>
                  {data.counts.urgent} urgent
                </Text>
                <Text size="sm" fw={650} c={data.counts.overdue > 0 ? 'red.8' : undefined}>
                  {data.counts.overdue} overdue
                </Text>
                <Text size="sm">{data.counts.waiting} waiting for a reply</Text>
                <Text size="sm">{data.counts.unread} with unread messages</Text>
              </Group>
              <SegmentedControl
                value={filter}
                onChange={(v) => setFilter(v)}
                data={[
                  { value: 'all', label: 'All' },
                  { value: 'waiting', label: 'Waiting' },
                  { value: 'mine', label: 'Assigned to me' },
                ]}
                aria-label="Which conversations"
                w="fit-content"
              />
              <Grid gap="lg">
                <Grid.Col span={{ base: 12, md: 5 }}>
                  {data.items.length === 0 ? (
                    <NothingHereYet description={filter === 'all' ? 'No patient has written yet. New messages appear here.' : 'Nothing here with this filter. Choose “All” to see every conversation.'} />
                  ) : (
                    <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Conversations">
                      {data.items.map((item) => (
                        <InboxRow key={item.thread.id} item={item} selected={item.thread.id === selected} onSelect={() => {
                            setSelected(item.thread.id);
                            // On a phone the conversation sits below the list: bring it into view.
                            requestAnimationFrame(() => document.getElementById('inbox-conversation')?.scrollIntoView({ block: 'start' }));
                          }} now={now} />
                      ))}
                    </Stack>
                  )}
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 7 }}>
                  <Card withBorder radius="md" padding="lg" component="section" aria-label="Conversation" id="inbox-conversation">
                    {current ? (
                      <ThreadPane key={current.thread.id} item={current} now={now} />
                    ) : (
                      <Text>
                        Choose a conversation to read it and reply.
                        <VisuallyHidden> The list is sorted with urgent and overdue conversations first.</VisuallyHidden>
                      </Text>
                    )}
                  </Card>
                </Grid.Col>
              </Grid>
            </Stack>
          );
        }}
      </QueryView>
    </>
  );
}
