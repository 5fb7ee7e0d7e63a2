import { Alert, Anchor, Button, Drawer, Group, List, Modal, Paper, PasswordInput, Select, SimpleGrid, Stack, Table, Tabs, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, ErrorBar, Line, LineChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { adminApi } from '../../api/admin-api.ts';
import { outcomesApi, outcomesKeys, type OutcomesFilter, type OutcomesReport } from '../../api/outcomes-api.ts';
import { label } from '../../components/labels.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { QueryView } from '../clinician/query-view.tsx';
import { formatDateTime } from '../clinician/format.ts';

type Proportion = OutcomesReport['engagement']['checkIns']['adherence'];
type Instrument = OutcomesReport['severity']['phq9'];

const filterKeys = ['from', 'to', 'startMonth', 'state', 'clinicianId', 'route'] as const;

/** "68% (15/22; 95% CI 47–84%)", or the counts alone when there is no estimate. */
export function proportionWords(p: Proportion): string {
  if (p.estimate === null) return `— (${p.numerator}/${p.denominator})`;
  const pct = (x: number) => Math.round(x * 100);
  const ci = p.lower !== null && p.upper !== null ? `; 95% CI ${pct(p.lower)}–${pct(p.upper)}%` : '';
  return `${pct(p.estimate)}% (${p.numerator}/${p.denominator}${ci})`;
}

const num = (x: number | null, digits = 1) => (x === null ? '—' : String(Math.round(x * 10 ** digits) / 10 ** digits));

/** A count with the patients behind it one click away (when the report names a figure for it). */
function Figure({ figure, report, count, onOpen }: { figure: string; report: OutcomesReport; count: number; onOpen: (figure: string) => void }) {
  if (!(figure in report.figures) || count === 0) return <>{count}</>;
  return (
    <Anchor component="button" type="button" onClick={() => onOpen(figure)} data-figure={figure} aria-label={`${count}: show the patients`}>
      {count}
    </Anchor>
  );
}

/** Words that open the patients behind a figure (when the report names one). */
function FigureText({ figure, report, show, onOpen, children }: { figure: string; report: OutcomesReport; show: boolean; onOpen: (figure: string) => void; children: string }) {
  if (!(figure in report.figures) || !show) return <>{children}</>;
  return (
    <Anchor component="button" type="button" ta="left" fz="sm" onClick={() => onOpen(figure)} data-figure={figure}>
      {children}
    </Anchor>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={id} data-testid={`outcomes-${title.toLowerCase().replace(/\s+/g, '-')}`}>
      <Stack gap="md">
        <Title order={2} size="h3" id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function ChartBox({ children, height = 240 }: { children: ReactNode; height?: number }) {
  return (
    <div aria-hidden="true" style={{ width: '100%', height }}>
      <ResponsiveContainer width="100%" height="100%">
        {children as never}
      </ResponsiveContainer>
    </div>
  );
}

function Filters({ filter, admin, onChange }: { filter: OutcomesFilter; admin: boolean; onChange: (key: (typeof filterKeys)[number], value: string) => void }) {
  const clinicians = useQuery({ queryKey: ['admin', 'accounts', { role: 'clinician' }], queryFn: () => adminApi.accounts({ role: 'clinician' }), enabled: admin });
  return (
    <Paper withBorder p="md" radius="md" component="form" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <SimpleGrid cols={{ base: 1, sm: 3, lg: 6 }}>
        <TextInput type="date" label="Period from" value={filter.from ?? ''} onChange={(e) => onChange('from', e.currentTarget.value)} />
        <TextInput type="date" label="Period to" value={filter.to ?? ''} onChange={(e) => onChange('to', e.currentTarget.value)} />
        <TextInput type="month" label="Start month" value={filter.startMonth ?? ''} onChange={(e) => onChange('startMonth', e.currentTarget.value)} />
        <TextInput label="State" placeholder="e.g. CA" maxLength={2} value={filter.state ?? ''} onChange={(e) => onChange('state', e.currentTarget.value.toUpperCase())} />
        {admin && (
          <Select
            label="Clinician"
            clearable
            placeholder="All clinicians"
            data={(clinicians.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
            value={filter.clinicianId ?? null}
            onChange={(v) => onChange('clinicianId', v ?? '')}
          />
        )}
        <Select
          label="Route"
          clearable
          placeholder="Any route"
          data={[
            { value: 'sublingual', label: 'Sublingual' },
            { value: 'oral', label: 'Oral' },
          ]}
          value={filter.route ?? null}
          onChange={(v) => onChange('route', v ?? '')}
        />
      </SimpleGrid>
    </Paper>
  );
}

function SignModal({ filter, opened, onClose }: { filter: OutcomesFilter; opened: boolean; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const sign = async () => {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/api/v1/reports/outcomes/signed.pdf', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/pdf, application/problem+json' },
        body: JSON.stringify({ query: filter, signature: { password } }),
      });
      if (!response.ok) {
        const problem = (await response.json().catch(() => null)) as { detail?: string; title?: string } | null;
        setError(response.status === 422 ? `The report was not signed: ${problem?.detail ?? 'the password is not right.'}` : (problem?.detail ?? problem?.title ?? 'The report could not be signed.'));
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = 'outcomes-report-signed.pdf';
      a.click();
      URL.revokeObjectURL(url);
      setPassword('');
      onClose();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Sign and download the report">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void sign();
        }}
      >
        <Stack>
          <Text size="sm">Your password is your electronic signature on this report. The signing is recorded.</Text>
          <PasswordInput label="Your password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoComplete="current-password" />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy} disabled={password === ''}>
            Sign and download
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function PatientsDrawer({ filter, figure, onClose, chartPath }: { filter: OutcomesFilter; figure: string | null; onClose: () => void; chartPath: ((id: string) => string) | undefined }) {
  const query = useQuery({ queryKey: outcomesKeys.patients(filter, figure ?? ''), queryFn: () => outcomesApi.patients(filter, figure ?? ''), enabled: figure !== null });
  return (
    <Drawer opened={figure !== null} onClose={onClose} position="right" title="Patients behind this figure" data-testid="outcomes-drill">
      <Stack>
        <Text size="sm">Opening this list is recorded in the audit log.</Text>
        {figure !== null && (
          <QueryView query={query} what="the patients">
            {(data) =>
              data.items.length === 0 ? (
                <Text size="sm">No patients.</Text>
              ) : (
                <List data-testid="outcomes-drill-list">
                  {data.items.map((p) => (
                    <List.Item key={p.patientId}>
                      {chartPath ? (
                        <Anchor component={Link} to={chartPath(p.patientId)}>
                          {p.name}
                        </Anchor>
                      ) : (
                        p.name
                      )}{' '}
                      ({p.state})
                    </List.Item>
                  ))}
                </List>
              )
            }
          </QueryView>
        )}
      </Stack>
    </Drawer>
  );
}

function InstrumentView({ inst, name, report, open }: { inst: Instrument; name: string; report: OutcomesReport; open: (f: string) => void }) {
  const maxDay = Math.max(0, ...inst.trajectories.flatMap((t) => t.points.map((p) => p.day)), ...inst.checkpoints.map((c) => c.days));
  const minDay = Math.min(0, ...inst.trajectories.flatMap((t) => t.points.map((p) => p.day)));
  const band = inst.checkpoints.map((c) => ({ day: c.days, median: c.scores.median, band: c.scores.p25 !== null && c.scores.p75 !== null ? [c.scores.p25, c.scores.p75] : null }));
  const rate = (p: Proportion) => (p.estimate === null ? 0 : Math.round(p.estimate * 1000) / 10);
  const err = (p: Proportion) => (p.estimate === null || p.lower === null || p.upper === null ? [0, 0] : [(p.estimate - p.lower) * 100, (p.upper - p.estimate) * 100]);
  const rates = inst.checkpoints.map((c) => ({ name: c.key.toUpperCase(), response: rate(c.response), responseErr: err(c.response), remission: rate(c.remission), remissionErr: err(c.remission) }));
  const ttr = inst.timeToResponse;
  const km = [{ time: 0, share: 0 }, ...ttr.steps.map((s) => ({ time: s.time, share: Math.round((1 - s.survival) * 1000) / 10 }))];
  const key = inst.instrument;
  return (
    <Stack gap="md">
      <Text size="sm">
        Baseline: {inst.baseline.n} measured, {inst.baseline.missing} missing; mean {num(inst.baseline.mean)}, median {num(inst.baseline.median)}.
      </Text>
      <Title order={3} size="h4">
        Scores since the first dose
      </Title>
      <ChartBox height={260}>
        <ComposedChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#c9d1d6" />
          <XAxis dataKey="day" type="number" domain={[minDay, maxDay]} allowDuplicatedCategory={false} stroke="#495057" fontSize={12} />
          <YAxis domain={[0, inst.instrument === 'phq9' ? 27 : 21]} stroke="#495057" fontSize={12} width={32} />
          <Area data={band} dataKey="band" type="linear" fill="#125e6c" fillOpacity={0.15} stroke="none" isAnimationActive={false} connectNulls />
          {inst.trajectories.map((t) => (
            <Line key={t.key} data={t.points} dataKey="total" type="linear" stroke="#adb5bd" strokeOpacity={0.6} strokeWidth={1} dot={false} isAnimationActive={false} />
          ))}
          <Line data={band} dataKey="median" type="linear" stroke="#125e6c" strokeWidth={3} dot={{ r: 4 }} isAnimationActive={false} connectNulls />
        </ComposedChart>
      </ChartBox>
      <Text size="xs" c="dimmed">
        Grey lines: {inst.trajectories.length < inst.baseline.n ? `an even sample of ${inst.trajectories.length} of the ${inst.baseline.n} patients’ ${name} scores` : `each patient’s ${name} scores (${inst.trajectories.length} patients)`} by days since the first dose. Dark line: the median at each checkpoint; shaded band: 25th to 75th percentile.
      </Text>
      <Table.ScrollContainer minWidth={720}>
        <Table striped withTableBorder data-testid={`outcomes-${key}-checkpoints`}>
          <VisuallyHidden component="caption">{name} at each checkpoint</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Checkpoint</Table.Th>
              <Table.Th scope="col">Due</Table.Th>
              <Table.Th scope="col">Measured</Table.Th>
              <Table.Th scope="col">Missing</Table.Th>
              <Table.Th scope="col">Median (p25–p75)</Table.Th>
              <Table.Th scope="col">Mean change</Table.Th>
              <Table.Th scope="col">Response</Table.Th>
              <Table.Th scope="col">Remission</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {inst.checkpoints.map((c) => (
              <Table.Tr key={c.key}>
                <Table.Th scope="row">{c.label}</Table.Th>
                <Table.Td>{c.eligible}</Table.Td>
                <Table.Td>
                  <Figure figure={`${key}.${c.key}.measured`} report={report} count={c.measured} onOpen={open} />
                </Table.Td>
                <Table.Td>
                  <Figure figure={`${key}.${c.key}.missing`} report={report} count={c.missing} onOpen={open} />
                </Table.Td>
                <Table.Td>
                  {num(c.scores.median)} ({num(c.scores.p25)}–{num(c.scores.p75)})
                </Table.Td>
                <Table.Td>{num(c.meanChange)}</Table.Td>
                <Table.Td>
                  <FigureText figure={`${key}.${c.key}.response`} report={report} show={c.response.numerator > 0} onOpen={open}>
                    {proportionWords(c.response)}
                  </FigureText>
                </Table.Td>
                <Table.Td>
                  <FigureText figure={`${key}.${c.key}.remission`} report={report} show={c.remission.numerator > 0} onOpen={open}>
                    {proportionWords(c.remission)}
                  </FigureText>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack gap="xs">
          <Title order={3} size="h4">
            Response and remission rates
          </Title>
          <ChartBox>
            <BarChart data={rates} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" stroke="#c9d1d6" />
              <XAxis dataKey="name" stroke="#495057" fontSize={12} interval={0} />
              <YAxis domain={[0, 100]} unit="%" stroke="#495057" fontSize={12} width={44} />
              <Bar dataKey="response" fill="#125e6c" isAnimationActive={false}>
                <ErrorBar dataKey="responseErr" width={4} stroke="#212529" />
              </Bar>
              <Bar dataKey="remission" fill="#7fb8c2" isAnimationActive={false}>
                <ErrorBar dataKey="remissionErr" width={4} stroke="#212529" />
              </Bar>
            </BarChart>
          </ChartBox>
          <Text size="xs" c="dimmed">
            Dark bars: the share responding, light bars: the share in remission, at each checkpoint (W4 = week 4, M6 = month 6); whiskers: the 95% confidence interval. The table above gives the figures.
          </Text>
        </Stack>
        <Stack gap="xs">
          <Title order={3} size="h4">
            Time to response
          </Title>
          <ChartBox>
            <LineChart data={km} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" stroke="#c9d1d6" />
              <XAxis dataKey="time" type="number" stroke="#495057" fontSize={12} />
              <YAxis domain={[0, 100]} unit="%" stroke="#495057" fontSize={12} width={44} />
              <Line dataKey="share" type="stepAfter" stroke="#125e6c" strokeWidth={2} dot={false} isAnimationActive={false} />
            </LineChart>
          </ChartBox>
          <Text size="sm" data-testid={`outcomes-${key}-km`}>
            Share responded over days since the first dose (Kaplan–Meier): {ttr.n} patients followed, {ttr.responders} responded, {ttr.censored} censored
            {ttr.notFollowed > 0 ? `, ${ttr.notFollowed} without a baseline to follow` : ''}. Median time to response: {ttr.medianDays === null ? 'not reached' : `${num(ttr.medianDays, 0)} days`}.
            {ttr.steps.length > 0 && ` By day ${Math.round(ttr.steps[ttr.steps.length - 1]?.time ?? 0)}: ${km[km.length - 1]?.share}% responded.`}
          </Text>
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}

function Severity({ report, open }: { report: OutcomesReport; open: (f: string) => void }) {
  return (
    <Section title="Severity">
      <Tabs defaultValue="phq9" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="phq9">PHQ-9 (depression)</Tabs.Tab>
          <Tabs.Tab value="gad7">GAD-7 (anxiety)</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="phq9" pt="md">
          <InstrumentView inst={report.severity.phq9} name="PHQ-9" report={report} open={open} />
        </Tabs.Panel>
        <Tabs.Panel value="gad7" pt="md">
          <InstrumentView inst={report.severity.gad7} name="GAD-7" report={report} open={open} />
        </Tabs.Panel>
      </Tabs>
    </Section>
  );
}

function SimpleTable({ caption, head, rows, testId }: { caption: string; head: string[]; rows: ReactNode[][]; testId?: string }) {
  return (
    <Table.ScrollContainer minWidth={320}>
      <Table striped withTableBorder data-testid={testId}>
        <VisuallyHidden component="caption">{caption}</VisuallyHidden>
        <Table.Thead>
          <Table.Tr>
            {head.map((h) => (
              <Table.Th key={h} scope="col">
                {h}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={head.length}>None in this period.</Table.Td>
            </Table.Tr>
          ) : (
            rows.map((r, i) => (
              <Table.Tr key={i}>
                {r.map((cell, j) => (
                  <Table.Td key={j}>{cell}</Table.Td>
                ))}
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Safety({ report, open }: { report: OutcomesReport; open: (f: string) => void }) {
  const s = report.safety;
  return (
    <Section title="Safety">
      <Text size="sm">
        {s.sessions} sessions in the period; <Figure figure="safety.escalations" report={report} count={s.escalations} onOpen={open} /> escalations.
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack gap="xs">
          <Title order={3} size="h4">
            Adverse events per 100 sessions
          </Title>
          <ChartBox height={200}>
            <BarChart data={s.adverseEvents.map((a) => ({ name: label(a.severity), rate: a.per100Sessions ?? 0 }))} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" stroke="#c9d1d6" />
              <XAxis dataKey="name" stroke="#495057" fontSize={12} />
              <YAxis stroke="#495057" fontSize={12} width={36} />
              <Bar dataKey="rate" fill="#b35c00" isAnimationActive={false} />
            </BarChart>
          </ChartBox>
          <SimpleTable
            caption="Adverse events by severity"
            head={['Severity', 'Events', 'Per 100 sessions']}
            rows={s.adverseEvents.map((a) => [label(a.severity), <Figure key="c" figure={`safety.adverseEvents.${a.severity}`} report={report} count={a.count} onOpen={open} />, num(a.per100Sessions)])}
          />
        </Stack>
        <Stack gap="xs">
          <Title order={3} size="h4">
            Serious adverse events (<Figure figure="safety.seriousAdverseEvents" report={report} count={s.seriousAdverseEvents.length} onOpen={open} />)
          </Title>
          <SimpleTable
            caption="Serious adverse events"
            head={['When', 'Patient', 'Severity', 'Kind', 'What happened']}
            rows={s.seriousAdverseEvents.map((e) => [formatDateTime(e.at), e.patientKey, label(e.severity), label(e.kind), e.description])}
          />
        </Stack>
      </SimpleGrid>
      <Title order={3} size="h4">
        Dosing gate blocks
      </Title>
      <Text size="sm">
        {s.gateBlocks.evaluations} gate evaluations across {s.gateBlocks.sessions} sessions blocked a dose.
      </Text>
      <SimpleTable
        caption="Gate blocks by reason"
        head={['Reason', 'Blocks']}
        rows={s.gateBlocks.byReason.map((r) => [label(r.code), <Figure key="c" figure={`safety.gateBlocks.${r.code}`} report={report} count={r.count} onOpen={open} />])}
      />
      <Title order={3} size="h4">
        Alerts
      </Title>
      <SimpleTable
        caption="Alerts by kind"
        testId="outcomes-alerts"
        head={['Kind', 'Count', 'Not acknowledged', 'Median minutes to acknowledge', '90th percentile minutes']}
        rows={[
          ...s.alerts.map((a) => [label(a.code), <Figure key="c" figure={`safety.alerts.${a.code}`} report={report} count={a.count} onOpen={open} />, a.unacknowledged, num(a.timeToAcknowledge.medianMinutes, 0), num(a.timeToAcknowledge.p90Minutes, 0)]),
          ...(s.alerts.length > 0
            ? [['All alerts', s.alertsOverall.count, s.alertsOverall.unacknowledged, num(s.alertsOverall.timeToAcknowledge.medianMinutes, 0), num(s.alertsOverall.timeToAcknowledge.p90Minutes, 0)]]
            : []),
        ]}
      />
    </Section>
  );
}

function Dependence({ report, open }: { report: OutcomesReport; open: (f: string) => void }) {
  const d = report.dependence;
  return (
    <Section title="Dependence watch">
      <Text size="sm">
        {num(d.patientMonths)} patient-months observed; <Figure figure="dependence.highRisk" report={report} count={d.patientsReachingHighRisk} onOpen={open} /> patients reached high risk.
      </Text>
      <ChartBox height={220}>
        <BarChart data={d.signals.map((s) => ({ name: label(s.code), rate: s.per100PatientMonths ?? 0 }))} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#c9d1d6" />
          <XAxis dataKey="name" stroke="#495057" fontSize={11} />
          <YAxis stroke="#495057" fontSize={12} width={36} />
          <Bar dataKey="rate" fill="#6741d9" isAnimationActive={false} />
        </BarChart>
      </ChartBox>
      <SimpleTable
        caption="Warning-sign onsets by signal"
        head={['Signal', 'Onsets', 'Patients', 'Per 100 patient-months']}
        rows={d.signals.map((s) => [label(s.code), s.onsets, <Figure key="c" figure={`dependence.signals.${s.code}`} report={report} count={s.patients} onOpen={open} />, num(s.per100PatientMonths)])}
      />
      <Title order={3} size="h4">
        Dosing holds ({d.holds.count})
      </Title>
      <SimpleTable caption="Dosing holds by outcome" head={['Outcome', 'Holds']} rows={d.holds.byOutcome.map((h) => [label(h.outcome), <Figure key="c" figure={`dependence.holds.${h.outcome}`} report={report} count={h.count} onOpen={open} />])} />
    </Section>
  );
}

function Engagement({ report, open }: { report: OutcomesReport; open: (f: string) => void }) {
  const e = report.engagement;
  return (
    <Section title="Engagement">
      <SimpleTable
        caption="Retention"
        head={['Retention', 'Retained', 'Lost']}
        rows={e.retention.map((r) => [
          r.label,
          proportionWords(r.retained),
          <Figure key="c" figure={`engagement.retention.${r.key}.lost`} report={report} count={r.retained.denominator - r.retained.numerator} onOpen={open} />,
        ])}
      />
      <Text size="sm">
        Check-ins: {e.checkIns.received} of {e.checkIns.expected} expected from {e.checkIns.patients} patients, {proportionWords(e.checkIns.adherence)}; median per patient{' '}
        {e.checkIns.medianPatientAdherence === null ? '—' : `${Math.round(e.checkIns.medianPatientAdherence * 100)}%`}.
      </Text>
      <Text size="sm">
        Integration sessions: {e.integration.scheduled} scheduled, attended {proportionWords(e.integration.attended)}.
      </Text>
    </Section>
  );
}

/** The program outcomes report for a clinician (their patients) or an admin (the whole program). */
/** `chartPath` links each named patient to their chart where the role has one (a clinician). */
export function OutcomesPage({ admin, chartPath }: { admin: boolean; chartPath?: (patientId: string) => string }) {
  const [search, setSearch] = useSearchParams();
  const filter: OutcomesFilter = {};
  for (const k of filterKeys) {
    const v = search.get(k);
    if (v) (filter as Record<string, string>)[k] = v;
  }
  if (!admin) delete filter.clinicianId;
  const query = useQuery({ queryKey: outcomesKeys.report(filter), queryFn: () => outcomesApi.report(filter) });
  const [figure, setFigure] = useState<string | null>(null);
  const [signing, setSigning] = useState(false);
  const change = (key: (typeof filterKeys)[number], value: string) =>
    setSearch(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  return (
    <>
      <PageHeader title="Outcomes" description="Severity, safety, dependence watch and engagement for the patients in the program, over a period. Every count with a link names the patients behind it." />
      <Stack gap="lg">
        <Filters filter={filter} admin={admin} onChange={change} />
        <QueryView query={query} what="the outcomes report" loadingLabel="Loading the outcomes report…">
          {(report) => (
            <Stack gap="lg">
              <Paper withBorder p="md" radius="md">
                <Stack gap="xs">
                  <Group justify="space-between" wrap="wrap">
                    <Title order={2} size="h3" data-testid="outcomes-scope">
                      {report.scope === 'program' ? 'Whole program' : 'Your patients'}
                    </Title>
                    <Group gap="xs" wrap="wrap">
                      <Button component="a" href={outcomesApi.csvUrl(filter)} download variant="light" size="sm">
                        Download de-identified CSV
                      </Button>
                      <Button component="a" href={outcomesApi.pdfUrl(filter)} download variant="light" size="sm">
                        Download PDF draft
                      </Button>
                      <Button size="sm" onClick={() => setSigning(true)}>
                        Sign and download PDF
                      </Button>
                    </Group>
                  </Group>
                  <Text size="sm" data-testid="outcomes-cohort">
                    {report.cohort.patients} patients: <Figure figure="cohort.dosed" report={report} count={report.cohort.dosed} onOpen={setFigure} /> dosed,{' '}
                    <Figure figure="cohort.notDosed" report={report} count={report.cohort.notDosed} onOpen={setFigure} /> not yet dosed. Period {report.period.from} to {report.period.to}. As of {formatDateTime(report.asOf)}.
                  </Text>
                </Stack>
              </Paper>
              <Severity report={report} open={setFigure} />
              <Safety report={report} open={setFigure} />
              <Dependence report={report} open={setFigure} />
              <Engagement report={report} open={setFigure} />
            </Stack>
          )}
        </QueryView>
      </Stack>
      <PatientsDrawer filter={filter} figure={figure} onClose={() => setFigure(null)} chartPath={chartPath} />
      <SignModal filter={filter} opened={signing} onClose={() => setSigning(false)} />
    </>
  );
}

