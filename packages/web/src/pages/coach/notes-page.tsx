import { NativeSelect, Paper, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { coachApi, coachKeys } from '../../api/coach-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { NoteForm, NotesList } from '../../features/coach/coach-sections-ui.tsx';
import { QueryView } from '../../features/clinician/query-view.tsx';

/** Integration notes, one patient at a time. */
export function NotesPage() {
  const caseload = useQuery({ queryKey: coachKeys.caseload, queryFn: coachApi.caseload });
  const [chosen, setChosen] = useState('');
  return (
    <>
      <PageHeader title="Notes" description="Integration coaching notes for your patients." />
      <QueryView query={caseload} what="your caseload">
        {(data) => {
          if (data.items.length === 0) return <NothingHereYet description="No patients are assigned to you yet." />;
          const patientId = chosen || data.items[0]?.patientId || '';
          const name = data.items.find((p) => p.patientId === patientId)?.name ?? '';
          return (
            <Stack gap="md">
              <NativeSelect label="Patient" value={patientId} onChange={(e) => setChosen(e.currentTarget.value)} data={data.items.map((p) => ({ value: p.patientId, label: p.name }))} maw={360} />
              <Title order={2} size="h3">
                {name}
              </Title>
              <Paper withBorder p="md" radius="md">
                <NoteForm key={patientId} patientId={patientId} />
              </Paper>
              <NotesList patientId={patientId} />
            </Stack>
          );
        }}
      </QueryView>
    </>
  );
}
