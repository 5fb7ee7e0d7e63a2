import { Badge, Group, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useId } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PatientOutcomesResponse } from '../../api/clinician-api.ts';
import { formatDate, formatDateTime, humanize } from './format.ts';

export interface Band {
  band: string;
  label: string;
  min?: number | undefined;
  max?: number | undefined;
}

type InstrumentOutcome = PatientOutcomesResponse['phq9'];

interface OutcomeChartProps {
  title: string;
  outcome: InstrumentOutcome;
  bands: readonly Band[];
  range: { min: number; max: number } | null;
  /** From the program settings: response = a fall of at least this percentage from baseline. */
  responseMinReductionPct: number | null;
  /** From the program settings: remission = strictly below this score. */
  remissionBelow: number | null;
}

// Pale fills for the severity bands, darkest for the most severe; the line is drawn over them in the primary colour.
const bandFills = ['#e9f5ee', '#f4f6e4', '#fbf1dc', '#fbe6d8', '#f8dada'];

/** A score series over time with the instrument's severity bands and the response and remission lines, plus a table. */
export function OutcomeChart({ title, outcome, bands, range, responseMinReductionPct, remissionBelow }: OutcomeChartProps) {
  const headingId = useId();
  const data = outcome.series.map((p) => ({ t: new Date(p.at).getTime(), total: p.total, id: p.id, at: p.at }));
  const baseline = outcome.baseline.kind === 'missing' ? null : outcome.baseline.score;
  const responseLine = baseline && responseMinReductionPct !== null ? baseline.total * (1 - responseMinReductionPct / 100) : null;
  const yMax = range?.max ?? Math.max(27, ...data.map((d) => d.total));

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Group justify="space-between" align="baseline" wrap="wrap">
          <Title order={3} size="h4" id={headingId}>
            {title}
          </Title>
          <Group gap="xs">
            {outcome.response === true && <Badge color="keel.8">response</Badge>}
            {outcome.remission === true && <Badge color="keel.8">remission</Badge>}
            <Badge color="gray.8" variant="outline">
              {humanize(outcome.trajectory).toLowerCase()}
            </Badge>
          </Group>
        </Group>
        <Text size="sm">
          Baseline: {baseline ? `${baseline.total} (${formatDate(baseline.at)}${outcome.baseline.kind === 'provisional' ? ', provisional' : ''})` : 'none recorded'}
          {' · '}Latest: {outcome.latest ? `${outcome.latest.total} (${formatDate(outcome.latest.at)})` : 'none'}
          {outcome.change !== null && ` · Change: ${outcome.change > 0 ? '+' : ''}${outcome.change}${outcome.changePct !== null ? ` (${outcome.changePct > 0 ? '+' : ''}${outcome.changePct}%)` : ''}`}
        </Text>
        {data.length === 0 ? (
          <Text size="sm" c="dimmed">
            No scores yet.
          </Text>
        ) : (
          <>
            <div aria-hidden="true" style={{ width: '100%', height: 240 }}>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
                  {bands.map((b, i) => (
                    <ReferenceArea key={b.band} y1={b.min ?? 0} y2={(b.max ?? yMax) + (i === bands.length - 1 ? 0 : 1)} fill={bandFills[Math.min(i, bandFills.length - 1)]} fillOpacity={1} ifOverflow="extendDomain" />
                  ))}
                  <CartesianGrid strokeDasharray="3 3" stroke="#c9d1d6" />
                  <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => formatDate(new Date(t).toISOString())} stroke="#495057" fontSize={12} padding={{ left: 16, right: 16 }} />
                  <YAxis domain={[0, yMax]} allowDecimals={false} stroke="#495057" fontSize={12} width={36} />
                  {responseLine !== null && (
                    <ReferenceLine y={responseLine} stroke="#125e6c" strokeDasharray="6 4" label={{ value: 'response', position: 'insideTopRight', fill: '#0b4b57', fontSize: 12 }} />
                  )}
                  {remissionBelow !== null && (
                    <ReferenceLine y={remissionBelow} stroke="#2f6b2f" strokeDasharray="2 3" label={{ value: 'remission', position: 'insideBottomLeft', fill: '#1f4d1f', fontSize: 12 }} />
                  )}
                  <Tooltip labelFormatter={(t) => formatDateTime(new Date(Number(t)).toISOString())} />
                  <Line type="linear" dataKey="total" name="Score" stroke="#125e6c" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </div>
            <Text size="xs" c="dimmed">
              Shaded bands: {bands.map((b) => `${b.label} (${b.min ?? 0}–${b.max ?? yMax})`).join(', ')}.
              {responseLine !== null && ` Dashed line: response (${responseMinReductionPct}% below baseline, ${Math.round(responseLine * 10) / 10}).`}
              {remissionBelow !== null && ` Dotted line: remission (below ${remissionBelow}).`}
            </Text>
            <Table.ScrollContainer minWidth={320}>
              <Table striped withTableBorder>
                <VisuallyHidden component="caption">{title} scores, oldest first</VisuallyHidden>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Date</Table.Th>
                    <Table.Th scope="col">Score</Table.Th>
                    <Table.Th scope="col">Band</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.map((d) => (
                    <Table.Tr key={d.id}>
                      <Table.Td>{formatDateTime(d.at)}</Table.Td>
                      <Table.Td>{d.total}</Table.Td>
                      <Table.Td>{bands.find((b) => d.total >= (b.min ?? 0) && d.total <= (b.max ?? Infinity))?.label ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Paper>
  );
}
