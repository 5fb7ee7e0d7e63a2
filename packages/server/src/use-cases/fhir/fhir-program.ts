import type { FhirProgram } from '@keel/domain';
import { publicBaseUrl, type UseCaseDeps } from '../deps.ts';

/** The path of the FHIR API on this server. */
export const fhirPath = '/fhir/R4';

/**
 * The program as FHIR names it: the FHIR base (fullUrls and the Questionnaires' canonical URLs) and the identifier
 * namespaces, all under the configured public address, so they are the same whichever host a request came to.
 */
export function fhirProgram(deps: UseCaseDeps): FhirProgram {
  const origin = publicBaseUrl(deps);
  return {
    fhirBase: `${origin}${fhirPath}`,
    mrnSystem: `${origin}/fhir/sid/mrn`,
    staffIdSystem: `${origin}/fhir/sid/staff`,
    organizationName: `Keel supervised at-home ketamine program (${new URL(origin).host})`,
  };
}
