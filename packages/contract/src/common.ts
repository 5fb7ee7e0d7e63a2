import { z } from 'zod';

export const uuid = z.uuid();
/**
 * Dates a person or a clinic could mean. Keel's records start with the program (no event before 2000) and nothing
 * is planned past 2099; a date of birth is from 1900 on (its upper bound, today, is checked where the clock is).
 * Year 0001 or 9999 is a typo or a probe, and is refused as a 422 naming the field.
 */
const earliestEvent = '2000-01-01';
const latestEvent = '2100-01-01';
const inYears = (from: string, until: string) => (value: string) => value.slice(0, 10) >= from && value.slice(0, 10) < until;
/** The instant in UTC, so an offset cannot carry 2099-12-31T23:00-05:00 into 2100. */
const utcDay = (value: string): string => {
  const ms = Date.parse(value);
  return Number.isNaN(ms) || Math.abs(ms) > 8.64e15 ? '' : new Date(ms).toISOString();
};
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine((v) => inYears(earliestEvent, latestEvent)(utcDay(v)), { message: 'must be a date between 2000 and 2099' });
export const isoDate = z.iso.date().refine(inYears('1900-01-01', latestEvent), { message: 'must be a date between 1900 and 2099' });
export const eventDate = isoDate.refine(inYears(earliestEvent, latestEvent), { message: 'must be a date between 2000 and 2099' });
export const email = z.email().max(254).transform((v) => v.toLowerCase());
export const roleSchema = z.enum(['patient', 'sitter', 'clinician', 'coach', 'admin']);
export type Role = z.infer<typeof roleSchema>;
export const usState = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be a two-letter US state code');
/** Short free text (names, titles); long text has its own limit. */
export const shortText = z.string().trim().min(1).max(200);
export const longText = z.string().max(10_000);

export const fieldErrorSchema = z.object({ field: z.string(), message: z.string() });
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .loose();
export type Problem = z.infer<typeof problemSchema>;

export const patientParams = z.strictObject({ patientId: uuid });
export const idParams = z.strictObject({ id: uuid });

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
