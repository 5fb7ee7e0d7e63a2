import { LineChart } from '@mantine/charts';
import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { patientApi, patientKeys, type Instrument, type InstrumentOutcome } from '../../api/patient-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { formatDate } from '../../features/patient/format.ts';
import { useInstruments } from '../../features/patient/patient-queries.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';

const bandColors = ['teal.1', 'lime.1', 'yellow.1', 'orange.1', 'red.1'];
const remissionBelow = 5;

function bandOf(instrument: Instrument | undefined, total: number): string {
  const band = instrument?.bands.find((b) => (b.min ?? -Infinity) <= total && total <= (b.max ?? Infinity));
  return band?.label ?? '—';
}

function OutcomeCard({ outcome, instrument, title }: { outcome: InstrumentOutcome; instrument: Instrument | undefined; title: string }) {
  const baseline = outcome.baseline.kind === 'missing' ? null : outcome.baseline.score.total;
  const responseAt = baseline !== null ? baseline * 0.5 : null;
  const data = outcome.series.map((p) => ({ date: formatDate(p.at), score: p.total }));
  const max = instrument?.range?.max ?? 27;
  const id = `${outcome.instrument}-heading`;
  const summary =
    outcome.latest === null
      ? 'No scores yet.'
      : `Latest ${outcome.latest.total} (${bandOf(instrument, outcome.latest.total)}) on ${formatDate(outcome.latest.at)}` +
        (baseline !== null ? `; starting score ${baseline}` : '') +
        (outcome.changePct !== null ? `; change ${outcome.changePct > 0 ? '+' : ''}${Math.round(outcome.changePct)}%` : '') +
        '.';
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={id}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        <Group gap={6}>
          {outcome.response && <Badge color="keel">Response: halved from the start</Badge>}
          {outcome.remission && <Badge color="keel" variant="filled">Remission: below {remissionBelow}</Badge>}
        </Group>
      </Group>
      <Text size="sm" mt={4}>
        {summary} Lower scores are better.
      </Text>
      {data.length === 0 ? (
        <Text size="sm" mt="md">Your scores will appear here after your first questionnaire.</Text>
      ) : (
        <>
          <figure style={{ margin: 0 }} aria-label={`${title} chart. ${summary} The same scores are in the table below.`}>
            <LineChart
              h={260}
              mt="md"
              data={data}
              dataKey="date"
              series={[{ name: 'score', label: 'Score', color: 'indigo.7' }]}
              curveType="linear"
              yAxisProps={{ domain: [0, max] }}
              referenceAreas={(instrument?.bands ?? [])
                .filter((b) => b.min !== undefined && b.max !== undefined)
                .map((b, i) => ({ y1: Math.max(0, (b.min ?? 0) - 0.5), y2: Math.min(max, (b.max ?? max) + 0.5), color: bandColors[i] ?? 'gray.1', fillOpacity: 0.6, ifOverflow: 'extendDomain' as const }))}
              referenceLines={[
                ...(responseAt !== null ? [{ y: responseAt, label: `Response (${responseAt})`, color: 'teal.8', strokeDasharray: '6 3' }] : []),
                { y: remissionBelow, label: `Remission (below ${remissionBelow})`, color: 'green.9' },
              ]}
              withLegend={false}
            />
            <Text component="figcaption" size="xs" c="dimmed">
              Shaded bands: {(instrument?.bands ?? []).map((b) => `${b.label} ${b.min ?? ''}–${b.max ?? ''}`).join(', ')}. Dashed line: response (half the starting score).
            </Text>
          </figure>
          <Table.ScrollContainer minWidth={320} mt="md">
            <Table striped captionSide="top">
              <caption style={{ textAlign: 'left', fontWeight: 600 }}>{title} scores</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Date</Table.Th>
                  <Table.Th scope="col">Score</Table.Th>
                  <Table.Th scope="col">Range</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {outcome.series.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>{formatDate(p.at)}</Table.Td>
                    <Table.Td>{p.total}</Table.Td>
                    <Table.Td>{bandOf(instrument, p.total)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Card>
  );
}

/** PHQ-9 (mood) and GAD-7 (anxiety) over time: severity bands, the response and remission lines, and a table. */
export function ProgressPage() {
  const patientId = usePatientId();
  const outcomes = useQuery({ queryKey: patientKeys.outcomes(patientId), queryFn: () => patientApi.outcomes(patientId) });
  const instruments = useInstruments();
  const find = (code: string) => instruments.data?.items.find((i) => i.code === code);
  return (
    <>
      <PageHeader title="Progress" description="Your questionnaire scores over time. Ups and downs are normal; your care team looks at the overall direction." />
      <QueryView query={outcomes} label="Loading your scores…">
        {(data) =>
          data.phq9.series.length === 0 && data.gad7.series.length === 0 ? (
            <NothingHereYet description="No scores yet. They appear after your intake questionnaires." />
          ) : (
            <Stack gap="lg">
              <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
                <OutcomeCard outcome={data.phq9} instrument={find('phq9')} title="Mood (PHQ-9)" />
                <OutcomeCard outcome={data.gad7} instrument={find('gad7')} title="Anxiety (GAD-7)" />
              </SimpleGrid>
            </Stack>
          )
        }
      </QueryView>
    </>
  );
}
