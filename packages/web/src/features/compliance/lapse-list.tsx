import { Alert, Anchor, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { complianceApi, complianceKeys, type LapseList } from '../../api/compliance-api.ts';
import { label } from '../../components/labels.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { amber } from '../clinician/badges.tsx';
import { formatDate } from '../clinician/format.ts';
import { QueryView } from '../clinician/query-view.tsx';
import { daysUntil } from './days.ts';

function daysLeftWords(n: number): string {
  if (n < 0) return `Lapsed ${-n} day${n === -1 ? '' : 's'} ago`;
  if (n === 0) return 'Lapses today';
  return `${n} day${n === 1 ? '' : 's'}`;
}

function LapseTable({ data, chartPath, showClinician }: { data: LapseList; chartPath?: (patientId: string) => string; showClinician: boolean }) {
  if (data.patients.length === 0) return <NothingHereYet description="No active patient relies on the telemedicine flexibility." />;
  const rows = [...data.patients].sort((a, b) => a.lapsesOn.localeCompare(b.lapsesOn) || a.name.localeCompare(b.name));
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped withTableBorder verticalSpacing="sm">
        <VisuallyHidden component="caption">Patients whose prescribing pathway lapses when the telemedicine flexibility ends</VisuallyHidden>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Patient</Table.Th>
            {showClinician && <Table.Th scope="col">Clinician</Table.Th>}
            <Table.Th scope="col">Pathway</Table.Th>
            <Table.Th scope="col">Lapses on</Table.Th>
            <Table.Th scope="col">Days left</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((p) => {
            const left = daysUntil(p.lapsesOn);
            return (
              <Table.Tr key={p.patientId}>
                <Table.Th scope="row" fw={600}>
                  {chartPath ? (
                    <Anchor component={Link} to={chartPath(p.patientId)}>
                      {p.name}
                    </Anchor>
                  ) : (
                    p.name
                  )}
                </Table.Th>
                {showClinician && <Table.Td>{p.clinicianName}</Table.Td>}
                <Table.Td>{label(p.pathwayKind)}</Table.Td>
                <Table.Td>{formatDate(p.lapsesOn)}</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={left <= 7 ? 700 : undefined} c={left <= 7 ? 'red.8' : undefined}>
                    {daysLeftWords(left)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * The patients whose prescribing rests on the temporary telemedicine flexibility (docs/compliance.md): each one
 * needs an in-person evaluation, a referral or a special registration recorded before the date, or is blocked.
 */
export function LapseListPage({ chartPath, showClinician }: { chartPath?: (patientId: string) => string; showClinician: boolean }) {
  const list = useQuery({ queryKey: complianceKeys.lapseList, queryFn: complianceApi.lapseList });
  const until = list.data?.flexibilityUntil;
  return (
    <>
      <PageHeader
        title={until ? `Telemedicine flexibility ends ${formatDate(until)}` : 'Telemedicine flexibility'}
        description="Patients prescribed under the temporary telemedicine flexibility. When it ends they are blocked until an in-person evaluation, a referral from a clinician who saw them in person, or a special registration is recorded."
      />
      <QueryView query={list} what="the lapse list" loadingLabel="Loading the patients who would lapse…">
        {(data) => (
          <>
            <Alert color={amber} variant="light" mb="md" title={`${data.patients.length} patient${data.patients.length === 1 ? '' : 's'} would lapse`}>
              The flexibility is valid through the end of {formatDate(data.flexibilityUntil)} in the program’s time zone (a program setting). Record a new pathway on each patient’s Prescribing tab before then.
            </Alert>
            <LapseTable data={data} showClinician={showClinician} {...(chartPath ? { chartPath } : {})} />
          </>
        )}
      </QueryView>
    </>
  );
}
