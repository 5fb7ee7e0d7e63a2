// Setup for mutation testing only (vitest.mutation-server.config.ts, docs/mutation.md). Stryker's vitest runner
// (9.5) hands back the coverage of its initial run, and the hit count of a mutant run, in the test file's metadata
// from an `afterAll(({ meta }) => …)` hook. Vitest 4.1 passes a suite hook its fixture context first and the suite
// second, so that hook fails (FixtureAccessError, which the runner does not report) and no coverage arrives. Stryker
// then runs every test for every mutant and, with `--testFiles`, activates each mutant only after the imports, so a
// mutant in code that runs at import is never active. This hook writes the same two values after every test, whose
// context vitest does pass; outside a Stryker run (no `mode` provided) it does nothing.
import { afterEach, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by Stryker's vitest runner only. */
    mode?: 'mutant' | 'dry-run';
    globalNamespace?: string;
  }
}

const mode = inject('mode');
const namespace = inject('globalNamespace');

interface StrykerGlobal {
  mutantCoverage?: unknown;
  hitCount?: number;
}

if (mode !== undefined && namespace !== undefined) {
  afterEach(({ task }) => {
    const ns = (globalThis as unknown as Record<string, StrykerGlobal | undefined>)[namespace];
    const meta = task.file.meta as Record<string, unknown>;
    if (mode === 'mutant') meta['hitCount'] = ns?.hitCount;
    else meta['mutantCoverage'] = ns?.mutantCoverage;
  });
}
