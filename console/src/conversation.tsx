// One conversation, live: messages (and streamed agent drafts), typing, composer, and the
// ownership actions — take over, hand back to the bot, assign, resolve, reopen.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { MisyRealtime, Conversation, Message, Operator } from '@misy/sdk';
import type { Auth } from './auth';

interface Props { rt: MisyRealtime; auth: Auth; conversation: Conversation; operators: Operator[]; onChange(c: Conversation): void; onToggleContact(): void }

/** A contact "typing" never followed by "stopped" (tab closed) expires after this. */
const TYPING_TTL_MS = 5000;
/** After `done`, a draft waits this long for its stored message before it is dropped. */
const DONE_GRACE_MS = 1500;
const OLDER_PAGE = 30;

const senderLabel = (m: Message) => m.sender.type === 'contact' ? (m.sender.name ?? 'Visitor') : m.sender.type === 'agent' ? `AI · ${m.sender.name ?? 'Agent'}` : m.sender.type === 'operator' ? (m.sender.name ?? 'Operator') : 'System';

export function ConversationView({ rt, auth, conversation: c, operators, onChange, onToggleContact }: Props) {
  const me = auth.session!.operator;
  const [messages, setMessages] = useState<Map<string, Message>>(new Map());
  // Streamed pieces by `index`, so one arriving out of order lands in its place.
  const [drafts, setDrafts] = useState<Map<string, string[]>>(new Map());
  const finished = useRef(new Set<string>());
  const contactTyping = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [typing, setTyping] = useState(false);
  const [hasMore, setHasMore] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const list = useRef<HTMLDivElement>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const add = (ms: Message[]) => setMessages((prev) => { const n = new Map(prev); for (const m of ms) n.set(m.id, m); return n; });
  const dropDraft = (id: string) => {
    finished.current.add(id); // a late delta must not bring it back
    setDrafts((d) => { if (!d.has(id)) return d; const n = new Map(d); n.delete(id); return n; });
  };

  useEffect(() => {
    let alive = true;
    const join = () => rt.join(c.id).then((r) => { if (alive) { add(r.messages); setHasMore((r.messages[0]?.seq ?? 1) > 1); onChange({ ...r.conversation, unread: 0 }); } }).catch((e) => setError(e.message));
    if (rt.state === 'online') void join();
    const offs = [
      rt.on('state', (s) => { if (s === 'online') void join(); }),
      rt.on('message:new', (e) => {
        if (e.conversationId !== c.id) return;
        add([e.message]);
        // Seen while open and followed: the hub's unread count must agree after a reload.
        if (e.message.direction === 'in' && atBottom.current && document.visibilityState === 'visible') markSeen();
        const draftId = e.message.meta?.draftId as string | undefined;
        if (draftId) dropDraft(draftId);
        if (e.message.direction === 'in') setTyping(false);
      }),
      // Delivery state changes after the message was shown (queued → sent → delivered → read / failed).
      rt.on('message:status', (e) => {
        if (e.conversationId !== c.id) return;
        setMessages((prev) => { const m = prev.get(e.messageId); return !m || m.status === e.status ? prev : new Map(prev).set(m.id, { ...m, status: e.status }); });
      }),
      rt.on('message:delta', (e) => {
        if (e.conversationId !== c.id || finished.current.has(e.draftId)) return;
        if (e.abandoned) return dropDraft(e.draftId);
        if (e.done) { setTimeout(() => dropDraft(e.draftId), DONE_GRACE_MS); return; }
        setDrafts((d) => { const parts = (d.get(e.draftId) ?? []).slice(); parts[e.index] = e.delta; return new Map(d).set(e.draftId, parts); });
      }),
      rt.on('typing', (e) => {
        if (e.conversationId !== c.id || e.sender.type !== 'contact') return;
        clearTimeout(contactTyping.current);
        setTyping(e.typing);
        if (e.typing) contactTyping.current = setTimeout(() => setTyping(false), TYPING_TTL_MS);
      }),
    ];
    return () => {
      alive = false;
      offs.forEach((o) => o());
      clearTimeout(contactTyping.current);
      clearTimeout(readTimer.current);
      void rt.leave(c.id).catch(() => {}); // switching away: its events stop here
    };
  }, [c.id]);

  // Coalesced: a burst of inbound messages moves the read marker once.
  const readTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  function markSeen() {
    clearTimeout(readTimer.current);
    readTimer.current = setTimeout(() => void rt.markRead(c.id).catch(() => {}), 500);
  }

  const sorted = [...messages.values()].sort((a, b) => a.seq - b.seq);
  // Follow new messages only while the operator is at the bottom; when an older page is prepended
  // keep the distance from the bottom, so what they were reading stays where it was.
  const atBottom = useRef(true);
  const fromBottom = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    if (fromBottom.current !== null) { el.scrollTop = el.scrollHeight - fromBottom.current; fromBottom.current = null; }
    else if (atBottom.current) el.scrollTop = el.scrollHeight;
  }, [sorted.length, drafts]);
  const onScroll = () => { const el = list.current!; atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60; };

  async function older() {
    const el = list.current;
    const page = await rt.history(c.id, sorted[0]?.seq, OLDER_PAGE);
    if (el) fromBottom.current = el.scrollHeight - el.scrollTop;
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
      <div class="msgs" ref={list} role="log" aria-live="polite" onScroll={onScroll}>
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
        {[...drafts].map(([id, parts]) => <div key={id} class="m agent"><span class="who">AI · typing</span><div class="b">{parts.join('')}</div></div>)}
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
