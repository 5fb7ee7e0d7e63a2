import SwaggerParser from '@apidevtools/swagger-parser';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/test-app.ts';
import { bearer, createPatient, signIn } from '../support/factories.ts';

let t: TestContext;
let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; components?: Record<string, Record<string, unknown>> };
interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
beforeAll(async () => {
  t = await createTestApp();
  doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
});
afterAll(async () => {
  await t.close();
});

const apiRoutes = () => t.app.keelRoutes.filter((r) => r.url.startsWith('/api/v1/') || r.url === '/healthz' || r.url === '/readyz');
// The JSON API's operations (FHIR endpoints answer in FHIR's own OperationOutcome, not problem documents).
const operations = () =>
  Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/') || path === '/healthz' || path === '/readyz')
    .flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('has no dangling $ref', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(doc);
    const resolve = (ref: string) =>
      ref
        .replace(/^#\//, '')
        .split('/')
        .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), doc);
    const dangling = refs.filter((ref) => !ref.startsWith('#/') || resolve(ref) === undefined);
    expect(dangling).toEqual([]);
  });

  it('documents the problem responses of every operation', () => {
    const missing: string[] = [];
    for (const { path, method, op } of operations()) {
      const needed = ['400', '404', '422', '503', ...(path.startsWith('/api/v1/') ? ['401'] : []), ...(method !== 'get' ? ['415'] : [])];
      for (const status of needed) {
        const content = op.responses[status]?.content;
        if (!content || !Object.keys(content).some((type) => type.includes('json'))) missing.push(`${method.toUpperCase()} ${path} ${status}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('marks nothing both readOnly and required', () => {
    const both: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${where}/${i}`));
      else if (node && typeof node === 'object') {
        const schema = node as { properties?: Record<string, { readOnly?: boolean }>; required?: string[] };
        if (schema.properties && Array.isArray(schema.required)) {
          for (const name of schema.required) if (schema.properties[name]?.readOnly) both.push(`${where}.${name}`);
        }
        for (const [key, value] of Object.entries(node)) walk(value, `${where}/${key}`);
      }
    };
    walk(doc, '#');
    expect(both).toEqual([]);
  });
});

describe('closed contracts', () => {
  it('gives every write route a strict body: an unknown field is refused', () => {
    const open: string[] = [];
    for (const route of apiRoutes().filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))) {
      const body = route.schema?.body as z.ZodType | undefined;
      if (!body) {
        open.push(`${route.method} ${route.url}: no body schema`);
        continue;
      }
      // Whatever else is wrong with this body, the unknown field must be among the reasons it is refused.
      const result = body.safeParse({ zzUnknownField: 'admin' });
      const named = !result.success && result.error.issues.some((i) => i.code === 'unrecognized_keys' || JSON.stringify(i).includes('zzUnknownField'));
      const refusedWhole = !result.success && result.error.issues.some((i) => i.code === 'invalid_type' && i.path.length === 0);
      if (!named && !refusedWhole) open.push(`${route.method} ${route.url}`);
    }
    expect(open).toEqual([]);
  });

  it('refuses unknown query parameters on every route', () => {
    const open: string[] = [];
    for (const route of apiRoutes()) {
      const query = route.schema?.querystring as z.ZodType | undefined;
      const result = query?.safeParse({ zzUnknownParam: '1' });
      if (!result || result.success || !result.error.issues.some((i) => i.code === 'unrecognized_keys')) open.push(`${route.method} ${route.url}`);
    }
    expect(open).toEqual([]);
  });

  it('refuses {"role":"admin"} on POST /education/:slug/complete, and an unknown query parameter, over HTTP', async () => {
    const patient = await createPatient(t);
    const token = await signIn(t, patient);
    const library = await t.app.inject({ method: 'GET', url: '/api/v1/education', headers: bearer(token) });
    expect(library.statusCode).toBe(200);
    const slug = (library.json<{ items?: { slug: string }[] } | { slug: string }[]>() as { items?: { slug: string }[] }).items?.[0]?.slug ?? (library.json<{ slug: string }[]>()[0]?.slug);
    const escalate = await t.app.inject({ method: 'POST', url: `/api/v1/education/${slug}/complete`, headers: bearer(token), payload: { role: 'admin' } });
    expect(escalate.statusCode).toBe(422);
    expect(escalate.json<{ errors: { field: string }[] }>().errors).toContainEqual(expect.objectContaining({ field: 'role' }));
    const query = await t.app.inject({ method: 'GET', url: '/api/v1/me?debug=1', headers: bearer(token) });
    expect(query.statusCode).toBe(422);
    expect(query.json<{ errors: { field: string }[] }>().errors).toContainEqual(expect.objectContaining({ field: 'querystring.debug' }));
  });
});
