import type { FastifyInstance } from 'fastify';

// Mantine writes component styles at run time, so styles need 'unsafe-inline'; scripts never do.
const appCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers every response carries, including those written before routing (securityHeaderLines). */
export function securityHeaders(options: { tls: boolean }): Record<string, string> {
  return {
    'content-security-policy': appCsp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    ...(options.tls ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    'cache-control': 'no-store',
  };
}

/** Security headers on every response; API responses are never cached. */
export function registerSecurityHeaders(app: FastifyInstance, options: { tls: boolean }): void {
  const { 'cache-control': _noStore, ...always } = securityHeaders(options);
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(always)) {
      if (name !== 'content-security-policy' || !reply.hasHeader(name)) reply.header(name, value);
    }
    const url = request.url;
    if (url.startsWith('/api/') || url.startsWith('/fhir/') || url === '/healthz' || url === '/readyz') {
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
    }
    return payload;
  });
}
