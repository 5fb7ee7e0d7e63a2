import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifySchema } from 'fastify';
import { z } from 'zod';
import { problemSchema } from '@keel/contract';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling, sendProblem } from './http/error-handler.ts';
import { problem } from './http/problem.ts';
import { registerSecurityHeaders, securityHeaders } from './http/security-headers.ts';
import { registerAuthentication } from './http/authenticate.ts';
import { registerInputHygiene } from './http/input-hygiene.ts';
import { registerListReadAudit } from './http/list-read-audit.ts';
import { registerAccessControl, type AccessRule } from './http/access-control.ts';
import { registerRoutes } from './routes/index.ts';
import { LiveHub } from './use-cases/live/live-hub.ts';
import { listenForSessionChanges, sessionCacheOf } from './auth/session-cache.ts';
import type { Clock } from './clock.ts';
import type { Notifier } from './notifications/notifier.ts';
import type { JobQueue } from './jobs/job-queue.ts';
import { loggerOptions, requestLogLine } from './http/logger.ts';
import { cacheControlFor, encodings, negotiateEncoding, precompressWebDist } from './http/static-assets.ts';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  notifier: Notifier;
  jobs: JobQueue;
  /** Where pino writes; tests pass a stream they can scan. */
  logStream?: NodeJS.WritableStream;
  /** The built web app; when absent (tests, API-only) `/` answers with a short pointer to the API. */
  webDist?: string | undefined;
}

export type KeelApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface RegisteredRoute {
  method: string;
  url: string;
  access: AccessRule | undefined;
  /** The route's schema after the contract defaults (applyContractDefaults): the OpenAPI and fuzz tests read it. */
  schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    /** Every route with its declared access rule: the route-registry and denial-matrix tests read this. */
    keelRoutes: RegisteredRoute[];
    /** This process's reader of the live board's events (docs/live-board.md). */
    liveHub: LiveHub;
    /** The open board streams' closers, run before the server closes. */
    liveStreams: Set<() => void>;
  }
}

function withoutReadOnly<T>(node: T): T {
  if (Array.isArray(node)) node.forEach((n: unknown) => withoutReadOnly(n));
  else if (node && typeof node === 'object') {
    delete (node as Record<string, unknown>)['readOnly'];
    for (const value of Object.values(node)) withoutReadOnly(value);
  }
  return node;
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const noFields = z.strictObject({});

/**
 * Every API route's contract is closed and its failures documented: a route that declares no query takes none (an
 * unknown query parameter is a 422, not ignored), a write route that declares no body takes none (`{"role":
 * "admin"}` is a 422), and every route's OpenAPI entry lists the problem documents it can answer with.
 */
function applyContractDefaults(route: { url: string; schema?: FastifySchema }, methods: string[]): void {
  const isApi = route.url.startsWith('/api/v1/') || route.url === '/healthz' || route.url === '/readyz';
  if (!isApi) return;
  const schema: FastifySchema = (route.schema ??= {});
  schema.querystring ??= noFields;
  if (methods.some((m) => writeMethods.has(m))) schema.body ??= noFields.nullish();
  schema.response = { ...problemResponses(methods), ...(schema.response ?? {}) };
}

const problemStatuses = {
  400: 'The request could not be read (malformed JSON or URL)',
  401: 'Sign in to continue (or a one-time code is required)',
  403: 'A cookie-authenticated write from another site',
  404: 'Not found, or not yours to see',
  409: 'The request conflicts with the current state',
  412: 'The record changed since it was read (If-Match)',
  413: 'The request body is too large',
  414: 'A part of the URL is too long',
  415: 'The body is not JSON',
  422: 'A field is invalid (each named in errors)',
  428: 'If-Match is required',
  429: 'Too many attempts',
  503: 'The database is not reachable, or Keel is shutting down',
} as const;

function problemResponses(methods: string[]): Record<number, unknown> {
  const writes = methods.some((m) => writeMethods.has(m));
  return Object.fromEntries(
    Object.entries(problemStatuses)
      .filter(([status]) => writes || !['412', '413', '415', '428'].includes(status))
      .map(([status, description]) => [Number(status), problemSchema.describe(description)]),
  );
}

/**
 * KEEL_TRUST_PROXY for Fastify (proxy-addr): a number of hops trusts that many addresses nearest to Keel (the
 * client is the entry just before them in X-Forwarded-For), a list trusts only those proxies. Entries a client
 * wrote itself are never taken as its address.
 */
function trustProxyOption(value: Config['KEEL_TRUST_PROXY']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (value === false) return false;
  if (typeof value === 'number') return (_address: string, hop: number) => hop < value;
  return value;
}

const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;

/** Builds the whole HTTP application without listening, so tests drive it through `inject`. */
export async function buildApp(deps: AppDeps): Promise<KeelApp> {
  const headers = securityHeaders({ tls: deps.config.KEEL_PUBLIC_URL?.startsWith('https://') ?? false });
  const app = Fastify({
    logger: loggerOptions(deps.config.KEEL_LOG_LEVEL, deps.logStream),
    bodyLimit: deps.config.KEEL_BODY_LIMIT_BYTES,
    trustProxy: trustProxyOption(deps.config.KEEL_TRUST_PROXY),
    requestIdHeader: false,
    genReqId: (req) => {
      const offered = req.headers['x-request-id'];
      return typeof offered === 'string' && requestIdPattern.test(offered) ? offered : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    requestTimeout: 60_000,
    // One line per request, written when the response is done (below), instead of Fastify's pair of lines.
    logController: new LogController({ disableRequestLogging: true }),
    frameworkErrors: frameworkErrorHandler(headers),
    clientErrorHandler: clientErrorHandler(headers),
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('deps', deps);
  const liveHub = new LiveHub(deps.database);
  app.decorate('liveHub', liveHub);
  app.decorate('liveStreams', new Set<() => void>());
  // PostgreSQL: the session cache is used only while this process hears other processes' session changes.
  let stopSessionNotices: (() => Promise<void>) | undefined;
  sessionCacheOf(deps.database).ttlMs = deps.config.KEEL_SESSION_CACHE_SECONDS * 1000;
  app.addHook('onReady', async () => {
    stopSessionNotices = await listenForSessionChanges(deps.database);
  });
  // Open streams never go idle: they are ended before the server waits for its connections to close.
  app.addHook('preClose', async () => {
    for (const close of [...app.liveStreams]) close();
    await liveHub.stop();
    await stopSessionNotices?.();
  });
  const routes: RegisteredRoute[] = [];
  app.decorate('keelRoutes', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    applyContractDefaults(route, methods);
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, access: route.config?.access, schema: route.schema });
    }
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(requestLogLine(request.method, request.url, reply.statusCode, reply.elapsedTime), 'request');
    done();
  });

  // JSON only: a text/plain body is refused with 415 rather than handed to a schema as a string.
  app.removeContentTypeParser(['text/plain']);
  registerErrorHandling(app);
  registerSecurityHeaders(app, { tls: deps.config.KEEL_PUBLIC_URL?.startsWith('https://') ?? false });
  await app.register(fastifyCookie);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keel API',
        version: '1',
        description:
          'The HTTP API of Keel, a supervised at-home ketamine therapy program. Errors are RFC 9457 problem documents.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'keel_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
    // zod marks readonly arrays (TypeScript immutability) readOnly, which OpenAPI reads as "never sent by a
    // client"; it means nothing to the API, and a required readOnly property is contradictory, so it is dropped.
    transformObject: (input) => withoutReadOnly(jsonSchemaTransformObject(input) as Record<string, unknown>),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  registerInputHygiene(app);
  registerAuthentication(app);
  registerAccessControl(app);
  registerListReadAudit(app);
  await app.register(registerRoutes);
  await registerWeb(app, deps.webDist);
  return app;
}

