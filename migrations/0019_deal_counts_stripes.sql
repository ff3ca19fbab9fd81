-- A partner's count in a status may take several rows (stripes), which add up to it. The count row of a registration
-- is locked from the commit's update until the commit is on disk, so concurrent registrations of one partner took
-- turns at flushing the log: at 64 connections registering for one partner, commits went one per WAL flush (~500/s)
-- instead of many per flush. Now a commit updates the first of the partner's rows for that status that no other
-- transaction holds and only adds a row when all are held, so a partner has one row per status until registrations
-- of it really overlap, and as many as overlapped at most.
ALTER TABLE deal_counts ADD COLUMN stripe smallint NOT NULL DEFAULT 0;
ALTER TABLE deal_counts DROP CONSTRAINT deal_counts_pkey;
ALTER TABLE deal_counts ADD PRIMARY KEY (tenant_id, partner_id, status, stripe);

CREATE OR REPLACE FUNCTION app_count_deal(p_tenant uuid, p_partner uuid, p_status text, p_delta integer) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    s smallint;
BEGIN
    SELECT stripe INTO s FROM deal_counts
     WHERE tenant_id = p_tenant AND partner_id = p_partner AND status = p_status
     ORDER BY stripe LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        UPDATE deal_counts SET n = n + p_delta
         WHERE tenant_id = p_tenant AND partner_id = p_partner AND status = p_status AND stripe = s;
        RETURN;
    END IF;
    -- None, or all held by transactions still committing: a row after the last. Two commits that pick the same one
    -- at once take turns on it, as all did before.
    INSERT INTO deal_counts AS c (tenant_id, partner_id, status, stripe, cam_id, n)
    SELECT p.tenant_id, p.id, p_status,
           (SELECT coalesce(max(x.stripe) + 1, 0) FROM deal_counts x
             WHERE x.tenant_id = p_tenant AND x.partner_id = p_partner AND x.status = p_status),
           p.cam_id, p_delta
      FROM partners p
     WHERE p.tenant_id = p_tenant AND p.id = p_partner
    ON CONFLICT (tenant_id, partner_id, status, stripe) DO UPDATE SET n = c.n + p_delta;
END
$$;
