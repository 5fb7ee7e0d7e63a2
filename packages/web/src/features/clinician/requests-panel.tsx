import { Button, Checkbox, Group, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { recordsApi, recordsKeys } from '../../api/records-api.ts';
import { label } from '../../components/labels.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { atTime } from '../../components/when.ts';
import { ToneBadge, amber } from './badges.tsx';
import { QueryView } from './query-view.tsx';

/** One answer form for a refill or dose request: the clinician writes what the patient will read. */
function AnswerForm({ onAnswer, pending, error }: { onAnswer: (text: string) => void; pending: boolean; error: unknown }) {
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (text.trim() !== '') onAnswer(text.trim());
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs" mt="xs">
        <Textarea
          label="Your answer"
          description="The patient reads this answer with their request."
          autosize
          minRows={2}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={tried && text.trim() === '' ? 'Write an answer for the patient.' : isApiError(error) ? error.fieldError('answer') : undefined}
        />
        {error !== null && error !== undefined && <ProblemAlert error={error} fieldsShownInline={['answer']} />}
        <Button type="submit" loading={pending} w="fit-content" size="sm">
          Send answer
        </Button>
      </Stack>
    </form>
  );
}

function Answer({ answer }: { answer: { text: string; by: string; at: string } | null }) {
  if (!answer) return null;
  return (
    <Text size="sm" mt={4}>
      <strong>Answer from {answer.by}</strong>, {atTime(answer.at)}: {answer.text}
    </Text>
  );
}

