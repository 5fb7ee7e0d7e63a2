import type { KeelApp } from '../app.ts';

export function treatmentRoutes(app: KeelApp): void {
  void app;
}
