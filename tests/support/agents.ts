// Helpers for agent tests: a hub seeded with the demo tenant (knowledge + agent) whose web channel
// also accepts the test shop origin, and a visitor who asks a question through the real widget socket.
import type { Message, MessageDeltaEvent, ConversationEvent } from '../../sdk/src/types';
import { startTestHub, type TestHub } from './hub';
import { connect, emitAck, widgetSession, until, SHOP_ORIGIN, type ClientSocket } from './realtime';

export async function startDemoHub(env: Record<string, string> = {}): Promise<TestHub & { demo: NonNullable<TestHub['demo']> }> {
  const hub = await startTestHub({ MISY_SEED_DEMO: 'true', ...env });
  if (!hub.demo) throw new Error('demo tenant was not seeded');
  const channel = await hub.api(`/v1/channels/${hub.demo.channelId}`, { token: hub.demo.apiKey });
  const origins = [...(channel.body.config.allowedOrigins as string[]), SHOP_ORIGIN];
  const patched = await hub.api(`/v1/channels/${hub.demo.channelId}`, { method: 'PATCH', token: hub.demo.apiKey, body: { config: { ...channel.body.config, allowedOrigins: origins } } });
  if (patched.status !== 200) throw new Error(`channel patch: ${patched.status} ${JSON.stringify(patched.body)}`);
  return hub as TestHub & { demo: NonNullable<TestHub['demo']> };
}

/** A visitor socket that records every delta and message it receives, in arrival order. */
export interface Visitor {
  socket: ClientSocket;
  contactId: string;
  events: ({ kind: 'delta'; e: MessageDeltaEvent } | { kind: 'message'; m: Message } | { kind: 'conversation'; e: ConversationEvent })[];
  ask(text: string): Promise<Message>;
  /** Waits for the agent's reply to `question` (a message whose meta.replyTo is its id). */
  replyTo(question: Message, ms?: number): Promise<Message>;
  close(): void;
}

export async function visitor(hub: TestHub, widgetKey: string, extra: Record<string, unknown> = {}): Promise<Visitor> {
  const session = await widgetSession(hub, widgetKey, extra);
  if (session.status !== 200) throw new Error(`session: ${session.status} ${JSON.stringify(session.body)}`);
  const socket = await connect(hub.url, '/widget', session.body.token);
  const events: Visitor['events'] = [];
  socket.on('message:delta', (e) => events.push({ kind: 'delta', e }));
  socket.on('message:new', (e) => events.push({ kind: 'message', m: e.message }));
  socket.on('conversation:updated', (e) => events.push({ kind: 'conversation', e }));
  let n = 0;
  return {
    socket,
    contactId: session.body.contactId,
    events,
    async ask(text) {
      const ack = await emitAck<Message>(socket, 'message:send', { clientId: `q-${Date.now()}-${n++}`, text });
      if (!ack.ok || !ack.data) throw new Error(`send failed: ${JSON.stringify(ack.error)}`);
      return ack.data;
    },
    async replyTo(question, ms = 15_000) {
      let found: Message | undefined;
      await until(() => {
        found = events.find((x): x is { kind: 'message'; m: Message } => x.kind === 'message' && x.m.meta?.replyTo === question.id)?.m;
        return !!found;
      }, ms, `the agent's reply to "${question.text}"`);
      return found!;
    },
    close: () => socket.close(),
  };
}

export function deltasFor(v: Visitor, draftId: string): MessageDeltaEvent[] {
  return v.events.filter((x): x is { kind: 'delta'; e: MessageDeltaEvent } => x.kind === 'delta' && x.e.draftId === draftId).map((x) => x.e);
}

export async function conversationStatus(hub: TestHub, token: string, id: string): Promise<string> {
  return (await hub.api(`/v1/conversations/${id}`, { token })).body.status;
}
