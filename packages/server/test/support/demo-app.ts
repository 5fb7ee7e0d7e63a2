// A test file's app seeded with the demo program (or some of its steps), and sign-in as its accounts.
import { afterAll, beforeAll, expect } from 'vitest';
import type { DemoContext, DemoStep } from '../../src/demo/demo-context.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { createTestApp, type TestContext } from './test-app.ts';

export const demoTestPassword = 'demo-password-for-tests';

export interface DemoApp {
  /** The app, once `beforeAll` has run. */
  readonly t: TestContext;
  readonly demo: DemoContext;
  /** Signs in as a demo account; each sign-in comes from its own address, so no file reaches the per-address limit. */
  login(email: string): Promise<string>;
}

/** Registers the file's `beforeAll`/`afterAll`: a fresh app, the demo seeded with `steps` (all by default). */
export function useDemoApp(steps?: DemoStep[]): DemoApp {
  let t: TestContext | undefined;
  let demo: DemoContext | undefined;
  let address = 0;
  beforeAll(async () => {
    t = await createTestApp();
    demo = await seedDemo(t.deps, { password: demoTestPassword, ...(steps ? { steps } : {}) });
  });
  afterAll(async () => {
    await t?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useDemoApp: used before beforeAll ran');
    return value;
  };
  return {
    get t() {
      return started(t);
    },
    get demo() {
      return started(demo);
    },
    async login(email: string) {
      address += 1;
      const response = await started(t).app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: demoTestPassword },
        remoteAddress: `10.99.${Math.floor(address / 250)}.${(address % 250) + 1}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ token: string }>().token;
    },
  };
}
