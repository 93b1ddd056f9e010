// The visitor's session: POST /v1/widget/session with the widget key, the visitor token kept in
// localStorage (so a reload keeps the conversation) and, when the page identified the user, the
// identity with its HMAC. Tokens expire after an hour; the realtime client asks for a fresh one.
import { MisyRealtime } from '@misy/sdk';
import type { ConsentPurpose } from '@misy/sdk';

export interface ChannelSettings { id: string; title: string; welcome: string; theme: { color?: string; position?: 'left' | 'right' }; requireConsent: ConsentPurpose[]; locale?: string }
export interface SessionInfo { token: string; contactId: string; visitorToken: string; conversationId: string | null; channel: ChannelSettings; consents: Record<ConsentPurpose, boolean> }
export interface Identity { id: string; name?: string; email?: string; hash: string }

const TOKEN_REFRESH_MS = 50 * 60 * 1000;

function storage(): Storage | undefined {
  try { return window.localStorage; } catch { return undefined; }
}

export class WidgetSession {
  info?: SessionInfo;
  rt?: MisyRealtime;
  private issuedAt = 0;
  identity?: Identity;
  attributes: Record<string, unknown> = {};

  constructor(readonly hub: string, readonly widgetKey: string) {}

  private key(name: string) { return `misy:${this.widgetKey}:${name}`; }

  async start(): Promise<SessionInfo> {
    const visitorToken = storage()?.getItem(this.key('visitor')) ?? undefined;
    const res = await fetch(`${this.hub}/v1/widget/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ widgetKey: this.widgetKey, ...(visitorToken ? { visitorToken } : {}), ...(this.identity ? { identity: this.identity } : {}),
        ...(Object.keys(this.attributes).length ? { attributes: this.attributes } : {}) }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(body?.error?.message ?? `session refused (${res.status})`);
    this.info = body as SessionInfo;
    this.issuedAt = Date.now();
    storage()?.setItem(this.key('visitor'), this.info.visitorToken);
    return this.info;
  }

  /** Connects the realtime client once; later calls reuse it. */
  connect(): MisyRealtime {
    if (this.rt) return this.rt;
    this.rt = new MisyRealtime({
      url: this.hub,
      namespace: '/widget',
      storage: storage(),
      storageKey: `misy:${this.widgetKey}:${this.info!.contactId}`,
      token: async () => {
        if (Date.now() - this.issuedAt > TOKEN_REFRESH_MS) await this.start();
        return this.info!.token;
      },
    });
    return this.rt;
  }

  /** Small per-visitor values that must survive a reload (the unread count, a declined consent). */
  recall(name: string): string | null { return storage()?.getItem(this.key(name)) ?? null; }
  remember(name: string, value: string | null) {
    try { if (value === null) storage()?.removeItem(this.key(name)); else storage()?.setItem(this.key(name), value); } catch { /* blocked storage: memory only */ }
  }

  /** Forget this visitor: a new anonymous session on the next start. */
  forget() {
    this.rt?.reset();
    this.rt?.close();
    this.rt = undefined;
    for (const name of ['visitor', 'unread', 'consent']) this.remember(name, null);
    this.identity = undefined;
  }
}
