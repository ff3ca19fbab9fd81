-- One request path: pages and sessions are read from the database on every request, and the conflict check finds
-- its candidates with pg_trgm. What fed the in-process caches goes.

-- Scope versions (kept pages).
DROP TRIGGER deals_version ON deals;
DROP TRIGGER partners_version ON partners;
DROP TRIGGER users_version ON users;
DROP TRIGGER onboarding_items_version ON onboarding_items;
DROP TRIGGER deal_policies_version ON deal_policies;
DROP FUNCTION app_version_deal();
DROP FUNCTION app_version_partner();
DROP FUNCTION app_version_user();
DROP FUNCTION app_version_onboarding_item();
DROP FUNCTION app_version_policy();
DROP FUNCTION app_bump_scope(uuid, uuid);
DROP TABLE scope_versions;

-- Session change notifications (the session cache).
DROP TRIGGER sessions_notify ON sessions;
DROP TRIGGER users_notify ON users;
DROP TRIGGER agreements_notify ON agreements;
DROP TRIGGER agreement_acceptances_notify ON agreement_acceptances;
DROP FUNCTION app_notify_session_change();

-- The customer names indexed in memory: candidates come from a trigram index over the open registrations.
DROP TRIGGER deals_name ON deals;
DROP FUNCTION app_deal_name();
DROP TABLE deal_names;
DROP INDEX deals_open_name_idx;
CREATE INDEX deals_open_name_trgm ON deals USING gin (normalized_name gin_trgm_ops)
    WHERE status IN ('pending', 'approved');

-- Registration counts: one row per partner and status again (no stripes). The owner reads every tenant's rows.
ALTER TABLE deal_counts NO FORCE ROW LEVEL SECURITY;
CREATE TEMPORARY TABLE deal_counts_sum AS
    SELECT tenant_id, partner_id, status, min(cam_id::text)::uuid AS cam_id, sum(n)::bigint AS n
      FROM deal_counts GROUP BY tenant_id, partner_id, status;
DELETE FROM deal_counts;
ALTER TABLE deal_counts DROP CONSTRAINT deal_counts_pkey;
ALTER TABLE deal_counts DROP COLUMN stripe;
ALTER TABLE deal_counts ADD PRIMARY KEY (tenant_id, partner_id, status);
INSERT INTO deal_counts (tenant_id, partner_id, status, cam_id, n)
    SELECT tenant_id, partner_id, status, cam_id, n FROM deal_counts_sum;
DROP TABLE deal_counts_sum;
ALTER TABLE deal_counts FORCE ROW LEVEL SECURITY;

CREATE OR REPLACE FUNCTION app_count_deal(p_tenant uuid, p_partner uuid, p_status text, p_delta integer) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF p_delta < 0 THEN
        UPDATE deal_counts SET n = n + p_delta
         WHERE tenant_id = p_tenant AND partner_id = p_partner AND status = p_status;
    ELSE
        INSERT INTO deal_counts AS c (tenant_id, partner_id, status, cam_id, n)
        SELECT p.tenant_id, p.id, p_status, p.cam_id, p_delta FROM partners p
         WHERE p.tenant_id = p_tenant AND p.id = p_partner
        ON CONFLICT (tenant_id, partner_id, status) DO UPDATE SET n = c.n + p_delta;
    END IF;
END
$$;
