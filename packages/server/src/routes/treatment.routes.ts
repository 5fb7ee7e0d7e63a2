import type { KeelApp } from '../app.ts';
import { ledgerRoutes } from './treatment/ledger.routes.ts';
import { planRoutes } from './treatment/plans.routes.ts';
import { requestRoutes } from './treatment/requests.routes.ts';
import { sessionRoutes } from './treatment/sessions.routes.ts';
import { settingsRoutes } from './treatment/settings.routes.ts';

/** Program settings, treatment plans, dispenses and the ledger, refills, and dosing sessions with their gate. */
export function treatmentRoutes(app: KeelApp): void {
  settingsRoutes(app);
  planRoutes(app);
  ledgerRoutes(app);
  requestRoutes(app);
  sessionRoutes(app);
}
