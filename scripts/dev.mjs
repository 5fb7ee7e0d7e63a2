#!/usr/bin/env node
// `npm run dev`: the API on :3000 (embedded database, demo program) and Vite on :5173 with a proxy to it.
import { spawn } from 'node:child_process';

const children = [
  spawn(process.execPath, ['packages/server/bin/keel.mjs', 'serve'], { stdio: 'inherit', env: { ...process.env, PORT: process.env.PORT ?? '3000' } }),
  spawn('npm', ['run', 'dev', '-w', '@keel/web'], { stdio: 'inherit' }),
];
const stop = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', stop);
