import type { KeelApp } from '../app.ts';
import { accountRoutes } from './accounts.routes.ts';
import { auditRoutes } from './audit.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { complianceReportRoutes } from './compliance-report.routes.ts';
import { complianceRoutes } from './compliance.routes.ts';
import { continuityRoutes } from './continuity.routes.ts';
import { fhirRoutes } from './fhir.routes.ts';
import { fhirRestRoutes } from './fhir/fhir-rest.routes.ts';
import { fhirPath } from '../use-cases/fhir/fhir-program.ts';
import { healthRoutes } from './health.routes.ts';
import { intakeRoutes } from './intake.routes.ts';
import { liveRoutes } from './live.routes.ts';
import { monitoringRoutes } from './monitoring.routes.ts';
import { treatmentRoutes } from './treatment.routes.ts';

/** Every route module of the API. Each route declares its access rule; see http/access-control.ts. */
export async function registerRoutes(app: KeelApp): Promise<void> {
  healthRoutes(app);
  authRoutes(app);
  accountRoutes(app);
  auditRoutes(app);
  intakeRoutes(app);
  treatmentRoutes(app);
  complianceRoutes(app);
  complianceReportRoutes(app);
  monitoringRoutes(app);
  continuityRoutes(app);
  liveRoutes(app);
  fhirRoutes(app);
  // The FHIR API answers in FHIR (OperationOutcome errors), so it is its own encapsulated plugin.
  await app.register(fhirRestRoutes, { prefix: fhirPath });
}
