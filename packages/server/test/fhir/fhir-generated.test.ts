import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProgram } from '../../../../bench/src/generate.ts';
import { hashPassword } from '../../src/auth/passwords.ts';
import { exportPatientRecord } from '../../src/use-cases/fhir/export-patient-record.ts';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { testPassword } from '../support/factories.ts';
import { fhirPackageErrors, unresolvedReferences, validationErrors } from './fhir-validator.ts';
import { usCoreKeyConstraints } from './us-core-constraints.ts';

// The benchmark's synthetic program (bench/src/generate.ts) writes rows straight into the tables, the way years of
// use leave them: assessments without item answers, sessions and dispenses without a plan, no intake decision.
// The export must hold up on that too.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('FHIR export of generated data', () => {
  it('validates every resource of a generated program with 0 errors and 0 unresolved references', async () => {
    const program = await generateProgram(t.database.pool, { patients: 4, now: t.clock.now(), passwordHash: await hashPassword(testPassword), panelSize: 4, progress: () => undefined });
    let resources = 0;
    for (const { patientId } of program.patients) {
      const bundle = await exportPatientRecord({ deps: t.deps, ctx: { actorId: null, actorRole: null, requestId: null, clientAddress: null, now: t.clock.now() } }, patientId);
      const errors = [...bundle.entry.flatMap((e) => validationErrors(e.resource)), ...fhirPackageErrors(bundle)];
      expect(errors).toEqual([]);
      expect(unresolvedReferences(bundle as never)).toEqual([]);
      expect(bundle.entry.flatMap((e) => usCoreKeyConstraints(e.resource).violations)).toEqual([]);
      resources += bundle.entry.length;
    }
    expect(resources).toBeGreaterThan(400);
  }, 120_000);
});
