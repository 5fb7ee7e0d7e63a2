import type { DemoStep } from './demo-context.ts';

/** Demo data for the monitoring part of the program. */
export const monitoringDemoSteps: DemoStep[] = [];
