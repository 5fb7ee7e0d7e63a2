// Setup for mutation testing only (vitest.mutation.config.ts): every property test runs at most this many cases,
// from a fixed seed so that a mutant's verdict does not depend on the draw. Property tests that name their own
// number of runs pass it through `propertyRuns` (property-runs.ts), which respects this cap.
import fc from 'fast-check';

fc.configureGlobal({ numRuns: 25, seed: 20261204 });
