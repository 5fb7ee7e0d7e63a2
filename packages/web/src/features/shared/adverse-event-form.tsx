import { Alert, Button, Checkbox, Paper, Radio, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { recordsApi, type AdverseEventReported } from '../../api/records-api.ts';
import { ProblemAlert } from '../../components/problem-alert.tsx';

interface AdverseEventFormProps {
  sessionId: string;
  /** Who is reporting, for the wording: the patient speaks of "you", the sitter and clinician of the patient. */
  reporter: 'patient' | 'sitter' | 'clinician';
  onReported?: (result: AdverseEventReported) => void;
}

/**
 * Report an adverse event for a session: what happened, how bad, whether it is serious. The same form for the
 * patient, the sitter and the clinician; a serious event raises a safety alert and shows the emergency guidance.
 */
export function AdverseEventForm({ sessionId, reporter, onReported }: AdverseEventFormProps) {
  const [kind, setKind] = useState('');
  const [severity, setSeverity] = useState<'mild' | 'moderate' | 'severe' | ''>('');
  const [serious, setSerious] = useState(false);
  const [description, setDescription] = useState('');
  const [tried, setTried] = useState(false);
  const report = useMutation({
    mutationFn: () => recordsApi.reportAdverseEvent(sessionId, { kind: kind.trim(), severity: severity || 'mild', serious, description: description.trim() }),
    onSuccess: (r) => onReported?.(r),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (kind.trim() === '' || severity === '' || description.trim() === '') return;
    report.mutate();
  };
  const fieldError = (f: string) => (isApiError(report.error) ? report.error.fieldError(f) : undefined);
  const who = reporter === 'patient' ? 'you' : 'the patient';
  if (report.data) {
    return (
      <Alert color={report.data.adverseEvent.serious ? 'red' : 'keel'} variant="light" title="Report sent to the care team" role="status">
        <Stack gap={4}>
          {report.data.emergencyGuidance && <Text fw={700}>{report.data.emergencyGuidance}</Text>}
          <Text size="sm">The care team can see it now{report.data.alerts.length > 0 ? ' and a safety alert was raised' : ''}.</Text>
        </Stack>
      </Alert>
    );
  }
  return (
    <Paper withBorder p="md" radius="md">
      <form onSubmit={submit} noValidate aria-label="Report a side effect or adverse event">
        <Stack gap="sm">
          <Text size="sm">If someone cannot be woken, has chest pain or trouble breathing, call 911 first.</Text>
          <TextInput label="What happened" placeholder="For example: vomiting, fainting, a fall" value={kind} onChange={(e) => setKind(e.currentTarget.value)} error={tried && kind.trim() === '' ? 'Say in a few words what happened.' : fieldError('kind')} maxLength={200} />
          <Radio.Group label="How bad is it?" value={severity} onChange={(v) => setSeverity(v === 'mild' || v === 'moderate' || v === 'severe' ? v : '')} error={tried && severity === '' ? 'Choose how bad it is.' : fieldError('severity')}>
            <Stack gap={6} mt={4}>
              <Radio value="mild" label="Mild: uncomfortable, passing" />
              <Radio value="moderate" label="Moderate: gets in the way, needs care" />
              <Radio value="severe" label={`Severe: ${who} cannot carry on as usual`} />
            </Stack>
          </Radio.Group>
          <Checkbox label="Serious: needed emergency care, a hospital visit, or is life-threatening" checked={serious} onChange={(e) => setSerious(e.currentTarget.checked)} />
          <Textarea label="Describe it" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={tried && description.trim() === '' ? 'Describe what happened and when.' : fieldError('description')} />
          {report.error && <ProblemAlert error={report.error} fieldsShownInline={['kind', 'severity', 'description']} />}
          <Button type="submit" loading={report.isPending} w="fit-content" color="red.8">
            Send the report
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
