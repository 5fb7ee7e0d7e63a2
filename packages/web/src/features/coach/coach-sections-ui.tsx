import { Badge, Button, Checkbox, Group, NativeSelect, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { coachApi, coachKeys } from '../../api/coach-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDate, formatDateTime } from '../clinician/format.ts';
import { QueryView } from '../clinician/query-view.tsx';
import { label } from '../../components/labels.ts';

const todayIso = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

function usePracticeLibrary() {
  return useQuery({ queryKey: coachKeys.library, queryFn: coachApi.library, staleTime: 5 * 60_000 });
}

/** A structured integration note: themes, insights, practices assigned, next steps. */
export function NoteForm({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const library = usePracticeLibrary();
  const [sessionOn, setSessionOn] = useState(todayIso);
  const [themes, setThemes] = useState('');
  const [insights, setInsights] = useState('');
  const [nextSteps, setNextSteps] = useState('');
  const [practices, setPractices] = useState<string[]>([]);
  const [local, setLocal] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      coachApi.createNote(patientId, {
        sessionOn,
        themes: themes.split(',').map((t) => t.trim()).filter(Boolean),
        insights: insights.trim(),
        practicesAssigned: practices,
        nextSteps: nextSteps.trim(),
      }),
    onSuccess: async () => {
      setThemes('');
      setInsights('');
      setNextSteps('');
      setPractices([]);
      await queryClient.invalidateQueries({ queryKey: ['coach'] });
    },
  });
  const fe = (f: string) => local[f] ?? (isApiError(create.error) ? create.error.fieldError(f) : undefined);
  return (
    <form
      noValidate
      aria-labelledby={`note-form-${patientId}`}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const errs: Record<string, string> = {};
        if (!sessionOn) errs['sessionOn'] = 'Enter the session date.';
        if (!insights.trim()) errs['insights'] = 'Write the insights from the session.';
        if (!nextSteps.trim()) errs['nextSteps'] = 'Write the next steps.';
        setLocal(errs);
        if (Object.keys(errs).length === 0) create.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={3} size="h5" id={`note-form-${patientId}`}>
          Write a note
        </Title>
        <TextInput type="date" label="Session date" required value={sessionOn} onChange={(e) => setSessionOn(e.currentTarget.value)} error={fe('sessionOn')} maw={240} />
        <TextInput label="Themes" description="Separate themes with commas." value={themes} onChange={(e) => setThemes(e.currentTarget.value)} error={fe('themes')} />
        <Textarea label="Insights" required autosize minRows={3} value={insights} onChange={(e) => setInsights(e.currentTarget.value)} error={fe('insights')} />
        <Checkbox.Group label="Practices to assign" value={practices} onChange={setPractices} error={fe('practicesAssigned')}>
          <Stack gap={4} mt={4}>
            {library.isError && <Text size="sm">Could not load the practices library.</Text>}
            {library.data?.items.map((p) => (
              <Checkbox key={p.slug} value={p.slug} label={`${p.title} (${p.category}, ${p.minutes} min)`} />
            ))}
          </Stack>
        </Checkbox.Group>
        <Textarea label="Next steps" required autosize minRows={2} value={nextSteps} onChange={(e) => setNextSteps(e.currentTarget.value)} error={fe('nextSteps')} />
        {create.error && <ProblemAlert error={create.error} fieldsShownInline={['sessionOn', 'themes', 'insights', 'nextSteps', 'practicesAssigned']} />}
        {create.isSuccess && (
          <Text size="sm" role="status">
            Note saved.
          </Text>
        )}
        <Button type="submit" loading={create.isPending} w="fit-content">
          Save note
        </Button>
      </Stack>
    </form>
  );
}

