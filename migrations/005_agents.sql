-- Knowledge chunks are de-duplicated per document, not per tenant: with a tenant-wide unique key a
-- paragraph shared by documents A and B was stored once, under A, so deleting A silently removed
-- it from B too. Each document now owns its chunks (duplicates across documents are collapsed at
-- search time instead).
ALTER TABLE knowledge_chunks DROP CONSTRAINT IF EXISTS knowledge_chunks_tenant_id_content_hash_key;
ALTER TABLE knowledge_chunks ADD CONSTRAINT knowledge_chunks_document_content_hash UNIQUE (document_id, content_hash);

-- Global entries record which embedding model produced their vector, like chunks and memories, so
-- `npm run reembed` can move them too. Rows from before are of unknown origin: '' marks them stale.
ALTER TABLE global_entries ADD COLUMN IF NOT EXISTS embedding_model text NOT NULL DEFAULT '';
