import { Badge, Button, Card, Checkbox, Group, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { patientApi, patientKeys, type JournalEntry } from '../../api/patient-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDateTime } from '../../features/patient/format.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';

function NewEntry() {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const prompts = useQuery({ queryKey: patientKeys.journalPrompts(patientId), queryFn: () => patientApi.journalPrompts(patientId) });
  const sessionPrompt = prompts.data?.postSession[0];
  const [prompt, setPrompt] = useState<string | null>(null);
  const [body, setBody] = useState('');
  const [coach, setCoach] = useState(false);
  const [clinician, setClinician] = useState(false);
  const write = useMutation({
    mutationFn: () =>
      patientApi.writeJournal(patientId, {
        body: body.trim(),
        ...(prompt ? { prompt } : {}),
        ...(prompt && sessionPrompt && prompt === sessionPrompt.prompt ? { sessionId: sessionPrompt.sessionId } : {}),
        sharedWithCoach: coach,
        sharedWithClinician: clinician,
      }),
    onSuccess: async () => {
      setBody('');
      setPrompt(null);
      setCoach(false);
      setClinician(false);
      await queryClient.invalidateQueries({ queryKey: ['patient', patientId, 'journal'] });
      await queryClient.invalidateQueries({ queryKey: patientKeys.journalPrompts(patientId) });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (body.trim() === '') return;
    write.mutate();
  };
  const suggestions = [...(sessionPrompt ? [sessionPrompt.prompt] : []), ...(prompts.data?.general.slice(0, 3) ?? [])];
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="new-entry-heading">
      <Title order={2} size="h4" id="new-entry-heading" mb="xs">
        Write an entry
      </Title>
      {suggestions.length > 0 && (
        <Stack gap={4} mb="sm">
          <Text size="sm">Need a starting point? Pick a prompt:</Text>
          <Group gap="xs">
            {suggestions.map((s) => (
              <Button key={s} size="compact-sm" variant={prompt === s ? 'filled' : 'light'} onClick={() => setPrompt(prompt === s ? null : s)} aria-pressed={prompt === s}>
                {s}
              </Button>
            ))}
          </Group>
        </Stack>
      )}
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Textarea
            label={prompt ?? 'Your entry'}
            autosize
            minRows={4}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            error={isApiError(write.error) ? write.error.fieldError('body') : undefined}
          />
          <Text size="sm" c="dimmed">
            Entries are private. Share one only if you want to.
          </Text>
          <Group gap="lg">
            <Checkbox label="Share with my coach" checked={coach} onChange={(e) => setCoach(e.currentTarget.checked)} />
            <Checkbox label="Share with my clinician" checked={clinician} onChange={(e) => setClinician(e.currentTarget.checked)} />
          </Group>
          {write.error !== null && <ProblemAlert error={write.error} fieldsShownInline={['body']} />}
          <Group>
            <Button type="submit" disabled={body.trim() === ''} loading={write.isPending}>
              Save entry
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function EntryCard({ entry }: { entry: JournalEntry }) {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const share = useMutation({
    mutationFn: (next: { sharedWithCoach: boolean; sharedWithClinician: boolean }) => patientApi.shareJournal(patientId, entry.id, next),
    onSuccess: async () => queryClient.invalidateQueries({ queryKey: ['patient', patientId, 'journal'] }),
  });
  const shared = [entry.sharedWithCoach && 'coach', entry.sharedWithClinician && 'clinician'].filter(Boolean);
  return (
    <Card withBorder radius="md" padding="md" component="article" aria-label={`Entry from ${formatDateTime(entry.writtenAt)}`}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text size="sm" fw={600}>
          {formatDateTime(entry.writtenAt)}
        </Text>
        <Badge variant="light" color={shared.length > 0 ? 'keel' : 'gray'}>
          {shared.length > 0 ? `Shared with ${shared.join(' and ')}` : 'Private'}
        </Badge>
      </Group>
      {entry.prompt && (
        <Text size="sm" c="dimmed" fs="italic" mt={4}>
          {entry.prompt}
        </Text>
      )}
      <Text mt="xs" style={{ whiteSpace: 'pre-wrap' }}>
        {entry.body}
      </Text>
      <Group gap="lg" mt="sm">
        <Checkbox
          size="sm"
          label="Shared with coach"
          checked={entry.sharedWithCoach}
          disabled={share.isPending}
          onChange={(e) => share.mutate({ sharedWithCoach: e.currentTarget.checked, sharedWithClinician: entry.sharedWithClinician })}
        />
        <Checkbox
          size="sm"
          label="Shared with clinician"
          checked={entry.sharedWithClinician}
          disabled={share.isPending}
          onChange={(e) => share.mutate({ sharedWithCoach: entry.sharedWithCoach, sharedWithClinician: e.currentTarget.checked })}
        />
      </Group>
      {share.error !== null && <ProblemAlert error={share.error} />}
    </Card>
  );
}

/** The journal: private by default, shared per entry, searchable. */
export function JournalPage() {
  const patientId = usePatientId();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  // The search text goes in the request's query string to the API only; the page URL never carries it.
  const journal = useQuery({ queryKey: patientKeys.journal(patientId, q), queryFn: () => patientApi.journal(patientId, q || undefined) });
  return (
    <>
      <PageHeader title="Journal" description="Private notes and reflections between sessions. Only you can see them unless you share an entry." />
      <Stack gap="lg">
        <NewEntry />
        <section aria-labelledby="entries-heading">
          <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap">
            <Title order={2} size="h4" id="entries-heading">
              Your entries
            </Title>
            <TextInput label="Search your journal" type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={280} />
          </Group>
          <QueryView query={journal} label="Loading entries…">
            {(data) =>
              data.items.length === 0 ? (
                <NothingHereYet description={q ? 'No entries match your search.' : 'No entries yet. What you write appears here.'} />
              ) : (
                <Stack gap="sm">
                  {data.items.map((e) => (
                    <EntryCard key={e.id} entry={e} />
                  ))}
                </Stack>
              )
            }
          </QueryView>
        </section>
      </Stack>
    </>
  );
}
