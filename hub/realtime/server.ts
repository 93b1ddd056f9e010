// Socket.io on the hub's HTTP server. Committed events from the bus become emits to rooms:
//   k:<contactId>  the visitor's widget sockets      t:<tenantId>  every console of the tenant
//   c:<conversationId>  consoles viewing that conversation
// With Redis, the streams adapter carries emits to the sockets of every replica.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { RedisClientType } from 'redis';
import type { HubContext } from '../context';
import type { HubEvent } from '../bus';
import type { ClientToServerEvents, ServerToClientEvents } from '../../sdk/src/types';
import { setupWidgetNamespace } from './widget-namespace';
import { setupConsoleNamespace } from './console-namespace';
import { createPresence } from './presence';

export async function attachRealtime(http: HttpServer, ctx: HubContext, redis?: RedisClientType) {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // Origins are enforced per widget channel in the namespace middleware (tokens, not cookies).
    cors: { origin: true, credentials: false },
    connectionStateRecovery: undefined,
  });
  if (redis) {
    const { createAdapter } = await import('@socket.io/redis-streams-adapter');
    io.adapter(createAdapter(redis, { streamName: 'misy:socket.io' }));
  }
  const widget = io.of('/widget');
  const consoleNs = io.of('/console');
  const presence = createPresence((tenantId, e) => consoleNs.to(`t:${tenantId}`).emit('presence', e), redis);
  setupWidgetNamespace(widget as never, ctx);
  setupConsoleNamespace(consoleNs as never, ctx, presence);

  const unsubscribe = ctx.bus.subscribe((e: HubEvent) => {
    switch (e.type) {
      case 'message:new': {
        const payload = { conversationId: e.message.conversationId, seq: e.message.seq, message: e.message };
        widget.to(`k:${e.contactId}`).emit('message:new', payload);
        consoleNs.to(`c:${e.message.conversationId}`).emit('message:new', payload);
        break;
      }
      case 'message:status': {
        const payload = { conversationId: e.conversationId, messageId: e.messageId, seq: e.seq, status: e.status };
        widget.to(`k:${e.contactId}`).emit('message:status', payload);
        consoleNs.to(`c:${e.conversationId}`).emit('message:status', payload);
        break;
      }
      case 'message:delta': {
        const payload = { conversationId: e.conversationId, draftId: e.draftId, delta: e.delta, index: e.index, ...(e.done ? { done: true } : {}), ...(e.abandoned ? { abandoned: true } : {}) };
        widget.to(`k:${e.contactId}`).emit('message:delta', payload);
        consoleNs.to(`c:${e.conversationId}`).emit('message:delta', payload);
        break;
      }
      case 'typing': {
        const payload = { conversationId: e.conversationId, typing: e.typing, sender: e.sender };
        if (e.sender.type === 'contact') consoleNs.to(`c:${e.conversationId}`).emit('typing', payload);
        else widget.to(`k:${e.contactId}`).emit('typing', payload);
        break;
      }
      case 'conversation:new':
      case 'conversation:updated': {
        const payload = { conversationId: e.conversation.id, conversation: e.conversation };
        consoleNs.to(`t:${e.tenantId}`).emit(e.type, payload);
        widget.to(`k:${e.conversation.contactId}`).emit('conversation:updated', payload);
        break;
      }
    }
  });

  return {
    io,
    presence,
    async close() {
      unsubscribe();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

export type Realtime = Awaited<ReturnType<typeof attachRealtime>>;
