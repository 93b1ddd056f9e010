// The live workspace: conversation list (REST page + live conversation events), the open
// conversation, the contact panel, operator presence and notifications for new pending chats.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { MisyRealtime, type Conversation, type Operator } from '@misy/sdk';
import type { Auth } from './auth';
import { ConversationView } from './conversation';
import { ContactPanel } from './contact';
import { beep, setTitleCount } from './notify';

export type Filter = 'all' | 'bot' | 'pending' | 'open' | 'resolved' | 'mine';
const FILTERS: Filter[] = ['all', 'pending', 'bot', 'open', 'mine', 'resolved'];
const LABEL: Record<Conversation['status'], string> = { bot: 'AI', pending: 'Waiting', open: 'Human', resolved: 'Resolved' };

const PAGE = 50;
/** The REST query behind each filter; "all" is every unresolved one (resolved are hidden client-side). */
const QUERY: Record<Filter, { status?: Conversation['status']; assignee?: string }> = {
  all: {}, bot: { status: 'bot' }, pending: { status: 'pending' }, open: { status: 'open' }, resolved: { status: 'resolved' }, mine: { assignee: 'me' },
};
const matches = (f: Filter, c: Conversation, me: string) => f === 'all' ? c.status !== 'resolved' : f === 'mine' ? c.assigneeId === me && c.status !== 'resolved' : c.status === f;

const ago = (iso: string | null) => {
  if (!iso) return '';
  const s = (Date.now() - Date.parse(iso)) / 1000;
  return s < 60 ? 'now' : s < 3600 ? `${Math.floor(s / 60)}m` : s < 86400 ? `${Math.floor(s / 3600)}h` : new Date(iso).toLocaleDateString();
};

