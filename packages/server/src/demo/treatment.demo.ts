import type { DemoStep } from './demo-context.ts';

/** Demo data for the treatment part of the program. */
export const treatmentDemoSteps: DemoStep[] = [];
