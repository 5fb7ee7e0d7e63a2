import type { DemoStep } from './demo-context.ts';

/** Demo data for the continuity part of the program. */
export const continuityDemoSteps: DemoStep[] = [];
