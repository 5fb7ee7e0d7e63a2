import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, repoRoot, screenshotDir, startKeel, type KeelProcess } from './server-process.ts';

let keel: KeelProcess;
let browser: Browser;

beforeAll(async () => {
  keel = await startKeel();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await keel?.stop();
});

describe('the built server, started as a user would start it', () => {
  it('prints the demo sign-ins on an empty embedded database', () => {
    expect(keel.output()).toContain('DEMO PROGRAM');
    for (const email of ['admin@keel.demo', 'clinician@keel.demo', 'coach@keel.demo', 'patient@keel.demo', 'sitter@keel.demo', 'applicant@keel.demo']) {
      expect(keel.output()).toContain(email);
    }
  });

  it('serves the first page in Chromium: Keel’s name, what it is, and sign-in', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(keel.url);
    await expect.poll(() => page.getByRole('heading', { name: /keel/i }).first().isVisible()).toBe(true);
    expect(await page.getByLabel(/email/i).first().isVisible()).toBe(true);
    expect(await page.getByLabel(/password/i).first().isVisible()).toBe(true);
    fs.mkdirSync(screenshotDir, { recursive: true });
    const file = path.join(screenshotDir, 'first-page.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it('loads the sign-in page without a failing request and without any script over 300 kB gzipped', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const failed: string[] = [];
    const consoleErrors: string[] = [];
    const scripts: { url: string; gzipBytes: number }[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('response', async (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      if (response.url().endsWith('.js')) scripts.push({ url: response.url(), gzipBytes: zlib.gzipSync(await response.body()).length });
    });
    await page.goto(keel.url);
    await expect.poll(() => page.getByLabel(/email/i).first().isVisible()).toBe(true);
    await page.waitForLoadState('networkidle');
    expect(failed).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((s) => s.gzipBytes > 300 * 1024)).toEqual([]);
    // The role apps are separate chunks: signing in as nobody never downloads the clinician's pages.
    expect(scripts.some((s) => /clinician-routes|admin-routes|patient-routes/.test(s.url))).toBe(false);
    await page.close();
  });

  it('refuses a second server on the same data directory with a clear message', async () => {
    const second = spawn(process.execPath, [path.join(repoRoot, 'packages/server/bin/keel.mjs'), 'serve'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', KEEL_DATA_DIR: keel.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    second.stdout.on('data', (d: Buffer) => (output += d.toString()));
    second.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(/already using the data directory/);
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const other = await startKeel({ KEEL_DEMO: 'off' });
    const code = await other.stop();
    expect(code).toBe(0);
    expect(other.output()).toMatch(/Received SIGTERM/);
  });
});
