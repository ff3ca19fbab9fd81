-- Time zones: the program's zone (set by the program admin; deadlines are days in it) and each user's own zone for
-- reading times (NULL: the program's). Names are IANA zone names, checked by the server against its zone database.
ALTER TABLE tenants ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64);
ALTER TABLE users ADD COLUMN time_zone text CHECK (length(time_zone) BETWEEN 1 AND 64);

-- tenants is not tenant-owned data (it has no tenant_id and no row-level security), so audit_row_change does not fit
-- it: a change of the program's zone is recorded here, against the tenant itself.
CREATE FUNCTION audit_tenant_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.time_zone IS DISTINCT FROM OLD.time_zone THEN
        INSERT INTO audit_log (tenant_id, actor_id, action, entity_type, entity_id, before, after)
        VALUES (NEW.id, app_current_user(), 'tenants.update', 'tenants', NEW.id,
                jsonb_build_object('time_zone', OLD.time_zone), jsonb_build_object('time_zone', NEW.time_zone));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tenants_audit AFTER UPDATE OF time_zone ON tenants FOR EACH ROW EXECUTE FUNCTION audit_tenant_change();

-- The server may not update tenants (no row-level security there): it changes the zone of the transaction's own
-- tenant through this function, and no other.
CREATE FUNCTION app_set_tenant_time_zone(zone text) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ UPDATE tenants SET time_zone = zone WHERE id = app_current_tenant() $$;
REVOKE ALL ON FUNCTION app_set_tenant_time_zone(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_set_tenant_time_zone(text) TO tributary_app;
