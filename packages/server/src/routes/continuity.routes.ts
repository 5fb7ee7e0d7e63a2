import type { KeelApp } from '../app.ts';
import { appointmentRoutes } from './continuity/appointments.routes.ts';
import { careRoutes } from './continuity/care.routes.ts';
import { messagingRoutes } from './continuity/messaging.routes.ts';
import { supportRoutes } from './continuity/support.routes.ts';

/** Care continuity (docs/continuity.md): appointments, visits, coaching, journal, messages, support network, coordination, discharge. */
export function continuityRoutes(app: KeelApp): void {
  appointmentRoutes(app);
  careRoutes(app);
  messagingRoutes(app);
  supportRoutes(app);
}
