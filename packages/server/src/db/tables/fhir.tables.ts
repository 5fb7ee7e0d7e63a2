import type { ColumnType, Generated } from 'kysely';
import type { Timestamp } from '../schema.ts';

export type BulkExportStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

export interface FhirBulkExportsTable {
  id: string;
  level: 'system' | 'patient';
  resource_types: string[] | null;
  since: Timestamp | null;
  request_url: string;
  requested_by: string;
  requested_at: Timestamp;
  status: Generated<BulkExportStatus>;
  patients_done: Generated<number>;
  patients_total: number | null;
  completed_at: Timestamp | null;
  error: string | null;
}

export interface FhirBulkExportFilesTable {
  export_id: string;
  resource_type: string;
  part: number;
  line_count: number;
  body: ColumnType<string, string, string>;
}

export interface FhirTables {
  fhir_bulk_exports: FhirBulkExportsTable;
  fhir_bulk_export_files: FhirBulkExportFilesTable;
}
