// The outcomes report's exports (docs/outcomes-report.md, "Exports"): a de-identified CSV, one row per patient, for
// research; and a PDF with the charts, signed by the person who issues it, with the definitions on its last page.
import { randomInt, randomUUID } from 'node:crypto';
import { ageBand, patientOutcomeRow, type PatientOutcomeRow, type Proportion, type ReportPatient } from '@keel/domain';
import type { OutcomesReportResponse } from '@keel/contract';
import { csvField } from '../compliance/compliance-report.ts';
import { renderPdf, type PdfBlock } from '../continuity/pdf.ts';
import type { SignatureRecord } from '../identity/signatures.ts';
import { reportSettings, type CohortMember, type LoadedReport } from './outcomes-report.ts';
import type { loadProgramSettings } from '../settings/program-settings.service.ts';

const DAY = 86_400_000;
/** Each patient's dates move by one random whole number of days in ± this range, the same for all their dates. */
export const DATE_SHIFT_DAYS = 180;

const CHECKPOINT_KEYS = ['w4', 'w8', 'w12', 'm6', 'm12'] as const;

export const OUTCOMES_CSV_COLUMNS = [
  'research_id',
  'age_band',
  'state',
  'first_dose_date_shifted',
  'ended_date_shifted',
  ...(['phq9', 'gad7'] as const).flatMap((i) => [
    `${i}_baseline`,
    ...CHECKPOINT_KEYS.map((k) => `${i}_${k}`),
    `${i}_response_day`,
    `${i}_followed_to_day`,
  ]),
  'sessions',
  'adverse_events_mild',
  'adverse_events_moderate',
  'adverse_events_severe',
  'serious_adverse_events',
  'alerts',
  'warning_sign_onsets',
  'reached_high_risk',
  'check_ins',
  'integration_attended',
  'integration_missed',
] as const;

const num = (n: number | null): string => (n === null ? '' : String(Math.round(n * 10) / 10));
const shifted = (at: string | null, shiftDays: number): string => (at === null ? '' : new Date(Date.parse(at) + shiftDays * DAY).toISOString().slice(0, 10));

/**
 * One de-identified row per cohort patient (HIPAA safe-harbour style): no name, id, date of birth or contact; a
 * research id made for this export only; age as a band; each patient's dates shifted by their own random offset
 * (intervals within a patient are kept, calendar dates are not); scores and counts as they are. Rows are shuffled so
 * their order says nothing about the cohort order.
 */
