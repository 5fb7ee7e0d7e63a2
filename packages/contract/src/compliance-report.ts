// The records for inspection (docs/compliance.md): a patient's or a prescriber's prescriptions and dispenses with
// the pathway, credentials and PDMP check in force for each, as CSV or PDF.
import { z } from 'zod';
import { eventDate } from './common.ts';

/** The period, in the program's calendar days, both inclusive; without them, every record. */
export const complianceReportQuery = z
  .strictObject({ from: eventDate.optional(), to: eventDate.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['to'] });
