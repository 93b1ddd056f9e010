// A small typed REST client for the hub's /v1 routes (browser and Node: only `fetch`).
// Errors keep the hub's `{error: {code, message}}` shape as a thrown MisyApiError.
import type { ConsentPurpose, ConsentRecord, Conversation, ConversationStatus, Message, Attachment } from './types';

export class MisyApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfter?: number) { super(message); }
}

export interface RestOptions {
  baseUrl: string;
  /** API key (`msk_…`), operator access token, or a function returning the current one. */
  token?: string | (() => string | undefined);
  fetch?: typeof fetch;
}

export interface Page<T> { data: T[]; nextCursor: string | null }
export interface OperatorSession { accessToken: string; refreshToken: string; expiresIn: number; operator: { id: string; tenantId: string; email: string; name: string | null; role: 'owner' | 'admin' | 'agent' } }
export interface Contact { id: string; name: string | null; email: string | null; phone: string | null; attributes: Record<string, unknown>; [k: string]: unknown }
export interface Operator { id: string; email: string; name: string | null; role: string; disabled: boolean; [k: string]: unknown }
export interface KnowledgeDocument { id: string; title: string; source: string | null; format: string; status: string; chunkCount: number; createdAt: string; duplicate?: boolean }

export interface Agent { id: string; name: string; description: string; instructions: string; model: string | null; tools: string[]; handoff: Record<string, unknown>; enabled: boolean; createdAt: string; updatedAt: string }
export interface AgentInput { name: string; description?: string; instructions?: string; model?: string | null; tools?: string[]; handoff?: { keywords?: string[]; minConfidence?: number; maxFailures?: number; onNegativeSentiment?: boolean }; enabled?: boolean }

export interface Channel { id: string; type: string; name: string; enabled?: boolean; config: Record<string, unknown>; [k: string]: unknown }

export type ApiScope = 'conversations' | 'contacts' | 'channels' | 'agents' | 'knowledge' | 'webhooks' | 'audit' | 'admin';
export interface ApiKey { id: string; name: string; scopes: ApiScope[]; [k: string]: unknown }
export interface KnowledgeHit { documentId: string; title: string; source: string | null; content: string; score: number; similarity: number }
export interface Job { id: number; kind?: string; status: 'queued' | 'running' | 'done' | 'dead'; [k: string]: unknown }
export interface WidgetSessionResult { token: string; contactId: string; visitorToken?: string; conversationId?: string | null; [k: string]: unknown }

type Query = Record<string, string | number | undefined>;

