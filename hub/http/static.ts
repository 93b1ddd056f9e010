// Placeholder until the widget/console bundles land: keeps the hub startable.
import type { Hono } from 'hono';

export function registerStaticRoutes(_app: Hono<any>, _opts: { publicUrl: string; demoWidgetKey?: () => Promise<string | undefined> }): void {}
