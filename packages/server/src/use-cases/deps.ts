import type { AppDeps } from '../app.ts';
import type { RequestContext } from '../audit/audit-log.ts';

/** What a use-case needs: the app's dependencies plus who is acting. */
export type UseCaseDeps = Pick<AppDeps, 'config' | 'database' | 'clock' | 'notifier' | 'jobs'>;
export interface UseCase {
  deps: UseCaseDeps;
  ctx: RequestContext;
}

export function publicBaseUrl(deps: UseCaseDeps): string {
  return (deps.config.KEEL_PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`).replace(/\/$/, '');
}
