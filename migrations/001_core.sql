-- Core schema: tenants, people, channels, conversations, messages, jobs, audit.
-- Every tenant table carries tenant_id; 002_rls.sql turns on row-level security for all of them.

CREATE TABLE tenants (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  slug        text NOT NULL UNIQUE,
  plan        text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'premium', 'enterprise')),
  -- retentionDays, globalStore {contribute, consult}, llm override (encrypted fields) …
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE operators (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email          text NOT NULL,
  name           text,
  role           text NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
  password_hash  text NOT NULL,
  disabled_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, email)
);
CREATE INDEX operators_email ON operators (lower(email));

CREATE TABLE api_keys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name          text NOT NULL,
  prefix        text NOT NULL,
  key_hash      text NOT NULL UNIQUE,
  scopes        text[] NOT NULL,
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refresh_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  operator_id  uuid NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
  family_id    uuid NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz,
  revoked_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE channels (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  type        text NOT NULL CHECK (type IN ('web', 'api', 'whatsapp', 'messenger', 'instagram', 'email', 'whatsapp_web')),
  name        text NOT NULL,
  -- Non-secret settings only; secrets live encrypted (AES-256-GCM) in `secrets`.
  config      jsonb NOT NULL DEFAULT '{}'::jsonb,
  secrets     text,
  -- Public lookup key of web channels (widgetKey), unique across tenants.
  public_key  text UNIQUE,
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contacts (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name           text,
  email          text,
  phone          text,
  attributes     jsonb NOT NULL DEFAULT '{}'::jsonb,
  anonymized_at  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- How a contact is known on a channel: a widget visitor id, a WhatsApp number, a PSID, an email address.
CREATE TABLE contact_identities (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  contact_id   uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  channel_id   uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  external_id  text NOT NULL,
  verified     boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel_id, external_id)
);
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);

-- Append-only consent history; the current state is the latest row per purpose.
CREATE TABLE consents (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  contact_id  uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  purpose     text NOT NULL CHECK (purpose IN ('processing', 'ai', 'learning', 'marketing')),
  granted     boolean NOT NULL,
  source      text NOT NULL CHECK (source IN ('widget', 'channel', 'api', 'operator')),
  text_shown  text,
  ip          text,
  user_agent  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consents_contact ON consents (contact_id, purpose, id DESC);

CREATE TABLE conversations (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  channel_id       uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  contact_id       uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  status           text NOT NULL DEFAULT 'bot' CHECK (status IN ('bot', 'pending', 'open', 'resolved')),
  assignee_id      uuid REFERENCES operators(id) ON DELETE SET NULL,
  agent_id         uuid,
  last_seq         integer NOT NULL DEFAULT 0,
  -- Highest seq an operator has seen: unread = inbound messages above it.
  read_seq         integer NOT NULL DEFAULT 0,
  last_message_at  timestamptz,
  bot_failures     integer NOT NULL DEFAULT 0,
  meta             jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  resolved_at      timestamptz
);
CREATE INDEX conversations_list ON conversations (tenant_id, status, last_message_at DESC NULLS LAST, id);
CREATE INDEX conversations_contact ON conversations (contact_id);

CREATE TABLE messages (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq           integer NOT NULL,
  direction     text NOT NULL CHECK (direction IN ('in', 'out')),
  sender_type   text NOT NULL CHECK (sender_type IN ('contact', 'agent', 'operator', 'system')),
  sender_id     text,
  sender_name   text,
  text          text NOT NULL DEFAULT '',
  attachments   jsonb NOT NULL DEFAULT '[]'::jsonb,
  channel_id    uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  external_id   text,
  client_id     text,
  reply_to      uuid,
  status        text NOT NULL CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed')),
  meta          jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, seq),
  UNIQUE (channel_id, external_id),
  UNIQUE (conversation_id, client_id)
);
CREATE INDEX messages_created ON messages (tenant_id, created_at);

-- The outbox: every side effect that leaves the process is a row here, written in the same
-- transaction as the state that caused it, claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE jobs (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id        uuid REFERENCES tenants(id) ON DELETE CASCADE,
  kind             text NOT NULL,
  payload          jsonb NOT NULL DEFAULT '{}'::jsonb,
  status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL DEFAULT 8,
  run_at           timestamptz NOT NULL DEFAULT now(),
  locked_by        text,
  locked_until     timestamptz,
  last_error       text,
  idempotency_key  text UNIQUE,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE INDEX jobs_ready ON jobs (run_at) WHERE status = 'queued';
CREATE INDEX jobs_tenant_status ON jobs (tenant_id, status);

-- Append-only, hash-chained per tenant: hash = sha256(prev_hash || canonical row).
CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id    uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  seq          integer NOT NULL,
  actor_type   text NOT NULL,
  actor_id     text,
  action       text NOT NULL,
  target_type  text,
  target_id    text,
  data         jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip           text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  UNIQUE (tenant_id, seq)
);

CREATE TABLE webhooks (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  url         text NOT NULL,
  events      text[] NOT NULL,
  secret      text NOT NULL,
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);
