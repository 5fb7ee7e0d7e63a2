import { Badge, Button, Card, Grid, Group, NavLink, Radio, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
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
  const [recipient, setRecipient] = useState<'care_team' | 'coach'>('care_team');
  const [tried, setTried] = useState(false);
  const team = useQuery({ queryKey: patientKeys.careTeam(patientId), queryFn: () => patientApi.careTeam(patientId), enabled: !threadId });
  const coach = team.data?.members.find((m) => m.role === 'coach');
  const clinician = team.data?.members.find((m) => m.role === 'clinician' && m.primary) ?? team.data?.members.find((m) => m.role === 'clinician');
  const send = useMutation({
    mutationFn: () => patientApi.send(patientId, threadId ? { threadId, body: body.trim() } : { subject: subject.trim(), recipient, body: body.trim() }),
    onSuccess: async (r) => {
      setBody('');
      setSubject('');
      onSent(r);
      await queryClient.invalidateQueries({ queryKey: patientKeys.threads(patientId) });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTried(true);
    if (body.trim() === '' || (!threadId && subject.trim() === '')) return;
    send.mutate();
  };
  const fieldError = (f: string) => (isApiError(send.error) ? send.error.fieldError(f) : undefined);
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {!threadId && (
          <Radio.Group label="Who is this for?" value={recipient} onChange={(v) => setRecipient(v === 'coach' ? 'coach' : 'care_team')} error={fieldError('recipient')}>
            <Stack gap={6} mt={4}>
              <Radio value="care_team" label={clinician ? `My care team (${clinician.name} and the team)` : 'My care team'} description="Questions about treatment, doses, side effects or sessions." />
              {coach && <Radio value="coach" label={`My integration coach, ${coach.name}`} description="Integration practices, journaling and reflection." />}
            </Stack>
          </Radio.Group>
        )}
        {!threadId && (
          <TextInput
            label="Subject"
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={tried && subject.trim() === '' ? 'Give your message a short subject.' : fieldError('subject')}
            maxLength={200}
          />
        )}
        <Textarea
          label={threadId ? 'Your reply' : 'Your message'}
          autosize
          minRows={3}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={tried && body.trim() === '' ? 'Write your message before sending.' : fieldError('body')}
        />
        {send.error !== null && <ProblemAlert error={send.error} fieldsShownInline={['subject', 'body', 'recipient']} />}
        <Group>
          <Button type="submit" loading={send.isPending}>
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
                    {m.senderRole === 'patient' ? 'You' : `${m.senderName} (${m.senderRole === 'coach' ? 'coach' : 'clinician'})`}
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
  const unreadReplies = (threads.data?.threads ?? []).reduce((n, t) => n + t.unreadCount, 0);
  return (
    <>
      <PageHeader title="Messages" description="Secure messages with your clinician and coach." />
      <Stack gap="lg">
        <MessagesNotice replyText={threads.data?.replyExpectation.text} />
        {unreadReplies > 0 && (
          <Text fw={650} role="status">
            {unreadReplies === 1 ? 'You have 1 new reply.' : `You have ${unreadReplies} new replies.`}
          </Text>
        )}
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
                      description={`${t.recipient === 'coach' ? 'With your coach' : 'With your care team'} · ${formatDateTime(t.lastMessageAt)}`}
                      active={current === t.id}
                      aria-current={current === t.id ? 'true' : undefined}
                      onClick={() => setSelected(t.id)}
                      rightSection={t.unreadCount > 0 ? <Badge size="sm">{t.unreadCount === 1 ? '1 new reply' : `${t.unreadCount} new replies`}</Badge> : null}
                    />
                  ))}
                  {data.threads.length === 0 && (
                    <Text size="sm" p="xs">
                      No conversations yet. Your questions are welcome — start one here.
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
                      {data.threads.length === 0 && <NothingHereYet description="Ask your care team or coach anything about your treatment. They will write back here." />}
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