export function createMisyClient(opts: RestOptions) {
  const doFetch = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const base = opts.baseUrl.replace(/\/$/, '');

  async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const token = typeof opts.token === 'function' ? opts.token() : opts.token;
    const qs = query ? Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&') : '';
    const res = await doFetch(`${base}${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const retry = res.headers.get('retry-after');
      throw new MisyApiError(res.status, json?.error?.code ?? 'http_error', json?.error?.message ?? res.statusText, retry ? Number(retry) : undefined);
    }
    return json as T;
  }

  return {
    request,
    auth: {
      login: (email: string, password: string) => request<OperatorSession>('POST', '/v1/auth/login', { email, password }),
      refresh: (refreshToken: string) => request<OperatorSession>('POST', '/v1/auth/refresh', { refreshToken }),
      logout: (refreshToken: string) => request<{ ok: true }>('POST', '/v1/auth/logout', { refreshToken }),
    },
    conversations: {
      list: (q: { status?: ConversationStatus; channelId?: string; assignee?: string; cursor?: string; limit?: number } = {}) => request<Page<Conversation>>('GET', '/v1/conversations', undefined, q),
      get: (id: string) => request<Conversation>('GET', `/v1/conversations/${id}`),
      start: (body: { channelId: string; contact: { id?: string; externalId?: string; name?: string; email?: string; phone?: string }; text?: string }) =>
        request<{ conversation: Conversation; message: Message | null }>('POST', '/v1/conversations', body),
      messages: (id: string, q: { afterSeq?: number; beforeSeq?: number; limit?: number } = {}) => request<Page<Message>>('GET', `/v1/conversations/${id}/messages`, undefined, q),
      send: (id: string, body: { text: string; attachments?: Attachment[]; clientId?: string }) => request<Message>('POST', `/v1/conversations/${id}/messages`, body),
      assign: (id: string, operatorId: string | null) => request<Conversation>('POST', `/v1/conversations/${id}/assign`, { operatorId }),
      handoff: (id: string, to: 'human' | 'bot', reason?: string) => request<Conversation>('POST', `/v1/conversations/${id}/handoff`, { to, ...(reason ? { reason } : {}) }),
      resolve: (id: string) => request<Conversation>('POST', `/v1/conversations/${id}/resolve`, {}),
      reopen: (id: string) => request<Conversation>('POST', `/v1/conversations/${id}/reopen`, {}),
    },
    contacts: {
      list: (q: { q?: string; cursor?: string; limit?: number } = {}) => request<Page<Contact>>('GET', '/v1/contacts', undefined, q),
      get: (id: string) => request<Contact>('GET', `/v1/contacts/${id}`),
      update: (id: string, body: Partial<Pick<Contact, 'name' | 'email' | 'phone' | 'attributes'>>) => request<Contact>('PATCH', `/v1/contacts/${id}`, body),
      consents: (id: string) => request<{ current: Record<ConsentPurpose, boolean>; data: ConsentRecord[] }>('GET', `/v1/contacts/${id}/consents`),
      setConsent: (id: string, body: { purpose: ConsentPurpose; granted: boolean; text?: string }) => request<unknown>('POST', `/v1/contacts/${id}/consents`, body),
      export: (id: string) => request<Record<string, unknown>>('GET', `/v1/contacts/${id}/export`),
      erase: (id: string) => request<unknown>('DELETE', `/v1/contacts/${id}`),
    },
    operators: {
      list: () => request<{ data: Operator[] }>('GET', '/v1/operators'),
      create: (body: { email: string; password: string; name?: string; role?: 'owner' | 'admin' | 'agent' }) => request<Operator>('POST', '/v1/operators', body),
    },
    apiKeys: {
      list: () => request<{ data: ApiKey[] }>('GET', '/v1/api-keys'),
      /** The key itself is in the answer once, never again. */
      create: (body: { name: string; scopes: ApiScope[] }) => request<ApiKey & { key: string }>('POST', '/v1/api-keys', body),
      revoke: (id: string) => request<ApiKey>('DELETE', `/v1/api-keys/${id}`),
    },
    /** Public: what the widget calls; the hub checks the page's Origin against the channel's allow-list. */
    widget: {
      session: (body: { widgetKey: string; visitorToken?: string; identity?: { id: string; name?: string; email?: string; hash: string }; attributes?: Record<string, unknown> }) =>
        request<WidgetSessionResult>('POST', '/v1/widget/session', body),
    },
    jobs: {
      list: (q: { status?: Job['status']; limit?: number } = {}) => request<{ data: Job[] }>('GET', '/v1/jobs', undefined, q),
      retry: (id: number) => request<unknown>('POST', `/v1/jobs/${id}/retry`, {}),
    },
    /** Platform key only. */
    tenants: {
      create: (body: { name: string; slug: string; plan?: string; operator: { email: string; password: string; name?: string } }) =>
        request<{ tenant: { id: string; name: string; slug: string; [k: string]: unknown }; apiKey: string; operator: Record<string, unknown> }>('POST', '/v1/tenants', body),
    },
    /** Platform key only: the anonymized global store. */
    global: {
      list: (q: { limit?: number; minContributors?: number } = {}) => request<{ data: Record<string, unknown>[] }>('GET', '/v1/global', undefined, q),
      remove: (id: string) => request<unknown>('DELETE', `/v1/global/${id}`),
    },
    knowledge: {
      add: (body: { title: string; content: string; format: 'text' | 'markdown' | 'html'; source?: string }) => request<KnowledgeDocument>('POST', '/v1/knowledge', body),
      list: () => request<{ data: KnowledgeDocument[] }>('GET', '/v1/knowledge'),
      remove: (id: string) => request<unknown>('DELETE', `/v1/knowledge/${id}`),
      search: (q: string, k?: number) => request<{ data: KnowledgeHit[] }>('GET', '/v1/knowledge/search', undefined, { q, k }),
    },
    tenant: {
      get: () => request<{ id: string; name: string; slug: string; plan: string; settings: Record<string, unknown>; createdAt: string }>('GET', '/v1/tenant'),
      update: (body: { name?: string; retentionDays?: number | null; globalStore?: { contribute: boolean; consult: boolean }; llm?: { apiKey?: string; baseUrl?: string; model?: string } | null }) =>
        request<Record<string, unknown>>('PATCH', '/v1/tenant', body),
    },
    agents: {
      list: () => request<{ data: Agent[] }>('GET', '/v1/agents'),
      get: (id: string) => request<Agent>('GET', `/v1/agents/${id}`),
      create: (body: AgentInput) => request<Agent>('POST', '/v1/agents', body),
      update: (id: string, body: Partial<AgentInput>) => request<Agent>('PATCH', `/v1/agents/${id}`, body),
      remove: (id: string) => request<unknown>('DELETE', `/v1/agents/${id}`),
    },
    webhooks: {
      list: () => request<{ data: Record<string, unknown>[] }>('GET', '/v1/webhooks'),
      create: (body: { url: string; events: string[] }) => request<Record<string, unknown> & { secret: string }>('POST', '/v1/webhooks', body),
      remove: (id: string) => request<unknown>('DELETE', `/v1/webhooks/${id}`),
    },
    audit: {
      list: (q: { action?: string; actorId?: string; targetId?: string; limit?: number } = {}) => request<{ data: Record<string, unknown>[] }>('GET', '/v1/audit', undefined, q),
    },
    channels: {
      list: () => request<{ data: Record<string, unknown>[] }>('GET', '/v1/channels'),
      get: (id: string) => request<Channel>('GET', `/v1/channels/${id}`),
      create: (body: { type: string; name: string; config: Record<string, unknown> }) => request<Channel & { generatedSecrets?: Record<string, string> }>('POST', '/v1/channels', body),
      update: (id: string, body: { name?: string; enabled?: boolean; config?: Record<string, unknown> }) => request<Channel>('PATCH', `/v1/channels/${id}`, body),
      remove: (id: string) => request<unknown>('DELETE', `/v1/channels/${id}`),
    },
  };
}

export type MisyClient = ReturnType<typeof createMisyClient>;
