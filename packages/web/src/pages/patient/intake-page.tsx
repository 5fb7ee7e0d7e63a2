import { Alert, Badge, Button, Card, Grid, Group, List, NavLink, Progress, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import {
  patientApi,
  patientKeys,
  type AnswerSet,
  type CrisisEntry,
  type Instrument,
  type Intake,
  type IntakeAnswers,
  type IntakeForm,
  type IntakeSubmitResult,
} from '../../api/patient-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { CrisisPanel } from '../../features/patient/crisis-panel.tsx';
import { formatDateTime, formatTime } from '../../features/patient/format.ts';
import { InstrumentQuestions, visibleAnswers } from '../../features/patient/instrument-questions.tsx';
import {
  DemographicsSection,
  MedicalSection,
  MedicationsSection,
  PsychiatricSection,
  SubstanceSection,
  SupportSection,
} from '../../features/patient/intake-sections.tsx';
import { useCrisis, useInstruments, useIntake } from '../../features/patient/patient-queries.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';
import { patientBasePath } from './patient-base-path.ts';

type SectionId = Intake['progress'][number]['section'];
type InstrumentAnswers = NonNullable<IntakeAnswers['instruments']>;
type IntakeInstrumentCode = keyof InstrumentAnswers;

/** A positive safety answer: PHQ-9 item 9 above "not at all", or any "yes" on the C-SSRS screener's ideation/behaviour items. */
export function safetyPositive(instruments: InstrumentAnswers | undefined): boolean {
  const q9 = instruments?.phq9?.['q9'];
  if (typeof q9 === 'number' && q9 > 0) return true;
  const cssrs = instruments?.['cssrs-screen'] ?? {};
  return ['q1', 'q2', 'q3', 'q4', 'q5', 'q6_recent'].some((id) => cssrs[id] === true);
}

const statusText: Record<Intake['status'], { label: string; color: string; body: string }> = {
  draft: { label: 'Not sent yet', color: 'gray', body: 'Your answers are saved as you go. Send your intake when every section is done.' },
  info_requested: { label: 'More information needed', color: 'red', body: 'Your clinician asked for more information. Update your answers and send your intake again.' },
  submitted: { label: 'With a clinician', color: 'keel', body: 'A clinician is reviewing your intake. You will hear back here and by email.' },
  approved: { label: 'Approved', color: 'keel', body: 'Your intake was approved. Next: the consent form and a few short lessons.' },
  declined: { label: 'Not approved', color: 'red', body: 'Your clinician decided this program is not the right fit for now.' },
};

function labelFor(form: IntakeForm | undefined, path: string): string {
  for (const section of form?.sections ?? []) {
    const field = section.fields.find((f) => f.path === path || path.startsWith(`${f.path}.`));
    if (field) return field.label;
  }
  return path;
}

function IntakeStatusCard({ intake, submitted }: { intake: Intake; submitted: IntakeSubmitResult | null }) {
  const status = statusText[intake.status];
  return (
    <Card withBorder radius="md" padding="lg" aria-labelledby="intake-status-heading" component="section">
      <Group gap="sm">
        <Title order={2} size="h3" id="intake-status-heading">
          Your intake
        </Title>
        <Badge color={status.color} variant="light" size="lg" data-testid="intake-status">
          {status.label}
        </Badge>
      </Group>
      <Text mt="xs">{status.body}</Text>
      {intake.submittedAt && <Text size="sm" c="dimmed" mt={4}>Sent {formatDateTime(intake.submittedAt)}.</Text>}
      {intake.latestDecision?.note && intake.status !== 'submitted' && (
        <Alert mt="md" variant="light" color={status.color} title={`Note from ${intake.latestDecision.decidedBy.name}`}>
          {intake.latestDecision.note}
        </Alert>
      )}
      {submitted && <Text mt="sm" fw={600}>Thank you — your intake was sent.</Text>}
      {intake.status === 'approved' && (
        <Group mt="md">
          <Button component={Link} to={`${patientBasePath}/consent`}>
            Read and sign the consent form
          </Button>
          <Button component={Link} to={`${patientBasePath}/education`} variant="default">
            Lessons
          </Button>
        </Group>
      )}
    </Card>
  );
}

interface EditorProps {
  intake: Intake;
  form: IntakeForm;
  instruments: readonly Instrument[];
  crisisResources: readonly CrisisEntry[];
}

function IntakeEditor({ intake, form, instruments, crisisResources }: EditorProps) {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const [answers, setAnswers] = useState<IntakeAnswers>(() => intake.answers);
  const [dirty, setDirty] = useState<Set<SectionId>>(new Set());
  const [current, setCurrent] = useState<SectionId | 'review'>(() => intake.progress.find((p) => !p.complete)?.section ?? 'review');
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<IntakeSubmitResult | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const save = useMutation({
    mutationFn: (body: IntakeAnswers) => patientApi.saveIntake(patientId, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(patientKeys.intake(patientId), saved);
      setSavedAt(saved.updatedAt);
      setDirty(new Set());
    },
  });
  const submit = useMutation({
    mutationFn: () => patientApi.submitIntake(patientId),
    onSuccess: async (result) => {
      setSubmitted(result);
      await queryClient.invalidateQueries({ queryKey: patientKeys.all(patientId) });
    },
  });

  const progress = (save.data ?? intake).progress;
  const done = progress.filter((p) => p.complete).length;

  const saveDirty = async () => {
    if (dirty.size === 0) return true;
    const body: IntakeAnswers = {};
    for (const id of dirty) Object.assign(body, { [id]: answers[id] ?? {} });
    try {
      await save.mutateAsync(body);
      return true;
    } catch {
      return false;
    }
  };

  // Save as you go: a short pause after a change saves the sections that changed.
  useEffect(() => {
    if (dirty.size === 0) return;
    const timer = setTimeout(() => void saveDirty(), 1500);
    return () => clearTimeout(timer);
  }, [answers, dirty]);

  const go = async (next: SectionId | 'review') => {
    if (!(await saveDirty())) return;
    setCurrent(next);
    requestAnimationFrame(() => headingRef.current?.focus());
  };

  const update = <K extends SectionId>(id: K, value: IntakeAnswers[K]) => {
    setAnswers((a) => ({ ...a, [id]: value }));
    setDirty((d) => new Set(d).add(id));
  };

  const errorFor = (path: string): string | undefined => {
    const error = save.error ?? submit.error;
    if (!isApiError(error)) return undefined;
    return error.fieldError(path);
  };

  const sectionIds = form.sections.map((s) => s.id);
  const index = current === 'review' ? sectionIds.length : sectionIds.indexOf(current);
  const title = current === 'review' ? 'Check and send' : (form.sections.find((s) => s.id === current)?.title ?? current);
  const instrumentAnswers = answers.instruments ?? {};
  const showCrisis = safetyPositive(instrumentAnswers) || (save.data?.crisisResources?.length ?? 0) > 0;

  if (submitted) {
    return (
      <Stack gap="lg">
        {submitted.crisisResources && submitted.crisisResources.length > 0 && <CrisisPanel resources={submitted.crisisResources} />}
        <IntakeStatusCard intake={{ ...intake, status: 'submitted', submittedAt: submitted.submittedAt }} submitted={submitted} />
      </Stack>
    );
  }

  const sectionBody = (() => {
    switch (current) {
      case 'demographics':
        return <DemographicsSection value={answers.demographics ?? {}} onChange={(v) => update('demographics', v)} errorFor={errorFor} />;
      case 'psychiatricHistory':
        return <PsychiatricSection value={answers.psychiatricHistory ?? {}} onChange={(v) => update('psychiatricHistory', v)} errorFor={errorFor} />;
      case 'medicalHistory':
        return (
          <MedicalSection
            value={answers.medicalHistory ?? {}}
            onChange={(v) => update('medicalHistory', v)}
            errorFor={errorFor}
            sexAtBirth={answers.demographics?.sexAtBirth}
          />
        );
      case 'medications':
        return <MedicationsSection value={answers.medications ?? {}} onChange={(v) => update('medications', v)} errorFor={errorFor} />;
      case 'substanceUse':
        return <SubstanceSection value={answers.substanceUse ?? {}} onChange={(v) => update('substanceUse', v)} errorFor={errorFor} />;
      case 'supportSystem':
        return <SupportSection value={answers.supportSystem ?? {}} onChange={(v) => update('supportSystem', v)} errorFor={errorFor} />;
      case 'instruments':
        return (
          <Stack gap="xl">
            {form.instruments.map((code) => {
              const instrument = instruments.find((i) => i.code === code);
              if (!instrument) return null;
              const key = code as IntakeInstrumentCode;
              const set: AnswerSet = instrumentAnswers[key] ?? {};
              const itemErrors: Record<string, string> = {};
              for (const item of instrument.items) {
                const message = errorFor(`instruments.${code}.${item.id}`);
                if (message) itemErrors[item.id] = message;
              }
              return (
                <Stack key={code} gap="md">
                  <InstrumentQuestions
                    instrument={instrument}
                    answers={set}
                    errors={itemErrors}
                    onChange={(next) => update('instruments', { ...instrumentAnswers, [key]: visibleAnswers(instrument, next) })}
                  />
                  {(code === 'phq9' || code === 'cssrs-screen') && showCrisis && <CrisisPanel resources={crisisResources} />}
                </Stack>
              );
            })}
          </Stack>
        );
      case 'review':
        return (
          <Stack gap="md">
            {progress.every((p) => p.complete) ? (
              <Text>Every section is complete. When you send your intake, a clinician reviews it; you can’t change it while they do.</Text>
            ) : (
              <Alert color="red" variant="light" title="Some answers are still missing">
                <Text size="sm" mb="xs">
                  You can still send it: your clinician will ask about anything missing, which may take longer.
                </Text>
                <List size="sm">
                  {progress
                    .filter((p) => !p.complete)
                    .map((p) => (
                      <List.Item key={p.section}>
                        <strong>{form.sections.find((s) => s.id === p.section)?.title ?? p.section}:</strong>{' '}
                        {p.missing.slice(0, 4).map((m) => labelFor(form, m)).join('; ')}
                        {p.missing.length > 4 ? ` and ${p.missing.length - 4} more` : ''}
                      </List.Item>
                    ))}
                </List>
              </Alert>
            )}
            {submit.error !== null && <ProblemAlert error={submit.error} />}
            <Group>
              <Button size="md" loading={submit.isPending} onClick={() => submit.mutate()}>
                Send my intake to a clinician
              </Button>
            </Group>
          </Stack>
        );
    }
  })();

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Card withBorder radius="md" padding="sm" component="nav" aria-label="Intake sections">
          <Text size="sm" fw={600} id="intake-progress-label">
            {done} of {progress.length} sections complete
          </Text>
          <Progress.Root mt={6} mb="sm">
            <Progress.Section value={(done / Math.max(1, progress.length)) * 100} aria-label={`${done} of ${progress.length} sections complete`} />
          </Progress.Root>
          {form.sections.map((s) => {
            const p = progress.find((x) => x.section === s.id);
            return (
              <NavLink
                key={s.id}
                component="button"
                label={s.title}
                active={current === s.id}
                aria-current={current === s.id ? 'step' : undefined}
                onClick={() => void go(s.id)}
                rightSection={
                  <Badge size="sm" variant="light" color={p?.complete ? 'keel' : 'gray'}>
                    {p?.complete ? 'Done' : 'To do'}
                  </Badge>
                }
              />
            );
          })}
          <NavLink component="button" label="Check and send" active={current === 'review'} onClick={() => void go('review')} />
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="intake-section-heading">
          <Title order={2} size="h3" id="intake-section-heading" ref={headingRef} tabIndex={-1} mb="md">
            {title}
          </Title>
          {sectionBody}
          {save.error !== null && (
            <Stack mt="md">
              <ProblemAlert error={save.error} fieldsShownInline={save.error && isApiError(save.error) ? save.error.fieldErrors.map((e) => e.field) : []} />
            </Stack>
          )}
          <Group justify="space-between" mt="xl" wrap="wrap">
            <Text size="sm" c="dimmed" role="status" aria-live="polite">
              {save.isPending ? 'Saving…' : dirty.size > 0 ? 'Unsaved changes' : savedAt ? `Saved at ${formatTime(savedAt)}` : 'Your answers are saved as you go.'}
            </Text>
            <Group gap="sm">
              {index > 0 && (
                <Button variant="default" onClick={() => void go(index - 1 < sectionIds.length ? (sectionIds[index - 1] ?? 'review') : 'review')}>
                  Back
                </Button>
              )}
              {current !== 'review' && (
                <Button onClick={() => void go(sectionIds[index + 1] ?? 'review')} loading={save.isPending}>
                  Save and continue
                </Button>
              )}
            </Group>
          </Group>
        </Card>
      </Grid.Col>
    </Grid>
  );
}

