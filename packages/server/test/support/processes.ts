import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const keelBin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/keel.mjs');

export interface KeelProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the URL once the process says it is running, or rejects with its output if it exits first. */
  ready: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
}

/** Starts `keel serve` (or another command) as a real process, the way a supervisor would. */
export function startKeel(env: Record<string, string>, args: string[] = ['serve'], timeoutMs = 120_000): KeelProcess {
  const started = Date.now();
  const child = spawn(process.execPath, [keelBin, ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', KEEL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, afterMs: Date.now() - started })),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`keel did not start within ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
    const check = () => {
      const match = /Keel is running at (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`keel exited (${code}) before it was ready:\n${out}\n${err}`));
    });
  });
  ready.catch(() => undefined);
  return { child, stdout: () => out, stderr: () => err, ready, exited };
}

export async function stopKeel(p: KeelProcess): Promise<{ code: number | null; afterMs: number }> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
  const result = await p.exited;
  clearTimeout(timer);
  return result;
}
