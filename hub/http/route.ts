// A thin wrapper over createRoute so each route states method, path, schemas and auth in one place
// and lands in /v1/openapi.json.
import { createRoute, z } from '@hono/zod-openapi';
import type { ZodType } from 'zod';

export const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).openapi('Error');

const ERROR_DESCRIPTIONS = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict (already exists, or the change would break an invariant)',
  413: 'Request body too large',
  429: 'Rate limited',
  503: 'Unavailable',
} as const;
export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/**
 * The error statuses a route can really answer, so the document does not promise a 404 on
 * /healthz: validation (400) where there is input, 401/403 behind a bearer token, 404 where a
 * path id is looked up, 413 where a body is read, 409 where an authenticated body is written. `errors` adds route-specific ones.
 */
function errorStatuses(s: { method: string; params?: unknown; query?: unknown; body?: unknown; auth?: 'bearer' | 'none'; errors?: ErrorStatus[] }): ErrorStatus[] {
  const out = new Set<ErrorStatus>(s.errors ?? []);
  if (s.params || s.query || s.body) out.add(400);
  if (s.auth !== 'none') { out.add(401); out.add(403); }
  if (s.params) out.add(404);
  if (s.body) out.add(413);
  // Authenticated writes store rows under unique indexes (slugs, emails, client ids).
  if (s.body && s.auth !== 'none') out.add(409);
  return [...out].sort();
}

type Req<P, Q, B> = (P extends ZodType ? { params: P } : {}) &
  (Q extends ZodType ? { query: Q } : {}) &
  (B extends ZodType ? { body: { required: true; content: { 'application/json': { schema: B } } } } : {});

type Json<S> = { content: { 'application/json': { schema: S } }; description: string };

interface RouteSpec<M, P, Q, B, R> {
  method: M;
  path: string;
  tags: string[];
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  status?: 200 | 201;
  auth?: 'bearer' | 'none';
  /** Error statuses beyond the defaults of errorStatuses() (e.g. 404 for ids in a body, 429). */
  errors?: ErrorStatus[];
  /** Statuses answered with the success schema too (e.g. 503 from /readyz). */
  alsoAs?: 503[];
}

export function route<
  M extends 'get' | 'post' | 'put' | 'patch' | 'delete',
  R extends ZodType,
  P extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  B extends ZodType | undefined = undefined,
>(s: RouteSpec<M, P, Q, B, R>) {
  const request: Record<string, unknown> = {};
  if (s.params) request.params = s.params;
  if (s.query) request.query = s.query;
  if (s.body) request.body = { required: true, content: { 'application/json': { schema: s.body } } };
  const ok: Json<R> = { description: 'OK', content: { 'application/json': { schema: s.response } } };
  return createRoute({
    method: s.method,
    path: s.path,
    tags: s.tags,
    summary: s.summary,
    ...(s.auth === 'none' ? {} : { security: [{ bearer: [] }] }),
    request: request as unknown as Req<P, Q, B>,
    responses: {
      [s.status ?? 200]: ok,
      ...Object.fromEntries(errorStatuses(s).map((st) => [st, { description: ERROR_DESCRIPTIONS[st], content: { 'application/json': { schema: ErrorSchema } } }])),
      ...Object.fromEntries((s.alsoAs ?? []).map((st) => [st, { ...ok, description: ERROR_DESCRIPTIONS[st] }])),
    } as unknown as { 200: Json<R>; 201: Json<R> },
  });
}

export const IdParam = z.object({ id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }) });
export const Ok = z.object({ ok: z.literal(true) });
