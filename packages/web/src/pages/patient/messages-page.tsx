import { Badge, Button, Card, Grid, Group, NavLink, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { patientApi, patientKeys, type MessageSent } from '../../api/patient-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { CrisisPanel } from '../../features/patient/crisis-panel.tsx';
import { formatDateTime } from '../../features/patient/format.ts';
import { MessagesNotice } from '../../features/patient/messages-notice.tsx';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';

function Composer({ threadId, onSent }: { threadId: string | null; onSent: (r: MessageSent) => void }) {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const send = useMutation({
    mutationFn: () => patientApi.send(patientId, threadId ? { threadId, body: body.trim() } : { subject: subject.trim(), body: body.trim() }),
    onSuccess: async (r) => {
      setBody('');
      setSubject('');
      onSent(r);
      await queryClient.invalidateQueries({ queryKey: patientKeys.threads(patientId) });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (body.trim() === '' || (!threadId && subject.trim() === '')) return;
    send.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {!threadId && (
          <TextInput label="Subject" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={isApiError(send.error) ? send.error.fieldError('subject') : undefined} maxLength={200} />
        )}
        <Textarea
          label={threadId ? 'Your reply' : 'Your message'}
          autosize
          minRows={3}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={isApiError(send.error) ? send.error.fieldError('body') : undefined}
        />
        {send.error !== null && <ProblemAlert error={send.error} fieldsShownInline={['subject', 'body']} />}
        <Group>
          <Button type="submit" loading={send.isPending} disabled={body.trim() === '' || (!threadId && subject.trim() === '')}>
            Send
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ThreadView({ threadId, onSent }: { threadId: string; onSent: (r: MessageSent) => void }) {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const thread = useQuery({ queryKey: patientKeys.thread(patientId, threadId), queryFn: () => patientApi.thread(patientId, threadId), refetchInterval: 30_000 });
  const unread = thread.data?.thread.unreadCount ?? 0;
  useEffect(() => {
    if (unread > 0)
      void patientApi.markRead(patientId, threadId).then(() => queryClient.invalidateQueries({ queryKey: patientKeys.threads(patientId) }));
  }, [unread, patientId, threadId, queryClient]);
  return (
    <QueryView query={thread} label="Loading the conversation…">
      {(data) => (
        <Stack gap="md">
          <Title order={2} size="h4">
            {data.thread.subject}
          </Title>
          <Stack gap="sm" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {data.messages.map((m) => (
              <Card key={m.id} component="li" withBorder radius="md" padding="sm" bg={m.senderRole === 'patient' ? 'gray.0' : 'blue.0'}>
                <Group justify="space-between" gap="xs" wrap="wrap">
                  <Text size="sm" fw={600}>
                    {m.senderRole === 'patient' ? 'You' : m.senderName}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(m.sentAt)}
                  </Text>
                </Group>
                <Text mt={4} style={{ whiteSpace: 'pre-wrap' }}>
                  {m.body}
                </Text>
                {m.senderRole === 'patient' && m.readBy.length > 0 && (
                  <Text size="xs" c="dimmed" mt={4}>
                    Read by {m.readBy.map((r) => r.name).join(', ')}
                  </Text>
                )}
              </Card>
            ))}
          </Stack>
          <Composer threadId={threadId} onSent={onSent} />
        </Stack>
      )}
    </QueryView>
  );
}

/** Secure messages with the care team, thread by thread; the reply-time and emergency notice on every screen. */
export function MessagesPage() {
  const patientId = usePatientId();
  const threads = useQuery({ queryKey: patientKeys.threads(patientId), queryFn: () => patientApi.threads(patientId), refetchInterval: 60_000 });
  const [selected, setSelected] = useState<string | null>(null);
  const [crisis, setCrisis] = useState<MessageSent['crisis']>(null);
  const onSent = (r: MessageSent) => {
    setCrisis(r.crisis);
    setSelected(r.thread.id);
  };
  const current = selected ?? threads.data?.threads[0]?.id ?? 'new';
  return (
    <>
      <PageHeader title="Messages" description="Secure messages with your clinician and coach." />
      <Stack gap="lg">
        <MessagesNotice replyText={threads.data?.replyExpectation.text} />
        {crisis && <CrisisPanel resources={crisis.resources.map((r) => ({ ...r, contact: { ...r.contact, kind: r.contact.kind === 'chat' ? 'chat' : r.contact.kind === 'text' ? 'text' : 'call' } }))} messages={[crisis.message]} />}
        <QueryView query={threads} label="Loading messages…">
          {(data) => (
            <Grid gap="lg">
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Card withBorder radius="md" padding="xs" component="nav" aria-label="Conversations">
                  <NavLink component="button" label="New message" active={current === 'new'} onClick={() => setSelected('new')} fw={600} />
                  {data.threads.map((t) => (
                    <NavLink
                      key={t.id}
                      component="button"
                      label={t.subject}
                      description={formatDateTime(t.lastMessageAt)}
                      active={current === t.id}
                      aria-current={current === t.id ? 'true' : undefined}
                      onClick={() => setSelected(t.id)}
                      rightSection={t.unreadCount > 0 ? <Badge size="sm">{t.unreadCount} new</Badge> : null}
                    />
                  ))}
                  {data.threads.length === 0 && (
                    <Text size="sm" p="xs">
                      No conversations yet.
                    </Text>
                  )}
                </Card>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 8 }}>
                <Card withBorder radius="md" padding="lg" component="section" aria-label={current === 'new' ? 'New message' : 'Conversation'}>
                  {current === 'new' ? (
                    <Stack gap="sm">
                      <Title order={2} size="h4">
                        New message
                      </Title>
                      {data.threads.length === 0 && <NothingHereYet description="Start a conversation with your care team." />}
                      <Composer threadId={null} onSent={onSent} />
                    </Stack>
                  ) : (
                    <ThreadView key={current} threadId={current} onSent={onSent} />
                  )}
                </Card>
              </Grid.Col>
            </Grid>
          )}
        </QueryView>
      </Stack>
    </>
  );
}
