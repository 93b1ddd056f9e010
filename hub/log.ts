// The hub's logger. Secrets and message text must never reach the logs, at any depth, even when a
// whole object (a job payload, a channel config, a Postgres error with its query parameters) is
// logged by mistake. pino's redact wildcards match exactly one level, so every sensitive key is
// listed at each depth down to MAX_DEPTH; anything logged deeper than that is a bug to fix.
import pino, { type DestinationStream, type Logger } from 'pino';

/** Keys whose values are secret or personal wherever they appear. */
export const SENSITIVE_KEYS = [
  // credentials and secrets
  'password', 'pass', 'token', 'accessToken', 'refreshToken', 'apiKey', 'key', 'secret', 'secrets', 'appSecret',
  'identitySecret', 'inboundSecret', 'verifyToken', 'pageAccessToken', 'authorization', 'cookie', 'x-misy-signature',
  'x-hub-signature-256', 'hash', 'visitorToken',
  // message text and request/response bodies
  'text', 'content', 'body', 'rawBody', 'lastMessageText', 'payload',
  // Postgres errors carry the statement and its bound values (which may be message text)
  'parameters', 'query',
  // personal data
  'email', 'phone', 'name', 'contactName',
] as const;

const MAX_DEPTH = 6;

/** `key`, `*.key`, `*.*.key`, … down to `depth` levels; keys that are not identifiers use brackets. */
export function redactPaths(keys: readonly string[] = SENSITIVE_KEYS, depth = MAX_DEPTH): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const identifier = /^[A-Za-z_$][\w$]*$/.test(key);
    for (let d = identifier ? 0 : 1; d <= depth; d++) {
      const wildcards = Array(d).fill('*').join('.');
      paths.push(identifier ? (d ? `${wildcards}.${key}` : key) : `${wildcards}["${key}"]`);
    }
  }
  return paths;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: redactPaths(), censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
