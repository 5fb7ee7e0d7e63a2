import { Alert, Anchor, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { clinicianApi, clinicianKeys, type PanelQuery, type PanelRow } from '../../api/clinician-api.ts';
import { useCurrentUser } from '../../auth/auth-context.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { RiskTierBadge, SeverityBadge, StatusBadge } from '../../features/clinician/badges.tsx';
import { ComplianceBadge } from '../../features/clinician/compliance-badge.tsx';
import { formatDateTime, plural } from '../../features/clinician/format.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';
import { clinicianBasePath } from './clinician-paths.ts';

type Sort = NonNullable<PanelQuery['sort']>;
type RiskFilter = NonNullable<PanelQuery['risk']> | '';
type AlertFilter = NonNullable<PanelQuery['alert']> | '';

const pageSize = 25;

const columns: { key: Sort | null; label: string }[] = [
  { key: 'name', label: 'Patient' },
  { key: null, label: 'Status' },
  { key: 'risk', label: 'Risk tier' },
  { key: 'alerts', label: 'Open alerts' },
  { key: 'phq9', label: 'Latest PHQ-9' },
  { key: 'nextSession', label: 'Next session' },
  { key: null, label: 'Overdue' },
  { key: null, label: 'Prescribing' },
];

function AlertCounts({ row }: { row: PanelRow }) {
  const a = row.openAlerts;
  if (a.total === 0) return <Text size="sm">None</Text>;
  return (
    <Group gap={4} wrap="wrap">
      {(['critical', 'high', 'moderate', 'low'] as const)
        .filter((s) => a[s] > 0)
        .map((s) => (
          <Group key={s} gap={2} wrap="nowrap">
            <SeverityBadge severity={s} />
            <Text size="sm" fw={600}>
              ×{a[s]}
            </Text>
          </Group>
        ))}
    </Group>
  );
}

function Phq9Cell({ row }: { row: PanelRow }) {
  if (!row.phq9) return <Text size="sm">No score</Text>;
  const { latest, change } = row.phq9;
  return (
    <Text size="sm">
      <Text span fw={650}>
        {latest}
      </Text>
      {change !== null && (
        <Text span size="sm">
          {' '}
          ({change > 0 ? '+' : ''}
          {change} from baseline)
        </Text>
      )}
    </Text>
  );
}

/** The clinician's home: what needs doing next, then every patient on the panel. */
export function PanelPage() {
  const user = useCurrentUser();
  const [sort, setSort] = useState<Sort>('risk');
  const [risk, setRisk] = useState<RiskFilter>('');
  const [alert, setAlert] = useState<AlertFilter>('');
  // Cursor-based pages: the stack of cursors that opened each page so far.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const q: PanelQuery = { sort, limit: pageSize, ...(risk ? { risk } : {}), ...(alert ? { alert } : {}), ...(cursor ? { cursor } : {}) };
  const panel = useQuery({ queryKey: clinicianKeys.panel(q), queryFn: () => clinicianApi.panel(q), placeholderData: (prev) => prev });
  const openAlerts = useQuery({ queryKey: clinicianKeys.alerts('open'), queryFn: () => clinicianApi.alerts({ status: 'open' }) });
  const reviewQueue = useQuery({ queryKey: clinicianKeys.reviewQueue, queryFn: clinicianApi.reviewQueue });

  const resetPages = () => setCursors([undefined]);
  const alertItems = openAlerts.data?.items ?? [];
  const worst = alertItems[0];

  return (
    <>
      <PageHeader title="Panel" description={`Welcome, ${user.name}. Your patients at a glance, most at risk first.`} />
      <section aria-labelledby="next-heading">
        <VisuallyHidden component="h2" id="next-heading">
          What needs you next
        </VisuallyHidden>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" mb="lg">
          <Paper withBorder p="md" radius="md">
            <Text fw={650}>Sessions under way</Text>
            <Stack gap={6} mt={4}>
              <Text size="sm">Sitter checks, vital signs and concerns for every session you cover now, live.</Text>
              <Button component={Link} to={`${clinicianBasePath}/board`} size="sm" w="fit-content" variant="light">
                Open the live board
              </Button>
            </Stack>
          </Paper>
          <Paper withBorder p="md" radius="md">
            <Text fw={650}>Open alerts</Text>
            {openAlerts.isPending ? (
              <Text size="sm">Loading…</Text>
            ) : openAlerts.isError ? (
              <Text size="sm" c="red.8">
                Could not load alerts: {openAlerts.error.message}
              </Text>
            ) : alertItems.length === 0 ? (
              <Text size="sm">No open alerts. Nothing is waiting for you here.</Text>
            ) : (
              <Stack gap={6} mt={4}>
                <Text size="sm">
                  {plural(alertItems.length, 'open alert')}
                  {openAlerts.data.nextCursor ? ' (more on the next page)' : ''}. Most severe: {worst?.title} — {worst?.patientName}.
                </Text>
                <Button component={Link} to={`${clinicianBasePath}/alerts`} size="sm" w="fit-content" color={worst?.severity === 'critical' ? 'red.8' : 'keel'}>
                  Review alerts
                </Button>
              </Stack>
            )}
          </Paper>
          <Paper withBorder p="md" radius="md">
            <Text fw={650}>Intakes awaiting review</Text>
            {reviewQueue.isPending ? (
              <Text size="sm">Loading…</Text>
            ) : reviewQueue.isError ? (
              <Text size="sm" c="red.8">
                Could not load the review queue: {reviewQueue.error.message}
              </Text>
            ) : reviewQueue.data.items.length === 0 ? (
              <Text size="sm">No intakes are waiting for a decision.</Text>
            ) : (
              <Stack gap={6} mt={4}>
                <Text size="sm">
                  {plural(reviewQueue.data.items.length, 'intake')} waiting, oldest from {reviewQueue.data.items[0]?.name}.
                </Text>
                <Button component={Link} to={`${clinicianBasePath}/review-queue`} size="sm" w="fit-content" variant="light">
                  Open the review queue
                </Button>
              </Stack>
            )}
          </Paper>
        </SimpleGrid>
      </section>

      <section aria-labelledby="panel-heading">
        <Group justify="space-between" align="end" mb="sm" wrap="wrap">
          <Text component="h2" fw={650} size="lg" id="panel-heading">
            Patients
          </Text>
          <Group gap="sm" wrap="wrap">
            <NativeSelect
              label="Risk tier"
              value={risk}
              onChange={(e) => {
                setRisk(e.currentTarget.value as RiskFilter);
                resetPages();
              }}
              data={[
                { value: '', label: 'Any' },
                { value: 'high', label: 'High' },
                { value: 'elevated', label: 'Elevated' },
                { value: 'low', label: 'Low' },
              ]}
            />
            <NativeSelect
              label="Open alerts"
              value={alert}
              onChange={(e) => {
                setAlert(e.currentTarget.value as AlertFilter);
                resetPages();
              }}
              data={[
                { value: '', label: 'Any or none' },
                { value: 'any', label: 'At least one' },
                { value: 'critical', label: 'Critical' },
                { value: 'high', label: 'High' },
                { value: 'moderate', label: 'Moderate' },
                { value: 'low', label: 'Low' },
                { value: 'none', label: 'No open alerts' },
              ]}
            />
          </Group>
        </Group>
        <QueryView query={panel} what="the panel" loadingLabel="Loading your panel…">
          {(data) =>
            data.items.length === 0 ? (
              <NothingHereYet description={risk || alert ? 'No patient matches these filters.' : 'No patients are on your care team yet.'} />
            ) : (
              <>
                <Table.ScrollContainer minWidth={960}>
                  <Table striped highlightOnHover withTableBorder verticalSpacing="sm">
                    <VisuallyHidden component="caption">Your patients. Column headings with a button sort the list.</VisuallyHidden>
                    <Table.Thead>
                      <Table.Tr>
                        {columns.map((c) => (
                          <Table.Th key={c.label} scope="col" aria-sort={c.key && c.key === sort ? (c.key === 'name' || c.key === 'nextSession' ? 'ascending' : 'descending') : undefined}>
                            {c.key ? (
                              <UnstyledButton
                                onClick={() => {
                                  setSort(c.key as Sort);
                                  resetPages();
                                }}
                                fw={700}
                                td={c.key === sort ? 'underline' : undefined}
                              >
                                {c.label}
                                {c.key === sort ? ' ▾' : ''}
                                <VisuallyHidden>{c.key === sort ? ' (sorted)' : ', sort by this column'}</VisuallyHidden>
                              </UnstyledButton>
                            ) : (
                              c.label
                            )}
                          </Table.Th>
                        ))}
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.items.map((row) => (
                        <Table.Tr key={row.patientId}>
                          <Table.Th scope="row" fw={600}>
                            <Anchor component={Link} to={`${clinicianBasePath}/patients/${row.patientId}`}>
                              {row.name}
                            </Anchor>
                          </Table.Th>
                          <Table.Td>
                            <StatusBadge status={row.status} />
                          </Table.Td>
                          <Table.Td>
                            <RiskTierBadge tier={row.riskTier} />
                            {row.riskSource === 'intake' && (
                              <Text size="xs" c="dimmed">
                                from intake
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>
                            <AlertCounts row={row} />
                          </Table.Td>
                          <Table.Td>
                            <Phq9Cell row={row} />
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{row.nextSessionAt ? formatDateTime(row.nextSessionAt) : 'None booked'}</Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" fw={row.overdueAssessments ? 650 : undefined} c={row.overdueAssessments ? 'red.8' : undefined}>
                              {row.overdueAssessments === null ? '—' : row.overdueAssessments === 0 ? 'None' : plural(row.overdueAssessments, 'item')}
                            </Text>
                          </Table.Td>
                          <Table.Td>{row.compliance ? <ComplianceBadge status={row.compliance.status} reasonCodes={row.compliance.reasonCodes} /> : <Text size="sm">—</Text>}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                <Group justify="space-between" mt="sm">
                  <Text size="sm">
                    Page {cursors.length} · {plural(data.items.length, 'patient')} shown
                  </Text>
                  <Group gap="xs">
                    <Button variant="default" size="sm" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                      Previous page
                    </Button>
                    <Button variant="default" size="sm" disabled={!data.nextCursor} onClick={() => data.nextCursor && setCursors((c) => [...c, data.nextCursor ?? undefined])}>
                      Next page
                    </Button>
                  </Group>
                </Group>
              </>
            )
          }
        </QueryView>
        {panel.isFetching && !panel.isPending && (
          <Alert variant="transparent" p={0} mt="xs" role="status">
            <Text size="sm">Updating…</Text>
          </Alert>
        )}
      </section>
    </>
  );
}
