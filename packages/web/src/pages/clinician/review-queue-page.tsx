import { Anchor, Badge, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { clinicianApi, clinicianKeys } from '../../api/clinician-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { EligibilityBadge } from '../../features/clinician/eligibility-badge.tsx';
import { RiskTierBadge } from '../../features/clinician/badges.tsx';
import { formatDateTime, humanize } from '../../features/clinician/format.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';
import { clinicianBasePath } from './clinician-paths.ts';

/** Submitted intakes waiting for an eligibility decision, oldest first. */
export function ReviewQueuePage() {
  const queue = useQuery({ queryKey: clinicianKeys.reviewQueue, queryFn: clinicianApi.reviewQueue });
  return (
    <>
      <PageHeader title="Review queue" description="Submitted intakes waiting for your eligibility decision, oldest first." />
      <QueryView query={queue} what="the review queue" loadingLabel="Loading the review queue…">
        {(data) =>
          data.items.length === 0 ? (
            <NothingHereYet description="No intakes are waiting for a decision." />
          ) : (
            <Table.ScrollContainer minWidth={820}>
              <Table striped withTableBorder verticalSpacing="sm">
                <VisuallyHidden component="caption">Intakes awaiting a decision, oldest first</VisuallyHidden>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Applicant</Table.Th>
                    <Table.Th scope="col">Submitted</Table.Th>
                    <Table.Th scope="col">Screening</Table.Th>
                    <Table.Th scope="col">Rules that fired</Table.Th>
                    <Table.Th scope="col">Dependence risk</Table.Th>
                    <Table.Th scope="col">Next step</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((item) => (
                    <Table.Tr key={item.intakeId}>
                      <Table.Th scope="row">
                        <Text fw={600}>{item.name}</Text>
                        <Text size="xs">State: {item.state}</Text>
                      </Table.Th>
                      <Table.Td>{formatDateTime(item.submittedAt)}</Table.Td>
                      <Table.Td>
                        <Stack gap={4}>
                          <EligibilityBadge eligibility={item.eligibility} />
                          {item.openSafetyAlerts > 0 && (
                            <Text size="xs" fw={700} c="red.8">
                              {item.openSafetyAlerts} open safety alert{item.openSafetyAlerts === 1 ? '' : 's'}
                            </Text>
                          )}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        {item.rules.length === 0 ? (
                          <Text size="sm">None</Text>
                        ) : (
                          <Group gap={4}>
                            {item.rules.map((r) => (
                              <Badge key={r.rule} variant="outline" color={r.outcome === 'exclude' ? 'red.9' : '#8a4b00'} radius="sm" tt="none">
                                {r.outcome}: {humanize(r.rule)}
                              </Badge>
                            ))}
                          </Group>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <RiskTierBadge tier={item.riskTier} />
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`${clinicianBasePath}/review-queue/${item.patientId}`} fw={600}>
                          {item.onCareTeam ? 'Review' : 'Claim and review'}
                          <VisuallyHidden> {item.name}</VisuallyHidden>
                        </Anchor>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
    </>
  );
}
