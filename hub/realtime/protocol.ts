// Validation and ack plumbing shared by both namespaces. Socket input is untrusted: zod first,
// and a handler's failure becomes an error ack, never a crashed process.
import { z } from 'zod';
import type { HubContext } from '../context';
import type { Ack, MessageNewEvent } from '../../sdk/src/types';
import { AppError } from '../http/errors';
import { withTenant } from '../store/tenant';
import { listMessages } from '../domain/messages';
import { MAX_TEXT } from '../frontdesk/admit';

const uuid = z.string().uuid();
const attachment = z.object({ kind: z.enum(['image', 'audio', 'video', 'file', 'location', 'sticker']), url: z.string().url().max(2000).optional(), mimeType: z.string().max(200).optional(), name: z.string().max(300).optional(), size: z.number().int().nonnegative().optional() });
export const sendSchema = z.object({ conversationId: uuid.optional(), clientId: z.string().min(1).max(100), text: z.string().max(MAX_TEXT), attachments: z.array(attachment).max(10).optional() });
export const historySchema = z.object({ conversationId: uuid, beforeSeq: z.number().int().positive().optional(), limit: z.number().int().min(1).max(200).optional() });
export const replaySchema = z.object({ cursors: z.record(z.string(), z.number().int().min(0)).refine((c) => Object.keys(c).length <= 100, 'at most 100 conversations') });
export const consentSchema = z.object({ purpose: z.enum(['processing', 'ai', 'learning', 'marketing']), granted: z.boolean(), text: z.string().max(2000).optional() });
export const typingSchema = z.object({ conversationId: uuid.optional(), typing: z.boolean() });
export const conversationIdSchema = z.object({ conversationId: uuid });

export function ackError(code: string, message: string, retryAfter?: number): Ack<never> {
  return { ok: false, error: { code, message, ...(retryAfter !== undefined ? { retryAfter } : {}) } };
}

/** Wraps a handler: validates input, always answers the ack (if any), turns AppErrors into error acks. */
export function safeAck<S extends z.ZodTypeAny, R>(ctx: HubContext, schema: S, fn: (input: z.infer<S>) => Promise<Ack<R>>) {
  return (raw: unknown, ack?: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (r: Ack<R>) => void) : () => {};
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return reply(ackError('invalid_request', parsed.error.issues[0].message));
    fn(parsed.data).then(reply, (err) => {
      if (err instanceof AppError) return reply(ackError(err.code, err.message, err.extra.retryAfter));
      ctx.log.error({ err }, 'socket handler failed');
      reply(ackError('internal', 'internal error'));
    });
  };
}

/** Sends every message after `lastSeq`, in order, from the store (so a restart loses nothing). */
export async function replayMissed(ctx: HubContext, tenantId: string, conversationId: string, lastSeq: number, emit: (e: MessageNewEvent) => void): Promise<number> {
  let after = lastSeq;
  let count = 0;
  for (;;) {
    const page = await withTenant(ctx.sql, tenantId, (tx) => listMessages(tx, conversationId, { afterSeq: after, limit: 500 }));
    for (const message of page) emit({ conversationId, seq: message.seq, message });
    count += page.length;
    if (page.length < 500) return count;
    after = page[page.length - 1].seq;
  }
}
