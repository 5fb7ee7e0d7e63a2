import { Alert, Anchor, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import { patientApi, patientKeys, type AnswerSet, type AssessmentCreated, type Instrument } from '../../api/patient-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { CrisisPanel } from '../../features/patient/crisis-panel.tsx';
import { InstrumentQuestions, unansweredItems, visibleAnswers } from '../../features/patient/instrument-questions.tsx';
import { instrumentLabel } from '../../features/patient/instrument-labels.ts';
import { useCrisis, useInstruments } from '../../features/patient/patient-queries.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';
import { patientBasePath } from './patient-base-path.ts';

/** PHQ-9 item 9 above "not at all", or a "yes" on the C-SSRS screener: crisis resources at once, before sending. */
function safetyAnswer(code: string, answers: AnswerSet): boolean {
  if (code === 'phq9') return typeof answers['q9'] === 'number' && answers['q9'] > 0;
  if (code === 'cssrs-screen') return ['q1', 'q2', 'q3', 'q4', 'q5', 'q6_recent'].some((id) => answers[id] === true);
  return false;
}

function AssessmentForm({ instrument }: { instrument: Instrument }) {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const crisis = useCrisis(patientId);
  const [answers, setAnswers] = useState<AnswerSet>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<AssessmentCreated | null>(null);
  const submit = useMutation({
    mutationFn: () => patientApi.submitAssessment(patientId, instrument.code, visibleAnswers(instrument, answers), 'followup'),
    onSuccess: async (r) => {
      setResult(r);
      await queryClient.invalidateQueries({ queryKey: patientKeys.all(patientId) });
    },
    onError: (error) => {
      if (!isApiError(error)) return;
      const next: Record<string, string> = {};
      for (const e of error.fieldErrors) next[e.field.split('.').pop() ?? e.field] = e.message;
      setErrors(next);
    },
  });
  const send = () => {
    const missing = unansweredItems(instrument, answers);
    if (missing.length > 0) {
      setErrors(Object.fromEntries(missing.map((i) => [i.id, 'Choose an answer.'])));
      return;
    }
    setErrors({});
    submit.mutate();
  };
  const showCrisis = safetyAnswer(instrument.code, answers) || (result?.crisisResources?.length ?? 0) > 0;
  const resources = result?.crisisResources ?? crisis.data?.resources ?? [];
  if (result)
    return (
      <Stack gap="lg">
        {showCrisis && <CrisisPanel resources={resources} messages={result.alerts.map((a) => a.patientMessage).filter((m): m is string => !!m)} />}
        <Alert color="keel" variant="light" title="Thank you — your answers were sent" role="status" data-testid="assessment-done">
          {instrument.code === 'phq9' || instrument.code === 'gad7' ? (
            <>
              You can see your scores over time on <Anchor component={Link} to={`${patientBasePath}/progress`} underline="always">Progress</Anchor>.
            </>
          ) : (
            <Anchor component={Link} to={`${patientBasePath}/check-in`}>Back to check-in</Anchor>
          )}
        </Alert>
      </Stack>
    );
  return (
    <Stack gap="lg">
      {showCrisis && <CrisisPanel resources={resources} />}
      <Card withBorder radius="md" padding="lg">
        <InstrumentQuestions instrument={instrument} answers={answers} onChange={setAnswers} errors={errors} headingOrder={2} />
        {Object.keys(errors).length > 0 && (
          <Text c="red.8" size="sm" mt="md" role="alert">
            Some questions still need an answer.
          </Text>
        )}
        {submit.error !== null && (
          <Stack mt="md">
            <ProblemAlert error={submit.error} fieldsShownInline={instrument.items.map((i) => `answers.${i.id}`)} />
          </Stack>
        )}
        <Group mt="lg">
          <Button onClick={send} loading={submit.isPending}>
            Send my answers
          </Button>
        </Group>
      </Card>
    </Stack>
  );
}

/** One questionnaire that is due (PHQ-9, GAD-7, AUDIT-C, DAST-10, bladder check, C-SSRS). */
export function AssessmentPage() {
  const { code = '' } = useParams();
  const instruments = useInstruments();
  return (
    <>
      <PageHeader title={instrumentLabel(code)} description="Answer each question about the last two weeks unless it says otherwise. There are no right or wrong answers." />
      <QueryView query={instruments} label="Loading the questions…">
        {(data) => {
          const instrument = data.items.find((i) => i.code === code);
          return instrument ? <AssessmentForm key={code} instrument={instrument} /> : <NothingHereYet description="There is no questionnaire with this name." />;
        }}
      </QueryView>
    </>
  );
}
