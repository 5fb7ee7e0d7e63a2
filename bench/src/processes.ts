// Child processes of the benchmark: the Keel server as `keel serve` runs in production, the baseline server, and
// the load client. Each is its own Node process; they talk over 127.0.0.1 sockets.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-client.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
const tsx = ['--import', 'tsx'];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  /** Bytes the process has written to stdout (its log) so far. */
  logBytes(): number;
  /** CPU time (user + system) the process has used so far, in milliseconds; NaN where /proc cannot tell. */
  cpuMs(): number;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, name: string, timeoutMs: number, stderrTail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready: ${stderrTail()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs / 1000} s: ${stderrTail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv, port: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let bytes = 0;
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return waitReady(url, child, name, 180_000, () => stderr).then(
    () => ({ url, logBytes: () => bytes, cpuMs: () => (child.pid === undefined ? Number.NaN : processCpuMs(child.pid)), stop }),
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );
}

// Linux's clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every Linux this runs on).
const ticksPerSecond = 100;

/** A process's CPU time (utime + stime) from /proc, in milliseconds; NaN when it cannot be read. */
function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}

/**
 * The CPU time every PostgreSQL process on this machine has used so far (the server, its backends, its background
 * workers), in milliseconds; NaN when none is visible (a remote server, or no /proc). Backends that exit between
 * two readings take their time with them, so the bench reads it around runs whose connections stay open.
 */
export function postgresCpuMs(): number {
  let total = 0;
  let seen = 0;
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return Number.NaN;
  }
  for (const pid of entries) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    const ms = processCpuMs(Number(pid));
    if (Number.isFinite(ms)) {
      total += ms;
      seen += 1;
    }
  }
  return seen > 0 ? total : Number.NaN;
}

/** `keel serve` as production runs it: NODE_ENV=production, info logging to stdout, jobs on. */
export async function startKeel(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  // KEEL_BENCH_CPU_PROF=<dir>: each `keel serve` writes a V8 CPU profile there when it stops (for `node --cpu-prof`
  // analysis of where a request's time goes; the measured figures then include the profiler's overhead).
  const profileDir = process.env['KEEL_BENCH_CPU_PROF'];
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return startProcess('keel serve', [...profile, path.join(repoRoot, 'packages/server/bin/keel.mjs'), 'serve'], { HOST: '127.0.0.1', ...env }, port);
}

export async function startBaseline(databaseUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  return startProcess('baseline server', [...tsx, path.join(here, 'baseline-server.ts')], { DATABASE_URL: databaseUrl }, port);
}

/**
 * The load client: one process for the whole benchmark (bench/src/load-client.ts), started on first use; each run's
 * spec goes to it as a line on stdin and its result comes back as a line on stdout. Runs never overlap.
 */
let client: { child: ChildProcess; lines: readline.Interface; waiting: ((line: string) => void)[] } | undefined;

function loadClient(): NonNullable<typeof client> {
  if (client && client.child.exitCode === null) return client;
  const child = spawn(process.execPath, [...tsx, path.join(here, 'load-client.ts')], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout ?? process.stdin });
  const started = { child, lines, waiting: [] as ((line: string) => void)[] };
  lines.on('line', (line) => started.waiting.shift()?.(line));
  child.on('exit', () => {
    for (const w of started.waiting.splice(0)) w(JSON.stringify({ error: `the load client exited (${child.exitCode})` }));
  });
  client = started;
  return started;
}

/** One load run in the load client's process; resolves with its result. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const c = loadClient();
  const line = await new Promise<string>((resolve) => {
    c.waiting.push(resolve);
    c.child.stdin?.write(`${JSON.stringify(spec)}\n`);
  });
  const result = JSON.parse(line) as LoadResult | { error: string };
  if ('error' in result) throw new Error(`load client: ${result.error}`);
  return result;
}

/** Ends the load client (at the end of the benchmark). */
export function stopLoadClient(): void {
  client?.child.stdin?.end();
  client = undefined;
}
