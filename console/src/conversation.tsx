// One conversation, live: messages (and streamed agent drafts), typing, composer, and the
// ownership actions — take over, hand back to the bot, assign, resolve, reopen.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MisyRealtime, Conversation, Message, Operator } from '@misy/sdk';
import type { Auth } from './auth';

interface Props { rt: MisyRealtime; auth: Auth; conversation: Conversation; operators: Operator[]; onChange(c: Conversation): void; onToggleContact(): void }

const senderLabel = (m: Message) => m.sender.type === 'contact' ? (m.sender.name ?? 'Visitor') : m.sender.type === 'agent' ? `AI · ${m.sender.name ?? 'Agent'}` : m.sender.type === 'operator' ? (m.sender.name ?? 'Operator') : 'System';

export function ConversationView({ rt, auth, conversation: c, operators, onChange, onToggleContact }: Props) {
  const me = auth.session!.operator;
  const [messages, setMessages] = useState<Map<string, Message>>(new Map());
  const [drafts, setDrafts] = useState<Map<string, string>>(new Map());
  const [typing, setTyping] = useState(false);
  const [hasMore, setHasMore] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const list = useRef<HTMLDivElement>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const add = (ms: Message[]) => setMessages((prev) => { const n = new Map(prev); for (const m of ms) n.set(m.id, m); return n; });

  useEffect(() => {
    let alive = true;
    const join = () => rt.join(c.id).then((r) => { if (alive) { add(r.messages); setHasMore((r.messages[0]?.seq ?? 1) > 1); onChange({ ...r.conversation, unread: 0 }); } }).catch((e) => setError(e.message));
    if (rt.state === 'online') void join();
    const offs = [
      rt.on('state', (s) => { if (s === 'online') void join(); }),
      rt.on('message:new', (e) => {
        if (e.conversationId !== c.id) return;
        add([e.message]);
        const draftId = e.message.meta?.draftId as string | undefined;
        if (draftId) setDrafts((d) => { const n = new Map(d); n.delete(draftId); return n; });
        if (e.message.direction === 'in') setTyping(false);
      }),
      rt.on('message:delta', (e) => { if (e.conversationId === c.id) setDrafts((d) => new Map(d).set(e.draftId, (d.get(e.draftId) ?? '') + e.delta)); }),
      rt.on('typing', (e) => { if (e.conversationId === c.id && e.sender.type === 'contact') setTyping(e.typing); }),
    ];
    return () => { alive = false; offs.forEach((o) => o()); };
  }, [c.id]);

  const sorted = [...messages.values()].sort((a, b) => a.seq - b.seq);
  useEffect(() => { const el = list.current; if (el) el.scrollTop = el.scrollHeight; }, [sorted.length, drafts]);

  async function older() {
    const page = await rt.history(c.id, sorted[0]?.seq);
    add(page.messages);
    setHasMore(page.hasMore);
  }

  async function act(fn: () => Promise<Conversation>) {
    setError('');
    try { onChange(await fn()); } catch (e) { setError(e instanceof Error ? e.message : 'failed'); }
  }

  function send(e?: Event) {
    e?.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText('');
    rt.typing(false, c.id);
    rt.send({ conversationId: c.id, text: body }).catch((err) => setError(err.message));
  }

  function onInput(e: Event) {
    setText((e.target as HTMLTextAreaElement).value);
    if (!typingTimer.current) rt.typing(true, c.id);
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => { rt.typing(false, c.id); typingTimer.current = undefined; }, 2000);
  }

  const resolved = c.status === 'resolved';
  return (
    <main class="conv" aria-label="Conversation">
      <div class="head">
        <h2>{c.contactName ?? 'Visitor'} <span class={`tag ${c.status}`}>{c.status === 'bot' ? 'AI answering' : c.status === 'pending' ? 'Waiting for a human' : c.status === 'open' ? 'Human' : 'Resolved'}</span></h2>
        <div class="actions">
          {(c.status === 'bot' || c.status === 'pending') && <button class="take" type="button" onClick={() => act(async () => { await rt.handoff(c.id, 'human'); return rt.assign(c.id, me.id); })}>Take over</button>}
          {!resolved && c.status !== 'bot' && <button type="button" onClick={() => act(() => rt.handoff(c.id, 'bot'))}>Hand back to AI</button>}
          {!resolved && (
            <select aria-label="Assign to" value={c.assigneeId ?? ''} onChange={(e) => act(() => rt.assign(c.id, (e.target as HTMLSelectElement).value || null))}>
              <option value="">Unassigned</option>
              {operators.map((o) => <option key={o.id} value={o.id}>{o.name ?? o.email}</option>)}
            </select>
          )}
          {!resolved ? <button type="button" onClick={() => act(() => rt.resolve(c.id))}>Resolve</button>
            : <button type="button" onClick={() => act(() => auth.api.conversations.reopen(c.id))}>Reopen</button>}
          <button type="button" onClick={onToggleContact} aria-label="Contact details">Contact</button>
        </div>
      </div>
      {error && <div class="error" role="alert" style="padding:6px 16px">{error}</div>}
      <div class="msgs" ref={list} role="log" aria-live="polite">
        {hasMore && <button class="older" type="button" onClick={() => void older()}>Load earlier messages</button>}
        {sorted.map((m) => m.sender.type === 'system'
          ? <div key={m.id} class="m system">{m.text}</div>
          : (
            <div key={m.id} class={`m ${m.direction === 'in' ? 'in' : m.sender.type}`}>
              <span class="who">{senderLabel(m)}</span>
              <div class="b">{m.text}</div>
              <span class="t">{new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}{m.direction === 'out' ? ` · ${m.status}` : ''}</span>
            </div>
          ))}
        {[...drafts].map(([id, d]) => <div key={id} class="m agent"><span class="who">AI · typing</span><div class="b">{d}</div></div>)}
      </div>
      <div class="typing">{typing ? `${c.contactName ?? 'Visitor'} is typing…` : ''}</div>
      <form class="composer" onSubmit={send}>
        <textarea aria-label="Reply" placeholder={resolved ? 'Reopen to reply' : c.status === 'bot' ? 'Reply (takes over from the AI)…' : 'Reply…'} value={text} disabled={resolved}
          onInput={onInput} onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) send(e); }} />
        <button class="primary" type="submit" disabled={!text.trim() || resolved}>Send</button>
      </form>
    </main>
  );
}
