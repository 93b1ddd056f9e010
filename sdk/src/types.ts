// The public shapes of Misy, shared by hub, widget, console and SDK.
// Changing a name here changes the contract in DESIGN.md: do it deliberately.

export type ChannelType = 'web' | 'api' | 'whatsapp' | 'messenger' | 'instagram' | 'email' | 'whatsapp_web';
export type ConversationStatus = 'bot' | 'pending' | 'open' | 'resolved';
export type MessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
export type SenderType = 'contact' | 'agent' | 'operator' | 'system';
export type ConsentPurpose = 'processing' | 'ai' | 'learning' | 'marketing';
export const CONSENT_PURPOSES: readonly ConsentPurpose[] = ['processing', 'ai', 'learning', 'marketing'];

export interface Attachment {
  kind: 'image' | 'audio' | 'video' | 'file' | 'location' | 'sticker';
  url?: string;
  mimeType?: string;
  name?: string;
  size?: number;
}

export interface Message {
  id: string;
  tenantId: string;
  conversationId: string;
  seq: number;
  direction: 'in' | 'out';
  sender: { type: SenderType; id: string | null; name?: string };
  text: string;
  attachments: Attachment[];
  channel: { id: string; type: ChannelType; externalId?: string };
  replyTo?: string;
  status: MessageStatus;
  clientId?: string;
  meta?: Record<string, unknown>;
  createdAt: string;
}

export interface Conversation {
  id: string;
  tenantId: string;
  channelId: string;
  channelType: ChannelType;
  contactId: string;
  contactName?: string | null;
  status: ConversationStatus;
  assigneeId: string | null;
  agentId: string | null;
  lastSeq: number;
  lastMessageAt: string | null;
  lastMessageText?: string | null;
  unread: number;
  createdAt: string;
  updatedAt: string;
}

export interface ConsentRecord {
  purpose: ConsentPurpose;
  granted: boolean;
  source: 'widget' | 'channel' | 'api' | 'operator';
  text?: string | null;
  createdAt: string;
}

export interface Ack<T> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; retryAfter?: number };
}

/** Events every conversation carries: `conversationId` + a strictly increasing per-conversation `seq`. */
export interface MessageNewEvent { conversationId: string; seq: number; message: Message }
/**
 * A piece of a streamed agent reply. `index` orders the pieces of one draft (they may arrive out of
 * order); `done` marks the end of the stream (the stored `message:new` carries `meta.draftId`),
 * `abandoned` a stream that stopped without a message (error, guard, handoff): drop the draft.
 */
export interface MessageDeltaEvent { conversationId: string; draftId: string; delta: string; index: number; done?: boolean; abandoned?: boolean }
export interface MessageStatusEvent { conversationId: string; messageId: string; seq: number; status: MessageStatus }
export interface TypingEvent { conversationId: string; typing: boolean; sender: { type: SenderType; id: string | null; name?: string } }
export interface ConversationEvent { conversationId: string; conversation: Conversation }
export interface PresenceEvent { operatorId: string; name?: string; online: boolean }
export interface ErrorEvent { code: string; message: string; retryAfter?: number }

export interface ServerToClientEvents {
  'message:new': (e: MessageNewEvent) => void;
  'message:delta': (e: MessageDeltaEvent) => void;
  'message:status': (e: MessageStatusEvent) => void;
  typing: (e: TypingEvent) => void;
  'conversation:new': (e: ConversationEvent) => void;
  'conversation:updated': (e: ConversationEvent) => void;
  presence: (e: PresenceEvent) => void;
  error: (e: ErrorEvent) => void;
}

export interface SendInput { conversationId?: string; clientId: string; text: string; attachments?: Attachment[] }
export interface HistoryInput { conversationId: string; beforeSeq?: number; limit?: number }
export interface ReplayInput { cursors: Record<string, number> }
export interface ConsentInput { purpose: ConsentPurpose; granted: boolean; text?: string }

export interface ClientToServerEvents {
  'message:send': (input: SendInput, ack: (r: Ack<Message>) => void) => void;
  typing: (input: { conversationId?: string; typing: boolean }) => void;
  history: (input: HistoryInput, ack: (r: Ack<{ messages: Message[]; hasMore: boolean }>) => void) => void;
  /** Sent on (re)connect with the last seq seen per conversation; missed events are replayed in order. */
  replay: (input: ReplayInput, ack: (r: Ack<{ replayed: number }>) => void) => void;
  'consent:set': (input: ConsentInput, ack: (r: Ack<{ consents: Record<ConsentPurpose, boolean> }>) => void) => void;
  'conversation:join': (input: { conversationId: string }, ack: (r: Ack<{ conversation: Conversation; messages: Message[] }>) => void) => void;
  /** Console: stop receiving a conversation's events (switching away). */
  'conversation:leave': (input: { conversationId: string }, ack: (r: Ack<{ left: true }>) => void) => void;
  /** Console: the operator has seen everything up to the conversation's latest message. */
  'conversation:read': (input: { conversationId: string }, ack: (r: Ack<Conversation>) => void) => void;
  'conversation:assign': (input: { conversationId: string; operatorId: string | null }, ack: (r: Ack<Conversation>) => void) => void;
  'conversation:handoff': (input: { conversationId: string; to: 'human' | 'bot' }, ack: (r: Ack<Conversation>) => void) => void;
  'conversation:resolve': (input: { conversationId: string }, ack: (r: Ack<Conversation>) => void) => void;
}
