import type { KeelApp } from '../app.ts';
import { consentRoutes } from './intake/consent.routes.ts';
import { educationRoutes } from './intake/education.routes.ts';
import { instrumentRoutes } from './intake/instruments.routes.ts';
import { questionnaireRoutes } from './intake/questionnaire.routes.ts';
import { reviewRoutes } from './intake/review.routes.ts';

/** Instruments and assessments, the intake and its screening, clinician review, consent and education (docs/intake.md). */
export function intakeRoutes(app: KeelApp): void {
  instrumentRoutes(app);
  questionnaireRoutes(app);
  reviewRoutes(app);
  consentRoutes(app);
  educationRoutes(app);
}
