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

/** Security headers on every response; API responses are never cached. */
export function registerSecurityHeaders(app: FastifyInstance, options: { tls: boolean }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', appCsp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    if (options.tls) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    const url = request.url;
    if (url.startsWith('/api/') || url.startsWith('/fhir/') || url === '/healthz' || url === '/readyz') {
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
    }
    return payload;
  });
}
