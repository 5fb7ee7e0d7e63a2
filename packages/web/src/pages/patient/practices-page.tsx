import { Badge, Button, Card, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { recordsApi, recordsKeys, type Practices } from '../../api/records-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { atTime } from '../../components/when.ts';
import { MarkdownText } from '../../features/patient/markdown-text.tsx';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';
import { patientBasePath } from './patient-base-path.ts';

const categoryWord = { journaling: 'Journaling', breathing: 'Breathing', mindfulness: 'Mindfulness', movement: 'Movement' } as const;

function PracticeCard({ item }: { item: Practices['items'][number] }) {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const done = useMutation({
    mutationFn: () => recordsApi.practiceDone(patientId, item.id, note.trim() || undefined),
    onSuccess: (data) => queryClient.setQueryData(recordsKeys.part(patientId, 'practices'), data),
  });
  const p = item.practice;
  return (
    <Card withBorder radius="lg" padding="lg" component="li">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={2} size="h4">
          {p.title}
        </Title>
        <Badge variant="light" color="keel" radius="sm">
          {categoryWord[p.category]} · {p.minutes} min
        </Badge>
      </Group>
      <Text size="sm" mt={4}>
        {p.summary}
      </Text>
      {item.frequency && (
        <Text size="sm" mt={4}>
          Your coach suggests: {item.frequency}
        </Text>
      )}
      <MarkdownText markdown={p.instructions} topLevel={3} />
      {item.status === 'completed' ? (
        <Text size="sm" fw={650} c="keel.8" mt="sm">
          Done {atTime(item.completedAt)}. Well done.{item.completionNote ? ` Your note: “${item.completionNote}”` : ''}
        </Text>
      ) : (
        <Stack gap="xs" mt="sm">
          <Textarea label="How did it go? (optional, your coach sees it)" autosize minRows={1} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          {done.error && <ProblemAlert error={done.error} />}
          <Button onClick={() => done.mutate()} loading={done.isPending} w="fit-content">
            Mark as done
          </Button>
        </Stack>
      )}
    </Card>
  );
}

/** The practices the integration coach assigned: what to do, and a place to mark each done. */
export function PracticesPage() {
  const patientId = usePatientId();
  const practices = useQuery({ queryKey: recordsKeys.part(patientId, 'practices'), queryFn: () => recordsApi.practices(patientId) });
  return (
    <>
      <PageHeader title="Practices" description="Small exercises from your integration coach, to help the work of each session settle in." />
      <QueryView query={practices} label="Loading your practices…">
        {(data) => {
          const open = data.items.filter((i) => i.status === 'assigned');
          const finished = data.items.filter((i) => i.status === 'completed');
          return data.items.length === 0 ? (
            <Card withBorder radius="lg" padding="lg">
              <Text fw={650}>No practices yet.</Text>
              <Text size="sm" mt={4}>
                Your coach will suggest some after your first integration session. Meanwhile, a few lines in your journal after a session help too.
              </Text>
              <Button component={Link} to={`${patientBasePath}/journal`} variant="light" mt="sm" w="fit-content">
                Open my journal
              </Button>
            </Card>
          ) : (
            <Stack gap="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {[...open, ...finished].map((item) => (
                <PracticeCard key={item.id} item={item} />
              ))}
            </Stack>
          );
        }}
      </QueryView>
    </>
  );
}
