-- Tenant isolation. Tenant queries run inside withTenant(): `SET LOCAL ROLE misy_app` plus
-- `misy.tenant_id` set for the transaction. misy_app owns nothing and is not a superuser, so it
-- cannot bypass these policies; with no tenant set, current_setting(..., true) is NULL and no row matches.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'misy_app') THEN
    CREATE ROLE misy_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END $$;
GRANT misy_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO misy_app;

-- tenants: a tenant sees only itself.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_self ON tenants USING (id = nullif(current_setting('misy.tenant_id', true), '')::uuid);
GRANT SELECT, UPDATE ON tenants TO misy_app;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['operators', 'api_keys', 'refresh_tokens', 'channels', 'contacts', 'contact_identities',
                           'conversations', 'messages', 'jobs', 'webhooks', 'agents', 'knowledge_documents',
                           'knowledge_chunks', 'contact_memories', 'llm_usage']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
                     USING (tenant_id = nullif(current_setting('misy.tenant_id', true), '')::uuid)
                     WITH CHECK (tenant_id = nullif(current_setting('misy.tenant_id', true), '')::uuid)$p$, t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO misy_app', t);
  END LOOP;
END $$;

-- Append-only tables: the app role may insert and read, never rewrite history.
ALTER TABLE consents ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON consents
  USING (tenant_id = nullif(current_setting('misy.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('misy.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT ON consents TO misy_app;
-- Erasure removes a contact's consent rows together with the contact (cascade, as owner).

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
  USING (tenant_id = nullif(current_setting('misy.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('misy.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT ON audit_log TO misy_app;

GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO misy_app;