/** Guided intake: sections with progress, save as you go, the validated questionnaires, then send. */
export function IntakePage() {
  const patientId = usePatientId();
  const intake = useIntake(patientId);
  const form = useQuery({ queryKey: ['intake-form'], queryFn: () => patientApi.intakeForm(), staleTime: Infinity });
  const instruments = useInstruments();
  const crisis = useCrisis(patientId);
  const ready = useMemo(
    () => (intake.data && form.data && instruments.data ? { intake: intake.data, form: form.data, instruments: instruments.data.items } : null),
    [intake.data, form.data, instruments.data],
  );

  return (
    <>
      <PageHeader title="Intake" description="Questions about your health, so a clinician can decide whether this treatment is safe and right for you." />
      <QueryView query={intake} label="Loading your intake…">
        {(data) =>
          data.editable ? (
            <Stack gap="lg">
              {data.status === 'info_requested' && <IntakeStatusCard intake={data} submitted={null} />}
              {data.crisisResources && data.crisisResources.length > 0 && <CrisisPanel resources={data.crisisResources} />}
              {form.isError || instruments.isError ? (
                <ProblemAlert error={form.error ?? instruments.error} />
              ) : ready ? (
                <IntakeEditor
                  key={data.id}
                  intake={ready.intake}
                  form={ready.form}
                  instruments={ready.instruments}
                  crisisResources={data.crisisResources ?? crisis.data?.resources ?? []}
                />
              ) : (
                <Text role="status">Loading the questions…</Text>
              )}
            </Stack>
          ) : (
            <Stack gap="lg">
              {data.crisisResources && data.crisisResources.length > 0 && <CrisisPanel resources={data.crisisResources} />}
              <IntakeStatusCard intake={data} submitted={null} />
            </Stack>
          )
        }
      </QueryView>
    </>
  );
}
