// /console: operators of one tenant. The tenant room carries conversation list updates;
// a conversation room carries its messages once the operator joins it.
import type { Namespace, Socket } from 'socket.io';
import type { HubContext } from '../context';
import type { ClientToServerEvents, ServerToClientEvents } from '../../sdk/src/types';
import { withTenant } from '../store/tenant';
import { getConversation, markRead } from '../domain/conversations';
import { latestMessages, listMessages } from '../domain/messages';
import { sendOutbound } from '../domain/outbound';
import { assignConversation, handoffConversation, resolveConversation } from '../domain/transitions';
import { replayMissed, safeAck, ackError, sendSchema, replaySchema, typingSchema, conversationIdSchema, historySchema } from './protocol';
import { z } from 'zod';
import type { Presence } from './presence';

interface ConsoleData { tenantId: string; operatorId: string; name: string | null }
type ConsoleSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ConsoleData>;

export function setupConsoleNamespace(ns: Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ConsoleData>, ctx: HubContext, presence: Presence) {
  ns.use(async (socket, next) => {
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : '';
    const verdict = await ctx.tokens.verifyAccess(token);
    if (!verdict.ok) return next(new Error('unauthorized'));
    const [op] = await ctx.sql<{ name: string | null; disabled: boolean }[]>`
      select name, disabled_at is not null as disabled from operators where id = ${verdict.claims.sub} and tenant_id = ${verdict.claims.tid}`;
    if (!op || op.disabled) return next(new Error('unauthorized'));
    socket.data = { tenantId: verdict.claims.tid, operatorId: verdict.claims.sub, name: op.name };
    next();
  });

  ns.on('connection', (socket: ConsoleSocket) => {
    const { tenantId, operatorId, name } = socket.data;
    const actor = { tenantId, actorType: 'operator' as const, actorId: operatorId };
    void socket.join(`t:${tenantId}`);
    // Handlers are registered synchronously: socket.io drops events that arrive before their
    // handler, and presence below may wait on Redis while the client already sends `replay`.
    // On shutdown Redis may already be closed; presence expiring with it is fine.
    socket.on('disconnect', () => void announced.then(() => presence.offline(tenantId, operatorId, name)).catch(() => {}));

    socket.on('conversation:join', safeAck(ctx, conversationIdSchema, async ({ conversationId }) => {
      // RLS: another tenant's conversation simply does not exist here.
      const out = await withTenant(ctx.sql, tenantId, async (tx) => {
        const conversation = await getConversation(tx, conversationId);
        const messages = await latestMessages(tx, conversationId, 50);
        await markRead(tx, conversationId);
        return { conversation, messages };
      });
      void socket.join(`c:${conversationId}`);
      return { ok: true, data: out };
    }));

    socket.on('message:send', safeAck(ctx, sendSchema, async (input) => {
      if (!input.conversationId) return ackError('invalid_request', 'conversationId is required');
      const r = await sendOutbound(ctx, tenantId, { conversationId: input.conversationId, text: input.text, attachments: input.attachments, clientId: input.clientId, sender: { type: 'operator', id: operatorId, name } });
      return { ok: true, data: r.message };
    }));

    socket.on('replay', safeAck(ctx, replaySchema, async (input) => {
      let replayed = 0;
      for (const [conversationId, lastSeq] of Object.entries(input.cursors)) {
        const visible = await withTenant(ctx.sql, tenantId, (tx) => tx`select 1 from conversations where id = ${conversationId}`);
        if (!visible.length) continue;
        void socket.join(`c:${conversationId}`);
        replayed += await replayMissed(ctx, tenantId, conversationId, lastSeq, (e) => socket.emit('message:new', e));
      }
      return { ok: true, data: { replayed } };
    }));

    socket.on('conversation:assign', safeAck(ctx, z.object({ conversationId: z.string().uuid(), operatorId: z.string().uuid().nullable() }), async (i) =>
      ({ ok: true, data: await assignConversation(ctx, actor, i.conversationId, i.operatorId) })));
    socket.on('conversation:handoff', safeAck(ctx, z.object({ conversationId: z.string().uuid(), to: z.enum(['human', 'bot']) }), async (i) =>
      ({ ok: true, data: await handoffConversation(ctx, actor, i.conversationId, i.to) })));
    socket.on('conversation:resolve', safeAck(ctx, conversationIdSchema, async (i) =>
      ({ ok: true, data: await resolveConversation(ctx, actor, i.conversationId) })));

    socket.on('history', safeAck(ctx, historySchema, async (input) => {
      const limit = input.limit ?? 30;
      const messages = await withTenant(ctx.sql, tenantId, async (tx) => {
        await getConversation(tx, input.conversationId); // not found in another tenant
        return listMessages(tx, input.conversationId, { beforeSeq: input.beforeSeq ?? 2 ** 31 - 1, limit });
      });
      return { ok: true, data: { messages, hasMore: messages.length === limit && messages[0]?.seq > 1 } };
    }));

    socket.on('conversation:leave', safeAck(ctx, conversationIdSchema, async ({ conversationId }) => {
      void socket.leave(`c:${conversationId}`);
      return { ok: true, data: { left: true as const } };
    }));

    socket.on('conversation:read', safeAck(ctx, conversationIdSchema, async ({ conversationId }) => {
      const conversation = await withTenant(ctx.sql, tenantId, async (tx) => {
        await markRead(tx, conversationId);
        return getConversation(tx, conversationId);
      });
      socket.to(`t:${tenantId}`).emit('conversation:updated', { conversationId, conversation });
      return { ok: true, data: conversation };
    }));

    socket.on('typing', (raw) => {
      const input = typingSchema.safeParse(raw);
      if (!input.success || !input.data.conversationId) return;
      const conversationId = input.data.conversationId;
      void withTenant(ctx.sql, tenantId, (tx) => getConversation(tx, conversationId)).then((conv) => {
        ctx.bus.publish({ type: 'typing', tenantId, contactId: conv.contactId, conversationId, typing: input.data.typing, sender: { type: 'operator', id: operatorId, ...(name ? { name } : {}) } });
      }).catch(() => {});
    });

    // A console that just connected learns who else is online; later changes arrive as events.
    const announced = presence.online(tenantId, operatorId, name).then(async () => {
      for (const id of await presence.list(tenantId)) if (id !== operatorId) socket.emit('presence', { operatorId: id, online: true });
    }).catch((err) => ctx.log.warn({ err: String(err) }, 'presence unavailable'));
  });
}
