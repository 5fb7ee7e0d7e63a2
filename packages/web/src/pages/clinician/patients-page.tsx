import { Anchor, Group, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { RiskTierBadge, StatusBadge } from '../../features/clinician/badges.tsx';
import { formatDateTime } from '../../features/clinician/format.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';
import { clinicianBasePath } from './clinician-paths.ts';
import { useAllPatients } from './use-panel-row.ts';

/** Find a patient on the care team by name and open their chart. */
export function PatientsPage() {
  const all = useAllPatients();
  const [q, setQ] = useState('');
  return (
    <>
      <PageHeader title="Patients" description="Look up a patient’s record, plan, sessions and outcomes." />
      <TextInput label="Find by name" value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={360} mb="md" type="search" />
      <QueryView query={all} what="your patients" loadingLabel="Loading your patients…">
        {(data) => {
          const rows = data.items.filter((r) => r.name.toLowerCase().includes(q.trim().toLowerCase()));
          if (data.items.length === 0) return <NothingHereYet description="No patients are on your care team yet." />;
          return (
            <>
              <Text size="sm" role="status" mb="xs">
                {rows.length} of {data.items.length} patients
              </Text>
              {rows.length === 0 ? (
                <Text>No patient’s name contains “{q}”.</Text>
              ) : (
                <Table.ScrollContainer minWidth={560}>
                  <Table striped withTableBorder highlightOnHover>
                    <VisuallyHidden component="caption">Your patients by name</VisuallyHidden>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">Patient</Table.Th>
                        <Table.Th scope="col">Status and risk</Table.Th>
                        <Table.Th scope="col">Open alerts</Table.Th>
                        <Table.Th scope="col">Next session</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {rows.map((r) => (
                        <Table.Tr key={r.patientId}>
                          <Table.Th scope="row">
                            <Anchor component={Link} to={`${clinicianBasePath}/patients/${r.patientId}`} fw={600}>
                              {r.name}
                            </Anchor>
                          </Table.Th>
                          <Table.Td>
                            <Group gap={4}>
                              <StatusBadge status={r.status} />
                              <RiskTierBadge tier={r.riskTier} />
                            </Group>
                          </Table.Td>
                          <Table.Td>{r.openAlerts.total}</Table.Td>
                          <Table.Td>{r.nextSessionAt ? formatDateTime(r.nextSessionAt) : 'None booked'}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </>
          );
        }}
      </QueryView>
    </>
  );
}
