import { Anchor, Button, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { coachApi, coachKeys } from '../../api/coach-api.ts';
import { useCurrentUser } from '../../auth/auth-context.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { StatusBadge } from '../../features/clinician/badges.tsx';
import { formatDate, formatDateTime, humanize } from '../../features/clinician/format.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';
import { coachBasePath } from './coach-paths.ts';

/** The coach's home: the next integration session, then every patient in the caseload. */
export function CaseloadPage() {
  const user = useCurrentUser();
  const [from] = useState(() => new Date().toISOString());
  const caseload = useQuery({ queryKey: coachKeys.caseload, queryFn: coachApi.caseload });
  const upcoming = useQuery({ queryKey: coachKeys.upcoming, queryFn: () => coachApi.upcoming(from) });
  const sessions = (upcoming.data?.items ?? []).filter((a) => a.status === 'booked').sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const next = sessions[0];

  return (
    <>
      <PageHeader title="Caseload" description={`Welcome, ${user.name}. The patients you coach and your upcoming integration sessions.`} />
      <Paper withBorder p="md" radius="md" mb="lg" component="section" aria-labelledby="upcoming-heading">
        <Title order={2} size="h4" id="upcoming-heading" mb="xs">
          Upcoming sessions
        </Title>
        <QueryView query={upcoming} what="your appointments">
          {() =>
            sessions.length === 0 ? (
              <Text size="sm">No sessions are booked with you.</Text>
            ) : (
              <Stack gap="xs">
                {next && (
                  <Text>
                    Next: <strong>{humanize(next.kind)}</strong> with <strong>{next.patientName}</strong>, {formatDateTime(next.startsAt)}.{' '}
                    <Anchor component={Link} to={`${coachBasePath}/patients/${next.patientId}`} underline="always">
                      Prepare: open {next.patientName}’s notes
                    </Anchor>
                  </Text>
                )}
                <Table fz="sm" withTableBorder>
                  <VisuallyHidden component="caption">Your upcoming sessions</VisuallyHidden>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">When</Table.Th>
                      <Table.Th scope="col">Patient</Table.Th>
                      <Table.Th scope="col">Kind</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {sessions.slice(0, 8).map((a) => (
                      <Table.Tr key={a.id}>
                        <Table.Td>{formatDateTime(a.startsAt)}</Table.Td>
                        <Table.Td>{a.patientName}</Table.Td>
                        <Table.Td>
                          {humanize(a.kind)}
                          {a.seriesIndex ? ` (session ${a.seriesIndex} of a series)` : ''}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Stack>
            )
          }
        </QueryView>
      </Paper>
      <section aria-labelledby="caseload-heading">
        <Title order={2} size="h4" id="caseload-heading" mb="xs">
          Your patients
        </Title>
        <QueryView query={caseload} what="your caseload" loadingLabel="Loading your caseload…">
          {(data) =>
            data.items.length === 0 ? (
              <NothingHereYet description="No patients are assigned to you yet." />
            ) : (
              <Table.ScrollContainer minWidth={720}>
                <Table striped withTableBorder highlightOnHover verticalSpacing="sm">
                  <VisuallyHidden component="caption">Your caseload</VisuallyHidden>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Patient</Table.Th>
                      <Table.Th scope="col">Status</Table.Th>
                      <Table.Th scope="col">Next integration session</Table.Th>
                      <Table.Th scope="col">Last note</Table.Th>
                      <Table.Th scope="col">Shared journal</Table.Th>
                      <Table.Th scope="col">Open practices</Table.Th>
                      <Table.Th scope="col">
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((p) => (
                      <Table.Tr key={p.patientId}>
                        <Table.Th scope="row">
                          <Anchor component={Link} to={`${coachBasePath}/patients/${p.patientId}`} fw={600}>
                            {p.name}
                          </Anchor>
                        </Table.Th>
                        <Table.Td>
                          <StatusBadge status={p.status} />
                        </Table.Td>
                        <Table.Td>{p.nextIntegrationSession ? formatDateTime(p.nextIntegrationSession) : 'None booked'}</Table.Td>
                        <Table.Td>{p.lastNote ? formatDate(p.lastNote.sessionOn) : 'None yet'}</Table.Td>
                        <Table.Td>{p.sharedJournalCount}</Table.Td>
                        <Table.Td>{p.openPractices}</Table.Td>
                        <Table.Td>
                          <Button component={Link} to={`${coachBasePath}/patients/${p.patientId}`} size="xs" variant="light">
                            Notes<VisuallyHidden> for {p.name}</VisuallyHidden>
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </QueryView>
      </section>
    </>
  );
}
