// How many cases a property test runs. Normally the number the test asks for; under mutation testing
// (vitest.mutation.config.ts, docs/mutation.md) the setup file caps every property at a small, fixed-seed sample
// through fast-check's global configuration, so that each of hundreds of mutants is judged in seconds. The
// hand-written table tests carry the weight there; the properties still run, just fewer times.
import fc from 'fast-check';

export function propertyRuns(wanted: number): number {
  const cap = fc.readConfigureGlobal().numRuns;
  return cap === undefined ? wanted : Math.min(wanted, cap);
}
