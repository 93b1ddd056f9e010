// The realtime client the widget and the console are built on. It owns three guarantees:
//  - replay: it remembers the last `seq` seen per conversation and, on every (re)connect, asks the
//    hub for everything after it, so a dropped connection or a hub restart loses nothing;
//  - no duplicates: an event whose `seq` was already seen is dropped before listeners see it;
//  - exactly-once sends: every message gets a `clientId` and waits in an outbox (persisted when a
//    storage is given) until the hub acks it; unacked sends are re-sent after a reconnect and the
//    hub dedupes on `clientId`.
import { io, type Socket } from 'socket.io-client';
import type { Ack, Attachment, ClientToServerEvents, ConsentInput, ConsentPurpose, Conversation, Message, ServerToClientEvents } from './types';

export type Namespace = '/widget' | '/console';
export type ConnectionState = 'connecting' | 'online' | 'offline';

/** Where cursors and the outbox survive a page reload (the widget passes localStorage). */
export interface KeyValueStorage { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void }

export interface RealtimeOptions {
  /** Hub base URL, e.g. https://hub.example.com */
  url: string;
  namespace: Namespace;
  /** The widget session token or the operator access token; a function is asked again on each connect. */
  token: string | (() => string | Promise<string>);
  storage?: KeyValueStorage;
  /** Key prefix in storage; lets several widgets share one origin. */
  storageKey?: string;
  /** For Node: headers such as Origin. Ignored by browsers. */
  extraHeaders?: Record<string, string>;
  /** Ack timeout per request, ms (default 10 s). */
  timeoutMs?: number;
}

interface PendingSend { conversationId?: string; clientId: string; text: string; attachments?: Attachment[] }

export type RealtimeEvents = {
  [K in keyof ServerToClientEvents]: Parameters<ServerToClientEvents[K]>[0];
} & {
  state: ConnectionState;
  /** A send that was queued offline was stored by the hub. */
  sent: Message;
};

type Listener<T> = (payload: T) => void;

export class RequestError extends Error {
  constructor(readonly code: string, message: string, readonly retryAfter?: number) { super(message); }
}

export function newClientId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

export class MisyRealtime {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  state: ConnectionState = 'connecting';
  private cursors: Record<string, number>;
  private outbox: PendingSend[];
  private inFlight = new Set<string>();
  /** Seqs delivered beyond a gap in the cursor, per conversation. */
  private ahead = new Map<string, Set<number>>();
  private waiters = new Map<string, { resolve(m: Message): void; reject(e: Error): void }>();
  private listeners = new Map<string, Set<Listener<any>>>();
  private readonly timeoutMs: number;

