import type { FastifyServerOptions } from 'fastify';

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