async function registerWeb(app: KeelApp, webDist: string | undefined): Promise<void> {
  const root = webDist ? path.resolve(webDist) : undefined;
  const indexFile = root ? path.join(root, 'index.html') : undefined;
  if (root && indexFile && fs.existsSync(indexFile)) {
    // Compressed once (brotli and gzip beside each file; a restart over an unchanged build writes nothing), then
    // served by Accept-Encoding. Vite's hashed files under assets/ are cached for a year; index.html and the rest
    // are revalidated (no-cache), so a new build is picked up by the next page load.
    await precompressWebDist(root, (message) => app.log.warn(message));
    // Files are looked up per request (wildcard), so a rebuilt app is served without a restart; a path that is
    // not a file falls through to the not-found handler below.
    await app.register(fastifyStatic, {
      root,
      wildcard: true,
      index: 'index.html',
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, file) => {
        reply.header('cache-control', cacheControlFor(root, file.replace(/\.(br|gz)$/, '')));
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const isApi = pathname.startsWith('/api/') || pathname === '/api';
    const wantsPage = (request.method === 'GET' || request.method === 'HEAD') && !isApi && !path.extname(pathname);
    if (wantsPage) {
      if (indexFile && fs.existsSync(indexFile)) {
        const available = encodings.filter((e) => fs.existsSync(indexFile + e.ext)).map((e) => e.encoding);
        const encoding = negotiateEncoding(request.headers['accept-encoding'], available);
        const ext = encodings.find((e) => e.encoding === encoding)?.ext ?? '';
        reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('vary', 'Accept-Encoding');
        if (encoding) reply.header('content-encoding', encoding);
        return reply.send(fs.readFileSync(indexFile + ext));
      }
      return reply
        .code(200)
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Keel</title><h1>Keel API</h1><p>The web app is not built. Run <code>npm run build</code>; the API is at <a href="/api/docs">/api/docs</a>.</p>');
    }
    return sendProblem(reply, problem('NOT_FOUND', `No route ${request.method} ${pathname}.`, { instance: pathname }));
  });
}
