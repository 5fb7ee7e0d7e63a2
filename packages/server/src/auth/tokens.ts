import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A bearer secret: 256 random bits. Only its SHA-256 is stored, so a database leak yields no usable token. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
