import type { DemoStep } from './demo-context.ts';

/** Demo data for the intake part of the program. */
export const intakeDemoSteps: DemoStep[] = [];
