import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * The built web app's files, precompressed once (docs/perf.md): for each text file a `.br` (brotli, quality 11) and
 * a `.gz` (gzip, level 9) beside it, written when missing or older than the file, so a restart over an unchanged
 * build compresses nothing. @fastify/static (`preCompressed`) then serves the best one the client accepts with
 * `Content-Encoding` and `Vary: Accept-Encoding`. A compressed copy that is not smaller is not written.
 */
const compressible = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map', '.webmanifest', '.xml']);
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export const encodings = [
  { encoding: 'br', ext: '.br', compress: (b: Buffer) => brotli(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }) },
  { encoding: 'gzip', ext: '.gz', compress: (b: Buffer) => gzip(b, { level: 9 }) },
] as const;

function* files(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

/** Writes the missing or stale compressed copies under `root`; returns how many it wrote. Never throws. */
export async function precompressWebDist(root: string, log?: (message: string) => void): Promise<number> {
  let written = 0;
  try {
    for (const file of files(root)) {
      if (!compressible.has(path.extname(file))) continue;
      const stat = fs.statSync(file);
      let source: Buffer | undefined;
      for (const { ext, compress } of encodings) {
        const target = file + ext;
        const existing = fs.statSync(target, { throwIfNoEntry: false });
        if (existing && existing.mtimeMs >= stat.mtimeMs) continue;
        source ??= fs.readFileSync(file);
        const compressed = await compress(source);
        if (compressed.length >= source.length) {
          if (existing) fs.rmSync(target, { force: true });
          continue;
        }
        // Written beside and renamed, so a request never reads a half-written copy.
        const partial = `${target}.${process.pid}.tmp`;
        fs.writeFileSync(partial, compressed);
        fs.renameSync(partial, target);
        written += 1;
      }
    }
  } catch (error) {
    // A read-only or vanished build is served uncompressed rather than not at all.
    log?.(`web app not precompressed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return written;
}

/** `public, max-age=31536000, immutable` for Vite's content-hashed files under assets/; `no-cache` for the rest. */
export function cacheControlFor(root: string, file: string): string {
  const relative = path.relative(root, file).split(path.sep);
  return relative[0] === 'assets' && relative.length > 1 ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * The encoding to answer with for an Accept-Encoding header, among those offered: brotli before gzip, an explicit
 * `q=0` refusing one, `*` accepting any.
 */
export function negotiateEncoding(acceptEncoding: string | string[] | undefined, available: readonly string[]): string | undefined {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  for (const encoding of ['br', 'gzip']) {
    if (!available.includes(encoding)) continue;
    const weight = weights.get(encoding) ?? weights.get('*');
    if (weight !== undefined && weight > 0) return encoding;
  }
  return undefined;
}
