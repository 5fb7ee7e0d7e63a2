#!/usr/bin/env node
// Keel's command line. The server runs its TypeScript sources through tsx (see docs/adr/0002-run-typescript-with-tsx.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit now rather than when the event loop drains: after a failed start-up a timer or socket that a library left
// behind must not keep the process alive, or its supervisor never sees it fail.
process.exit(code);
