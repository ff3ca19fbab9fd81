-- Every customer name a tenant's registrations carry (normalised), in the order they first appeared, for the
-- conflict check's name search. The server keeps each tenant's names indexed by trigram in memory and reads only the
-- names added since it last looked (`xid`, the adding transaction's id): a trigram GIN index over 250,000 open
-- registrations whose names share their words read some 50,000 posting entries per search (several milliseconds).
-- Rows are only ever added; a name whose registrations have all closed finds no open registration and costs nothing.
CREATE TABLE deal_names (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL,
    xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
    PRIMARY KEY (tenant_id, name)
);
CREATE INDEX deal_names_xid_idx ON deal_names (tenant_id, xid);

ALTER TABLE deal_names ENABLE ROW LEVEL SECURITY;
ALTER TABLE deal_names FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON deal_names
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

-- A superuser owner bypasses row-level security, so this reads every tenant's registrations at once.
INSERT INTO deal_names (tenant_id, name) SELECT DISTINCT tenant_id, normalized_name FROM deals;

CREATE FUNCTION app_deal_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deal_names (tenant_id, name) VALUES (NEW.tenant_id, NEW.normalized_name) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER deals_name AFTER INSERT OR UPDATE OF normalized_name ON deals
    FOR EACH ROW EXECUTE FUNCTION app_deal_name();

-- Candidates are now found by name equality; the trigram index is no longer read and only cost every insert.
DROP INDEX deals_open_name_trgm;
CREATE INDEX deals_open_name_idx ON deals (tenant_id, normalized_name) WHERE status IN ('pending', 'approved');