export function NotesList({ patientId }: { patientId: string }) {
  const notes = useQuery({ queryKey: coachKeys.patientPart(patientId, 'notes'), queryFn: () => coachApi.notes(patientId) });
  return (
    <QueryView query={notes} what="notes" loadingLabel="Loading notes…">
      {(data) =>
        data.items.length === 0 ? (
          <NothingHereYet description="No integration notes yet." />
        ) : (
          <Stack gap="sm">
            {data.items.map((n) => (
              <Paper key={n.id} withBorder p="md" radius="md" component="article" aria-labelledby={`note-${n.id}`}>
                <Group gap="xs" mb={4}>
                  <Title order={3} size="h5" id={`note-${n.id}`}>
                    Session {formatDate(n.sessionOn)}
                  </Title>
                  <Text size="sm">by {n.coachName}</Text>
                </Group>
                {n.themes.length > 0 && (
                  <Group gap={4} mb={4}>
                    {n.themes.map((t) => (
                      <Badge key={t} variant="outline" color="keel.8" radius="sm" tt="none">
                        {t}
                      </Badge>
                    ))}
                  </Group>
                )}
                <Text size="sm">
                  <strong>Insights:</strong> {n.insights}
                </Text>
                {n.practicesAssigned.length > 0 && (
                  <Text size="sm">
                    <strong>Practices assigned:</strong> {n.practicesAssigned.join(', ')}
                  </Text>
                )}
                <Text size="sm">
                  <strong>Next steps:</strong> {n.nextSteps}
                </Text>
              </Paper>
            ))}
          </Stack>
        )
      }
    </QueryView>
  );
}

export function SharedJournal({ patientId }: { patientId: string }) {
  const journal = useQuery({ queryKey: coachKeys.patientPart(patientId, 'journal'), queryFn: () => coachApi.sharedJournal(patientId) });
  return (
    <QueryView query={journal} what="shared journal entries">
      {(data) =>
        data.items.length === 0 ? (
          <Text size="sm">The patient has not shared any journal entries with you.</Text>
        ) : (
          <Stack gap="sm">
            {data.items.map((j) => (
              <Paper key={j.id} withBorder p="sm" radius="md" component="article">
                <Text size="xs" fw={600}>
                  {formatDateTime(j.writtenAt)}
                  {j.prompt ? ` · prompt: ${j.prompt}` : ''}
                </Text>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {j.body}
                </Text>
              </Paper>
            ))}
          </Stack>
        )
      }
    </QueryView>
  );
}

export function Practices({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const practices = useQuery({ queryKey: coachKeys.patientPart(patientId, 'practices'), queryFn: () => coachApi.practices(patientId) });
  const library = usePracticeLibrary();
  const [slug, setSlug] = useState('');
  const [frequency, setFrequency] = useState('');
  const assign = useMutation({
    mutationFn: () => coachApi.assignPractice(patientId, { practiceSlug: slug, ...(frequency.trim() ? { frequency: frequency.trim() } : {}) }),
    onSuccess: async () => {
      setSlug('');
      setFrequency('');
      await queryClient.invalidateQueries({ queryKey: ['coach'] });
    },
  });
  return (
    <Stack gap="sm">
      <QueryView query={practices} what="assigned practices">
        {(data) =>
          data.items.length === 0 ? (
            <Text size="sm">No practices assigned.</Text>
          ) : (
            <Stack gap={6}>
              {data.items.map((a) => (
                <Group key={a.id} gap="xs" wrap="nowrap" align="start">
                  <Badge radius="sm" variant="outline" color={a.status === 'completed' ? 'keel.8' : 'gray.8'} miw={90}>
                    {label(a.status)}
                  </Badge>
                  <Text size="sm">
                    <strong>{a.practice.title}</strong> ({a.practice.category}, {a.practice.minutes} min){a.frequency ? ` · ${a.frequency}` : ''} · assigned {formatDate(a.assignedAt)}
                    {a.completedAt ? ` · done ${formatDate(a.completedAt)}${a.completionNote ? `: “${a.completionNote}”` : ''}` : ''}
                  </Text>
                </Group>
              ))}
            </Stack>
          )
        }
      </QueryView>
      <form
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (slug) assign.mutate();
        }}
      >
        <Group align="end" gap="sm" wrap="wrap">
          <NativeSelect
            label="Assign a practice"
            value={slug}
            onChange={(e) => setSlug(e.currentTarget.value)}
            data={[{ value: '', label: 'Choose…' }, ...(library.data?.items.map((p) => ({ value: p.slug, label: p.title })) ?? [])]}
            error={isApiError(assign.error) ? assign.error.fieldError('practiceSlug') : undefined}
          />
          <TextInput label="How often (optional)" value={frequency} onChange={(e) => setFrequency(e.currentTarget.value)} />
          <Button type="submit" loading={assign.isPending} disabled={!slug}>
            Assign
          </Button>
        </Group>
        {assign.error && <ProblemAlert error={assign.error} fieldsShownInline={['practiceSlug']} />}
      </form>
    </Stack>
  );
}
