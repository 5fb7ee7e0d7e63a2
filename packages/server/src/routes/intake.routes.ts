import type { KeelApp } from '../app.ts';

export function intakeRoutes(app: KeelApp): void {
  void app;
}
