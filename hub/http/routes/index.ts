import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubContext } from '../../context';
import type { Env } from '../principal';
import { systemRoutes } from './system';
import { tenantRoutes } from './tenants';
import { authRoutes } from './auth';
import { operatorRoutes } from './operators';
import { channelRoutes } from './channels';
import { contactRoutes } from './contacts';
import { conversationRoutes } from './conversations';
import { webhookRoutes } from './webhooks';
import { widgetRoutes } from './widget';
import { agentRoutes } from './agents';
import { ingressRoutes } from './ingress';
import { knowledgeRoutes } from './knowledge';
import { globalRoutes } from './global';

export function registerRoutes(app: OpenAPIHono<Env>, ctx: HubContext): void {
  for (const register of [systemRoutes, tenantRoutes, authRoutes, operatorRoutes, channelRoutes, contactRoutes, conversationRoutes, webhookRoutes, widgetRoutes, agentRoutes, knowledgeRoutes, globalRoutes, ingressRoutes]) {
    register(app, ctx);
  }
}
