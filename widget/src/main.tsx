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

  let ready = false;

  /** Renders a fresh App for the session just started; the panel stays as the visitor left it. */
  const mount = () => {
    const info = session.info!;
    const locale = pickLocale(presetLocale, info.channel.locale, document.documentElement.lang, navigator.language);
    const style = document.createElement('style');
    style.textContent = css(info.channel.theme.color ?? '#4f46e5', info.channel.theme.position ?? 'right');
    const container = document.createElement('div');
    wantOpen = control.isOpen?.() ?? wantOpen;
    if (mounted) render(null, mounted); // unmount the previous visitor's UI: its listeners and socket go with it
    mounted = container;
    shadow.replaceChildren(style, container);
    render(<App key={info.contactId} session={session} t={STRINGS[locale]} initialOpen={wantOpen} events={events} control={control} />, container);
  };

  /** A new session (identify, reset): start it first, so a refused one leaves the current chat intact. */
  const restart = async (change: () => void, undo: () => void) => {
    change();
    try { await session.start(); } catch (err) { undo(); throw err; }
    session.rt?.close();
    session.rt = undefined;
    mount();
  };

  const api: MisyApi & { __loaded: true } = {
    __loaded: true,
    open() { wantOpen = true; control.setOpen?.(true); },
    close() { wantOpen = false; control.setOpen?.(false); },
    toggle() { control.isOpen?.() ? api.close() : api.open(); },
    async identify(identity) {
      const previous = session.identity;
      await restart(() => { session.identity = identity; }, () => { session.identity = previous; });
    },
    async setAttributes(attributes) {
      session.attributes = { ...session.attributes, ...attributes };
      await session.start();
    },
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn);
      // A listener added after start still hears `ready` (pages often load their code after ours).
      if (event === 'ready' && ready) queueMicrotask(() => fn());
      return () => set!.delete(fn);
    },
    async reset() {
      await restart(() => session.forget(), () => {});
    },
  };
  w.Misy = api;

  const boot = async () => {
    document.body.appendChild(host);
    // Who the visitor is must be known before the first session: a queued identify() would
    // otherwise first create an anonymous contact, then a second, identified one.
    const later: typeof queued = [];
    for (const call of queued) {
      if (call[0] === 'identify') session.identity = call[1] as Identity;
      else if (call[0] === 'setAttributes') session.attributes = { ...session.attributes, ...(call[1] as Record<string, unknown>) };
      else later.push(call);
    }
    try {
      try {
        await session.start();
      } catch (err) {
        if (!session.identity) throw err;
        console.error('[misy] identify() was refused; continuing anonymously:', err instanceof Error ? err.message : err);
        session.identity = undefined;
        await session.start();
      }
      mount();
      for (const [method, ...args] of later) (api as unknown as Record<string, (...a: unknown[]) => unknown>)[method]?.(...args);
      ready = true;
      events.emit('ready');
    } catch (err) {
      console.error('[misy] the chat could not start:', err instanceof Error ? err.message : err);
    }
  };
  if (document.body) void boot();
  else document.addEventListener('DOMContentLoaded', () => void boot());
}