export function Workspace({ auth }: { auth: Auth }) {
  const me = auth.session!.operator;
  const rt = useMemo(() => new MisyRealtime({ url: location.origin, namespace: '/console', token: () => auth.session?.accessToken ?? '' }), []);
  const [convs, setConvs] = useState<Map<string, Conversation>>(new Map());
  const [filter, setFilter] = useState<Filter>('all');
  const [selected, setSelected] = useState<string | null>(null);
  const [operators, setOperators] = useState<Operator[]>([]);
  const [online, setOnline] = useState<Set<string>>(new Set([me.id]));
  const [connected, setConnected] = useState(false);
  const [showContact, setShowContact] = useState(false);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [pendingTotal, setPendingTotal] = useState(0);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const filterRef = useRef(filter);
  filterRef.current = filter;

  // What this operator has seen, per conversation: messages that arrived while it was open are
  // read, even though the hub's read marker only moves on join (the server's unread still counts them).
  const readUpTo = useRef(new Map<string, number>());
  const upsert = (list: Conversation[]) => setConvs((prev) => {
    const next = new Map(prev);
    for (const c of list) {
      if (selectedRef.current === c.id) readUpTo.current.set(c.id, c.lastSeq);
      next.set(c.id, (readUpTo.current.get(c.id) ?? 0) >= c.lastSeq ? { ...c, unread: 0 } : c);
    }
    return next;
  });

  /** The first page of the current filter, asked of the server (not filtered from a capped list). */
  async function load(f = filterRef.current) {
    const page = await auth.api.conversations.list({ ...QUERY[f], limit: PAGE });
    if (filterRef.current !== f) return; // the operator switched again meanwhile
    upsert(page.data);
    setNextCursor(page.nextCursor);
    // The waiting count (tab title) is every pending conversation, whatever the filter shows.
    auth.api.conversations.list({ status: 'pending', limit: 200 }).then((p) => { upsert(p.data); setPendingTotal(p.data.length); }).catch(() => {});
  }
  async function more() {
    if (!nextCursor) return;
    const f = filterRef.current;
    const page = await auth.api.conversations.list({ ...QUERY[f], limit: PAGE, cursor: nextCursor });
    if (filterRef.current !== f) return;
    upsert(page.data);
    setNextCursor(page.nextCursor);
  }
  useEffect(() => { setNextCursor(null); void load(filter).catch(() => {}); }, [filter]);

  useEffect(() => {
    auth.api.operators.list().then((r) => setOperators(r.data)).catch(() => {});
    const offs = [
      rt.on('state', (s) => { setConnected(s === 'online'); if (s === 'online') void load().catch(() => {}); }),
      rt.on('conversation:new', (e) => { upsert([e.conversation]); if (e.conversation.status === 'pending') beep(); }),
      rt.on('conversation:updated', (e) => {
        setConvs((prev) => {
          const before = prev.get(e.conversationId);
          if (e.conversation.status === 'pending' && before?.status !== 'pending') beep();
          return prev;
        });
        upsert([e.conversation]);
      }),
      rt.on('presence', (e) => setOnline((prev) => { const n = new Set(prev); if (e.online) n.add(e.operatorId); else n.delete(e.operatorId); return n; })),
    ];
    return () => { offs.forEach((o) => o()); rt.close(); };
  }, []);

  const visible = [...convs.values()]
    .filter((c) => matches(filter, c, me.id))
    .sort((a, b) => (b.lastMessageAt ?? b.updatedAt).localeCompare(a.lastMessageAt ?? a.updatedAt));
  // Live events keep the loaded pending ones current; beyond 200 the server's count stands.
  const pendingCount = Math.max(pendingTotal > 199 ? pendingTotal : 0, [...convs.values()].filter((c) => c.status === 'pending').length);
  useEffect(() => setTitleCount(pendingCount), [pendingCount]);
  const current = selected ? convs.get(selected) : undefined;

  return (
    <div class="app">
      <header class="top">
        <b>Misy</b>
        <span><span class={`dot${connected ? ' on' : ''}`} />{connected ? 'Live' : 'Reconnecting…'}</span>
        <span class="sp" />
        <span class="ops" aria-label="Operators online">
          {operators.map((o) => <span key={o.id}><span class={`dot${online.has(o.id) ? ' on' : ''}`} />{o.name ?? o.email}</span>)}
        </span>
        <button type="button" onClick={() => void auth.logout()}>Log out {me.name ?? me.email}</button>
      </header>
      <div class={`cols${showContact ? ' showcontact' : ''}${current ? '' : ' nocontact'}`}>
        <nav class="list" aria-label="Conversations">
          <div class="filters" role="tablist">
            {FILTERS.map((f) => (
              <button key={f} type="button" role="tab" aria-selected={filter === f} class={filter === f ? 'on' : ''} onClick={() => setFilter(f)}>
                {f[0].toUpperCase() + f.slice(1)}{f === 'pending' && pendingCount > 0 ? ` ${pendingCount}` : ''}
              </button>
            ))}
          </div>
          <div class="items">
            {visible.length === 0 && <p class="empty" style="padding:20px">No conversations here.</p>}
            {visible.map((c) => (
              <button key={c.id} type="button" class={`item${c.id === selected ? ' sel' : ''}`} data-conversation={c.id}
                onClick={() => { setSelected(c.id); upsert([{ ...c, unread: 0 }]); }}>
                <div class="r1">
                  <span class="name">{c.contactName ?? 'Visitor'}</span>
                  <span class={`tag ${c.status}`}>{LABEL[c.status]}</span>
                  {c.unread > 0 && c.id !== selected && <span class="unread" aria-label={`${c.unread} unread`}>{c.unread}</span>}
                </div>
                <div class="prev">{c.lastMessageText ?? ''}</div>
                <div class="r1"><span class="chan">{c.channelType}</span><span class="sp" style="flex:1" /><span class="when">{ago(c.lastMessageAt)}</span></div>
              </button>
            ))}
            {nextCursor && <button type="button" class="more" onClick={() => void more()}>Load more</button>}
          </div>
        </nav>
        {current
          ? <ConversationView key={current.id} rt={rt} auth={auth} conversation={current} operators={operators} onChange={(c) => upsert([c])} onToggleContact={() => setShowContact(!showContact)} />
          : <main class="conv"><p class="empty">Select a conversation</p></main>}
        {current && <ContactPanel key={current.contactId} auth={auth} conversation={current} onClose={() => setShowContact(false)} />}
      </div>
    </div>
  );
}