function RefillRequests({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const refills = useQuery({ queryKey: recordsKeys.part(patientId, 'refills'), queryFn: () => recordsApi.refills(patientId) });
  const answer = useMutation({
    mutationFn: (v: { id: string; text: string }) => recordsApi.answerRefill(patientId, v.id, v.text),
    onSuccess: (data) => queryClient.setQueryData(recordsKeys.part(patientId, 'refills'), data),
  });
  return (
    <section aria-labelledby="refills-heading">
      <Title order={3} size="h4" id="refills-heading" mb="xs">
        Refill requests
      </Title>
      <QueryView query={refills} what="the refill requests">
        {(data) =>
          data.items.length === 0 ? (
            <NothingHereYet description="No refill requests yet." />
          ) : (
            <Stack gap="xs">
              {data.items.map((r) => (
                <Paper key={r.id} withBorder p="sm" radius="md" style={{ borderLeft: `5px solid ${r.answer ? 'var(--mantine-color-gray-3)' : amber}` }}>
                  <Group gap="xs" wrap="wrap">
                    <Text fw={650}>Asked {atTime(r.requestedAt)}</Text>
                    <ToneBadge color={r.outcome === 'granted' ? 'keel.8' : amber} variant="filled">
                      {label(r.outcome)}
                    </ToneBadge>
                  </Group>
                  {r.note && <Text size="sm">The patient wrote: “{r.note}”</Text>}
                  {r.reasons.length > 0 && <Text size="sm">{r.reasons.map((x) => x.message).join(' ')}</Text>}
                  {r.eligibleFrom && <Text size="sm">Eligible from {atTime(r.eligibleFrom)}.</Text>}
                  <Answer answer={r.answer} />
                  {!r.answer && <AnswerForm onAnswer={(text) => answer.mutate({ id: r.id, text })} pending={answer.isPending && answer.variables.id === r.id} error={answer.variables?.id === r.id ? answer.error : null} />}
                </Paper>
              ))}
            </Stack>
          )
        }
      </QueryView>
    </section>
  );
}

function DoseRequests({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const doses = useQuery({ queryKey: recordsKeys.part(patientId, 'doses'), queryFn: () => recordsApi.doseRequests(patientId) });
  const answer = useMutation({
    mutationFn: (v: { id: string; text: string }) => recordsApi.answerDose(patientId, v.id, v.text),
    onSuccess: (data) => queryClient.setQueryData(recordsKeys.part(patientId, 'doses'), data),
  });
  return (
    <section aria-labelledby="doses-heading">
      <Title order={3} size="h4" id="doses-heading" mb="xs">
        Dose requests
      </Title>
      <QueryView query={doses} what="the dose requests">
        {(data) =>
          data.items.length === 0 ? (
            <NothingHereYet description="No dose requests yet." />
          ) : (
            <Stack gap="xs">
              {data.items.map((r) => (
                <Paper key={r.id} withBorder p="sm" radius="md" style={{ borderLeft: `5px solid ${r.answer ? 'var(--mantine-color-gray-3)' : amber}` }}>
                  <Text fw={650}>
                    {label(r.kind)} · {atTime(r.requestedAt)}
                  </Text>
                  {r.note && <Text size="sm">The patient wrote: “{r.note}”</Text>}
                  <Answer answer={r.answer} />
                  {!r.answer && <AnswerForm onAnswer={(text) => answer.mutate({ id: r.id, text })} pending={answer.isPending && answer.variables.id === r.id} error={answer.variables?.id === r.id ? answer.error : null} />}
                </Paper>
              ))}
            </Stack>
          )
        }
      </QueryView>
    </section>
  );
}

function PdmpChecks({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const checks = useQuery({ queryKey: recordsKeys.part(patientId, 'pdmp'), queryFn: () => recordsApi.pdmpChecks(patientId) });
  const [other, setOther] = useState(false);
  const [note, setNote] = useState('');
  const [states, setStates] = useState('');
  const record = useMutation({
    mutationFn: () =>
      recordsApi.recordPdmp(patientId, {
        checkedAt: new Date().toISOString(),
        states: states
          .split(/[\s,]+/)
          .map((x) => x.trim().toUpperCase())
          .filter((x) => x !== ''),
        resultSummary: note.trim() || (other ? 'Other controlled prescriptions found' : 'No other controlled prescriptions'),
        otherControlledPrescriptions: [],
        otherPrescriberFound: other,
      }),
    onSuccess: async () => {
      setNote('');
      setOther(false);
      await queryClient.invalidateQueries({ queryKey: recordsKeys.part(patientId, 'pdmp') });
    },
  });
  return (
    <section aria-labelledby="pdmp-heading">
      <Title order={3} size="h4" id="pdmp-heading" mb="xs">
        Prescription monitoring (PDMP) checks
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          record.mutate();
        }}
        noValidate
      >
        <Paper withBorder p="sm" radius="md" mb="sm">
          <Stack gap="xs">
            <Text size="sm">Record the state PDMP check made before a fill.</Text>
            <TextInput label="States searched (two-letter codes)" required value={states} onChange={(e) => setStates(e.currentTarget.value)} />
            <Checkbox label="The PDMP shows another prescriber of controlled substances" checked={other} onChange={(e) => setOther(e.currentTarget.checked)} />
            <Textarea label="Result summary (optional)" autosize minRows={1} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            {record.error && <ProblemAlert error={record.error} />}
            <Button type="submit" loading={record.isPending} w="fit-content" size="sm">
              Record PDMP check
            </Button>
          </Stack>
        </Paper>
      </form>
      <QueryView query={checks} what="the PDMP checks">
        {(data) =>
          data.checks.length === 0 ? (
            <NothingHereYet description="No PDMP check recorded yet. Record one before the first fill." />
          ) : (
            <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {data.checks.map((c) => (
                <Paper key={c.id} component="li" withBorder p="xs" radius="md">
                  <Text size="sm">
                    <strong>{atTime(c.checkedAt)}</strong> by {c.checkedByName} ({c.states.join(', ')}): {c.otherPrescriberFound ? 'another prescriber found' : 'no other controlled prescriptions'}
                    {c.resultSummary ? ` — ${c.resultSummary}` : ''}
                  </Text>
                </Paper>
              ))}
            </Stack>
          )
        }
      </QueryView>
    </section>
  );
}

/** The patient's refill and dose requests with the clinician's answers, and the PDMP checks. */
export function RequestsPanel({ patientId }: { patientId: string }) {
  return (
    <Stack gap="xl">
      <DoseRequests patientId={patientId} />
      <RefillRequests patientId={patientId} />
      <PdmpChecks patientId={patientId} />
    </Stack>
  );
}
