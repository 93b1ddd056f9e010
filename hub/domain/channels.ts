// Channels: config validated by the adapter's schema; secret fields are split out and sealed
// (AES-256-GCM) so the config column never holds a secret and reads never return one.
import type { Tx, Sql } from '../store/database';
import { z } from 'zod';
import type { ChannelType } from '../../sdk/src/types';
import { CONSENT_PURPOSES } from '../../sdk/src/types';
import { adapterFor } from '../../channels/registry';
import { AppError, notFound } from '../http/errors';
import type { SecretBox } from '../security/secret-box';

export interface ChannelRow {
  id: string;
  tenant_id: string;
  type: ChannelType;
  name: string;
  config: Record<string, unknown>;
  secrets: string | null;
  public_key: string | null;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function deletePath(obj: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
  if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[last];
}

/** Splits validated config into public config and secrets (by path). */
export function splitSecrets(type: ChannelType, config: Record<string, unknown>) {
  const publicConfig = structuredClone(config);
  const secrets: Record<string, string> = {};
  for (const path of adapterFor(type).secretFields) {
    const v = getPath(config, path);
    if (typeof v === 'string') secrets[path] = v;
    deletePath(publicConfig, path);
  }
  return { publicConfig, secrets };
}

/**
 * Settings every channel type shares, whatever its adapter: the consent policy. While a purpose in
 * `requireConsent` is missing for a contact, the AI agent does not process their messages.
 */
export const SharedChannelSettings = z.object({
  requireConsent: z.array(z.enum(CONSENT_PURPOSES)).max(CONSENT_PURPOSES.length).default([]),
});

/** Validates shared settings here and the rest with the adapter's own (strict) schema. */
export function parseChannelConfig(type: ChannelType, raw: unknown): Record<string, unknown> {
  const invalid = (path: PropertyKey[], message: string) => new AppError('invalid_request', `config.${path.map(String).join('.')}: ${message}`);
  const isObject = raw !== null && typeof raw === 'object' && !Array.isArray(raw);
  const { requireConsent, ...own } = isObject ? (raw as Record<string, unknown>) : { requireConsent: undefined };
  const shared = SharedChannelSettings.safeParse({ requireConsent });
  if (!shared.success) throw invalid(shared.error.issues[0].path, shared.error.issues[0].message);
  const parsed = adapterFor(type).configSchema.safeParse(isObject ? own : (raw ?? {}));
  if (!parsed.success) throw invalid(parsed.error.issues[0].path, parsed.error.issues[0].message);
  return { ...(parsed.data as Record<string, unknown>), ...shared.data };
}

/** What reads show instead of a secret's value; sending it back on update keeps the secret. */
export const MASK = '••••••';

export function presentChannel(row: ChannelRow, box: SecretBox) {
  const secretNames = row.secrets ? Object.keys(box.openJson<Record<string, string>>(row.secrets)) : [];
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    enabled: row.enabled,
    config: row.config,
    ...(row.public_key ? { widgetKey: row.public_key } : {}),
    // Names only: which secrets are set, never their values.
    secrets: Object.fromEntries(secretNames.filter((n) => n !== 'widgetKey').map((n) => [n, MASK])),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function createChannel(tx: Tx, box: SecretBox, tenantId: string, input: { type: ChannelType; name: string; config: unknown }) {
  const adapter = adapterFor(input.type);
  const config = parseChannelConfig(input.type, input.config);
  const { publicConfig, secrets } = splitSecrets(input.type, config);
  const generated = adapter.generateSecrets?.() ?? {};
  const { widgetKey, ...generatedSecrets } = generated;
  const allSecrets = { ...secrets, ...generatedSecrets };
  const [row] = await tx<ChannelRow[]>`
    insert into channels (tenant_id, type, name, config, secrets, public_key)
    values (${tenantId}, ${input.type}, ${input.name}, ${tx.json(publicConfig as never)},
            ${Object.keys(allSecrets).length ? box.seal(allSecrets) : null}, ${widgetKey ?? null})
    returning *`;
  return { row, generated };
}

export async function updateChannel(tx: Tx, box: SecretBox, id: string, input: { name?: string; config?: unknown; enabled?: boolean }) {
  const current = await getChannel(tx, id);
  let config = current.config;
  let sealed = current.secrets;
  let secretsChanged = false;
  if (input.config !== undefined) {
    const existing = current.secrets ? box.openJson<Record<string, string>>(current.secrets) : {};
    // Secrets may be omitted (or sent back masked as read) on update: keep the stored ones.
    // Generated secrets (widget identity secret, API channel secret) are not config at all.
    const adapter = adapterFor(current.type);
    const generated = new Set(Object.keys(adapter.generateSecrets?.() ?? {}));
    const merged = structuredClone(input.config) as Record<string, unknown>;
    for (const path of adapter.secretFields) {
      if (getPath(merged, path) === MASK) deletePath(merged, path);
      if (generated.has(path)) { deletePath(merged, path); continue; }
      if (getPath(merged, path) === undefined && existing[path] !== undefined) setPath(merged, path, existing[path]);
    }
    const parsed = parseChannelConfig(current.type, merged);
    const { publicConfig, secrets } = splitSecrets(current.type, parsed);
    secretsChanged = Object.entries(secrets).some(([k, v]) => existing[k] !== v);
    config = publicConfig;
    sealed = box.seal({ ...existing, ...secrets });
  }
  const [row] = await tx<ChannelRow[]>`
    update channels set name = ${input.name ?? current.name}, config = ${tx.json(config as never)}, secrets = ${sealed},
      enabled = ${input.enabled ?? current.enabled}, updated_at = now()
    where id = ${id} returning *`;
  return { row, secretsChanged };
}

/**
 * Replaces every secret the channel generated for itself (API `secret`, web `identitySecret`,
 * email `inboundSecret`); the public widget key stays, so embeds keep working. Returns the new
 * values, to be shown once. Secrets the tenant supplied (Meta tokens, SMTP passwords) change by update.
 */
export async function rotateGeneratedSecrets(tx: Tx, box: SecretBox, id: string): Promise<Record<string, string>> {
  const current = await getChannel(tx, id);
  const { widgetKey: _public, ...fresh } = adapterFor(current.type).generateSecrets?.() ?? {};
  if (!Object.keys(fresh).length) throw new AppError('conflict', `a ${current.type} channel has no generated secret to rotate`);
  const existing = current.secrets ? box.openJson<Record<string, string>>(current.secrets) : {};
  await tx`update channels set secrets = ${box.seal({ ...existing, ...fresh })}, updated_at = now() where id = ${id}`;
  return fresh;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let o = obj;
  for (const k of keys) {
    if (!o[k] || typeof o[k] !== 'object') return;
    o = o[k] as Record<string, unknown>;
  }
  o[last] = value;
}

export async function getChannel(tx: Tx, id: string): Promise<ChannelRow> {
  const [row] = await tx<ChannelRow[]>`select * from channels where id = ${id}`;
  if (!row) throw notFound('channel');
  return row;
}

export async function listChannels(tx: Tx): Promise<ChannelRow[]> {
  return tx<ChannelRow[]>`select * from channels order by created_at`;
}

export async function deleteChannel(tx: Tx, id: string): Promise<void> {
  const rows = await tx`delete from channels where id = ${id} returning id`;
  if (!rows.length) throw notFound('channel');
}

/** Public lookup by widget key (system: the key is what identifies the tenant). */
export async function findWebChannelByKey(sql: Sql, widgetKey: string): Promise<ChannelRow | null> {
  const [row] = await sql<ChannelRow[]>`select * from channels where public_key = ${widgetKey} and type = 'web' and enabled`;
  return row ?? null;
}

/** Public lookup for ingress routes (system: the channel id in the URL identifies the tenant). */
export async function findChannelForIngress(sql: Sql, id: string, type: ChannelType): Promise<ChannelRow | null> {
  const [row] = await sql<ChannelRow[]>`select * from channels where id = ${id} and type = ${type} and enabled`;
  return row ?? null;
}

export function channelSecrets(row: ChannelRow, box: SecretBox): Record<string, string> {
  return row.secrets ? box.openJson<Record<string, string>>(row.secrets) : {};
}
