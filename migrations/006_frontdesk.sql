-- Front desk: signatures already accepted on ingress, remembered past their validity window so a
-- captured signed request cannot be replayed (used when no Redis is configured). System table:
-- written only by the hub's owner connection before the tenant is known, so no RLS and no grant.
CREATE TABLE ingress_signatures (
  key         text PRIMARY KEY,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX ingress_signatures_expiry ON ingress_signatures (expires_at);
