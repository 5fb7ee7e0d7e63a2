import { Alert as Notice, Anchor, Button, Group, List, NativeSelect, Paper, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api/api-error.ts';
import { clinicianApi, clinicianKeys, type Alert, type AlertStatusFilter } from '../../api/clinician-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PageLoader } from '../../components/page-loader.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { SeverityBadge } from '../../features/clinician/badges.tsx';
import { formatDateTime, humanize } from '../../features/clinician/format.ts';
import { clinicianBasePath } from './clinician-paths.ts';
import { plainText } from '../../components/labels.ts';

type ResolutionAction = Parameters<typeof clinicianApi.resolveAlert>[1]['action'];

const resolutionActions: { value: ResolutionAction; label: string }[] = [
  { value: 'contacted_patient', label: 'Contacted the patient' },
  { value: 'safety_plan_reviewed', label: 'Safety plan reviewed' },
  { value: 'emergency_services_contacted', label: 'Emergency services contacted' },
  { value: 'dosing_hold_continued', label: 'Dosing hold continued' },
  { value: 'cleared_to_dose', label: 'Cleared to dose' },
  { value: 'plan_changed', label: 'Plan changed' },
  { value: 'referred', label: 'Referred' },
  { value: 'no_action_needed', label: 'No action needed' },
];

function ResolveForm({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [action, setAction] = useState<ResolutionAction | ''>('');
  const [note, setNote] = useState('');
  const [local, setLocal] = useState<{ action?: string; note?: string }>({});
  const resolve = useMutation({
    mutationFn: () => clinicianApi.resolveAlert(alert.id, { action: action as ResolutionAction, note: note.trim() }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: clinicianKeys.all });
      onDone();
    },
  });
  const error = resolve.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof local = {};
    if (!action) errs.action = 'Choose what you did.';
    if (note.trim() === '') errs.note = 'Say what you did and why.';
    setLocal(errs);
    if (Object.keys(errs).length === 0) resolve.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-label={`Resolve: ${alert.title}`}>
      <Stack gap="sm" mt="sm">
        <NativeSelect
          label="Action taken"
          required
          value={action}
          onChange={(e) => setAction(e.currentTarget.value as ResolutionAction | '')}
          data={[{ value: '', label: 'Choose…' }, ...resolutionActions]}
          error={local.action ?? (isApiError(error) ? error.fieldError('action') : undefined)}
        />
        <Textarea
          label="Note"
          required
          autosize
          minRows={2}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          error={local.note ?? (isApiError(error) ? error.fieldError('note') : undefined)}
        />
        {error && <ProblemAlert error={error} fieldsShownInline={['action', 'note']} />}
        <Group gap="sm">
          <Button type="submit" loading={resolve.isPending}>
            Resolve alert
          </Button>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AlertCard({ alert }: { alert: Alert }) {
  const queryClient = useQueryClient();
  const [resolving, setResolving] = useState(false);
  const acknowledge = useMutation({
    mutationFn: () => clinicianApi.acknowledgeAlert(alert.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clinicianKeys.all }),
  });
  const headingId = `alert-${alert.id}`;
  return (
    <Paper withBorder p="md" radius="md" component="article" aria-labelledby={headingId} style={alert.severity === 'critical' ? { borderLeft: '6px solid var(--mantine-color-red-9)' } : undefined}>
      <Group justify="space-between" align="start" wrap="wrap" gap="xs">
        <Stack gap={2}>
          <Group gap="xs">
            <SeverityBadge severity={alert.severity} />
            <Text size="sm" fw={600}>
              {humanize(alert.status)}
            </Text>
            {alert.holdsDosing && (
              <Text size="sm" fw={700} c="red.8">
                Dosing on hold
              </Text>
            )}
          </Group>
          <Title order={3} size="h4" id={headingId}>
            {alert.title}
          </Title>
          <Text size="sm">
            <Anchor component={Link} to={`${clinicianBasePath}/patients/${alert.patientId}`} fw={600} underline="always">
              {alert.patientName}
            </Anchor>{' '}
            · raised {formatDateTime(alert.raisedAt)}
            {alert.owner && ` · owner ${alert.owner.name}`}
          </Text>
          {alert.status === 'open' && alert.escalateAt && (
            <Text size="sm">Escalates {formatDateTime(alert.escalateAt)} if not acknowledged{alert.escalatedAt ? ` (escalated ${formatDateTime(alert.escalatedAt)}${alert.escalatedTo ? ` to ${alert.escalatedTo.name}` : ''})` : ''}.</Text>
          )}
          {alert.acknowledgedAt && (
            <Text size="sm">
              Acknowledged {formatDateTime(alert.acknowledgedAt)}
              {alert.acknowledgedBy ? ` by ${alert.acknowledgedBy.name}` : ''}.
            </Text>
          )}
          {alert.resolvedAt && (
            <Text size="sm">
              Resolved {formatDateTime(alert.resolvedAt)}
              {alert.resolvedBy ? ` by ${alert.resolvedBy.name}` : ''}: {alert.resolutionAction ? humanize(alert.resolutionAction) : ''}
              {alert.resolutionNote ? ` — ${alert.resolutionNote}` : ''}
            </Text>
          )}
        </Stack>
        <Group gap="xs">
          {alert.status === 'open' && (
            <Button onClick={() => acknowledge.mutate()} loading={acknowledge.isPending} aria-describedby={headingId}>
              Acknowledge
            </Button>
          )}
          {alert.status === 'acknowledged' && !resolving && (
            <Button variant="light" onClick={() => setResolving(true)} aria-describedby={headingId}>
              Resolve…
            </Button>
          )}
        </Group>
      </Group>
      {acknowledge.error && <ProblemAlert error={acknowledge.error} />}
      <Group align="start" gap="xl" mt="sm" wrap="wrap">
        <div style={{ flex: '1 1 260px' }}>
          <Text size="sm" fw={650}>
            Evidence
          </Text>
          {alert.evidence === null ? (
            <Text size="sm">Not shown to your role.</Text>
          ) : alert.evidence.length === 0 ? (
            <Text size="sm">No evidence recorded.</Text>
          ) : (
            <List size="sm" spacing={2}>
              {alert.evidence.map((e) => (
                <List.Item key={`${e.type}:${e.id}`}>
                  {plainText(e.summary)}
                  {e.at ? ` (${formatDateTime(e.at)})` : ''} <Text span size="xs" c="dimmed">[{humanize(e.type)}]</Text>
                </List.Item>
              ))}
            </List>
          )}
        </div>
        <div style={{ flex: '1 1 260px' }}>
          <Text size="sm" fw={650}>
            Recommended actions
          </Text>
          <List size="sm" spacing={2}>
            {alert.recommendedActions.map((a) => (
              <List.Item key={a}>{a}</List.Item>
            ))}
          </List>
        </div>
      </Group>
      {resolving && <ResolveForm alert={alert} onDone={() => setResolving(false)} />}
    </Paper>
  );
}

