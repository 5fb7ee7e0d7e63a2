// Checks that the outcomes baseline (outcomes-sql.ts) computes the figures the API reports: the bench prints the
// figures that differ, so a ratio against a baseline doing less (or other) work cannot pass unnoticed.
import type { OutcomesReportResponse } from '@keel/contract';

interface SqlCheckpoint {
  instrument: string;
  key: string;
  eligible: number;
  with_baseline: number;
  measured: number;
  response: number;
  remission: number;
}

export interface SqlOutcomes {
  cohort: { patients: number; dosed: number };
  checkpoints: SqlCheckpoint[] | null;
  timeToResponse: { instrument: string; n: number; responders: number; medianDays: number | null }[] | null;
  sessions: number;
  adverseEvents: Record<string, number> | null;
  seriousAdverseEvents: number;
  gateBlocks: { evaluations: number; sessions: number };
  alerts: { code: string; count: number; unacknowledged: number }[] | null;
  escalations: number;
  signals: Record<string, number> | null;
  highRisk: number;
  holds: number;
  retention: Record<string, { eligible: number; retained: number }> | null;
  checkIns: { patients: number; expected: number | null; received: number | null };
  integration: { scheduled: number; attended: number };
}

/** Figure name → [API, SQL] for every compared figure that differs (empty: they agree). */
export function outcomesDifferences(api: OutcomesReportResponse, sql: SqlOutcomes): Record<string, [unknown, unknown]> {
  const pairs: [string, unknown, unknown][] = [
    ['cohort.patients', api.cohort.patients, sql.cohort.patients],
    ['cohort.dosed', api.cohort.dosed, sql.cohort.dosed],
    ['safety.sessions', api.safety.sessions, sql.sessions],
    ['safety.seriousAdverseEvents', api.safety.seriousAdverseEvents.length, sql.seriousAdverseEvents],
    ['safety.gateBlocks.evaluations', api.safety.gateBlocks.evaluations, sql.gateBlocks.evaluations],
    ['safety.gateBlocks.sessions', api.safety.gateBlocks.sessions, sql.gateBlocks.sessions],
    ['safety.escalations', api.safety.escalations, sql.escalations],
    ['dependence.highRisk', api.dependence.patientsReachingHighRisk, sql.highRisk],
    ['dependence.holds', api.dependence.holds.count, sql.holds],
    ['engagement.checkIns.patients', api.engagement.checkIns.patients, sql.checkIns.patients],
    ['engagement.checkIns.expected', api.engagement.checkIns.expected, Number(sql.checkIns.expected ?? 0)],
    ['engagement.checkIns.received', api.engagement.checkIns.received, Number(sql.checkIns.received ?? 0)],
    ['engagement.integration.scheduled', api.engagement.integration.scheduled, sql.integration.scheduled],
    ['engagement.integration.attended', api.engagement.integration.attended.numerator, sql.integration.attended],
  ];
  for (const severity of ['mild', 'moderate', 'severe'] as const) {
    pairs.push([`safety.adverseEvents.${severity}`, api.safety.adverseEvents.find((e) => e.severity === severity)?.count ?? 0, sql.adverseEvents?.[severity] ?? 0]);
  }
  // Keyed figures are compared over the keys either side names, so a figure only one side has is a difference.
  const keys = (...lists: (readonly string[])[]) => [...new Set(lists.flat())].sort();
  for (const code of keys(api.safety.alerts.map((a) => a.code), (sql.alerts ?? []).map((a) => a.code))) {
    const a = api.safety.alerts.find((x) => x.code === code);
    const s = sql.alerts?.find((x) => x.code === code);
    pairs.push([`safety.alerts.${code}`, a ? [a.count, a.unacknowledged] : null, s ? [s.count, s.unacknowledged] : null]);
  }
  for (const code of keys(api.dependence.signals.map((s) => s.code), Object.keys(sql.signals ?? {}))) {
    pairs.push([`dependence.signals.${code}`, api.dependence.signals.find((s) => s.code === code)?.onsets ?? 0, sql.signals?.[code] ?? 0]);
  }
  for (const key of keys(api.engagement.retention.map((r) => r.key), Object.keys(sql.retention ?? {}))) {
    const r = api.engagement.retention.find((x) => x.key === key);
    const s = sql.retention?.[key];
    pairs.push([`engagement.retention.${key}`, r ? [r.retained.denominator, r.retained.numerator] : [0, 0], s ? [s.eligible, s.retained] : [0, 0]]);
  }
  for (const instrument of ['phq9', 'gad7'] as const) {
    const report = api.severity[instrument];
    const sqlKeys = (sql.checkpoints ?? []).filter((x) => x.instrument === instrument).map((x) => x.key);
    for (const key of keys(report.checkpoints.filter((c) => c.eligible > 0).map((c) => c.key), sqlKeys)) {
      const c = report.checkpoints.find((x) => x.key === key);
      const s = sql.checkpoints?.find((x) => x.instrument === instrument && x.key === key);
      pairs.push([
        `${instrument}.${key}`,
        c ? [c.eligible, c.withBaseline, c.measured, c.response.numerator, c.remission.numerator] : [0, 0, 0, 0, 0],
        s ? [s.eligible, s.with_baseline, s.measured, s.response, s.remission] : [0, 0, 0, 0, 0],
      ]);
    }
    const t = sql.timeToResponse?.find((x) => x.instrument === instrument);
    pairs.push([
      `${instrument}.timeToResponse`,
      [report.timeToResponse.n, report.timeToResponse.responders, report.timeToResponse.medianDays],
      t ? [Number(t.n), Number(t.responders), t.medianDays === null ? null : Number(t.medianDays)] : [0, 0, null],
    ]);
  }
  const differences: Record<string, [unknown, unknown]> = {};
  for (const [name, a, s] of pairs) if (JSON.stringify(a) !== JSON.stringify(s)) differences[name] = [a, s];
  return differences;
}
