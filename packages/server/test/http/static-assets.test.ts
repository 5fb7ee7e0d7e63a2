import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type KeelApp } from '../../src/app.ts';
import { negotiateEncoding } from '../../src/http/static-assets.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';

// The built web app is served precompressed (brotli, gzip) by Accept-Encoding, hashed files under assets/ cached
// for a year and everything else revalidated (docs/perf.md).
let t: TestContext;
let app: KeelApp;
let dist: string;
const script = `export const greeting = ${JSON.stringify('hello '.repeat(400))};\n`;
const html = `<!doctype html><title>Keel</title><div id="root"></div><script type="module" src="/assets/index-3f2a9c1b.js"></script>${'<!-- padding -->'.repeat(40)}`;

beforeAll(async () => {
  t = await createTestApp();
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-web-'));
  fs.writeFileSync(path.join(dist, 'index.html'), html);
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'assets', 'index-3f2a9c1b.js'), script);
  fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  app = await buildApp({ ...t.deps, webDist: dist });
});
afterAll(async () => {
  await app.close();
  await t.close();
  fs.rmSync(dist, { recursive: true, force: true });
});

describe('static web app', () => {
  it('writes brotli and gzip copies at start-up, and none again over an unchanged build', async () => {
    const br = path.join(dist, 'assets', 'index-3f2a9c1b.js.br');
    expect(fs.existsSync(br)).toBe(true);
    expect(fs.existsSync(path.join(dist, 'assets', 'index-3f2a9c1b.js.gz'))).toBe(true);
    expect(fs.existsSync(path.join(dist, 'index.html.br'))).toBe(true);
    // A 43-byte SVG does not get smaller: no copy.
    expect(fs.existsSync(path.join(dist, 'favicon.svg.br'))).toBe(false);
    const before = fs.statSync(br).mtimeMs;
    const again = await buildApp({ ...t.deps, webDist: dist });
    await again.close();
    expect(fs.statSync(br).mtimeMs).toBe(before);
  });

  it('answers a hashed asset in brotli, gzip or plain by Accept-Encoding, cached for a year', async () => {
    const url = '/assets/index-3f2a9c1b.js';
    const brotli = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(brotli.statusCode).toBe(200);
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers['content-type']).toMatch(/javascript/);
    expect(brotli.headers['vary']).toMatch(/accept-encoding/i);
    expect(brotli.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zlib.brotliDecompressSync(brotli.rawPayload).toString()).toBe(script);

    const gzipped = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zlib.gunzipSync(gzipped.rawPayload).toString()).toBe(script);

    const plain = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers index.html compressed and never cached without revalidation, at / and at app paths', async () => {
    for (const url of ['/', '/clinician/patients']) {
      const page = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br;q=1, gzip;q=0.5' } });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-encoding']).toBe('br');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['vary']).toMatch(/accept-encoding/i);
      expect(zlib.brotliDecompressSync(page.rawPayload).toString()).toBe(html);
    }
    const plain = await app.inject({ method: 'GET', url: '/clinician/patients' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(html);
    expect((await app.inject({ method: 'GET', url: '/favicon.svg', headers: { 'accept-encoding': 'br' } })).headers['cache-control']).toBe('no-cache');
  });

  it('negotiates brotli over gzip, honours q=0 and *', () => {
    expect(negotiateEncoding('gzip, br', ['br', 'gzip'])).toBe('br');
    expect(negotiateEncoding('br;q=0, gzip', ['br', 'gzip'])).toBe('gzip');
    expect(negotiateEncoding('*', ['gzip'])).toBe('gzip');
    expect(negotiateEncoding('*, gzip;q=0', ['gzip'])).toBeUndefined();
    expect(negotiateEncoding(undefined, ['br', 'gzip'])).toBeUndefined();
    expect(negotiateEncoding('deflate', ['br', 'gzip'])).toBeUndefined();
  });
});