export function outcomesCsv(
  loaded: LoadedReport,
  records: readonly ReportPatient[],
  members: readonly CohortMember[],
  settings: Awaited<ReturnType<typeof loadProgramSettings>>,
): string {
  const asOf = new Date(loaded.report.asOf);
  const memberOf = new Map(members.map((m) => [m.id, m]));
  const rows = records.map((patient) => {
    const member = memberOf.get(patient.patientId);
    const row: PatientOutcomeRow = patientOutcomeRow(patient, asOf, reportSettings(settings));
    const shiftDays = randomInt(-DATE_SHIFT_DAYS, DATE_SHIFT_DAYS + 1);
    const ageAt = row.firstDoseAt ? new Date(row.firstDoseAt) : asOf;
    const instrument = (i: 'phq9' | 'gad7') => {
      const s = row.scores[i];
      return [num(s.baseline), ...CHECKPOINT_KEYS.map((k) => num(s.checkpoints[k] ?? null)), num(s.responseDay), num(s.followedToDay)];
    };
    return [
      randomUUID().slice(0, 8),
      ageBand(member?.dateOfBirth ?? '', ageAt),
      csvField(member?.state ?? ''),
      shifted(row.firstDoseAt, shiftDays),
      shifted(row.endedAt, shiftDays),
      ...instrument('phq9'),
      ...instrument('gad7'),
      String(row.sessions),
      String(row.adverseEvents.mild),
      String(row.adverseEvents.moderate),
      String(row.adverseEvents.severe),
      String(row.seriousAdverseEvents),
      String(row.alerts),
      String(row.warningSignOnsets),
      row.reachedHighRisk ? 'yes' : 'no',
      String(row.checkIns),
      String(row.integrationAttended),
      String(row.integrationMissed),
    ].join(',');
  });
  for (let i = rows.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [rows[i], rows[j]] = [rows[j] as string, rows[i] as string];
  }
  return [OUTCOMES_CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------------------------------------------------------
// PDF

const pct = (p: Proportion): string =>
  p.estimate === null ? `— (n = 0)` : `${Math.round(p.estimate * 100)}% (${p.numerator}/${p.denominator}; 95% CI ${Math.round((p.lower ?? 0) * 100)}–${Math.round((p.upper ?? 0) * 100)}%)`;
const fixed = (n: number | null, digits = 1): string => (n === null ? '—' : (Math.round(n * 10 ** digits) / 10 ** digits).toFixed(digits));
const INSTRUMENT_NAMES = { phq9: 'PHQ-9 (depression, 0–27)', gad7: 'GAD-7 (anxiety, 0–21)' } as const;
const Y_MAX = { phq9: 27, gad7: 21 } as const;

function severityBlocks(report: OutcomesReportResponse, instrument: 'phq9' | 'gad7'): PdfBlock[] {
  const r = report.severity[instrument];
  const xMax = Math.max(56, ...r.trajectories.flatMap((t) => t.points.map((p) => p.day)));
  const band = [
    { x: 0, low: r.baseline.median ?? 0, high: r.baseline.median ?? 0 },
    ...r.checkpoints
      .filter((c) => c.scores.median !== null)
      .map((c) => ({ x: c.days, low: c.scores.p25 ?? 0, high: c.scores.p75 ?? 0 })),
  ];
  const medianLine: [number, number][] = [
    ...(r.baseline.median !== null ? [[0, r.baseline.median] as [number, number]] : []),
    ...r.checkpoints.filter((c) => c.scores.median !== null).map((c) => [c.days, c.scores.median ?? 0] as [number, number]),
  ];
  return [
    { kind: 'heading', text: INSTRUMENT_NAMES[instrument] },
    {
      kind: 'paragraph',
      text: `Baseline: ${r.baseline.n} patients, mean ${fixed(r.baseline.mean)}, median ${fixed(r.baseline.median)}; ${r.baseline.missing} dosed without a baseline score (left out of change, response and remission).`,
    },
    {
      kind: 'lineChart',
      title: `${r.trajectories.length < r.baseline.n ? `An even sample of ${r.trajectories.length} of the ${r.baseline.n} patients’` : 'Each patient’s'} scores (grey), the median at each checkpoint (blue) with the middle half of patients shaded`,
      xLabel: 'days since the first dose',
      yLabel: 'score',
      xMax,
      yMax: Y_MAX[instrument],
      band: band.length > 1 ? band : undefined,
      lines: [
        ...r.trajectories.map((t) => ({ points: t.points.map((p) => [p.day, p.total] as [number, number]), color: '#adb5bd', width: 0.5 })),
        { points: medianLine, color: '#1c5fa8', width: 2 },
      ],
    },
    {
      kind: 'table',
      header: ['Checkpoint (± window)', 'Due / measured / missing', 'Mean change', 'Response', 'Remission'],
      rows: r.checkpoints.map((c) => [
        `${c.label} (day ${c.days} ± ${c.windowDays})`,
        `${c.withBaseline} / ${c.measured} / ${c.missing}`,
        fixed(c.meanChange),
        pct(c.response),
        pct(c.remission),
      ]),
    },
    {
      kind: 'barChart',
      title: 'Response at each checkpoint (bar) with its 95% Wilson interval (whisker)',
      items: r.checkpoints.map((c) => ({ label: c.label, estimate: c.response.estimate, lower: c.response.lower, upper: c.response.upper, note: `n = ${c.measured}` })),
    },
    {
      kind: 'lineChart',
      title: `Time to response (Kaplan–Meier, share responded; censored at the last score): ${r.timeToResponse.responders} of ${r.timeToResponse.n} responded, median ${r.timeToResponse.medianDays === null ? 'not reached' : `${fixed(r.timeToResponse.medianDays, 0)} days`}`,
      xLabel: 'days since the first dose',
      yLabel: 'share responded',
      xMax: Math.max(56, ...r.timeToResponse.steps.map((s) => s.time)),
      yMax: 1,
      lines: [{ points: [[0, 0], ...r.timeToResponse.steps.map((s) => [s.time, 1 - s.survival] as [number, number])], color: '#2b8a3e', width: 1.5, step: true }],
    },
  ];
}

export const REPORT_DEFINITIONS: readonly [term: string, definition: string][] = [
  ['Cohort', 'Patients enrolled (approved, active or discharged) who match the filter and were in the program during the period; a clinician’s report holds only their own care-team patients.'],
  ['First dose', 'The first session authorized for dosing.'],
  ['Baseline', 'The last score before the first dose. Patients without one (or with a baseline of 0) are left out of change, response and remission, and counted as missing.'],
  ['Checkpoint score', 'The score nearest the checkpoint day within its window (± 7 days at weeks 4 and 8, ± 14 at week 12, ± 30 at month 6, ± 45 at month 12); a tie goes to the later score. A checkpoint counts only once its window has closed.'],
  ['Response', 'A fall of at least 50% from baseline (the program setting).'],
  ['Remission', 'A score below 5 on PHQ-9 or GAD-7 (the program setting).'],
  ['Missing', 'A patient due at a checkpoint with a baseline but no score in the window. Missing scores are never imputed: rates are over the patients measured, and the share followed up is shown beside them.'],
  ['95% confidence interval', 'The Wilson score interval for a proportion (Wilson 1927; Newcombe 1998).'],
  ['Time to response', 'Kaplan–Meier estimate (Kaplan & Meier 1958) of the first on-treatment score meeting response, in days since the first dose; patients who have not responded are censored at their last score.'],
  ['Adverse events per 100 sessions', 'Adverse events reported in the period by severity, over the sessions with a dose taken in the period.'],
  ['Time to acknowledgement', 'Minutes from an alert being raised to a clinician acknowledging it, for alerts raised in the period; median and 90th percentile (linear interpolation).'],
  ['Warning-sign incidence', 'New appearances of a dependence warning sign in the risk evaluations (present now, absent in the previous evaluation) per 100 patient-months of dosed time in the period.'],
  ['Dosing holds', 'Alerts that held dosing, raised in the period, by how they were resolved (still held if open).'],
  ['Retention', 'Among patients whose milestone (8 weeks, 6 months after the first dose) has passed, those with any contact (score, check-in, dose, attended integration session) from 14 days before the milestone on.'],
  ['Check-in adherence', 'Weeks of treatment (7-day slots counted from the first dose) with at least one check-in, over the weeks that lie wholly in the period before discharge.'],
  ['Integration sessions', 'Integration-coaching appointments of the cohort in the period that were attended, over those attended or missed.'],
];

export async function outcomesPdf(report: OutcomesReportResponse, generatedAt: Date, signature: SignatureRecord | null): Promise<Buffer> {
  const s = report.safety;
  const d = report.dependence;
  const e = report.engagement;
  const scopeText = report.scope === 'program' ? 'the whole program' : 'the issuing clinician’s own patients';
  const filters = Object.entries(report.filters)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  const blocks: PdfBlock[] = [
    { kind: 'title', text: 'Keel program outcomes report' },
    {
      kind: 'subtitle',
      text: `Period ${report.period.from} to ${report.period.to} · as of ${report.asOf} · ${scopeText}${filters ? ` · filter: ${filters}` : ''} · generated ${generatedAt.toISOString()}`,
    },
    signature
      ? {
          kind: 'fields',
          rows: [
            ['Signed by', signature.printedName],
            ['Meaning', 'approved for release'],
            ['Signed at', signature.signedAt],
            ['Signature id', signature.id],
            ['SHA-256 of the figures', signature.recordSha256],
          ],
        }
      : { kind: 'notice', text: 'Unsigned draft: the figures have not been approved for release.' },
    {
      kind: 'fields',
      rows: [
        ['Patients in the cohort', String(report.cohort.patients)],
        ['Dosed', String(report.cohort.dosed)],
        ['Not yet dosed', String(report.cohort.notDosed)],
      ],
    },
    ...severityBlocks(report, 'phq9'),
    ...severityBlocks(report, 'gad7'),
    { kind: 'heading', text: 'Safety' },
    {
      kind: 'table',
      header: ['Adverse events', 'Count', 'Per 100 sessions'],
      rows: s.adverseEvents.map((a) => [a.severity, String(a.count), fixed(a.per100Sessions, 2)]),
    },
    { kind: 'paragraph', text: `${s.sessions} sessions with a dose taken in the period; ${s.seriousAdverseEvents.length} serious adverse events; ${s.escalations} alert escalations.` },
    ...(s.seriousAdverseEvents.length > 0
      ? [{ kind: 'list' as const, items: s.seriousAdverseEvents.map((x) => `${x.at.slice(0, 10)} · ${x.patientKey} · ${x.severity} · ${x.kind}: ${x.description}`) }]
      : []),
    {
      kind: 'table',
      header: ['Sessions blocked by the gate, by reason', 'Evaluations'],
      rows: s.gateBlocks.byReason.length > 0 ? s.gateBlocks.byReason.map((r) => [r.code, String(r.count)]) : [['none', '0']],
    },
    {
      kind: 'table',
      header: ['Alerts by kind', 'Raised', 'Not acknowledged', 'Median minutes to ack.', '90th percentile'],
      rows: [
        ...s.alerts.map((a) => [a.code, String(a.count), String(a.unacknowledged), fixed(a.timeToAcknowledge.medianMinutes, 0), fixed(a.timeToAcknowledge.p90Minutes, 0)]),
        ['All alerts', String(s.alertsOverall.count), String(s.alertsOverall.unacknowledged), fixed(s.alertsOverall.timeToAcknowledge.medianMinutes, 0), fixed(s.alertsOverall.timeToAcknowledge.p90Minutes, 0)],
      ],
    },
    { kind: 'heading', text: 'Dependence watch' },
    {
      kind: 'table',
      header: ['Warning sign', 'New onsets', 'Patients', 'Per 100 patient-months'],
      rows: d.signals.length > 0 ? d.signals.map((x) => [x.code, String(x.onsets), String(x.patients), fixed(x.per100PatientMonths, 2)]) : [['none', '0', '0', '—']],
    },
    {
      kind: 'paragraph',
      text: `${fixed(d.patientMonths, 1)} patient-months of dosed time; ${d.patientsReachingHighRisk} patients reached high dependence risk; ${d.holds.count} dosing holds (${d.holds.byOutcome.map((h) => `${h.outcome} ${h.count}`).join(', ') || 'none'}).`,
    },
    { kind: 'heading', text: 'Engagement' },
    {
      kind: 'barChart',
      title: 'Retention (bar) with its 95% Wilson interval',
      items: e.retention.map((r) => ({ label: r.label, estimate: r.retained.estimate, lower: r.retained.lower, upper: r.retained.upper, note: pct(r.retained) })),
    },
    {
      kind: 'fields',
      rows: [
        ['Check-in adherence (weeks with a check-in)', pct(e.checkIns.adherence)],
        ['Median patient adherence', e.checkIns.medianPatientAdherence === null ? '—' : `${Math.round(e.checkIns.medianPatientAdherence * 100)}%`],
        ['Integration sessions attended', pct(e.integration.attended)],
      ],
    },
    { kind: 'pageBreak' },
    { kind: 'heading', text: 'Definitions' },
    { kind: 'fields', rows: REPORT_DEFINITIONS.map(([term, definition]) => [term, definition]) },
    { kind: 'notice', text: 'Patients appear only as per-report pseudonyms (P1, P2 …). Figures come from the live record as of the time above.' },
  ];
  return renderPdf({ title: 'Keel program outcomes report', createdAt: generatedAt }, blocks);
}
