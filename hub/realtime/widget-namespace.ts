// /widget: one visitor (contact) per socket, bound by the widget session token and the page origin.
import type { Namespace, Socket } from 'socket.io';
import type { HubContext } from '../context';
import type { ClientToServerEvents, ServerToClientEvents, Ack, ConsentPurpose } from '../../sdk/src/types';
import { withTenant } from '../store/tenant';
import { getChannel, type ChannelRow } from '../domain/channels';
import { admitInbound } from '../frontdesk/admit';
import { listMessages } from '../domain/messages';
import { currentConsents, recordConsent } from '../domain/contacts';
import { findActiveConversation } from '../domain/conversations';
import { appendAudit } from '../security/audit';
import { originAllowed } from '../http/routes/widget';
import { forwardedClientIp } from '../http/principal';

const headerOf = (h: string | string[] | undefined) => (Array.isArray(h) ? h.join(',') : h);
import { replayMissed, safeAck, ackError, sendSchema, historySchema, replaySchema, consentSchema, typingSchema } from './protocol';

interface WidgetData { tenantId: string; contactId: string; channel: ChannelRow }
type WidgetSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, WidgetData>;

export function setupWidgetNamespace(ns: Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, WidgetData>, ctx: HubContext) {
  ns.use(async (socket, next) => {
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : '';
    const verdict = await ctx.tokens.verifyWidget(token);
    if (!verdict.ok) return next(new Error('unauthorized'));
    try {
      const channel = await withTenant(ctx.sql, verdict.claims.tid, (tx) => getChannel(tx, verdict.claims.cid));
      if (!channel.enabled || !originAllowed(channel, socket.handshake.headers.origin)) return next(new Error('origin_not_allowed'));
      socket.data = { tenantId: verdict.claims.tid, contactId: verdict.claims.sub, channel };
      next();
    } catch {
      next(new Error('unauthorized'));
    }
  });

  ns.on('connection', (socket: WidgetSocket) => {
    const { tenantId, contactId, channel } = socket.data;
    void socket.join(`k:${contactId}`);

    /** A widget may only touch its own contact's conversations. */
    async function ownConversation(conversationId: string): Promise<boolean> {
      const rows = await withTenant(ctx.sql, tenantId, (tx) => tx`select 1 from conversations where id = ${conversationId} and contact_id = ${contactId}`);
      return rows.length > 0;
    }

    socket.on('message:send', safeAck(ctx, sendSchema, async (input): Promise<Ack<import('../../sdk/src/types').Message>> => {
      const outcome = await admitInbound(ctx, {
        channel,
        contactId,
        clientId: input.clientId,
        event: { kind: 'message', externalId: `${contactId}:${input.clientId}`, from: { externalId: contactId }, text: input.text, attachments: input.attachments ?? [] },
      });
      if (outcome.kind === 'rejected') {
        socket.emit('error', { code: outcome.code, message: outcome.message, retryAfter: outcome.retryAfter });
        return ackError(outcome.code, outcome.message, outcome.retryAfter);
      }
      return { ok: true, data: outcome.message };
    }));

    socket.on('history', safeAck(ctx, historySchema, async (input) => {
      if (!(await ownConversation(input.conversationId))) return ackError('not_found', 'conversation not found');
      const limit = input.limit ?? 30;
      const messages = await withTenant(ctx.sql, tenantId, (tx) => listMessages(tx, input.conversationId, { beforeSeq: input.beforeSeq ?? 2 ** 31 - 1, limit }));
      return { ok: true, data: { messages, hasMore: messages.length === limit && messages[0]?.seq > 1 } };
    }));

    socket.on('replay', safeAck(ctx, replaySchema, async (input) => {
      let replayed = 0;
      for (const [conversationId, lastSeq] of Object.entries(input.cursors)) {
        if (!(await ownConversation(conversationId))) continue;
        replayed += await replayMissed(ctx, tenantId, conversationId, lastSeq, (e) => socket.emit('message:new', e));
      }
      return { ok: true, data: { replayed } };
    }));

    socket.on('typing', (raw) => {
      const input = typingSchema.safeParse(raw);
      if (!input.success) return;
      void withTenant(ctx.sql, tenantId, (tx) => findActiveConversation(tx, channel.id, contactId)).then((conv) => {
        if (conv) ctx.bus.publish({ type: 'typing', tenantId, contactId, conversationId: conv.id, typing: input.data.typing, sender: { type: 'contact', id: contactId } });
      }).catch(() => {});
    });

    socket.on('consent:set', safeAck(ctx, consentSchema, async (input) => {
      const consents = await withTenant(ctx.sql, tenantId, async (tx) => {
        await recordConsent(tx, { tenantId, contactId, purpose: input.purpose as ConsentPurpose, granted: input.granted, source: 'widget', text: input.text,
          ip: forwardedClientIp(socket.handshake.address, headerOf(socket.handshake.headers['x-forwarded-for']), ctx.config.trustProxyHops) ?? undefined, userAgent: socket.handshake.headers['user-agent'] });
        await appendAudit(tx, { tenantId, actorType: 'contact', actorId: contactId, action: 'consent.changed', targetType: 'contact', targetId: contactId, data: { purpose: input.purpose, granted: input.granted } });
        return currentConsents(tx, contactId);
      });
      return { ok: true, data: { consents } };
    }));
  });
}
