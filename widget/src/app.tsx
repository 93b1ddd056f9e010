// The widget UI: bubble + panel, message list with senders (you / AI / team), times and delivery
// state, streamed agent drafts, typing both ways, history paging, unread badge, consent prompt.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ConsentPurpose, Message } from '@misy/sdk';
import type { WidgetSession } from './session';
import { consentText, type Strings } from './i18n';
import { useLiveConversation } from './live';

export interface AppProps { session: WidgetSession; t: Strings; initialOpen: boolean; events: { emit(name: string, payload?: unknown): void }; control: { setOpen?: (o: boolean) => void; isOpen?: () => boolean } }

interface Row { key: string; at: string; mine: boolean; bot?: boolean; who: string; text: string; state?: string; retry?: () => void; system?: boolean; first?: boolean }

const ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';
const CLOSE_ICON = 'M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z';
// A phone or tablet: focusing the composer would throw the on-screen keyboard over the conversation.
const touch = () => matchMedia('(pointer:coarse)').matches;

export function App({ session, t, initialOpen, events, control }: AppProps) {
  const info = session.info!;
  // Once per mounted App: a detached App re-rendering must never open a socket with stale credentials.
  const rt = useMemo(() => session.connect(), []);
  const [open, setOpen] = useState(initialOpen);
  const openRef = useRef(open);
  openRef.current = open;
  control.setOpen = setOpen;
  control.isOpen = () => openRef.current;
  const live = useLiveConversation(rt, session, () => openRef.current, (m) => events.emit('message', m));
  const [consents, setConsents] = useState(info.consents);
  const [asking, setAsking] = useState(false);
  const [declined, setDeclined] = useState(session.recall('consent') === 'declined');
  const [declinedNow, setDeclinedNow] = useState(false);
  const [text, setText] = useState('');
  const log = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const closeBtn = useRef<HTMLButtonElement>(null);
  const bubble = useRef<HTMLButtonElement>(null);
  const shown = useRef(open);
  const refocus = useRef(false);
  const lang = t.lang;

  // Events only for real changes: a mount (first load, identify, reset) is not a "close".
  useEffect(() => {
    if (open) { live.setUnread(() => 0); (touch() ? closeBtn : input).current?.focus(); }
    else if (refocus.current) bubble.current?.focus();
    refocus.current = false;
    if (shown.current !== open) { shown.current = open; events.emit(open ? 'open' : 'close'); }
  }, [open]);
  const closeFromPanel = () => { refocus.current = true; setOpen(false); };

  const rows = useMemo<Row[]>(() => {
    const ms = [...live.messages.values()].sort((a, b) => (a.createdAt === b.createdAt ? a.seq - b.seq : a.createdAt < b.createdAt ? -1 : 1));
    const status = (m: Message) => m.status === 'read' ? t.read : m.status === 'delivered' ? t.delivered : m.status === 'failed' ? t.failed : t.sent;
    const out: Row[] = ms.map((m) => ({
      key: m.id, at: m.createdAt, mine: m.direction === 'in', text: m.text, system: m.sender.type === 'system', bot: m.sender.type === 'agent',
      who: m.direction === 'in' ? t.you : m.sender.name ?? (m.sender.type === 'agent' ? t.bot : t.team),
      state: m.direction === 'in' ? status(m) : undefined,
    }));
    // The hub's broadcast of a send can arrive before its ack: never show both.
    const stored = new Set(ms.map((m) => m.clientId));
    for (const p of live.pending) if (!stored.has(p.clientId)) out.push({ key: p.clientId, at: '', mine: true, who: t.you, text: p.text, state: t.sending });
    for (const f of live.failed) out.push({ key: f.clientId, at: '', mine: true, who: t.you, text: f.text, state: t.failed, retry: () => live.send(f.text, f.clientId) });
    for (const [id, parts] of live.drafts) out.push({ key: id, at: '', mine: false, bot: true, who: t.bot, text: parts.join('') });
    // The sender's name is shown once per run of messages; screen readers hear it on every one.
    out.forEach((r, i) => { r.first = i === 0 || out[i - 1].who !== r.who || !!out[i - 1].system; });
    return out;
  }, [live.messages, live.pending, live.failed, live.drafts, t]);

  // Follow new messages only while the visitor is at the bottom (a whole history page arriving
  // at once must still land scrolled to the newest); reading older ones is never interrupted.
  const atBottom = useRef(true);
  useEffect(() => {
    const el = log.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [rows, open]);
  function onScroll() {
    const el = log.current!;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    if (el.scrollTop === 0 && live.hasMore) void loadOlder();
  }

  async function loadOlder() {
    const el = log.current;
    const before = el?.scrollHeight ?? 0;
    await live.older();
    // Keep the visitor's place: the list grows above what they were reading.
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
    clearTimeout(typingTimer.current);
    typingTimer.current = undefined;
    rt.typing(false);
    live.send(body);
  }

  const purposes = info.channel.requireConsent;
  const question = consentText(t, purposes);
  async function consent(granted: boolean) {
    // Remembered at once (a reload right after must not ask again), so a "no" is not asked on
    // every page; the privacy link changes it.
    session.remember('consent', granted ? null : 'declined');
    setDeclined(!granted);
    setDeclinedNow(!granted);
    setAsking(false);
    for (const purpose of purposes as ConsentPurpose[]) {
      const r = await rt.setConsent({ purpose, granted, text: question }).catch(() => null);
      if (r) setConsents(r.consents);
    }
  }

  const needsConsent = purposes.length > 0 && (asking || (!declined && purposes.some((p) => !consents[p])));
  const title = info.channel.title || t.title;
  const time = (iso: string) => new Date(iso).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  const { unread } = live;

  return (
    <div class={`root${open ? ' is-open' : ''}`}>
      {open && (
        <section class="panel" role="dialog" aria-modal="true" aria-label={title} onKeyDown={(e) => { if (e.key === 'Escape') closeFromPanel(); }}>
          <header class="head">
            <h2>{title}<small>{live.state === 'online' ? t.online : t.connecting}
              {purposes.length > 0 && !needsConsent && <> · <button class="lnk" type="button" onClick={() => setAsking(true)}>{t.privacy}</button></>}</small></h2>
            <button class="x" ref={closeBtn} type="button" aria-label={t.close} onClick={closeFromPanel}>×</button>
          </header>
          {live.state === 'offline' && <div class="bar" role="status">{t.offline}</div>}
          <div class="log" ref={log} role="log" aria-live="polite" aria-relevant="additions" onScroll={onScroll}>
            {live.hasMore && <button class="older" type="button" onClick={() => void loadOlder()}>{t.older}</button>}
            <div class="msg them"><span class="who">{title}</span><div class="b">{info.channel.welcome || t.welcome}</div></div>
            {rows.map((r) => r.system
              ? <div class="sys" key={r.key}>{r.text}</div>
              : (
                <div class={`msg ${r.mine ? 'me' : 'them'}`} key={r.key}>
                  <span class={r.first ? 'who' : 'sr'}>{r.who}{r.bot && <b class="ai" aria-hidden="true">{t.ai}</b>}{r.bot && <span class="sr">{t.auto}</span>}</span>
                  <div class="b">{r.text}</div>
                  {r.retry ? <button class="meta failed" type="button" onClick={r.retry}>{r.state}</button>
                    : <span class="meta">{r.at && time(r.at)}{r.state && `${r.at ? ' · ' : ''}${r.state}`}</span>}
                </div>
              ))}
          </div>
          <div class="typing" aria-live="polite">{live.typing !== null ? `${live.typing || t.team} ${t.typing}` : ''}</div>
          {needsConsent && (
            <div class="consent" role="region" aria-label={t.privacy}>
              {question}
              <div><button class="yes" type="button" onClick={() => void consent(true)}>{t.accept}</button><button class="no" type="button" onClick={() => void consent(false)}>{t.decline}</button></div>
            </div>
          )}
          {declinedNow && !needsConsent && <div class="sys" role="status">{t.declined}</div>}
          <form onSubmit={send}>
            <label class="sr" for="misy-input">{t.placeholder}</label>
            <textarea id="misy-input" ref={input} rows={1} value={text} placeholder={t.placeholder} onInput={onInput}
              onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) send(e); }} maxLength={4000} />
            <button class="send" type="submit" disabled={!text.trim()}>{t.send}</button>
          </form>
        </section>
      )}
      <button class="bubble" ref={bubble} type="button" aria-label={unread ? `${open ? t.close : t.open} (${t.unread(unread)})` : open ? t.close : t.open} aria-expanded={open} onClick={() => setOpen(!open)}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d={open ? CLOSE_ICON : ICON} /></svg>
        {unread > 0 && !open && <span class="badge" aria-hidden="true">{unread}</span>}
      </button>
    </div>
  );
}
