-- AI agents, knowledge, contact memory, LLM usage, and the anonymized global store.
-- Embeddings are 256-dimensional: the local provider's fixed size, and what OpenAI-compatible
-- providers are asked for (`dimensions: 256`).
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE agents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name          text NOT NULL,
  description   text NOT NULL DEFAULT '',
  instructions  text NOT NULL DEFAULT '',
  model         text,
  tools         text[] NOT NULL DEFAULT ARRAY['search_knowledge', 'handoff_to_human', 'remember', 'lookup_contact'],
  handoff       jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled       boolean NOT NULL DEFAULT true,
  embedding     vector(256),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE knowledge_documents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  title         text NOT NULL,
  source        text,
  format        text NOT NULL CHECK (format IN ('text', 'markdown', 'html')),
  content       text NOT NULL,
  content_hash  text NOT NULL,
  status        text NOT NULL DEFAULT 'ready' CHECK (status IN ('processing', 'ready', 'failed')),
  chunk_count   integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, content_hash)
);

CREATE TABLE knowledge_chunks (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  document_id      uuid NOT NULL REFERENCES knowledge_documents(id) ON DELETE CASCADE,
  idx              integer NOT NULL,
  content          text NOT NULL,
  content_hash     text NOT NULL,
  embedding        vector(256) NOT NULL,
  embedding_model  text NOT NULL,
  -- Accent-folded, stemmed terms computed by the app (agents/text.ts), so English and Spanish
  -- queries match regardless of accents and plurals.
  search_text      text NOT NULL DEFAULT '',
  tsv              tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, content_hash)
);
CREATE INDEX knowledge_chunks_embedding ON knowledge_chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX knowledge_chunks_tsv ON knowledge_chunks USING gin (tsv);
CREATE INDEX knowledge_chunks_tenant ON knowledge_chunks (tenant_id);

CREATE TABLE contact_memories (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  contact_id       uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  kind             text NOT NULL DEFAULT 'fact' CHECK (kind IN ('fact', 'summary')),
  content          text NOT NULL,
  embedding        vector(256) NOT NULL,
  embedding_model  text NOT NULL,
  conversation_id  uuid,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_memories_embedding ON contact_memories USING hnsw (embedding vector_cosine_ops);
CREATE INDEX contact_memories_contact ON contact_memories (contact_id);

CREATE TABLE llm_usage (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id          uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  conversation_id    uuid,
  provider           text NOT NULL,
  model              text NOT NULL,
  prompt_tokens      integer NOT NULL DEFAULT 0,
  completion_tokens  integer NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX llm_usage_tenant ON llm_usage (tenant_id, created_at);

-- No tenant_id and no contact id by design: only keyed hashes of contributing tenants, to count them.
CREATE TABLE global_entries (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  question            text NOT NULL,
  answer              text NOT NULL,
  content_hash        text NOT NULL UNIQUE,
  embedding           vector(256) NOT NULL,
  contributor_hashes  text[] NOT NULL DEFAULT '{}',
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX global_entries_embedding ON global_entries USING hnsw (embedding vector_cosine_ops);
