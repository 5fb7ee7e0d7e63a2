import { Alert, Button, Card, Group, Radio, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { recordsApi, recordsKeys } from '../../api/records-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { atTime } from '../../components/when.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';

function AnswerLine({ answer }: { answer: { text: string; by: string; at: string } | null }) {
  return answer ? (
    <Card withBorder radius="md" padding="sm" bg="keel.0" mt="xs">
      <Text size="sm" fw={650}>
        {answer.by} answered {atTime(answer.at)}
      </Text>
      <Text size="sm">{answer.text}</Text>
    </Card>
  ) : (
    <Text size="sm" mt={4}>
      Your clinician has not answered yet. You will see the answer here.
    </Text>
  );
}

function RefillSection() {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const refills = useQuery({ queryKey: recordsKeys.part(patientId, 'refills'), queryFn: () => recordsApi.refills(patientId) });
  const [note, setNote] = useState('');
  const ask = useMutation({
    mutationFn: () => recordsApi.requestRefill(patientId, note.trim() || undefined),
    onSuccess: async () => {
      setNote('');
      await queryClient.invalidateQueries({ queryKey: recordsKeys.part(patientId, 'refills') });
    },
  });
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="refill-heading">
      <Title order={2} size="h3" id="refill-heading" mb={4}>
        Refills
      </Title>
      <Text size="sm" mb="sm">
        Ask when you are running low. A refill is ready only from the date your plan allows; your clinician can explain anything that is on hold.
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          ask.mutate();
        }}
        noValidate
      >
        <Stack gap="xs">
          <Textarea label="Anything your clinician should know (optional)" autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          {ask.error && <ProblemAlert error={ask.error} />}
          <Button type="submit" loading={ask.isPending} w="fit-content">
            Ask for a refill
          </Button>
        </Stack>
      </form>
      <QueryView query={refills} label="Loading your refill requests…">
        {(data) =>
          data.items.length === 0 ? null : (
            <Stack gap="sm" mt="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Your refill requests">
              {data.items.map((r) => (
                <Card key={r.id} component="li" withBorder radius="md" padding="sm">
                  <Text fw={650}>
                    Asked {atTime(r.requestedAt)}: {r.outcome === 'granted' ? 'ready' : 'on hold'}
                  </Text>
                  {r.outcome === 'held' && r.eligibleFrom && <Text size="sm">You can get a refill from {atTime(r.eligibleFrom)}.</Text>}
                  {r.reasons.length > 0 && <Text size="sm">{r.reasons.map((x) => x.message).join(' ')}</Text>}
                  <AnswerLine answer={r.answer} />
                </Card>
              ))}
            </Stack>
          )
        }
      </QueryView>
    </Card>
  );
}

function DoseSection() {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const doses = useQuery({ queryKey: recordsKeys.part(patientId, 'doses'), queryFn: () => recordsApi.doseRequests(patientId) });
  const [kind, setKind] = useState<'increase' | 'tolerance' | ''>('');
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  const ask = useMutation({
    mutationFn: () => recordsApi.requestDose(patientId, kind === 'increase' ? 'increase' : 'tolerance', note.trim() || undefined),
    onSuccess: async () => {
      setNote('');
      setKind('');
      setTried(false);
      await queryClient.invalidateQueries({ queryKey: recordsKeys.part(patientId, 'doses') });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (kind !== '') ask.mutate();
  };
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="dose-heading">
      <Title order={2} size="h3" id="dose-heading" mb={4}>
        Your dose
      </Title>
      <Text size="sm" mb="sm">
        Never take more than your plan says. If your dose feels too low or stopped working, tell your clinician here; they will answer and may adjust your plan.
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="xs">
          <Radio.Group label="What would you like to tell your clinician?" value={kind} onChange={(v) => setKind(v === 'increase' || v === 'tolerance' ? v : '')} error={tried && kind === '' ? 'Choose one.' : undefined}>
            <Stack gap={6} mt={4}>
              <Radio value="increase" label="I would like a higher dose" />
              <Radio value="tolerance" label="My dose does not work as well as it did" />
            </Stack>
          </Radio.Group>
          <Textarea label="Tell them more (optional)" autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          {ask.error && <ProblemAlert error={ask.error} />}
          {ask.data && (
            <Alert color="keel" variant="light" role="status">
              {ask.data.message}
            </Alert>
          )}
          <Button type="submit" loading={ask.isPending} w="fit-content">
            Send to my clinician
          </Button>
        </Stack>
      </form>
      <QueryView query={doses} label="Loading your requests…">
        {(data) =>
          data.items.length === 0 ? null : (
            <Stack gap="sm" mt="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Your dose requests">
              {data.items.map((r) => (
                <Card key={r.id} component="li" withBorder radius="md" padding="sm">
                  <Group gap="xs">
                    <Text fw={650}>{r.kind === 'increase' ? 'You asked for a higher dose' : 'You said your dose works less well'}</Text>
                    <Text size="sm" c="dimmed">
                      {atTime(r.requestedAt)}
                    </Text>
                  </Group>
                  <AnswerLine answer={r.answer} />
                </Card>
              ))}
            </Stack>
          )
        }
      </QueryView>
    </Card>
  );
}

/** Refill and dose requests, with the clinician's answers. */
export function MedicationPage() {
  return (
    <>
      <PageHeader title="Medication" description="Ask for a refill or talk to your clinician about your dose. Answers appear here." />
      <Stack gap="lg">
        <DoseSection />
        <RefillSection />
      </Stack>
    </>
  );
}
