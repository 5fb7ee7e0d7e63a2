import { Alert, Anchor, Badge, Button, Card, Drawer, Group, List, SimpleGrid, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { boardApi, boardKeys, type BoardRow, type OnCallNow } from '../../api/board-api.ts';
import { clinicianApi } from '../../api/clinician-api.ts';
import { useCurrentUser } from '../../auth/auth-context.ts';
import { label } from '../../components/labels.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { atTime } from '../../components/when.ts';
import { clockOffsetMs, elapsedWords, nextCheck, sitterCheckGraceMs } from '../../features/board/live-clock.ts';
import { SessionChannel } from '../../features/board/session-channel.tsx';
import { useBoardStream, type LiveEvent, type StreamState } from '../../features/board/use-board-stream.ts';
import { vitalReadings } from '../../features/board/vitals-limits.ts';
import { amber, RiskTierBadge, SeverityBadge, StatusBadge, ToneBadge } from '../../features/clinician/badges.tsx';
import { QueryView } from '../../features/clinician/query-view.tsx';
import { useNow } from '../../features/patient/use-now.ts';
import { clinicianBasePath } from './clinician-paths.ts';

/** While the stream is down the board is polled this often instead. */
const fallbackPollMs = 15_000;

function LiveIndicator({ state }: { state: StreamState }) {
  const live = state === 'live';
  return (
    <Badge color={live ? 'keel.8' : 'gray.8'} variant={live ? 'filled' : 'outline'} radius="sm" size="lg" role="status" data-testid="live-indicator" data-state={state}>
      {live ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
    </Badge>
  );
}

function OnCall({ now, userId }: { now: OnCallNow; userId: string }) {
  if (!now.primary) {
    return (
      <Text size="sm" fw={600} data-testid="on-call-now">
        No one is on call right now. Urgent alerts go to each patient’s own clinician.
      </Text>
    );
  }
  const until = now.shift ? ` until ${atTime(now.shift.endsAt)}` : '';
  const backup = now.backup ? (now.backup.id === userId ? ' You are the backup.' : ` Backup: ${now.backup.name}.`) : ' No backup is named.';
  return (
    <Text size="sm" data-testid="on-call-now">
      <strong>{now.primary.id === userId ? 'You are on call' : `${now.primary.name} is on call`}</strong>
      {until}.{backup}
    </Text>
  );
}

type UrgencyReason = BoardRow['urgencyReasons'][number];
/** The server's urgency signals in its order (docs/live-board.md), in words. */
const urgencyWords: readonly [UrgencyReason, string][] = [
  ['check_overdue', 'sitter check overdue'],
  ['concern', 'concern reported'],
  ['vitals_over_limit', 'vital signs beyond the hold limits'],
  ['urgent_alert', 'urgent alert open'],
  ['high_risk', 'high risk'],
];

/** Why a session is near the top, in words: the server's reasons, and a check that has fallen due since it answered. */
function attentionReasons(row: BoardRow, overdue: boolean): string[] {
  const reasons = new Set<UrgencyReason>(row.urgencyReasons);
  if (overdue) reasons.add('check_overdue');
  return urgencyWords.filter(([code]) => reasons.has(code)).map(([, words]) => words);
}

function Facts({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" fw={700} tt="uppercase" c="dimmed" component="h4" m={0}>
        {title}
      </Text>
      {children}
    </Stack>
  );
}

function BoardCard({ row, nowMs, graceMs, onOpenChannel }: { row: BoardRow; nowMs: number; graceMs: number | null; onOpenChannel: (row: BoardRow) => void }) {
  const check = nextCheck(row.nextCheckDueAt, nowMs, row.checkOverdue, graceMs);
  const reasons = attentionReasons(row, check.overdue);
  const red = 'var(--mantine-color-red-8)';
  const headingId = `board-${row.sessionId}`;
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      component="article"
      aria-labelledby={headingId}
      data-testid="board-row"
      data-session-id={row.sessionId}
      data-overdue={check.overdue ? 'true' : 'false'}
      data-check={check.state}
      style={reasons.length > 0 ? { borderColor: red, borderWidth: 2 } : undefined}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <Stack gap={4}>
            <Title order={3} size="h4" id={headingId}>
              <Anchor component={Link} to={`${clinicianBasePath}/patients/${row.patientId}`}>
                {row.patientName}
              </Anchor>
            </Title>
            <Group gap="xs" wrap="wrap">
              <StatusBadge status={row.status} />
              <RiskTierBadge tier={row.riskTier} />
              {row.coverage === 'on_call' && (
                <ToneBadge color="gray.8" variant="outline">
                  covered on call
                </ToneBadge>
              )}
            </Group>
          </Stack>
          <Group gap="xs" wrap="wrap">
            {row.sitterPhone && (
              <Button component="a" href={`tel:${row.sitterPhone}`} size="xs" variant="light" aria-label={`Call sitter${row.sitterName ? ` ${row.sitterName}` : ''} (${row.patientName}’s session)`}>
                Call sitter
              </Button>
            )}
            {row.patientPhone && (
              <Button component="a" href={`tel:${row.patientPhone}`} size="xs" variant="light" aria-label={`Call patient ${row.patientName}`}>
                Call patient
              </Button>
            )}
            <Button size="xs" onClick={() => onOpenChannel(row)} aria-label={`Open channel for ${row.patientName}’s session`}>
              Open channel
            </Button>
          </Group>
        </Group>
        {reasons.length > 0 && (
          <Text size="sm" fw={700} c="red.8" data-testid="attention">
            Needs attention: {reasons.join('; ')}.
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" verticalSpacing="sm">
          <Facts title="Dose">
            <Text size="sm" data-testid="since-dose">
              {row.dosedAt ? `Dosed ${elapsedWords(row.dosedAt, nowMs)} ago (${atTime(row.dosedAt)})` : row.authorizedAt ? `Authorized ${atTime(row.authorizedAt)}; not dosed yet` : 'Not dosed yet'}
            </Text>
          </Facts>
          <Facts title="Sitter checks">
            <Text size="sm" data-testid="last-check">
              {row.lastCheckAt ? `Last check ${atTime(row.lastCheckAt)}` : 'No check yet'}
              {row.sitterName ? ` · sitter ${row.sitterName}` : ''}
            </Text>
            <Text size="sm" fw={check.state === 'upcoming' || check.state === 'none' ? 500 : 700} c={check.overdue ? 'red.8' : check.state === 'due' ? amber : undefined} data-testid="next-check">
              {check.overdue ? `Overdue: ${check.words}` : check.state === 'due' ? `Due now: ${check.words}` : check.words.charAt(0).toUpperCase() + check.words.slice(1)}
            </Text>
          </Facts>
          <Facts title="Latest vital signs">
            {row.latestVitals ? (
              <>
                {vitalReadings(row.latestVitals, row.holdLimits).map((r) => (
                  <Text key={r.key} size="sm" fw={r.overLimit ? 700 : undefined} c={r.overLimit ? 'red.8' : undefined}>
                    {r.label}: {r.value}
                    {r.overLimit ? ` — ${r.overLimit}` : ''}{' '}
                    <Text span size="xs" c={r.overLimit ? 'red.8' : 'dimmed'}>
                      ({r.limit})
                    </Text>
                  </Text>
                ))}
                <Text size="xs" c="dimmed">
                  Taken {atTime(row.latestVitals.at)}
                </Text>
              </>
            ) : (
              <Text size="sm">None recorded in this session</Text>
            )}
          </Facts>
          <Facts title="Concerns">
            {row.concerns.length === 0 ? (
              <Text size="sm">None</Text>
            ) : (
              <List size="sm" spacing={2}>
                {row.concerns.map((c) => (
                  <List.Item key={`${c.at}:${c.text}`}>
                    <Text span size="sm" fw={600} c="red.8">
                      {atTime(c.at)}:
                    </Text>{' '}
                    {c.text}
                  </List.Item>
                ))}
              </List>
            )}
          </Facts>
          <Facts title="Adverse events">
            {row.adverseEvents.length === 0 ? (
              <Text size="sm">None</Text>
            ) : (
              <List size="sm" spacing={2}>
                {row.adverseEvents.map((a) => (
                  <List.Item key={`${a.at}:${a.description}`}>
                    {label(a.severity)} · {atTime(a.at)}: {a.description}
                  </List.Item>
                ))}
              </List>
            )}
          </Facts>
          <Facts title="Open alerts">
            {row.openAlerts.length === 0 ? (
              <Text size="sm">None</Text>
            ) : (
              <Stack gap={4}>
                {row.openAlerts.map((a) => (
                  <Group key={a.id} gap={6} wrap="nowrap">
                    <SeverityBadge severity={a.severity} />
                    <Text size="sm">{label(a.kind)}</Text>
                  </Group>
                ))}
                <Anchor component={Link} to={`${clinicianBasePath}/alerts`} size="sm">
                  Review alerts
                </Anchor>
              </Stack>
            )}
          </Facts>
        </SimpleGrid>
      </Stack>
    </Card>
  );
}

/**
 * The clinician's live view of every session under way that they cover (their care team's patients, and everyone
 * while they are on call): most urgent first, countdowns ticking locally, refreshed by the server's event stream.
 */
export function LiveBoardPage() {
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const [channelFor, setChannelFor] = useState<BoardRow | null>(null);
  const narrow = useMediaQuery('(max-width: 48em)');

  const onEvent = useCallback(
    (event: LiveEvent) => {
      void queryClient.invalidateQueries({ queryKey: boardKeys.board });
      if (event.sessionId) void queryClient.invalidateQueries({ queryKey: boardKeys.channel(event.sessionId) });
    },
    [queryClient],
  );
  const onReconnected = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: boardKeys.board });
    void queryClient.invalidateQueries({ queryKey: boardKeys.onCallNow });
  }, [queryClient]);
  const stream = useBoardStream(onEvent, onReconnected);

  const board = useQuery({ queryKey: boardKeys.board, queryFn: boardApi.board, refetchInterval: stream === 'live' ? false : fallbackPollMs });
  const onCall = useQuery({ queryKey: boardKeys.onCallNow, queryFn: boardApi.onCallNow, refetchInterval: 60_000 });
  // The sitter-check grace, so the countdown turns "overdue" at the same moment as the server's rule.
  const settings = useQuery({ queryKey: ['clinician', 'program-settings'], queryFn: clinicianApi.programSettings, staleTime: 60_000 });
  const graceMs = sitterCheckGraceMs(settings.data?.settings.monitoring);
  const localNow = useNow(1000);
  const offset = board.data ? clockOffsetMs(board.data.now, board.dataUpdatedAt) : 0;
  const nowMs = localNow + offset;
  const overdueCount = board.data?.items.filter((r) => nextCheck(r.nextCheckDueAt, nowMs, r.checkOverdue, graceMs).overdue).length ?? 0;

  return (
    <>
      <PageHeader title="Live board" description="Every session under way for the patients you cover right now, most urgent first. It updates by itself." />
      <Stack gap="md">
        <Card withBorder radius="md" padding="sm" component="section" aria-labelledby="on-call-heading">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={2}>
              <Title order={2} size="h5" id="on-call-heading">
                On call now
              </Title>
              {onCall.isPending ? <Text size="sm">Loading…</Text> : onCall.isError ? <Text size="sm">Could not load who is on call: {onCall.error.message}</Text> : <OnCall now={onCall.data} userId={user.id} />}
            </Stack>
            <LiveIndicator state={stream} />
          </Group>
        </Card>
        <VisuallyHidden role="status" aria-live="polite">
          {overdueCount === 0 ? '' : `${overdueCount} session${overdueCount === 1 ? ' has a sitter check' : 's have sitter checks'} overdue.`}
        </VisuallyHidden>
        <section aria-labelledby="sessions-heading">
          <Title order={2} size="h4" id="sessions-heading" mb="sm">
            Sessions
          </Title>
          <QueryView query={board} what="the live board" loadingLabel="Loading the live board…">
            {(data) =>
              data.items.length === 0 ? (
                <NothingHereYet description="No session is authorized or under way for the patients you cover. When one starts, it appears here by itself." />
              ) : (
                <Stack gap="md">
                  {data.items.map((row) => (
                    <BoardCard key={row.sessionId} row={row} nowMs={nowMs} graceMs={graceMs} onOpenChannel={setChannelFor} />
                  ))}
                </Stack>
              )
            }
          </QueryView>
          {stream === 'reconnecting' && !board.isPending && (
            <Alert variant="light" color="gray" mt="sm" title="Not live">
              The live connection is down; the board refreshes every {fallbackPollMs / 1000} seconds until it is back.
            </Alert>
          )}
        </section>
      </Stack>
      <Drawer
        opened={channelFor !== null}
        onClose={() => setChannelFor(null)}
        position="right"
        size={narrow ? '100%' : 'md'}
        title={channelFor ? `${channelFor.patientName}’s session` : 'Session'}
        closeButtonProps={{ 'aria-label': 'Close the channel' }}
      >
        {channelFor && (
          <SessionChannel
            sessionId={channelFor.sessionId}
            headingId="board-channel-heading"
            heading="Session channel"
            description="Read by the sitter, the patient and the clinicians covering this session."
            order={3}
          />
        )}
      </Drawer>
    </>
  );
}
