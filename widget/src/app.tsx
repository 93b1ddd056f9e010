// The widget UI: bubble + panel, message list with senders, times and delivery state, streamed
// agent drafts, typing both ways, history paging, unread badge, consent prompt, offline queue.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Message, ConsentPurpose } from '@misy/sdk';
import type { WidgetSession } from './session';
import type { Strings } from './i18n';

export interface AppProps { session: WidgetSession; t: Strings; events: { emit(name: string, payload?: unknown): void }; control: { setOpen?: (o: boolean) => void; isOpen?: () => boolean } }

interface Row { key: string; seq: number; at: string; mine: boolean; who: string; text: string; state?: 'sending' | 'sent' | 'failed'; system?: boolean }

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';

export function App({ session, t, events, control }: AppProps) {
  const info = session.info!;
  // Once per mounted App: a detached App re-rendering must never open a socket with stale credentials.
  const rt = useMemo(() => session.connect(), []);
  const [open, setOpen] = useState(false);
  const [messages, setMessages] = useState<Map<string, Message>>(new Map());
  const [drafts, setDrafts] = useState<Map<string, string>>(new Map());
  const [pending, setPending] = useState(rt.pending().slice());
  const [failed, setFailed] = useState<{ clientId: string; text: string }[]>([]);
  const [unread, setUnread] = useState(0);
  const [typing, setTyping] = useState<string | null>(null);
  const [state, setState] = useState(rt.state);
  const [hasMore, setHasMore] = useState(false);
  const [conversationId, setConversationId] = useState<string | null>(info.conversationId);
  const [consents, setConsents] = useState(info.consents);
  const [declined, setDeclined] = useState(false);
  const [text, setText] = useState('');
  const log = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const openRef = useRef(open);
  openRef.current = open;
  control.setOpen = setOpen;
  control.isOpen = () => openRef.current;

  const add = (list: Message[]) => setMessages((prev) => {
    const next = new Map(prev);
    for (const m of list) next.set(m.id, m);
    return next;
  });

  useEffect(() => {
    const offs = [
      rt.on('state', (s) => { setState(s); setPending(rt.pending().slice()); }),
      rt.on('message:new', ({ message }) => {
        add([message]);
        setConversationId(message.conversationId);
        setPending(rt.pending().slice());
        const draftId = message.meta?.draftId as string | undefined;
        if (draftId) setDrafts((d) => { const n = new Map(d); n.delete(draftId); return n; });
        if (message.direction === 'out') {
          setTyping(null);
          if (!openRef.current) setUnread((u) => u + 1);
          events.emit('message', message);
        }
      }),
      rt.on('message:delta', (e) => setDrafts((d) => new Map(d).set(e.draftId, (d.get(e.draftId) ?? '') + e.delta))),
      rt.on('typing', (e) => setTyping(e.typing ? (e.sender.name ?? t.team) : null)),
    ];
    // The newest page of history, whenever the socket comes online (first load, reload, reconnect).
    const latest = () => {
      if (info.conversationId) rt.history(info.conversationId).then((page) => { add(page.messages); setHasMore(page.hasMore); }).catch(() => {});
    };
    offs.push(rt.on('state', (s) => { if (s === 'online') latest(); }));
    if (rt.state === 'online') latest();
    return () => offs.forEach((off) => off());
  }, [rt]);

  useEffect(() => {
    if (open) { setUnread(0); input.current?.focus(); }
    events.emit(open ? 'open' : 'close');
  }, [open]);

  const rows = useMemo<Row[]>(() => {
    const out: Row[] = [...messages.values()].sort((a, b) => (a.createdAt === b.createdAt ? a.seq - b.seq : a.createdAt < b.createdAt ? -1 : 1)).map((m) => ({
      key: m.id, seq: m.seq, at: m.createdAt, mine: m.direction === 'in', text: m.text, system: m.sender.type === 'system',
      who: m.direction === 'in' ? t.you : m.sender.type === 'agent' ? (m.sender.name ?? t.bot) : (m.sender.name ?? t.team),
      state: m.direction === 'in' ? 'sent' : undefined,
    }));
    // The hub's broadcast of a send can arrive before its ack: never show both.
    const stored = new Set([...messages.values()].map((m) => m.clientId).filter(Boolean));
    for (const p of pending) if (!stored.has(p.clientId)) out.push({ key: p.clientId, seq: Infinity, at: '', mine: true, who: t.you, text: p.text, state: 'sending' });
    for (const f of failed) out.push({ key: f.clientId, seq: Infinity, at: '', mine: true, who: t.you, text: f.text, state: 'failed' });
    for (const [id, d] of drafts) out.push({ key: id, seq: Infinity, at: '', mine: false, who: t.bot, text: d });
    return out;
  }, [messages, pending, failed, drafts]);

  useEffect(() => {
    const el = log.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 160) el.scrollTop = el.scrollHeight;
  }, [rows.length, drafts, open]);

  async function loadOlder() {
    const first = [...messages.values()].filter((m) => m.conversationId === conversationId).reduce((min, m) => Math.min(min, m.seq), Infinity);
    if (!conversationId || first === Infinity) return;
    const el = log.current;
    const before = el?.scrollHeight ?? 0;
    const page = await rt.history(conversationId, first);
    add(page.messages);
    setHasMore(page.hasMore);
    requestAnimationFrame(() => { if (el) el.scrollTop += el.scrollHeight - before; });
  }

  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  function onInput(e: Event) {
    setText((e.target as HTMLTextAreaElement).value);
    if (!typingTimer.current) rt.typing(true);
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => { rt.typing(false); typingTimer.current = undefined; }, 2000);
  }

  function send(e?: Event) {
    e?.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText('');
    rt.typing(false);
    const done = rt.send({ text: body });
    setPending(rt.pending().slice());
    done.catch(() => setFailed((f) => [...f, { clientId: `f${Date.now()}`, text: body }])).finally(() => setPending(rt.pending().slice()));
  }

  async function consent(granted: boolean) {
    const purposes = info.channel.requireConsent.length ? info.channel.requireConsent : (['ai'] as ConsentPurpose[]);
    for (const purpose of purposes) {
      const r = await rt.setConsent({ purpose, granted, text: t.consentText }).catch(() => null);
      if (r) setConsents(r.consents);
    }
    if (!granted) setDeclined(true);
  }

  const needsConsent = info.channel.requireConsent.some((p) => !consents[p]) && !declined;
  const title = info.channel.title || t.title;

  return (
    <div class={`root${open ? ' is-open' : ''}`}>
      {open && (
        <section class="panel open" role="dialog" aria-label={title} onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
          <header class="head">
            <h2>{title}<small>{state === 'online' ? t.online : t.connecting}</small></h2>
            <button class="x" type="button" aria-label={t.close} onClick={() => setOpen(false)}>×</button>
          </header>
          {state === 'offline' && <div class="bar" role="status">{t.offline}</div>}
          <div class="log" ref={log} role="log" aria-live="polite" aria-relevant="additions" onScroll={(e) => { if ((e.target as HTMLElement).scrollTop === 0 && hasMore) void loadOlder(); }}>
            {hasMore && <button class="older" type="button" onClick={() => void loadOlder()}>{t.older}</button>}
            {info.channel.welcome && <div class="msg them"><span class="who">{title}</span><div class="b">{info.channel.welcome}</div></div>}
            {rows.map((r) => r.system
              ? <div class="sys" key={r.key}>{r.text}</div>
              : (
                <div class={`msg ${r.mine ? 'me' : 'them'}`} key={r.key}>
                  {!r.mine && <span class="who">{r.who}</span>}
                  <div class="b">{r.text}</div>
                  <span class={`meta${r.state === 'failed' ? ' failed' : ''}`}>
                    {r.at ? time(r.at) : ''}{r.mine ? ` · ${r.state === 'sending' ? t.sending : r.state === 'failed' ? t.failed : t.sent}` : ''}
                  </span>
                </div>
              ))}
          </div>
          <div class="typing" aria-live="polite">{typing ? `${typing} ${t.typing}` : ''}</div>
          {needsConsent && (
            <div class="consent" role="region" aria-label="consent">
              {t.consentText}
              <div><button class="yes" type="button" onClick={() => void consent(true)}>{t.accept}</button><button class="no" type="button" onClick={() => void consent(false)}>{t.decline}</button></div>
            </div>
          )}
          {declined && <div class="sys" role="status">{t.declined}</div>}
          <form onSubmit={send}>
            <label class="sr" for="misy-input">{t.placeholder}</label>
            <textarea id="misy-input" ref={input} rows={1} value={text} placeholder={t.placeholder} onInput={onInput}
              onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) send(e); }} maxLength={4000} />
            <button class="send" type="submit" disabled={!text.trim()}>{t.send}</button>
          </form>
        </section>
      )}
      <button class="bubble" type="button" aria-label={unread ? `${open ? t.close : t.open} (${t.unread(unread)})` : open ? t.close : t.open} aria-expanded={open} onClick={() => setOpen(!open)}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d={ICON} /></svg>
        {unread > 0 && !open && <span class="badge" aria-hidden="true">{unread}</span>}
      </button>
    </div>
  );
}
