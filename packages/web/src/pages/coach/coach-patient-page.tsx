import { Anchor, Paper, SimpleGrid, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { coachApi, coachKeys } from '../../api/coach-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { NoteForm, NotesList, Practices, SharedJournal } from '../../features/coach/coach-sections-ui.tsx';
import { coachBasePath } from './coach-paths.ts';

/** One coached patient: integration notes and a new note, journal entries shared with the coach, practices. */
export function CoachPatientPage() {
  const { patientId = '' } = useParams();
  const caseload = useQuery({ queryKey: coachKeys.caseload, queryFn: coachApi.caseload });
  const name = caseload.data?.items.find((p) => p.patientId === patientId)?.name;
  return (
    <>
      <PageHeader title={name ?? 'Patient'} description="Integration notes, shared journal entries and practices." />
      <Anchor component={Link} to={coachBasePath} size="sm" mb="md" display="inline-block">
        ← Caseload
      </Anchor>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack gap="md" component="section" aria-labelledby="notes-heading">
          <Title order={2} size="h3" id="notes-heading">
            Integration notes
          </Title>
          <Paper withBorder p="md" radius="md">
            <NoteForm patientId={patientId} />
          </Paper>
          <NotesList patientId={patientId} />
        </Stack>
        <Stack gap="md">
          <section aria-labelledby="journal-heading">
            <Title order={2} size="h3" id="journal-heading" mb="sm">
              Shared journal
            </Title>
            <SharedJournal patientId={patientId} />
          </section>
          <section aria-labelledby="practices-heading">
            <Title order={2} size="h3" id="practices-heading" mb="sm">
              Practices
            </Title>
            <Practices patientId={patientId} />
          </section>
        </Stack>
      </SimpleGrid>
    </>
  );
}
