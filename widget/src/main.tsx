// Entry of /widget.js: finds its own <script> tag (hub URL + data-widget-key), opens a session,
// renders into a shadow root and exposes window.Misy. Calls made before the script loaded
// (window.Misy = window.Misy || {q: []}; Misy.q.push(['open'])) are replayed.
import { render } from 'preact';
import { App } from './app';
import { WidgetSession, type Identity } from './session';
import { STRINGS, pickLocale } from './i18n';
import { css } from './styles';

type Handler = (payload?: unknown) => void;
interface MisyApi {
  open(): void; close(): void; toggle(): void;
  identify(identity: Identity): Promise<void>;
  setAttributes(attributes: Record<string, unknown>): Promise<void>;
  on(event: 'ready' | 'open' | 'close' | 'message', fn: Handler): () => void;
  reset(): Promise<void>;
  locale?: string;
  q?: [string, ...unknown[]][];
}

const w = window as unknown as { Misy?: Partial<MisyApi> };
const script = (document.currentScript ?? document.querySelector('script[data-widget-key]')) as HTMLScriptElement | null;
const widgetKey = script?.dataset.widgetKey;

if (!script || !widgetKey) {
  console.error('[misy] add data-widget-key="wk_…" to the widget <script> tag');
} else if (!(w.Misy as { __loaded?: boolean } | undefined)?.__loaded) {
  const hub = new URL(script.src, location.href).origin;
  const queued = w.Misy?.q ?? [];
  const presetLocale = w.Misy?.locale ?? script.dataset.locale;
  const listeners = new Map<string, Set<Handler>>();
  const events = { emit(name: string, payload?: unknown) { for (const fn of listeners.get(name) ?? []) { try { fn(payload); } catch (err) { console.error(err); } } } };
  const control: { setOpen?: (o: boolean) => void; isOpen?: () => boolean } = {};
  const session = new WidgetSession(hub, widgetKey);
  // A custom tag with an inline reset: the host page's `div {…}` rules cannot touch it.
  const host = document.createElement('misy-chat');
  host.setAttribute('style', 'all:initial;position:fixed;width:0;height:0;z-index:2147483000');
  const shadow = host.attachShadow({ mode: 'open' });
  let wantOpen = false;
  let mounted: HTMLElement | undefined;

  const mount = async () => {
    const info = await session.start();
    const locale = pickLocale(presetLocale, info.channel.locale, document.documentElement.lang, navigator.language);
    const style = document.createElement('style');
    style.textContent = css(info.channel.theme.color ?? '#4f46e5', info.channel.theme.position ?? 'right');
    const container = document.createElement('div');
    if (mounted) render(null, mounted); // unmount the previous visitor's UI: its listeners and socket go with it
    mounted = container;
    shadow.replaceChildren(style, container);
    render(<App key={info.contactId} session={session} t={STRINGS[locale]} events={events} control={control} />, container);
    if (wantOpen) control.setOpen?.(true);
  };

  const api: MisyApi & { __loaded: true } = {
    __loaded: true,
    open() { wantOpen = true; control.setOpen?.(true); },
    close() { wantOpen = false; control.setOpen?.(false); },
    toggle() { control.isOpen?.() ? api.close() : api.open(); },
    async identify(identity) {
      session.identity = identity;
      session.rt?.close();
      session.rt = undefined;
      await mount();
    },
    async setAttributes(attributes) {
      session.attributes = { ...session.attributes, ...attributes };
      await session.start();
    },
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn);
      return () => set!.delete(fn);
    },
    async reset() {
      session.forget();
      await mount();
    },
  };
  w.Misy = api;

  const boot = async () => {
    document.body.appendChild(host);
    try {
      await mount();
      for (const [method, ...args] of queued) (api as unknown as Record<string, (...a: unknown[]) => unknown>)[method]?.(...args);
      events.emit('ready');
    } catch (err) {
      console.error('[misy] the chat could not start:', err instanceof Error ? err.message : err);
    }
  };
  if (document.body) void boot();
  else document.addEventListener('DOMContentLoaded', () => void boot());
}
