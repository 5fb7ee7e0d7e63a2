import type { FastifyServerOptions } from 'fastify';

/**
 * The one line logged per request (at info, when the response is done): method, path without the query string,
 * status and the time to respond in milliseconds; the logger adds the request id. About 190 bytes a request
 * (docs/perf.md).
 */
export function requestLogLine(method: string, url: string, status: number, elapsedMs: number): { method: string; path: string; status: number; ms: number } {
  return { method, path: url.split('?')[0] ?? '', status, ms: Math.round(elapsedMs * 10) / 10 };
}

/**
 * Request logs carry the request id, method, path (never the query string), status and timing. Bodies, headers
 * and query strings are never logged: they can hold health data, emails and tokens.
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers', 'headers', 'body', 'password', 'token', 'email'], remove: true },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
