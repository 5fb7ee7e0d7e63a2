import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, List, NumberInput, Slider, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import { patientApi, patientKeys, type CheckInInput, type CheckInResult } from '../../api/patient-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { CrisisPanel } from '../../features/patient/crisis-panel.tsx';
import { formatDateTime } from '../../features/patient/format.ts';
import { instrumentLabel } from '../../features/patient/instrument-labels.ts';
import { useCrisis, useSchedule } from '../../features/patient/patient-queries.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';
import { YesNo } from '../../features/patient/yes-no.tsx';
import { patientBasePath } from './patient-base-path.ts';
import { label } from '../../components/labels.ts';

// The same closed list as the contract's checkInSideEffects (kept here so zod stays out of the bundle).
const sideEffects: readonly { value: CheckInInput['sideEffects'][number]; label: string }[] = [
  { value: 'nausea', label: 'Nausea' },
  { value: 'vomiting', label: 'Vomiting' },
  { value: 'headache', label: 'Headache' },
  { value: 'dizziness', label: 'Dizziness' },
  { value: 'drowsiness', label: 'Drowsiness' },
  { value: 'lingering_dissociation', label: 'Still feeling detached or unreal' },
  { value: 'anxiety', label: 'Anxiety' },
  { value: 'low_mood_after_session', label: 'Low mood after a session' },
  { value: 'blurred_vision', label: 'Blurred vision' },
  { value: 'palpitations', label: 'Racing or pounding heart' },
  { value: 'other', label: 'Something else' },
];

function Scale({ label, value, onChange, low, high }: { label: string; value: number; onChange: (v: number) => void; low: string; high: string }) {
  return (
    <div>
      <Text size="sm" fw={500}>
        {label}: <strong>{value}</strong> out of 10
      </Text>
      <Slider
        min={0}
        max={10}
        step={1}
        value={value}
        onChange={onChange}
        thumbLabel={label}
        marks={[{ value: 0 }, { value: 10 }]}
        mt={4}
        maw={420}
      />
      {/* The ends of the scale in words, inside the slider's width: they never run off a phone's screen. */}
      <Group justify="space-between" maw={420} mt={6} mb="md" gap="xs" wrap="nowrap">
        <Text size="xs" c="dimmed">
          0 {low}
        </Text>
        <Text size="xs" c="dimmed" ta="right">
          10 {high}
        </Text>
      </Group>
    </div>
  );
}

