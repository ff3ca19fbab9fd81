-- A partner's count rows are updated at commit instead of at the change itself. The update locks the row until the
-- transaction ends, so concurrent registrations of one partner waited on each other for the rest of the registration
-- (its events, mail and commit): with 64 concurrent registrations of one partner, half of the connections were seen
-- waiting on that lock. As deferred constraint triggers they hold it for the commit alone.
--
-- A count row that does not exist yet takes the partner's CAM as it is at commit, not as it was at the change: a
-- reassignment in between has already moved the partner's other rows. Counts of a partner deleted in the same
-- transaction (its rows went with it) are left alone.
-- PL/pgSQL rather than SQL, so that its statements are planned once per connection.
DROP FUNCTION app_count_deal(uuid, uuid, text, uuid, integer);
CREATE FUNCTION app_count_deal(p_tenant uuid, p_partner uuid, p_status text, p_delta integer) RETURNS void
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

CREATE OR REPLACE FUNCTION app_deal_counts() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM app_count_deal(OLD.tenant_id, OLD.partner_id, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM app_count_deal(NEW.tenant_id, NEW.partner_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER deals_counts ON deals;
DROP TRIGGER deals_counts_update ON deals;
CREATE CONSTRAINT TRIGGER deals_counts AFTER INSERT OR DELETE ON deals DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION app_deal_counts();
CREATE CONSTRAINT TRIGGER deals_counts_update AFTER UPDATE OF status, partner_id ON deals DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.partner_id IS DISTINCT FROM NEW.partner_id)
    EXECUTE FUNCTION app_deal_counts();
