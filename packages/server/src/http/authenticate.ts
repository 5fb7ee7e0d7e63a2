import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resolveSession, sessionCookieName, type Actor } from '../auth/session.service.ts';
import type { RequestContext } from '../audit/audit-log.ts';
import { AppError } from './problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** True when the session came from the cookie (browser), which is what CSRF defence protects. */
    viaCookie: boolean;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header.trim());
  return match?.[1];
}

/** The origin this server is reached at: the configured public URL, or the Host the request names. */
export function ownOrigin(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return new URL(publicUrl).origin;
  return `${request.protocol}://${request.host}`;
}

/**
 * Browsers send Origin on every cross-site and same-site state-changing fetch. A cookie-authenticated write whose
 * Origin (or, failing that, Referer) is not this server is refused: that is the CSRF defence, on top of the
 * SameSite=Strict cookie.
 */
export function assertSameOrigin(request: FastifyRequest, publicUrl: string | undefined): void {
  const expected = ownOrigin(request, publicUrl);
  const origin = request.headers.origin;
  const referer = request.headers.referer;
  let seen: string | undefined;
  if (typeof origin === 'string' && origin !== 'null') seen = origin;
  else if (typeof referer === 'string') {
    try {
      seen = new URL(referer).origin;
    } catch {
      seen = undefined;
    }
  }
  if (seen !== expected) {
    throw new AppError('CROSS_ORIGIN_REFUSED', 'This request did not come from Keel itself and was refused.');
  }
}

export function registerAuthentication(app: FastifyInstance): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('viaCookie', false);
  app.addHook('onRequest', async (request) => {
    // The HTTP API and the FHIR API share sessions: a Bearer token or the session cookie.
    if (!request.url.startsWith('/api/') && !request.url.startsWith('/fhir/')) return;
    const { database, clock, config } = app.deps;
    const bearer = bearerToken(request);
    const cookie = request.cookies[sessionCookieName];
    const token = bearer ?? cookie;
    if (!token) return;
    request.actor = await resolveSession(database, token, clock.now());
    request.viaCookie = bearer === undefined;
    if (request.viaCookie && !safeMethods.has(request.method)) assertSameOrigin(request, config.KEEL_PUBLIC_URL);
  });
}

export function clientAddress(request: FastifyRequest): string {
  return request.ip;
}

export function requestContext(request: FastifyRequest, now: Date): RequestContext {
  return {
    actorId: request.actor?.userId ?? null,
    actorRole: request.actor?.role ?? null,
    requestId: request.id,
    clientAddress: clientAddress(request),
    now,
  };
}
