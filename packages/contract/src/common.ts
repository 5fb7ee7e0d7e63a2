import { z } from 'zod';

export const uuid = z.uuid();
export const isoDateTime = z.iso.datetime({ offset: true });
export const isoDate = z.iso.date();
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
