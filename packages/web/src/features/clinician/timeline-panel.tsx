import { Badge, Button, Group, Stack, Text, Timeline } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { clinicianApi, clinicianKeys } from '../../api/clinician-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageLoader } from '../../components/page-loader.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDateTime, humanize } from './format.ts';
import { plainText } from '../../components/labels.ts';

/** Everything about the patient in time order, newest first, a page at a time. */
export function TimelinePanel({ patientId }: { patientId: string }) {
  const timeline = useInfiniteQuery({
    queryKey: clinicianKeys.patientPart(patientId, 'timeline'),
    queryFn: ({ pageParam }) => clinicianApi.timeline(patientId, pageParam || undefined),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (timeline.isPending) return <PageLoader label="Loading the timeline…" />;
  if (timeline.isError) return <ProblemAlert error={timeline.error} title="Could not load the timeline" />;
  const items = timeline.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <NothingHereYet description="Nothing has happened on this record yet." />;
  return (
    <Stack gap="md">
      <Timeline bulletSize={14} lineWidth={2}>
        {items.map((item) => (
          <Timeline.Item key={`${item.type}:${item.id}`} title={<Text fw={600} size="sm">{plainText(item.summary)}</Text>}>
            <Group gap="xs">
              <Badge variant="outline" color="gray.8" radius="sm" size="sm">
                {humanize(item.type)}
              </Badge>
              <Text size="xs">{formatDateTime(item.at)}</Text>
            </Group>
          </Timeline.Item>
        ))}
      </Timeline>
      {timeline.hasNextPage && (
        <Button variant="default" w="fit-content" onClick={() => void timeline.fetchNextPage()} loading={timeline.isFetchingNextPage}>
          Show older events
        </Button>
      )}
    </Stack>
  );
}
