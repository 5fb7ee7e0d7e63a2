import { Alert, Anchor, Badge, Button, Group, List, Paper, Radio, SimpleGrid, Stack, Table, Text, Textarea, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import { clinicianApi, clinicianKeys, type DecisionKind, type Intake, type IntakeForm, type ReviewQueueItem } from '../../api/clinician-api.ts';
import { NotFoundPage } from '../../app/not-found-page.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { RiskTierBadge } from '../../features/clinician/badges.tsx';
import { EligibilityBadge } from '../../features/clinician/eligibility-badge.tsx';
import { formatDateTime, humanize, showValue } from '../../features/clinician/format.ts';
import { useInstruments, type InstrumentDefinition } from '../../features/clinician/use-instruments.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';
import { SignatureInput } from '../../features/clinician/signature-input.tsx';
import { clinicianBasePath } from './clinician-paths.ts';

function valueAt(answers: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), answers);
}

/** An instrument's short name: PHQ-9, GAD-7, C-SSRS screener… */
const instrumentNames: Record<string, string> = { phq9: 'PHQ-9', gad7: 'GAD-7', 'cssrs-screen': 'C-SSRS screener', audit: 'AUDIT', 'audit-c': 'AUDIT-C', dast10: 'DAST-10', bladder: 'Bladder symptoms', craving: 'Craving' };
const instrumentName = (code: string) => instrumentNames[code] ?? humanize(code);

function labelFor(form: IntakeForm | undefined, path: string): string {
  for (const section of form?.sections ?? []) {
    const field = section.fields.find((f) => f.path === path);
    if (field) return `${section.title}: ${field.label}`;
  }
  return humanize(path.split('.').slice(-1)[0] ?? path);
}

