import type { KeelApp } from '../app.ts';

export function monitoringRoutes(app: KeelApp): void {
  void app;
}
