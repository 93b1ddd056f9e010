// @misy/sdk: typed REST client, realtime client (the widget and console use it) and webhook verification.
export * from './types';
export { createMisyClient, MisyApiError, type MisyClient, type RestOptions, type Page, type OperatorSession, type Contact, type Operator, type KnowledgeDocument, type Agent, type AgentInput, type Channel, type ApiKey, type ApiScope, type KnowledgeHit, type Job, type WidgetSessionResult } from './rest';
export { MisyRealtime, connectRealtime, newClientId, RequestError, type RealtimeOptions, type RealtimeEvents, type ConnectionState, type KeyValueStorage, type Namespace } from './realtime';
export { verifyWebhook, type VerifyWebhookInput } from './verify';
