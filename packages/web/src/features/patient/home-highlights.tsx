import { Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { patientApi, patientKeys } from '../../api/patient-api.ts';
import { recordsApi, recordsKeys } from '../../api/records-api.ts';
import { atTime } from '../../components/when.ts';
import { patientBasePath } from '../../pages/patient/patient-base-path.ts';

/** A small line of the last moods (0–10), drawn without a chart library; the words beside it carry the meaning. */
function MoodLine({ values }: { values: number[] }) {
  const width = 220;
  const height = 56;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 4 - (v / 10) * (height - 8)).toFixed(1)}`).join(' ');
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true" style={{ maxWidth: '100%' }}>
      <line x1="0" x2={width} y1={height / 2} y2={height / 2} stroke="var(--mantine-color-gray-3)" strokeDasharray="4 4" />
      <polyline points={points} fill="none" stroke="var(--mantine-color-keel-6)" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
      {values.length > 0 && <circle cx={(values.length - 1) * step} cy={height - 4 - ((values.at(-1) ?? 0) / 10) * (height - 8)} r="4.5" fill="var(--mantine-color-keel-7)" />}
    </svg>
  );
}

function trendWords(values: number[]): string {
  if (values.length < 3) return 'A few more check-ins and you will see your trend here.';
  const half = Math.floor(values.length / 2);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const change = mean(values.slice(half)) - mean(values.slice(0, half));
  if (change >= 1) return 'Your mood has been lifting lately.';
  if (change <= -1) return 'Your mood has been lower lately. Your care team is here if you want to talk.';
  return 'Your mood has been fairly steady.';
}

function MoodCard({ patientId }: { patientId: string }) {
  const checkIns = useQuery({ queryKey: patientKeys.checkIns(patientId), queryFn: () => patientApi.checkIns(patientId) });
  const items = [...(checkIns.data?.items ?? [])].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt)).slice(-14);
  const moods = items.map((c) => c.mood0to10);
  const last = items.at(-1);
  return (
    <Card radius="lg" padding="lg" component="section" aria-labelledby="mood-heading" bg="keel.0">
      <Title order={2} size="h4" id="mood-heading">
        How you have been
      </Title>
      {items.length === 0 ? (
        <Stack gap="xs" mt="xs">
          <Text size="sm">No check-ins yet. A one-minute check-in each day helps you and your care team see how you are doing.</Text>
          <Button component={Link} to={`${patientBasePath}/check-in`} variant="white" w="fit-content">
            Do today’s check-in
          </Button>
        </Stack>
      ) : (
        <Stack gap={6} mt="xs">
          <MoodLine values={moods} />
          <Text size="sm">
            Mood {last?.mood0to10} out of 10 at your last check-in ({atTime(last?.submittedAt)}). {trendWords(moods)}
          </Text>
          <Group gap="xs">
            <Button component={Link} to={`${patientBasePath}/check-in`} variant="white" size="xs">
              Check in
            </Button>
            <Button component={Link} to={`${patientBasePath}/progress`} variant="subtle" size="xs">
              See your progress
            </Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}

function MessagesCard({ patientId }: { patientId: string }) {
  const threads = useQuery({ queryKey: patientKeys.threads(patientId), queryFn: () => patientApi.threads(patientId) });
  const unread = (threads.data?.threads ?? []).reduce((n, t) => n + t.unreadCount, 0);
  return (
    <Card radius="lg" padding="lg" component="section" aria-labelledby="msg-heading" bg="#f6f1e9">
      <Title order={2} size="h4" id="msg-heading">
        Messages
      </Title>
      <Text size="sm" mt="xs">
        {unread > 0 ? (unread === 1 ? 'You have 1 new reply from your care team.' : `You have ${unread} new replies from your care team.`) : 'No new replies. Your care team is a message away.'}
      </Text>
      <Button component={Link} to={`${patientBasePath}/messages`} variant="white" size="xs" mt="sm" w="fit-content">
        {unread > 0 ? 'Read your messages' : 'Write to your care team'}
      </Button>
    </Card>
  );
}

function PracticesCard({ patientId }: { patientId: string }) {
  const practices = useQuery({ queryKey: recordsKeys.part(patientId, 'practices'), queryFn: () => recordsApi.practices(patientId) });
  const open = (practices.data?.items ?? []).filter((p) => p.status === 'assigned');
  return (
    <Card radius="lg" padding="lg" component="section" aria-labelledby="practice-heading" bg="#eef4ec">
      <Title order={2} size="h4" id="practice-heading">
        Practices
      </Title>
      <Text size="sm" mt="xs">
        {open.length > 0 ? `Your coach suggested ${open.map((p) => p.practice.title.toLowerCase()).join(' and ')}.` : 'Nothing waiting. Your coach may suggest small exercises after your integration sessions.'}
      </Text>
      <Button component={Link} to={`${patientBasePath}/${open.length > 0 ? 'practices' : 'journal'}`} variant="white" size="xs" mt="sm" w="fit-content">
        {open.length > 0 ? 'Open your practices' : 'Write in your journal'}
      </Button>
    </Card>
  );
}

/** Progress at a glance on the patient's home: mood trend, replies waiting, practices from the coach. */
export function HomeHighlights({ patientId }: { patientId: string }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
      <MoodCard patientId={patientId} />
      <MessagesCard patientId={patientId} />
      <PracticesCard patientId={patientId} />
    </SimpleGrid>
  );
}
