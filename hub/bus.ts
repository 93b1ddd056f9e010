// After a transaction commits, what happened is published here; the realtime layer turns
// events into socket.io emits (which the Redis adapter fans out across replicas).
import { EventEmitter } from 'node:events';
import type { Conversation, Message, MessageStatus, SenderType } from '../sdk/src/types';

export type HubEvent =
  | { type: 'message:new'; tenantId: string; contactId: string; message: Message }
  | { type: 'message:status'; tenantId: string; contactId: string; conversationId: string; messageId: string; seq: number; status: MessageStatus }
  | { type: 'message:delta'; tenantId: string; contactId: string; conversationId: string; draftId: string; delta: string; index: number; done?: boolean; abandoned?: boolean }
  | { type: 'typing'; tenantId: string; contactId: string; conversationId: string; typing: boolean; sender: { type: SenderType; id: string | null; name?: string } }
  | { type: 'conversation:new' | 'conversation:updated'; tenantId: string; conversation: Conversation };

export interface Bus {
  publish(event: HubEvent): void;
  subscribe(fn: (event: HubEvent) => void): () => void;
}

export function createLocalBus(): Bus {
  const ee = new EventEmitter();
  ee.setMaxListeners(100);
  return {
    publish: (e) => ee.emit('event', e),
    subscribe(fn) {
      ee.on('event', fn);
      return () => ee.off('event', fn);
    },
  };
}
