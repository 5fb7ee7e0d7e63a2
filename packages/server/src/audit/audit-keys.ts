import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { decodeKey, type Config } from '../config.ts';

/**
 * The keys of the audit chain. Each row's hash is an HMAC-SHA256 under the current key, and the row names the key
 * (`key_id`), so a key can be rotated: new rows use the new key, and verification looks older rows' keys up by id.
 * The keys come from the environment and are never written to the database, so the database's owner cannot
 * recompute a chain after editing it (docs/security.md).
 */
export interface AuditKeyring {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
  /** True for the development key generated into a file outside the database (never in production). */
  generated: boolean;
}

export function keyring(currentId: string, currentKey: Buffer, previous: [string, Buffer][] = [], generated = false): AuditKeyring {
  return { current: { id: currentId, key: currentKey }, byId: new Map([...previous, [currentId, currentKey]]), generated };
}

export function hmacHex(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/** Where the development key lives: beside the embedded database's directory, never inside any database. */
export function devKeyFile(config: Config): string {
  return path.join(path.dirname(path.resolve(config.KEEL_DATA_DIR)), 'audit-key.dev.json');
}

/**
 * The keyring from KEEL_AUDIT_KEY (+ KEEL_AUDIT_KEY_ID, KEEL_AUDIT_PREVIOUS_KEYS). Outside production, with no key
 * set, a random key is generated once into `audit-key.dev.json` beside the data directory (created exclusively, so
 * processes started together share one) and reported by `onGenerated`.
 */
export function auditKeyringFromConfig(config: Config, onGenerated: (file: string) => void = () => undefined): AuditKeyring {
  const previous: [string, Buffer][] = (config.KEEL_AUDIT_PREVIOUS_KEYS ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(':');
      return [pair.slice(0, at), decodeKey(pair.slice(at + 1)) ?? Buffer.alloc(0)];
    });
  const configured = config.KEEL_AUDIT_KEY ? decodeKey(config.KEEL_AUDIT_KEY) : undefined;
  if (configured) return keyring(config.KEEL_AUDIT_KEY_ID, configured, previous);
  if (config.NODE_ENV === 'production') throw new Error('KEEL_AUDIT_KEY is required when NODE_ENV=production');
  const file = devKeyFile(config);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fresh = { purpose: 'Keel DEVELOPMENT audit key: not for production (set KEEL_AUDIT_KEY)', id: 'dev', key: randomBytes(32).toString('hex') };
  try {
    fs.writeFileSync(file, JSON.stringify(fresh, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
    onGenerated(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = readDevKey(file);
  return keyring(stored.id, stored.key, previous, true);
}

function readDevKey(file: string): { id: string; key: Buffer } {
  // A process that lost the exclusive-create race may read before the winner's write lands: retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { id?: unknown; key?: unknown };
      const key = typeof parsed.key === 'string' ? decodeKey(parsed.key) : undefined;
      if (typeof parsed.id !== 'string' || !key) throw new Error(`${file} does not hold an audit key`);
      return { id: parsed.id, key };
    } catch (error) {
      if (attempt >= 20) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

let active: AuditKeyring | undefined;

/** Set once at start-up (server, CLI, tests); every audit row written by this process is keyed with it. */
export function useAuditKeys(keys: AuditKeyring): void {
  active = keys;
}

export function activeAuditKeys(): AuditKeyring {
  if (!active) throw new Error('The audit key is not configured: call useAuditKeys at start-up');
  return active;
}
