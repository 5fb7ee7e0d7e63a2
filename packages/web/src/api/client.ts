import { ApiError, localProblem, toProblem } from './api-error.ts';

/**
 * A small typed fetch client for /api/v1.
 *
 * The session lives in an httpOnly SameSite=Strict cookie set by the server, so requests carry it with
 * `credentials: 'same-origin'` and nothing here ever stores a token or health data in Web Storage or URLs.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method?: HttpMethod;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * The caller handles a 401 itself (sign-in, MFA, /me on start-up) instead of telling the auth context that the
   * session has ended.
   */
  expectUnauthenticated?: boolean;
}

/** What the client tells the app about: a session that ended, a session that needs MFA, any server contact. */
export interface ApiEvents {
  onSessionExpired?: (error: ApiError) => void;
  onMfaRequired?: (error: ApiError) => void;
  /** Every answer that was not a 401 refreshed the server's idle timer. */
  onServerContact?: () => void;
}

let events: ApiEvents = {};

/** The auth context registers its handlers here (one app, one listener set). Returns an unsubscribe. */
export function setApiEvents(next: ApiEvents): () => void {
  events = next;
  return () => {
    if (events === next) events = {};
  };
}

export const apiBase = '/api/v1';

function urlFor(path: string): string {
  if (path.startsWith('/api/')) return path;
  return `${apiBase}${path.startsWith('/') ? path : `/${path}`}`;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
  return text;
}

/**
 * Calls the API. Resolves with the parsed JSON body (`undefined` for 204), rejects with an `ApiError` carrying
 * the problem document. The type parameter is the caller's claim about the response shape.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) init.signal = options.signal;

  let response: Response;
  try {
    response = await fetch(urlFor(path), init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(
      localProblem(0, 'NETWORK_ERROR', 'Keel could not be reached', 'Check your internet connection and try again.'),
    );
  }

  const body = await readBody(response);
  // Any answer other than 401 means a live session (if there was one) was just touched on the server.
  if (response.status !== 401) events.onServerContact?.();
  if (response.ok) return body as T;

  const error = new ApiError(toProblem(response.status, body, response.statusText));
  if (response.status === 401 && !options.expectUnauthenticated) {
    if (error.code === 'UNAUTHENTICATED') events.onSessionExpired?.(error);
    else if (error.code === 'MFA_REQUIRED') events.onMfaRequired?.(error);
  }
  throw error;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) => apiRequest<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'POST', body: body ?? {} }),
  put: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'PUT', body }),
  patch: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'PATCH', body }),
  delete: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) => apiRequest<T>(path, { ...options, method: 'DELETE' }),
};
