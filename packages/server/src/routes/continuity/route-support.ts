import { z } from 'zod';

/** Binary and text responses (PDF, iCalendar) are documented as strings; the handler sets the content type. */
export const textFileResponse = (mediaType: string) => ({ 200: z.string().describe(mediaType) });
/** A binary body (a Buffer): documented by media type; Fastify sends it as is. */
export const binaryFileResponse = (mediaType: string) => ({ 200: z.any().describe(`${mediaType} (binary)`) });
