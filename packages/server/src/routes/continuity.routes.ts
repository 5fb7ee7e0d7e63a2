import type { KeelApp } from '../app.ts';

export function continuityRoutes(app: KeelApp): void {
  void app;
}
