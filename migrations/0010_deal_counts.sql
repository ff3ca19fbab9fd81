-- How many registrations each partner has in each status, kept in step by triggers, so that list totals, the homes'
-- counts and the queue's "waiting" number add up a handful of rows instead of counting registrations: a CAM's list
-- total read ~5,000 index entries per request at 1,000,000 registrations, a program admin's all of them.
CREATE TABLE deal_counts (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    partner_id uuid NOT NULL,
    status text NOT NULL,
    -- The partner's CAM, as on its registrations (kept in step by the partner's reassignment trigger).
    cam_id uuid,
    n bigint NOT NULL,
    PRIMARY KEY (tenant_id, partner_id, status),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX deal_counts_cam_idx ON deal_counts (tenant_id, cam_id, status) INCLUDE (n);
CREATE INDEX deal_counts_status_idx ON deal_counts (tenant_id, status) INCLUDE (n);

ALTER TABLE deal_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE deal_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON deal_counts
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

-- Tenant by tenant: row-level security is forced on both tables for their owner (a superuser owner bypasses it, hence
-- the explicit condition too).
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        INSERT INTO deal_counts (tenant_id, partner_id, status, cam_id, n)
        SELECT d.tenant_id, d.partner_id, d.status, p.cam_id, count(*)
          FROM deals d JOIN partners p ON p.tenant_id = d.tenant_id AND p.id = d.partner_id
         WHERE d.tenant_id = t
         GROUP BY d.tenant_id, d.partner_id, d.status, p.cam_id;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;

CREATE FUNCTION app_count_deal(p_tenant uuid, p_partner uuid, p_status text, p_cam uuid, p_delta integer) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO deal_counts AS c (tenant_id, partner_id, status, cam_id, n)
    VALUES (p_tenant, p_partner, p_status, p_cam, greatest(p_delta, 0))
    ON CONFLICT (tenant_id, partner_id, status) DO UPDATE SET n = c.n + p_delta;
$$;

CREATE FUNCTION app_deal_counts() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM app_count_deal(OLD.tenant_id, OLD.partner_id, OLD.status, OLD.cam_id, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM app_count_deal(NEW.tenant_id, NEW.partner_id, NEW.status, NEW.cam_id, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER deals_counts AFTER INSERT OR DELETE ON deals FOR EACH ROW EXECUTE FUNCTION app_deal_counts();
CREATE TRIGGER deals_counts_update AFTER UPDATE OF status, partner_id ON deals
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.partner_id IS DISTINCT FROM NEW.partner_id)
    EXECUTE FUNCTION app_deal_counts();

-- A reassigned partner's counts follow it to the new CAM, as its registrations do.
CREATE OR REPLACE FUNCTION app_partner_cam_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE deals SET cam_id = NEW.cam_id WHERE tenant_id = NEW.tenant_id AND partner_id = NEW.id;
    UPDATE deal_counts SET cam_id = NEW.cam_id WHERE tenant_id = NEW.tenant_id AND partner_id = NEW.id;
    RETURN NULL;
END
$$;
