// A thin wrapper over createRoute so each route states method, path, schemas and auth in one place
// and lands in /v1/openapi.json.
import { createRoute, z } from '@hono/zod-openapi';
import type { ZodType } from 'zod';

export const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).openapi('Error');

const errorResponses = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Unauthorized', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Forbidden', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  429: { description: 'Rate limited', content: { 'application/json': { schema: ErrorSchema } } },
};

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
    responses: { [s.status ?? 200]: ok, ...errorResponses } as unknown as { 200: Json<R>; 201: Json<R> },
  });
}

export const IdParam = z.object({ id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }) });
export const Ok = z.object({ ok: z.literal(true) });
