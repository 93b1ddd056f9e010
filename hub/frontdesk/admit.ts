// The one door for inbound messages, whatever the channel:
//   authenticate (done by the edge/adapter) → resolve tenant & channel → validate → rate-limit
//   → [group commit: contact → consent → dedupe → store message + jobs, one transaction] → publish.
// Every stage returns a typed outcome; edges (HTTP, socket) map outcomes to responses in one place.
import { z } from 'zod';
import type { HubContext } from '../context';
import type { ChannelRow } from '../domain/channels';
import type { InboundMessage } from '../../channels/adapter';
import type { Conversation, Message } from '../../sdk/src/types';
import type { Plan } from '../security/rate-limit';
import { withTenant } from '../store/tenant';
import { noteWrites } from '../store/statistics';
import { GroupCommit } from './group-commit';
import { storeAdmissions, type AdmissionItem, type StoredAdmission } from './store-admissions';

export type Admission =
  | { kind: 'accepted'; message: Message; conversation: Conversation; aiAllowed: boolean } // 200/201
  | { kind: 'duplicate'; message: Message } // 200: already stored, nothing new
  | { kind: 'rejected'; code: 'invalid_request' | 'rate_limited' | 'forbidden'; message: string; retryAfter?: number }; // 4xx

export const MAX_TEXT = 4000;

const attachmentSchema = z.object({
  kind: z.enum(['image', 'audio', 'video', 'file', 'location', 'sticker']),
  url: z.string().url().max(2000).optional(),
  mimeType: z.string().max(200).optional(),
  name: z.string().max(300).optional(),
  size: z.number().int().nonnegative().optional(),
});

export const inboundSchema = z.object({
  kind: z.literal('message'),
  externalId: z.string().min(1).max(300),
  from: z.object({
    externalId: z.string().min(1).max(300),
    name: z.string().max(200).optional(),
    email: z.string().max(320).optional(),
    phone: z.string().max(50).optional(),
  }),
  text: z.string().max(MAX_TEXT),
  attachments: z.array(attachmentSchema).max(10),
  timestamp: z.date().optional(),
  replyToExternalId: z.string().max(300).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
}).refine((m) => m.text.trim().length > 0 || m.attachments.length > 0, 'a message needs text or attachments');

export interface AdmitInput {
  channel: ChannelRow;
  event: InboundMessage;
  /** Set when the edge already knows the contact (an authenticated widget session). */
  contactId?: string;
  clientId?: string;
  verified?: boolean;
}

export async function admitInbound(ctx: HubContext, input: AdmitInput): Promise<Admission> {
  const tenantId = input.channel.tenant_id;
  const parsed = inboundSchema.safeParse(input.event);
  if (!parsed.success) return reject(ctx, 'invalid_request', parsed.error.issues[0].message);

  const plan = await tenantPlan(ctx, tenantId);
  for (const [kind, key] of [['tenant', tenantId], ['contact', `${input.channel.id}:${input.contactId ?? parsed.data.from.externalId}`]] as const) {
    const verdict = await ctx.limiter.consume(kind, key, plan);
    if (!verdict.ok) return reject(ctx, 'rate_limited', `too many messages for this ${kind}`, verdict.retryAfterSeconds);
  }

  const result = await batcher(ctx).submit(tenantId, { ...input, event: parsed.data });
  if (result.kind === 'rejected') return reject(ctx, result.code, result.message);
  if (result.kind === 'duplicate') return duplicate(ctx, result.message);
  return { kind: 'accepted', message: result.message, conversation: result.conversation, aiAllowed: result.aiAllowed };
}

// One group commit per hub: concurrent admissions of a tenant share a transaction.
const batchers = new WeakMap<HubContext, GroupCommit<AdmissionItem, StoredAdmission>>();

function batcher(ctx: HubContext): GroupCommit<AdmissionItem, StoredAdmission> {
  let b = batchers.get(ctx);
  if (!b) {
    b = new GroupCommit(async (tenantId, items) => {
      const results = await withTenant(ctx.sql, tenantId, (tx) => storeAdmissions(tx, tenantId, items));
      noteWrites(ctx.sql, items.length);
      publishCommitted(ctx, tenantId, items, results);
      return results;
    });
    batchers.set(ctx, b);
  }
  return b;
}

/** After commit, never before: a conversation's state once per batch, then its messages in seq order. */
function publishCommitted(ctx: HubContext, tenantId: string, items: AdmissionItem[], results: StoredAdmission[]): void {
  const accepted = results.flatMap((r, i) => (r.kind === 'accepted' ? [{ r, channel: items[i].channel }] : []));
  if (!accepted.length) return;
  const conversations = new Map(accepted.map(({ r }) => [r.conversation.id, r]));
  for (const r of conversations.values()) {
    ctx.bus.publish({ type: r.isNew ? 'conversation:new' : 'conversation:updated', tenantId, conversation: r.conversation });
  }
  for (const { r, channel } of accepted) {
    ctx.metrics.admissions.inc({ outcome: 'accepted' });
    ctx.metrics.messages.inc({ direction: 'in', channel: channel.type });
    ctx.bus.publish({ type: 'message:new', tenantId, contactId: r.conversation.contactId, message: r.message });
  }
  ctx.wakeJobs();
}

// Plans change rarely; reading one per message would cost a round trip on the hottest path.
const PLAN_TTL_MS = 10_000;
const plans = new WeakMap<HubContext, Map<string, { plan: Plan; at: number }>>();

async function tenantPlan(ctx: HubContext, tenantId: string): Promise<Plan> {
  let cache = plans.get(ctx);
  if (!cache) plans.set(ctx, (cache = new Map()));
  const hit = cache.get(tenantId);
  if (hit && Date.now() - hit.at < PLAN_TTL_MS) return hit.plan;
  const [row] = await ctx.sql<{ plan: Plan }[]>`select plan from tenants where id = ${tenantId}`;
  const plan = row?.plan ?? 'free';
  cache.set(tenantId, { plan, at: Date.now() });
  return plan;
}

function reject(ctx: HubContext, code: Extract<Admission, { kind: 'rejected' }>['code'], message: string, retryAfter?: number): Admission {
  ctx.metrics.admissions.inc({ outcome: code });
  return { kind: 'rejected', code, message, retryAfter };
}

function duplicate(ctx: HubContext, message: Message): Admission {
  ctx.metrics.admissions.inc({ outcome: 'duplicate' });
  return { kind: 'duplicate', message };
}