  constructor(private readonly opts: RealtimeOptions) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.cursors = this.load('cursors', {});
    this.outbox = this.load('outbox', []);
    const token = opts.token;
    this.socket = io(opts.url.replace(/\/$/, '') + opts.namespace, {
      auth: (cb) => { void Promise.resolve(typeof token === 'function' ? token() : token).then((t) => cb({ token: t })); },
      // WebSocket first; when it cannot open (a proxy that strips Upgrade), fall back to long-polling
      // instead of retrying the same failing transport forever.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
      reconnectionDelayMax: 5_000,
    });
    this.socket.on('connect', () => void this.onConnect());
    this.socket.on('disconnect', () => { this.inFlight.clear(); this.setState('offline'); });
    this.socket.on('connect_error', () => this.setState('offline'));
    this.socket.on('message:new', (e) => this.onMessage(e.message));
    for (const event of ['message:delta', 'message:status', 'typing', 'conversation:new', 'conversation:updated', 'presence', 'error'] as const) {
      (this.socket as unknown as { on(e: string, fn: (x: unknown) => void): void }).on(event, (x) => this.fire(event, x as never));
    }
  }

  on<K extends keyof RealtimeEvents>(event: K, fn: Listener<RealtimeEvents[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => set!.delete(fn);
  }

  /** Last seq seen for a conversation (0 if none). */
  lastSeq(conversationId: string): number { return this.cursors[conversationId] ?? 0; }

  /** Messages waiting for the hub's ack, oldest first (shown as "sending" by UIs). */
  pending(): readonly PendingSend[] { return this.outbox; }

  /**
   * Sends a message exactly once. Resolves with the stored message; while offline it waits in the
   * outbox (and in storage) and resolves after the reconnect.
   */
  send(input: { conversationId?: string; text: string; attachments?: Attachment[]; clientId?: string }): Promise<Message> {
    const item: PendingSend = { clientId: input.clientId ?? newClientId(), text: input.text, ...(input.conversationId ? { conversationId: input.conversationId } : {}), ...(input.attachments ? { attachments: input.attachments } : {}) };
    if (!this.outbox.some((p) => p.clientId === item.clientId)) {
      this.outbox.push(item);
      this.save('outbox', this.outbox);
    }
    const done = new Promise<Message>((resolve, reject) => this.waiters.set(item.clientId, { resolve, reject }));
    if (this.socket.connected) void this.flushOne(item);
    return done;
  }

  typing(typing: boolean, conversationId?: string): void {
    if (this.socket.connected) this.socket.emit('typing', { typing, ...(conversationId ? { conversationId } : {}) });
  }

  /** A page of messages before `beforeSeq` (the newest page when omitted), oldest first. */
  async history(conversationId: string, beforeSeq?: number, limit?: number): Promise<{ messages: Message[]; hasMore: boolean }> {
    const page = await this.request('history', { conversationId, ...(beforeSeq ? { beforeSeq } : {}), ...(limit ? { limit } : {}) }) as { messages: Message[]; hasMore: boolean };
    // The newest page brings the client up to date: later events continue from its last seq.
    const newest = page.messages.reduce((max, m) => Math.max(max, m.seq), 0);
    if (!beforeSeq && newest) this.advance(conversationId, newest);
    return page;
  }

  setConsent(input: ConsentInput) { return this.request('consent:set', input) as Promise<{ consents: Record<ConsentPurpose, boolean> }>; }

  async join(conversationId: string): Promise<{ conversation: Conversation; messages: Message[] }> {
    const out = await this.request('conversation:join', { conversationId }) as { conversation: Conversation; messages: Message[] };
    const newest = out.messages.reduce((max, m) => Math.max(max, m.seq), 0);
    if (newest) this.advance(conversationId, newest);
    return out;
  }

  /** Console: stop following a conversation; a reconnect no longer replays it. */
  async leave(conversationId: string): Promise<void> {
    delete this.cursors[conversationId];
    this.save('cursors', this.cursors);
    if (this.socket.connected) await this.request('conversation:leave', { conversationId });
  }

  /** Console: everything in the conversation has been seen by this operator. */
  markRead(conversationId: string) { return this.request('conversation:read', { conversationId }) as Promise<Conversation>; }

  assign(conversationId: string, operatorId: string | null) { return this.request('conversation:assign', { conversationId, operatorId }) as Promise<Conversation>; }
  handoff(conversationId: string, to: 'human' | 'bot') { return this.request('conversation:handoff', { conversationId, to }) as Promise<Conversation>; }
  resolve(conversationId: string) { return this.request('conversation:resolve', { conversationId }) as Promise<Conversation>; }

  /** Forgets cursors and queued sends (e.g. `Misy.reset()` or an operator logging out). */
  reset(): void {
    this.cursors = {};
    this.outbox = [];
    this.save('cursors', this.cursors);
    this.save('outbox', this.outbox);
  }

  close(): void { this.socket.close(); this.setState('offline'); }

  // --- internals ---

  private async onConnect() {
    try {
      // Replay first so what was missed lands before anything new, then flush the outbox.
      if (Object.keys(this.cursors).length) {
        await this.request('replay', { cursors: this.cursors });
        this.settle();
      }
    } catch { /* a failed replay is retried on the next connect; sending must not wait on it */ }
    this.setState('online');
    for (const item of [...this.outbox]) void this.flushOne(item);
  }

  private async flushOne(item: PendingSend) {
    if (this.inFlight.has(item.clientId)) return;
    this.inFlight.add(item.clientId);
    try {
      const message = await this.request('message:send', item) as Message;
      this.outbox = this.outbox.filter((p) => p.clientId !== item.clientId);
      this.save('outbox', this.outbox);
      this.onMessage(message);
      this.fire('sent', message);
      this.waiters.get(item.clientId)?.resolve(message);
      this.waiters.delete(item.clientId);
    } catch (err) {
      // Lost connection or timeout: keep it queued; the next connect sends it again (the hub dedupes).
      // A refusal by the hub (validation, rate limit) is final for this message.
      if (err instanceof RequestError && err.code !== 'timeout' && err.code !== 'disconnected') {
        this.outbox = this.outbox.filter((p) => p.clientId !== item.clientId);
        this.save('outbox', this.outbox);
        this.waiters.get(item.clientId)?.reject(err);
        this.waiters.delete(item.clientId);
      }
    } finally {
      this.inFlight.delete(item.clientId);
    }
  }

  private onMessage(message: Message) {
    const { conversationId, seq } = message;
    // Already seen: a replay overlapping live events, or the broadcast of our own acked send.
    if (seq <= this.lastSeq(conversationId) || this.ahead.get(conversationId)?.has(seq)) return;
    if (seq === this.lastSeq(conversationId) + 1) this.advance(conversationId, seq);
    else {
      // A live event overtook the replay of older ones: remember it, keep the cursor at the gap so
      // the gap is still asked for, and never deliver it twice.
      let set = this.ahead.get(conversationId);
      if (!set) this.ahead.set(conversationId, (set = new Set()));
      set.add(seq);
    }
    this.fire('message:new', { conversationId, seq, message });
  }

  private advance(conversationId: string, seq: number) {
    if (seq <= (this.cursors[conversationId] ?? 0)) return;
    const set = this.ahead.get(conversationId);
    while (set?.has(seq + 1)) set.delete(++seq);
    this.cursors[conversationId] = seq;
    this.save('cursors', this.cursors);
  }

  /** After a complete replay everything up to the newest seen seq has been delivered. */
  private settle() {
    for (const [conversationId, set] of this.ahead) {
      if (set.size) this.advance(conversationId, Math.max(...set));
      this.ahead.delete(conversationId);
    }
  }

  private request(event: string, payload: unknown): Promise<unknown> {
    if (!this.socket.connected) return Promise.reject(new RequestError('disconnected', 'not connected'));
    return new Promise((resolve, reject) => {
      (this.socket.timeout(this.timeoutMs) as unknown as { emit(e: string, p: unknown, cb: (err: Error | null, r: Ack<unknown>) => void): void })
        .emit(event, payload, (err, r) => {
          if (err) return reject(new RequestError(this.socket.connected ? 'timeout' : 'disconnected', 'no answer from the hub'));
          if (!r?.ok) return reject(new RequestError(r?.error?.code ?? 'error', r?.error?.message ?? 'request failed', r?.error?.retryAfter));
          resolve(r.data);
        });
    });
  }

  private fire<K extends keyof RealtimeEvents>(event: K, payload: RealtimeEvents[K]) {
    for (const fn of this.listeners.get(event) ?? []) {
      try { fn(payload); } catch (err) { console.error(err); }
    }
  }

  private setState(state: ConnectionState) {
    if (this.state === state) return;
    this.state = state;
    this.fire('state', state);
  }

  private load<T>(name: string, fallback: T): T {
    try {
      const raw = this.opts.storage?.getItem(`${this.opts.storageKey ?? 'misy'}:${name}`);
      return raw ? (JSON.parse(raw) as T) : fallback;
    } catch {
      return fallback;
    }
  }

  private save(name: string, value: unknown) {
    try { this.opts.storage?.setItem(`${this.opts.storageKey ?? 'misy'}:${name}`, JSON.stringify(value)); } catch { /* storage full or blocked: memory still works */ }
  }
}

export function connectRealtime(opts: RealtimeOptions): MisyRealtime { return new MisyRealtime(opts); }
