import { Anchor, Badge, Button, Card, Group, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { patientApi, patientKeys } from '../../api/patient-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDate } from '../../features/patient/format.ts';
import { MarkdownText } from '../../features/patient/markdown-text.tsx';
import { useEducation } from '../../features/patient/patient-queries.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';
import { patientBasePath } from './patient-base-path.ts';

/** The lessons, with what is done and what is required. */
export function EducationPage() {
  const patientId = usePatientId();
  const education = useEducation(patientId);
  return (
    <>
      <PageHeader title="Lessons" description="Short lessons about staying safe at home. The required ones come before your first session." />
      <QueryView query={education} label="Loading lessons…">
        {(data) => {
          const required = data.items.filter((m) => m.required);
          const done = required.filter((m) => m.completedAt).length;
          return (
            <Stack gap="md">
              <div>
                <Text size="sm" fw={600} id="lessons-progress">
                  {done} of {required.length} required lessons done
                </Text>
                <Progress.Root mt={6} maw={420}>
                  <Progress.Section value={(done / Math.max(1, required.length)) * 100} aria-label={`${done} of ${required.length} required lessons done`} />
                </Progress.Root>
              </div>
              {data.requiredRemaining.length === 0 && (
                <Text>
                  All required lessons are done. <Anchor component={Link} to={patientBasePath} underline="always">Back to your next step</Anchor>.
                </Text>
              )}
              <Stack gap="sm" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {[...data.items]
                  .sort((a, b) => a.order - b.order)
                  .map((m) => (
                    <Card key={m.slug} withBorder radius="md" padding="md" component="li">
                      <Group justify="space-between" wrap="wrap" gap="xs">
                        <div>
                          <Anchor component={Link} to={`${patientBasePath}/education/${m.slug}`} fw={650}>
                            {m.title}
                          </Anchor>
                          <Text size="sm" c="dimmed">
                            About {m.minutes} minutes{m.required ? ' · required' : ' · optional'}
                          </Text>
                        </div>
                        <Badge color={m.completedAt ? 'keel' : 'gray'} variant="light">
                          {m.completedAt ? `Done ${formatDate(m.completedAt)}` : 'Not done'}
                        </Badge>
                      </Group>
                    </Card>
                  ))}
              </Stack>
            </Stack>
          );
        }}
      </QueryView>
    </>
  );
}

/** One lesson: read it, then mark it done. */
export function EducationModulePage() {
  const { slug = '' } = useParams();
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const moduleQuery = useQuery({ queryKey: ['education', slug], queryFn: () => patientApi.educationModule(slug) });
  const education = useEducation(patientId);
  const complete = useMutation({
    mutationFn: () => patientApi.completeModule(slug),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['education', slug] });
      await queryClient.invalidateQueries({ queryKey: patientKeys.all(patientId) });
    },
  });
  const ordered = [...(education.data?.items ?? [])].sort((a, b) => a.order - b.order);
  const next = ordered.find((m) => m.slug !== slug && !m.completedAt && m.required) ?? null;
  return (
    <QueryView query={moduleQuery} label="Loading the lesson…">
      {(m) => (
        <>
          <PageHeader title={m.title} description={`About ${m.minutes} minutes${m.required ? ' · required' : ''}`} />
          <Card withBorder radius="md" padding="lg" component="article" aria-label={m.title}>
            <MarkdownText markdown={m.body} skipFirstHeading />
          </Card>
          <Stack mt="lg" gap="sm">
            {complete.error !== null && <ProblemAlert error={complete.error} />}
            <Group>
              {m.completedAt || complete.isSuccess ? (
                <>
                  <Badge color="keel" variant="light" size="lg" role="status">
                    Lesson done
                  </Badge>
                  {next ? (
                    <Button component={Link} to={`${patientBasePath}/education/${next.slug}`}>
                      Next lesson: {next.title}
                    </Button>
                  ) : (
                    <Button component={Link} to={patientBasePath}>
                      Back to your next step
                    </Button>
                  )}
                </>
              ) : (
                <Button onClick={() => complete.mutate()} loading={complete.isPending}>
                  I have read this lesson
                </Button>
              )}
              <Button component={Link} to={`${patientBasePath}/education`} variant="default">
                All lessons
              </Button>
            </Group>
          </Stack>
        </>
      )}
    </QueryView>
  );
}
