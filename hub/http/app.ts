// The HTTP edge: one OpenAPIHono app, one error handler, one error shape.
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { randomUUID } from 'node:crypto';
import type { HubContext } from '../context';
import { AppError, errorBody } from './errors';
import { authenticate, resolveClientIp, type Env } from './principal';
import { registerRoutes } from './routes';
import { registerDocsRoutes } from './docs';

export const DEFAULT_BODY_LIMIT = 256 * 1024;

export function createApp(ctx: HubContext) {
  const app = new OpenAPIHono<Env>({
    // zod validation failures become our 400 shape, naming the first offending field.
    defaultHook: (result, c) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const where = issue?.path?.length ? `${issue.path.join('.')}: ` : '';
        return c.json(errorBody('invalid_request', `${where}${issue?.message ?? 'invalid request'}`), 400);
      }
    },
  });

  const hsts = ctx.config.publicUrl.startsWith('https://');
  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('requestId', c.req.header('x-request-id')?.slice(0, 100) ?? randomUUID());
    c.set('clientIp', resolveClientIp(c, ctx.config.trustProxyHops));
    await next();
    c.header('X-Request-Id', c.get('requestId'));
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    // Browsers that reached us over https must never be downgraded to http.
    if (hsts) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    const route = c.req.routePath ?? 'unmatched';
    ctx.metrics.httpDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, (performance.now() - started) / 1000);
  });

  // Per-route limits are set where a route needs more (knowledge uploads); everything else is capped here.
  app.use('/v1/*', async (c, next) => {
    const limit = c.req.path.startsWith('/v1/knowledge') ? 2 * 1024 * 1024 : DEFAULT_BODY_LIMIT;
    return bodyLimit({ maxSize: limit, onError: () => { throw new AppError('payload_too_large', `request body exceeds ${limit} bytes`); } })(c, next);
  });
  app.use('/v1/*', authenticate(ctx));

  app.onError((err, c) => {
    if (err instanceof AppError) {
      if (err.extra.retryAfter !== undefined) c.header('Retry-After', String(err.extra.retryAfter));
      // The rest of an oversized body is never read: tell the client not to reuse this connection.
      if (err.code === 'payload_too_large') c.header('Connection', 'close');
      return c.json(errorBody(err.code, err.message, err.extra.details), err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 400 ? 'invalid_json' : status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : status < 500 ? 'invalid_request' : 'internal';
      if (status < 500) return c.json(errorBody(code, err.message || 'invalid request'), status);
    }
    // The unique index is the last word on duplicates (two requests racing past a pre-check):
    // the caller asked for something that already exists, which is a conflict, not a bug.
    if (isUniqueViolation(err)) return c.json(errorBody('conflict', 'a resource with these values already exists'), 409);
    ctx.log.error({ err, path: c.req.path, requestId: c.get('requestId') }, 'unhandled error');
    return c.json(errorBody('internal', 'internal error; the request id is in X-Request-Id'), 500);
  });
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

  registerRoutes(app, ctx);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A tenant API key (msk_…), an operator access token (JWT), or the platform key',
  });
  app.doc31('/v1/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Misy API', version: '1.0.0', description: 'Omnichannel conversation hub with AI agents' },
    servers: [{ url: ctx.config.publicUrl }],
  });
  registerDocsRoutes(app);
  return app;
}

/** Postgres unique_violation (SQLSTATE 23505), as the porsager client reports it. */
function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

export type App = ReturnType<typeof createApp>;
