import type { FastifyReply, FastifyRequest } from 'fastify';
import { sessionCookieName, type Actor } from '../auth/session.service.ts';
import type { UseCase } from '../use-cases/deps.ts';
import { requestContext } from './authenticate.ts';
import { AppError } from './problem.ts';
import type { PatientAccess } from './access-control.ts';

/** The use-case view of a request: the app's dependencies and who is acting, at the clock's current time. */
export function useCaseOf(request: FastifyRequest): UseCase {
  const deps = request.server.deps;
  return { deps, ctx: requestContext(request, deps.clock.now()) };
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
  return request.actor;
}

/** The patient the access rule resolved, with the caller's relationship to them. */
export function patientAccessOf(request: FastifyRequest): PatientAccess {
  if (!request.patientAccess) throw new AppError('INTERNAL', 'The route resolved no patient.');
  return request.patientAccess;
}

function secureCookies(request: FastifyRequest): boolean {
  return request.protocol === 'https' || (request.server.deps.config.KEEL_PUBLIC_URL?.startsWith('https://') ?? false);
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date): void {
  reply.setCookie(sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: secureCookies(request),
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName, { httpOnly: true, sameSite: 'strict', secure: secureCookies(request), path: '/' });
}

export const iso = (value: Date | string): string => new Date(value).toISOString();
export const isoOrNull = (value: Date | string | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();