/** How often the open queue is read again (an emergency reaches the screen within this). */
export const ALERT_QUEUE_REFRESH_MS = 10_000;

/** The alert queue: most severe first; acknowledge stops escalation, resolve records what was done. */
export function AlertsPage() {
  const [status, setStatus] = useState<AlertStatusFilter>('open');
  const alerts = useInfiniteQuery({
    queryKey: [...clinicianKeys.alerts(status), 'pages'],
    queryFn: ({ pageParam }) => clinicianApi.alerts({ status, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // The queue refreshes by itself, so an emergency raised during a session appears without a reload.
    refetchInterval: ALERT_QUEUE_REFRESH_MS,
  });
  const items = alerts.data?.pages.flatMap((p) => p.items) ?? [];
  const emergencies = items.filter((a) => a.code === 'SESSION_EMERGENCY' && a.status !== 'resolved');
  return (
    <>
      <PageHeader title="Alerts" description="Warning signs from check-ins, sessions and questionnaires about your patients, most severe first." />
      <SegmentedControl
        mb="md"
        value={status}
        onChange={(v) => setStatus(v)}
        aria-label="Which alerts to show"
        data={[
          { value: 'open', label: 'Open' },
          { value: 'acknowledged', label: 'Acknowledged' },
          { value: 'resolved', label: 'Resolved' },
          { value: 'all', label: 'All' },
        ]}
      />
      {emergencies.length > 0 && (
        <Notice color="red" variant="filled" title="Emergency during a session" role="alert" mb="md" data-testid="emergency-banner">
          {emergencies.length === 1 ? 'A sitter reported an emergency' : `${emergencies.length} sitters reported emergencies`}. Call the sitter and the
          patient now; if no one answers, make sure emergency services are on the way.
        </Notice>
      )}
      {alerts.isPending ? (
        <PageLoader label="Loading alerts…" />
      ) : alerts.isError ? (
        <ProblemAlert error={alerts.error} title="Could not load alerts" />
      ) : items.length === 0 ? (
        <NothingHereYet description={status === 'open' ? 'No open alerts. When a warning sign is raised about one of your patients, it appears here.' : `No ${status === 'all' ? '' : status + ' '}alerts.`} />
      ) : (
        <Stack gap="md">
          <Text size="sm" role="status">
            {items.length} {status === 'all' ? '' : status} alert{items.length === 1 ? '' : 's'} shown.
          </Text>
          {items.map((a) => (
            <AlertCard key={a.id} alert={a} />
          ))}
          {alerts.hasNextPage && (
            <Button variant="default" onClick={() => void alerts.fetchNextPage()} loading={alerts.isFetchingNextPage} w="fit-content">
              Show more alerts
            </Button>
          )}
        </Stack>
      )}
    </>
  );
}
