import type { OutcomesDrillResponse, OutcomesReportQuery, OutcomesReportResponse } from '@keel/contract';
import { api } from './client.ts';

/** The program outcomes report (docs/outcomes-report.md) and the patients behind its figures. */
export type OutcomesReport = OutcomesReportResponse;
export type OutcomesFilter = OutcomesReportQuery;

/** The filter as a query string; empty values are left out. */
export function outcomesQueryString(filter: OutcomesFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (typeof v === 'string' && v !== '') params.set(k, v);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const outcomesApi = {
  report: (filter: OutcomesFilter) => api.get<OutcomesReport>(`/reports/outcomes${outcomesQueryString(filter)}`),
  patients: (filter: OutcomesFilter, figure: string) =>
    api.get<OutcomesDrillResponse>(`/reports/outcomes/patients${outcomesQueryString(filter, { figure })}`),
  csvUrl: (filter: OutcomesFilter) => `/api/v1/reports/outcomes.csv${outcomesQueryString(filter)}`,
  pdfUrl: (filter: OutcomesFilter) => `/api/v1/reports/outcomes.pdf${outcomesQueryString(filter)}`,
};

export const outcomesKeys = {
  report: (filter: OutcomesFilter) => ['outcomes-report', filter] as const,
  patients: (filter: OutcomesFilter, figure: string) => ['outcomes-report', 'patients', filter, figure] as const,
};