function CheckInForm({ onDone }: { onDone: (r: CheckInResult) => void }) {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const [mood, setMood] = useState(5);
  const [sleepHours, setSleepHours] = useState<number | undefined>(undefined);
  const [craving, setCraving] = useState(0);
  const [flags, setFlags] = useState<{ usedOutsideSession?: boolean; bladderSymptoms?: boolean; cognitiveComplaint?: boolean }>({});
  const [effects, setEffects] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  const send = useMutation({
    mutationFn: () =>
      patientApi.checkIn(patientId, {
        mood0to10: mood,
        sleepHours: sleepHours ?? 0,
        craving0to10: craving,
        usedOutsideSession: flags.usedOutsideSession ?? false,
        bladderSymptoms: flags.bladderSymptoms ?? false,
        cognitiveComplaint: flags.cognitiveComplaint ?? false,
        sideEffects: sideEffects.filter((s) => effects.includes(s.value)).map((s) => s.value),
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    onSuccess: async (r) => {
      onDone(r);
      await queryClient.invalidateQueries({ queryKey: patientKeys.all(patientId) });
    },
  });
  const missing = (v: unknown) => (tried && v === undefined ? 'Answer this question.' : undefined);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTried(true);
    if (sleepHours === undefined || Object.keys(flags).length < 3) return;
    send.mutate();
  };
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="checkin-heading">
      <Title order={2} size="h4" id="checkin-heading" mb="sm">
        Today’s check-in
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Scale label="Your mood today" value={mood} onChange={setMood} low="very low" high="very good" />
          <NumberInput
            label="Hours of sleep last night"
            min={0}
            max={24}
            step={0.5}
            decimalScale={1}
            value={sleepHours ?? ''}
            onChange={(v) => setSleepHours(typeof v === 'number' ? v : undefined)}
            error={(isApiError(send.error) ? send.error.fieldError('sleepHours') : undefined) ?? missing(sleepHours)}
            maw={220}
          />
          <Scale label="Urge to use ketamine outside a session" value={craving} onChange={setCraving} low="none" high="very strong" />
          <YesNo
            name="usedOutsideSession"
            label="Have you used ketamine outside a planned session since your last check-in?"
            description="An honest answer helps your care team keep you safe; it will not be held against you."
            value={flags.usedOutsideSession}
            onChange={(v) => setFlags((f) => ({ ...f, usedOutsideSession: v }))}
            error={missing(flags.usedOutsideSession)}
          />
          <YesNo
            name="bladderSymptoms"
            label="Any bladder trouble — needing to go often or urgently, pain, or blood in your urine?"
            value={flags.bladderSymptoms}
            onChange={(v) => setFlags((f) => ({ ...f, bladderSymptoms: v }))}
            error={missing(flags.bladderSymptoms)}
          />
          <YesNo
            name="cognitiveComplaint"
            label="Any new trouble with memory or concentration?"
            value={flags.cognitiveComplaint}
            onChange={(v) => setFlags((f) => ({ ...f, cognitiveComplaint: v }))}
            error={missing(flags.cognitiveComplaint)}
          />
          <Checkbox.Group label="Any of these since your last check-in?" value={effects} onChange={setEffects}>
            <Stack gap={6} mt={6}>
              {sideEffects.map((s) => (
                <Checkbox key={s.value} value={s.value} label={s.label} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Textarea label="Anything else you want your care team to know? (optional)" autosize minRows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          {send.error !== null && <ProblemAlert error={send.error} fieldsShownInline={['sleepHours']} />}
          <Group>
            <Button type="submit" loading={send.isPending}>
              Send check-in
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The daily check-in and the questionnaires that are due. */
export function CheckInPage() {
  const patientId = usePatientId();
  const schedule = useSchedule(patientId);
  const crisis = useCrisis(patientId);
  const [result, setResult] = useState<CheckInResult | null>(null);
  const messages = result?.alerts.map((a) => a.patientMessage).filter((m): m is string => !!m) ?? [];
  return (
    <>
      <PageHeader title="Check-in" description="A minute or two on how you are doing. Your care team reads every check-in." />
      <Stack gap="lg">
        {crisis.data?.safetyAlertOpen && <CrisisPanel resources={crisis.data.resources} messages={crisis.data.messages} />}
        {result ? (
          <Alert color="keel" variant="light" title="Thank you — your check-in was sent" role="status" data-testid="checkin-done">
            <Stack gap={4}>
              {messages.map((m) => (
                <Text key={m}>{m}</Text>
              ))}
              <Anchor component={Link} to={patientBasePath}>
                Back to home
              </Anchor>
            </Stack>
          </Alert>
        ) : (
          <CheckInForm onDone={setResult} />
        )}
        <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="due-heading">
          <Title order={2} size="h4" id="due-heading" mb="sm">
            Questionnaires
          </Title>
          <QueryView query={schedule}>
            {(data) => {
              const items = data.items.filter((i) => i.code !== 'checkin');
              return items.length === 0 ? (
                <Text size="sm">No questionnaires are scheduled.</Text>
              ) : (
                <List spacing="xs">
                  {items.map((i) => (
                    <List.Item key={i.code}>
                      <Group gap="xs" wrap="wrap">
                        <Anchor component={Link} to={`${patientBasePath}/assessments/${i.code}`}>
                          {instrumentLabel(i.code)}
                        </Anchor>
                        <Badge variant="light" color={i.status === 'overdue' ? 'red' : i.status === 'due' ? 'keel' : 'gray'}>
                          {i.status === 'upcoming' ? `next ${formatDateTime(i.dueAt)}` : label(i.status).toLowerCase()}
                        </Badge>
                      </Group>
                    </List.Item>
                  ))}
                </List>
              );
            }}
          </QueryView>
        </Card>
      </Stack>
    </>
  );
}
