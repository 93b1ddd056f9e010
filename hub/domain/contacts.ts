// Contacts and how they are known on each channel (contact_identities).
import type { Tx } from '../store/database';
import type { ConsentPurpose, ConsentRecord } from '../../sdk/src/types';
import { CONSENT_PURPOSES } from '../../sdk/src/types';
import { AppError, notFound } from '../http/errors';

export interface ContactRow {
  id: string;
  tenant_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
  anonymized_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function toContact(r: ContactRow) {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    attributes: r.attributes,
    anonymized: r.anonymized_at !== null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface ContactDetails { name?: string | null; email?: string | null; phone?: string | null; attributes?: Record<string, unknown> }

export async function createContact(tx: Tx, tenantId: string, d: ContactDetails): Promise<ContactRow> {
  const [row] = await tx<ContactRow[]>`
    insert into contacts (tenant_id, name, email, phone, attributes)
    values (${tenantId}, ${d.name ?? null}, ${d.email ?? null}, ${d.phone ?? null}, ${tx.json((d.attributes ?? {}) as never)})
    returning *`;
  return row;
}

/** Finds the contact known as `externalId` on the channel, creating both on first sight. */
export async function resolveContactIdentity(
  tx: Tx,
  tenantId: string,
  channelId: string,
  externalId: string,
  details: ContactDetails = {},
  verified = false,
): Promise<{ contact: ContactRow; created: boolean }> {
  const [found] = await tx<ContactRow[]>`
    select c.* from contact_identities i join contacts c on c.id = i.contact_id
    where i.channel_id = ${channelId} and i.external_id = ${externalId}`;
  if (found) {
    const fill = { name: found.name ?? details.name ?? null, email: found.email ?? details.email ?? null, phone: found.phone ?? details.phone ?? null };
    if (fill.name !== found.name || fill.email !== found.email || fill.phone !== found.phone) {
      const [updated] = await tx<ContactRow[]>`update contacts set name = ${fill.name}, email = ${fill.email}, phone = ${fill.phone}, updated_at = now()
                                               where id = ${found.id} returning *`;
      return { contact: updated, created: false };
    }
    return { contact: found, created: false };
  }
  const contact = await createContact(tx, tenantId, details);
  await tx`insert into contact_identities (tenant_id, contact_id, channel_id, external_id, verified)
           values (${tenantId}, ${contact.id}, ${channelId}, ${externalId}, ${verified})`;
  return { contact, created: true };
}

export async function getContact(tx: Tx, id: string): Promise<ContactRow> {
  const [row] = await tx<ContactRow[]>`select * from contacts where id = ${id}`;
  if (!row) throw notFound('contact');
  return row;
}

export async function updateContact(tx: Tx, id: string, d: ContactDetails): Promise<ContactRow> {
  const cur = await getContact(tx, id);
  const [row] = await tx<ContactRow[]>`
    update contacts set name = ${d.name === undefined ? cur.name : d.name}, email = ${d.email === undefined ? cur.email : d.email},
      phone = ${d.phone === undefined ? cur.phone : d.phone},
      attributes = ${tx.json({ ...cur.attributes, ...(d.attributes ?? {}) } as never)}, updated_at = now()
    where id = ${id} returning *`;
  return row;
}

// Contacts page oldest first on (created_at, id): ids are random UUIDs, so ordering by id alone put
// new contacts anywhere in the list. The cursor holds created_at as integer microseconds computed by
// Postgres (a JS Date would round away rows created in the same transaction).
type ContactCursor = { us: string; id: string };
const encodeContactCursor = (c: ContactCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeContactCursor(s: string): ContactCursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof c.us === 'string' && /^-?\d{1,18}$/.test(c.us) && typeof c.id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(c.id)) return c;
  } catch { /* fall through */ }
  throw new AppError('invalid_request', 'cursor is not valid');
}

export async function listContacts(tx: Tx, opts: { q?: string; limit: number; cursor?: string }) {
  const like = opts.q ? `%${opts.q.replace(/[%_\\]/g, (m) => '\\' + m)}%` : null;
  const cursor = opts.cursor ? decodeContactCursor(opts.cursor) : null;
  const rows = await tx<(ContactRow & { created_us: string })[]>`
    select c.*, k.created_us::text as created_us from contacts c
    cross join lateral (select (extract(epoch from c.created_at) * 1000000)::bigint as created_us) k
    where c.anonymized_at is null
      ${like ? tx`and (c.name ilike ${like} or c.email ilike ${like} or c.phone ilike ${like})` : tx``}
      ${cursor ? tx`and (k.created_us, c.id) > (${cursor.us}::bigint, ${cursor.id}::uuid)` : tx``}
    order by k.created_us, c.id limit ${opts.limit + 1}`;
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(({ created_us: _, ...r }) => toContact(r)),
    nextCursor: rows.length > opts.limit && last ? encodeContactCursor({ us: last.created_us, id: last.id }) : null,
  };
}

export async function contactChannels(tx: Tx, contactId: string) {
  return tx<{ channel_id: string; type: string; external_id: string; verified: boolean }[]>`
    select i.channel_id, ch.type, i.external_id, i.verified from contact_identities i join channels ch on ch.id = i.channel_id
    where i.contact_id = ${contactId}`;
}

// ── consent ────────────────────────────────────────────────────────────────────────────────

export async function recordConsent(
  tx: Tx,
  input: { tenantId: string; contactId: string; purpose: ConsentPurpose; granted: boolean; source: ConsentRecord['source']; text?: string | null; ip?: string | null; userAgent?: string | null },
): Promise<void> {
  await tx`insert into consents (tenant_id, contact_id, purpose, granted, source, text_shown, ip, user_agent)
           values (${input.tenantId}, ${input.contactId}, ${input.purpose}, ${input.granted}, ${input.source},
                   ${input.text ?? null}, ${input.ip ?? null}, ${input.userAgent?.slice(0, 500) ?? null})`;
}

/** Current state per purpose: the latest record wins; never recorded → false. */
export async function currentConsents(tx: Tx, contactId: string): Promise<Record<ConsentPurpose, boolean>> {
  const rows = await tx<{ purpose: ConsentPurpose; granted: boolean }[]>`
    select distinct on (purpose) purpose, granted from consents where contact_id = ${contactId} order by purpose, id desc`;
  const state = Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, false])) as Record<ConsentPurpose, boolean>;
  for (const r of rows) state[r.purpose] = r.granted;
  return state;
}

export async function consentHistory(tx: Tx, contactId: string) {
  const rows = await tx<{ purpose: ConsentPurpose; granted: boolean; source: ConsentRecord['source']; text_shown: string | null; ip: string | null; user_agent: string | null; created_at: Date }[]>`
    select purpose, granted, source, text_shown, ip, user_agent, created_at from consents where contact_id = ${contactId} order by id`;
  return rows.map((r) => ({ purpose: r.purpose, granted: r.granted, source: r.source, text: r.text_shown, ip: r.ip, userAgent: r.user_agent, createdAt: r.created_at.toISOString() }));
}
