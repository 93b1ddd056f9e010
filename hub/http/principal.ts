// Who is calling: the platform admin, a tenant API key, or an operator (access JWT).
import type { Context, MiddlewareHandler } from 'hono';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { HubContext } from '../context';
import { AppError } from './errors';
import { findApiKey } from '../auth/api-keys';

export type Principal =
  | { kind: 'platform' }
  | { kind: 'api_key'; tenantId: string; keyId: string; scopes: string[]; plan: string }
  | { kind: 'operator'; tenantId: string; operatorId: string; role: 'owner' | 'admin' | 'agent' };

export type TenantPrincipal = Exclude<Principal, { kind: 'platform' }>;

export type Env = { Variables: { principal: Principal; requestId: string; clientIp: string | null } };

function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export async function resolvePrincipal(ctx: HubContext, header: string | undefined): Promise<Principal | null> {
  const m = /^Bearer\s+(\S{1,4096})$/i.exec(header ?? '');
  if (!m) return null;
  const token = m[1];
  if (ctx.config.platformKey && safeEqual(token, ctx.config.platformKey)) return { kind: 'platform' };
  if (token.startsWith('msk_')) {
    const key = await findApiKey(ctx.sql, token);
    return key ? { kind: 'api_key', tenantId: key.tenant_id, keyId: key.id, scopes: key.scopes, plan: key.plan } : null;
  }
  const verdict = await ctx.tokens.verifyAccess(token);
  if (!verdict.ok) return null;
  // A disabled operator loses access at once, not when the token expires.
  const [op] = await ctx.sql<{ disabled: boolean; role: 'owner' | 'admin' | 'agent' }[]>`
    select disabled_at is not null as disabled, role from operators where id = ${verdict.claims.sub} and tenant_id = ${verdict.claims.tid}`;
  if (!op || op.disabled) return null;
  return { kind: 'operator', tenantId: verdict.claims.tid, operatorId: verdict.claims.sub, role: op.role };
}

/** Resolves the caller once per request; routes then ask for the kind they need. */
export function authenticate(ctx: HubContext): MiddlewareHandler<Env> {
  return async (c, next) => {
    const p = await resolvePrincipal(ctx, c.req.header('authorization'));
    if (p) c.set('principal', p);
    await next();
  };
}

export function requirePlatform(c: Context<Env>): void {
  const p = c.get('principal');
  if (!p) throw new AppError('unauthorized', 'a valid bearer token is required');
  if (p.kind !== 'platform') throw new AppError('forbidden', 'the platform key is required');
}

/**
 * A tenant caller. `scope` restricts API keys; `roles` restricts operators (owner/admin for
 * administration, any operator for conversations).
 */
export function requireTenant(c: Context<Env>, opts: { scope?: string; roles?: ('owner' | 'admin' | 'agent')[] } = {}): TenantPrincipal {
  const p = c.get('principal');
  if (!p) throw new AppError('unauthorized', 'a valid bearer token is required');
  if (p.kind === 'platform') throw new AppError('forbidden', 'this route needs a tenant API key or an operator token');
  if (p.kind === 'api_key' && opts.scope && !p.scopes.includes(opts.scope) && !p.scopes.includes('admin')) {
    throw new AppError('forbidden', `this API key lacks the '${opts.scope}' scope`);
  }
  if (p.kind === 'operator' && opts.roles && !opts.roles.includes(p.role)) throw new AppError('forbidden', `this needs the role ${opts.roles.join(' or ')}`);
  return p;
}

export function actorOf(p: TenantPrincipal): { actorType: 'operator' | 'api_key'; actorId: string } {
  return p.kind === 'operator' ? { actorType: 'operator', actorId: p.operatorId } : { actorType: 'api_key', actorId: p.keyId };
}

function peerAddress(c: Context): string | null {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}

/**
 * The client's address. X-Forwarded-For is believed only with MISY_TRUST_PROXY: each of the
 * `trustedHops` proxies appends the address it received from, so the client is the entry that many
 * places from the right; anything further left was written by the client and may be forged.
 */
export function resolveClientIp(c: Context, trustedHops: number): string | null {
  return forwardedClientIp(peerAddress(c), c.req.header('x-forwarded-for'), trustedHops);
}

/** The client's address: the peer, or the X-Forwarded-For entry `trustedHops` proxies back. Shared by HTTP and sockets. */
export function forwardedClientIp(peer: string | null, forwardedFor: string | undefined, trustedHops: number): string | null {
  if (trustedHops <= 0) return peer;
  const forwarded = (forwardedFor ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!forwarded.length) return peer;
  const ip = forwarded[Math.max(0, forwarded.length - trustedHops)];
  return /^[0-9a-fA-F:.]{2,45}$/.test(ip) ? ip : peer;
}

/** The address resolved once per request by the app (see resolveClientIp); the peer address otherwise. */
export function clientIp(c: Context): string | null {
  return (c.get('clientIp') as string | null | undefined) ?? peerAddress(c);
}
