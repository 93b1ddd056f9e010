// Signed JWTs (jose, HS256). Each key has a `kid`, so the master secret can rotate
// (MISY_SECRET_PREVIOUS keeps old tokens verifiable until they expire) without logging everyone out.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { createHash } from 'node:crypto';
import { deriveKey } from '../security/secret-box';

export type AccessClaims = { typ: 'access'; sub: string; tid: string; role: 'owner' | 'admin' | 'agent' };
export type WidgetClaims = { typ: 'widget'; sub: string; tid: string; cid: string };
type Claims = AccessClaims | WidgetClaims;

const AUDIENCE = { access: 'misy:console', widget: 'misy:widget' } as const;
export const ACCESS_TTL_SECONDS = 15 * 60;
export const WIDGET_TTL_SECONDS = 60 * 60;
const CLOCK_TOLERANCE_SECONDS = 30;

interface Key { kid: string; key: Uint8Array }

function toKey(secret: string): Key {
  const key = new Uint8Array(deriveKey(secret, 'misy:jwt:v1'));
  return { kid: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
}

export type TokenVerdict<T> = { ok: true; claims: T } | { ok: false; reason: 'expired' | 'invalid' };

export function createTokenService(secret: string, previousSecrets: string[] = [], now: () => number = Date.now) {
  const current = toKey(secret);
  const ring = new Map([current, ...previousSecrets.map(toKey)].map((k) => [k.kid, k.key]));

  async function sign(claims: Claims, ttlSeconds: number): Promise<string> {
    const { typ, sub, ...rest } = claims;
    const iat = Math.floor(now() / 1000);
    return new SignJWT({ typ, ...rest })
      .setProtectedHeader({ alg: 'HS256', kid: current.kid })
      .setSubject(sub)
      .setAudience(AUDIENCE[typ])
      .setIssuer('misy')
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(current.key);
  }

  async function verify<T extends Claims>(token: string, typ: T['typ']): Promise<TokenVerdict<T>> {
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = header.kid ? ring.get(header.kid) : undefined;
          if (!key) throw new joseErrors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: ['HS256'],
          audience: AUDIENCE[typ],
          issuer: 'misy',
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now()),
        },
      );
      if (payload.typ !== typ || typeof payload.sub !== 'string' || typeof payload.tid !== 'string') return { ok: false, reason: 'invalid' };
      return { ok: true, claims: { ...payload, sub: payload.sub } as unknown as T };
    } catch (err) {
      return { ok: false, reason: err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }

  return {
    signAccess: (c: Omit<AccessClaims, 'typ'>) => sign({ typ: 'access', ...c }, ACCESS_TTL_SECONDS),
    signWidget: (c: Omit<WidgetClaims, 'typ'>) => sign({ typ: 'widget', ...c }, WIDGET_TTL_SECONDS),
    verifyAccess: (t: string) => verify<AccessClaims>(t, 'access'),
    verifyWidget: (t: string) => verify<WidgetClaims>(t, 'widget'),
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
