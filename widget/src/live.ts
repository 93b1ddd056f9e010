// The visitor's conversation as live state: stored messages (with delivery status), streamed agent
// drafts, sends waiting for their ack or refused, the operator's typing, and the unread count.
import { useEffect, useRef, useState } from 'preact/hooks';
import { newClientId, type Message, type MisyRealtime } from '@misy/sdk';
import type { WidgetSession } from './session';

/** An incoming "typing" that is never followed by "stopped" (tab closed) expires after this. */
const TYPING_TTL_MS = 5000;
/** After `done`, a draft waits this long for its stored message before it is dropped. */
const DONE_GRACE_MS = 1500;

export interface Failed { clientId: string; text: string }

export function useLiveConversation(rt: MisyRealtime, session: WidgetSession, isOpen: () => boolean, onMessage: (m: Message) => void) {
  const info = session.info!;
  const [messages, setMessages] = useState<Map<string, Message>>(new Map());
  // Pieces by `index`, so an out-of-order delta lands in its place.
  const [drafts, setDrafts] = useState<Map<string, string[]>>(new Map());
  const [pending, setPending] = useState(rt.pending().slice());
  const [failed, setFailed] = useState<Failed[]>([]);
  const [unread, setUnreadState] = useState(() => Number(session.recall('unread')) || 0);
  const [typing, setTyping] = useState<string | null>(null);
  const [state, setState] = useState(rt.state);
  const [hasMore, setHasMore] = useState(false);
  const [conversationId, setConversationId] = useState<string | null>(info.conversationId);
  const finished = useRef(new Set<string>());
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const setUnread = (f: (n: number) => number) => setUnreadState((n) => { const next = f(n); session.remember('unread', next ? String(next) : null); return next; });
  const add = (list: Message[]) => setMessages((prev) => {
    const next = new Map(prev);
    for (const m of list) next.set(m.id, m);
    return next;
  });
  const dropDraft = (id: string) => {
    finished.current.add(id); // a late delta must not bring it back
    setDrafts((d) => { if (!d.has(id)) return d; const n = new Map(d); n.delete(id); return n; });
  };
  const syncPending = () => setPending(rt.pending().slice());

  useEffect(() => {
    const offs = [
      rt.on('state', (s) => { setState(s); syncPending(); }),
      rt.on('message:new', ({ message }) => {
        add([message]);
        setConversationId(message.conversationId);
        syncPending();
        const draftId = message.meta?.draftId as string | undefined;
        if (draftId) dropDraft(draftId);
        if (message.direction === 'out') {
          setTyping(null);
          if (!isOpen()) setUnread((u) => u + 1);
          onMessage(message);
        }
      }),
      rt.on('message:status', (e) => setMessages((prev) => {
        const m = prev.get(e.messageId);
        return !m || m.status === e.status ? prev : new Map(prev).set(m.id, { ...m, status: e.status });
      })),
      rt.on('message:delta', (e) => {
        if (finished.current.has(e.draftId)) return;
        if (e.abandoned) return dropDraft(e.draftId);
        if (e.done) { setTimeout(() => dropDraft(e.draftId), DONE_GRACE_MS); return; }
        setDrafts((d) => { const parts = (d.get(e.draftId) ?? []).slice(); parts[e.index] = e.delta; return new Map(d).set(e.draftId, parts); });
      }),
      rt.on('typing', (e) => {
        clearTimeout(typingTimer.current);
        setTyping(e.typing ? (e.sender.name ?? '') : null);
        if (e.typing) typingTimer.current = setTimeout(() => setTyping(null), TYPING_TTL_MS);
      }),
    ];
    // The newest page of history, whenever the socket comes online (first load, reload, reconnect).
    const latest = () => {
      if (info.conversationId) rt.history(info.conversationId).then((page) => { add(page.messages); setHasMore(page.hasMore); }).catch(() => {});
    };
    offs.push(rt.on('state', (s) => { if (s === 'online') latest(); }));
    if (rt.state === 'online') latest();
    return () => { offs.forEach((off) => off()); clearTimeout(typingTimer.current); };
  }, [rt]);

  /** Sends (or re-sends a refused message with its original clientId, which the hub never stored). */
  function send(text: string, clientId = newClientId()) {
    setFailed((f) => f.filter((x) => x.clientId !== clientId));
    const done = rt.send({ text, clientId });
    syncPending();
    done.catch(() => setFailed((f) => [...f, { clientId, text }])).finally(syncPending);
  }

  async function older() {
    const first = [...messages.values()].filter((m) => m.conversationId === conversationId).reduce((min, m) => Math.min(min, m.seq), Infinity);
    if (!conversationId || first === Infinity) return;
    const page = await rt.history(conversationId, first);
    add(page.messages);
    setHasMore(page.hasMore);
  }

  return { messages, drafts, pending, failed, unread, setUnread, typing, state, hasMore, send, older };
}