function ScreeningSection({ intake, form }: { intake: Intake; form: IntakeForm | undefined }) {
  const s = intake.screening;
  if (!s) return <Text>This intake has not been screened yet.</Text>;
  return (
    <Stack gap="md">
      <Group gap="sm">
        <EligibilityBadge eligibility={s.eligibility} />
        <Text size="sm">Screened {formatDateTime(s.screenedAt)}</Text>
        {s.showCrisisResources && (
          <Badge color="red.9" radius="sm">
            positive suicide-risk screen
          </Badge>
        )}
      </Group>
      <div>
        <Title order={3} size="h5" mb={4}>
          Rules that fired ({s.reasons.length})
        </Title>
        {s.reasons.length === 0 ? (
          <Text size="sm">No eligibility rule fired.</Text>
        ) : (
          <Stack gap="xs">
            {s.reasons.map((r) => (
              <Paper key={r.rule} withBorder p="sm" radius="sm" style={{ borderLeft: `5px solid var(--mantine-color-${r.outcome === 'exclude' ? 'red-8' : 'orange-7'})` }}>
                <Group gap="xs">
                  <Badge color={r.outcome === 'exclude' ? 'red.9' : '#8a4b00'} variant={r.outcome === 'exclude' ? 'filled' : 'outline'} radius="sm">
                    {r.outcome}
                  </Badge>
                  <Text fw={650} size="sm">
                    {humanize(r.rule)}
                  </Text>
                </Group>
                <Text size="sm" mt={4}>
                  {r.detail}
                </Text>
                {Object.keys(r.answers).length > 0 && (
                  <List size="sm" mt={4}>
                    {Object.entries(r.answers).map(([path, v]) => (
                      <List.Item key={path}>
                        {labelFor(form, path)}: <strong>{showValue(v)}</strong>
                      </List.Item>
                    ))}
                  </List>
                )}
              </Paper>
            ))}
          </Stack>
        )}
      </div>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <div>
          <Title order={3} size="h5" mb={4}>
            Dependence risk
          </Title>
          <RiskTierBadge tier={s.dependenceRisk.tier} />
          {s.dependenceRisk.factors.length === 0 ? (
            <Text size="sm" mt={4}>
              No risk factors.
            </Text>
          ) : (
            <List size="sm" mt={4}>
              {s.dependenceRisk.factors.map((f) => (
                <List.Item key={f.code}>
                  <strong>{humanize(f.code)}</strong>: {f.detail}
                </List.Item>
              ))}
            </List>
          )}
        </div>
        <div>
          <Title order={3} size="h5" mb={4}>
            Questionnaire scores
          </Title>
          <Table withTableBorder>
            <VisuallyHidden component="caption">Intake questionnaire scores</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Questionnaire</Table.Th>
                <Table.Th scope="col">Score</Table.Th>
                <Table.Th scope="col">Band and flags</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.instruments.map((i) => (
                <Table.Tr key={i.code}>
                  <Table.Th scope="row">{instrumentName(i.code)}</Table.Th>
                  <Table.Td>{i.total ?? '—'}</Table.Td>
                  <Table.Td>
                    {humanize(i.band)}
                    {i.risk ? ` · risk ${i.risk}` : ''}
                    {i.flags.length > 0 ? ` · ${i.flags.map(humanize).join(', ')}` : ''}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      </SimpleGrid>
      {(s.missing.length > 0 || s.missingSections.length > 0) && (
        <Alert color="orange" variant="light" title="Missing answers">
          {[...s.missingSections.map(humanize), ...s.missing].join('; ')}
        </Alert>
      )}
    </Stack>
  );
}

function InstrumentAnswers({ code, answers, definition }: { code: string; answers: Record<string, unknown>; definition: InstrumentDefinition | undefined }) {
  return (
    <Table withTableBorder fz="sm">
      <caption style={{ textAlign: 'left', fontWeight: 650, captionSide: 'top', paddingBottom: 4 }}>{definition?.name ?? code.toUpperCase()}</caption>
      <Table.Tbody>
        {Object.entries(answers).map(([itemId, value]) => {
          const item = definition?.items.find((i) => i.id === itemId);
          const option = item?.options.find((o) => o.value === value);
          return (
            <Table.Tr key={itemId}>
              <Table.Th scope="row" fw={400}>
                {item?.text ?? itemId}
              </Table.Th>
              <Table.Td>{option ? option.label : showValue(value)}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function AnswersBySection({ intake, form }: { intake: Intake; form: IntakeForm }) {
  const instruments = useInstruments();
  return (
    <Stack gap="md">
      {form.sections.map((section) => {
        const progress = intake.progress.find((p) => p.section === section.id);
        return (
          <Paper key={section.id} withBorder p="md" radius="md" component="section" aria-labelledby={`sec-${section.id}`}>
            <Group justify="space-between">
              <Title order={3} size="h5" id={`sec-${section.id}`}>
                {section.title}
              </Title>
              {progress && !progress.complete && (
                <Text size="sm" fw={600} c="#8a4b00">
                  Incomplete
                </Text>
              )}
            </Group>
            {section.id === 'instruments' ? (
              <Stack gap="sm" mt="xs">
                {Object.entries((valueAt(intake.answers, 'instruments') ?? {}) as Record<string, Record<string, unknown>>).map(([code, answers]) => (
                  <InstrumentAnswers key={code} code={code} answers={answers} definition={instruments.data?.find((d) => d.code === code)} />
                ))}
              </Stack>
            ) : (
              <Table fz="sm" mt="xs">
                <Table.Tbody>
                  {section.fields.map((f) => (
                    <Table.Tr key={f.path}>
                      <Table.Th scope="row" fw={400} w="55%">
                        {f.label}
                      </Table.Th>
                      <Table.Td fw={600}>{showValue(valueAt(intake.answers, f.path))}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
        );
      })}
    </Stack>
  );
}

const decisionMeaning: Record<DecisionKind, string> = {
  approve: 'I approve this applicant as eligible for the program.',
  decline: 'I decline this applicant as not eligible.',
  request_info: 'I ask the applicant for more information before deciding.',
};

function DecisionForm({ patientId, queueItem }: { patientId: string; queueItem: ReviewQueueItem | undefined }) {
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState<DecisionKind | ''>('');
  const [note, setNote] = useState('');
  const [noteFor, setNoteFor] = useState<'patient' | 'care_team'>('patient');
  const [password, setPassword] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const claim = useMutation({
    mutationFn: () => clinicianApi.claimIntake(patientId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clinicianKeys.reviewQueue }),
  });
  const decide = useMutation({
    mutationFn: () => clinicianApi.decideIntake(patientId, { decision: decision as DecisionKind, note: note.trim(), noteVisibleToPatient: noteFor === 'patient', signature: { password } }),
    onSuccess: async () => {
      setPassword('');
      // The queue and the panel change; this page keeps showing the signed result until the clinician moves on.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: clinicianKeys.reviewQueue }),
        queryClient.invalidateQueries({ queryKey: ['clinician', 'panel'] }),
      ]);
    },
  });
  const onTeam = queueItem?.onCareTeam === true || claim.isSuccess;
  const err = decide.error;
  const fieldErr = (f: string) => local[f] ?? (isApiError(err) ? err.fieldError(f) : undefined);

  if (decide.data) {
    const d = decide.data;
    return (
      <Alert color="keel" variant="light" title="Decision signed" role="status">
        <Text size="sm">
          {humanize(d.decision)} — signed by {d.signature.printedName}, {formatDateTime(d.signature.signedAt)}. The intake is now {humanize(d.intakeStatus).toLowerCase()}; the note is {d.noteVisibleToPatient ? 'shown to the patient' : 'for the care team only'}.
        </Text>
        <Anchor component={Link} to={`${clinicianBasePath}/review-queue`} size="sm">
          Back to the review queue
        </Anchor>
      </Alert>
    );
  }

  if (!onTeam) {
    return (
      <Stack gap="sm">
        <Text size="sm">You are not on this applicant’s care team yet. Claim the intake to join the team and decide.</Text>
        {claim.error && <ProblemAlert error={claim.error} />}
        <Button onClick={() => claim.mutate()} loading={claim.isPending} w="fit-content">
          Claim this intake
        </Button>
      </Stack>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!decision) errs['decision'] = 'Choose a decision.';
    if (note.trim() === '') errs['note'] = 'Write a note explaining the decision.';
    if (password === '') errs['signature.password'] = 'Enter your password to sign.';
    setLocal(errs);
    if (Object.keys(errs).length === 0) decide.mutate();
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="decision-heading">
      <Stack gap="sm">
        <Radio.Group label="Decision" required value={decision} onChange={(v) => setDecision(v)} error={fieldErr('decision')}>
          <Stack gap={6} mt={4}>
            <Radio value="approve" label="Approve: eligible for the program" />
            <Radio value="request_info" label="Request more information" />
            <Radio value="decline" label="Decline: not eligible" />
          </Stack>
        </Radio.Group>
        <Textarea label="Note" description="The applicant’s record keeps this note with your signature." required autosize minRows={3} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={fieldErr('note')} />
        <Radio.Group label="Who reads this note" value={noteFor} onChange={(v) => setNoteFor(v === 'care_team' ? 'care_team' : 'patient')}>
          <Stack gap={6} mt={4}>
            <Radio value="patient" label="The patient and the care team" description="Shown to the applicant with the decision: write it for them." />
            <Radio value="care_team" label="The care team only" description="Internal: the applicant sees the decision without this note." />
          </Stack>
        </Radio.Group>
        <SignatureInput value={password} onChange={setPassword} meaning={decision ? decisionMeaning[decision] : 'I make the decision chosen above.'} error={fieldErr('signature.password') ?? fieldErr('signature')} />
        {err && <ProblemAlert error={err} fieldsShownInline={['decision', 'note', 'signature.password', 'signature']} />}
        <Button type="submit" loading={decide.isPending} w="fit-content">
          Sign and record decision
        </Button>
      </Stack>
    </form>
  );
}

/** One intake: the screening with every rule and the answers behind it, the answers by section, and the decision. */
export function IntakeReviewPage() {
  const { patientId = '' } = useParams();
  const intake = useQuery({ queryKey: clinicianKeys.patientPart(patientId, 'intake'), queryFn: () => clinicianApi.intake(patientId), enabled: patientId !== '' });
  const form = useQuery({ queryKey: ['intake-form'], queryFn: clinicianApi.intakeForm, staleTime: Infinity });
  const queue = useQuery({ queryKey: clinicianKeys.reviewQueue, queryFn: clinicianApi.reviewQueue });
  const queueItem = queue.data?.items.find((i) => i.patientId === patientId);
  if (intake.isError && isApiError(intake.error) && intake.error.status === 404) return <NotFoundPage />;
  return (
    <>
      <PageHeader title={queueItem ? `Intake review: ${queueItem.name}` : 'Intake review'} description={queueItem ? `Submitted ${formatDateTime(queueItem.submittedAt)} · state ${queueItem.state}` : undefined} />
      <Anchor component={Link} to={`${clinicianBasePath}/review-queue`} size="sm" mb="md" display="inline-block">
        ← Review queue
      </Anchor>
      <QueryView query={intake} what="the intake" loadingLabel="Loading the intake…">
        {(data) => (
          <Stack gap="xl">
            <section aria-labelledby="screening-heading">
              <Title order={2} size="h3" mb="sm" id="screening-heading">
                Screening result
              </Title>
              <ScreeningSection intake={data} form={form.data} />
            </section>
            <section aria-labelledby="decision-heading">
              <Title order={2} size="h3" mb="sm" id="decision-heading">
                Decision
              </Title>
              {data.latestDecision && (
                <Text size="sm" mb="sm">
                  Last decision: <strong>{humanize(data.latestDecision.decision)}</strong> by {data.latestDecision.decidedBy.name}, {formatDateTime(data.latestDecision.decidedAt)} — “{data.latestDecision.note}” ({data.latestDecision.noteVisibleToPatient ? 'shown to the patient' : 'care team only'})
                </Text>
              )}
              {data.status === 'submitted' ? (
                <DecisionForm patientId={patientId} queueItem={queueItem} />
              ) : (
                <Text size="sm">This intake is {humanize(data.status).toLowerCase()}; there is nothing to decide now.</Text>
              )}
            </section>
            <section aria-labelledby="answers-heading">
              <Title order={2} size="h3" mb="sm" id="answers-heading">
                Answers by section
              </Title>
              {form.isError ? <ProblemAlert error={form.error} title="Could not load the intake form" /> : form.data ? <AnswersBySection intake={data} form={form.data} /> : <Text size="sm">Loading…</Text>}
            </section>
          </Stack>
        )}
      </QueryView>
    </>
  );
}
