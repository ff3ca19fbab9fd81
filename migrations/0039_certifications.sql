-- Certifications: the program's certification types, and the partners' people who hold them. A certification counts
-- (tiers, scorecards) while it is verified and `expires_on` has not passed: nothing has to run for an expired one to
-- stop counting. The certificate file's bytes live in their own table, in PostgreSQL, as MDF proof does.
CREATE TABLE certification_types (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_]{0,39}$'),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    validity_months integer NOT NULL CHECK (validity_months BETWEEN 1 AND 120),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);
CREATE UNIQUE INDEX certification_types_name_key ON certification_types (tenant_id, lower(name));

CREATE TABLE certifications (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    type_id uuid NOT NULL,
    person_name text NOT NULL CHECK (length(btrim(person_name)) BETWEEN 1 AND 120),
    person_email text NOT NULL CHECK (person_email = lower(person_email) AND length(person_email) BETWEEN 3 AND 254),
    earned_on date NOT NULL,
    expires_on date NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'rejected')),
    source text NOT NULL CHECK (source IN ('manual', 'import')),
    -- Why it was rejected.
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    recorded_by uuid NOT NULL,
    decided_by uuid,
    decided_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, partner_id, type_id, person_email, earned_on),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, type_id) REFERENCES certification_types (tenant_id, id),
    FOREIGN KEY (tenant_id, recorded_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id),
    CHECK (expires_on > earned_on),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- Who holds what now: the tier metric and the scorecards count these.
CREATE INDEX certifications_counting_idx ON certifications (tenant_id, partner_id, type_id, expires_on)
    INCLUDE (person_email) WHERE status = 'verified';
CREATE INDEX certifications_partner_idx ON certifications (tenant_id, partner_id, created_at);
CREATE INDEX certifications_pending_idx ON certifications (tenant_id, created_at) WHERE status = 'pending';

CREATE TABLE certification_files (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    certification_id uuid NOT NULL,
    file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size integer NOT NULL CHECK (size BETWEEN 1 AND 10485760),
    content bytea NOT NULL CHECK (octet_length(content) BETWEEN 1 AND 10485760),
    PRIMARY KEY (tenant_id, certification_id),
    FOREIGN KEY (tenant_id, certification_id) REFERENCES certifications (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE certification_files ALTER COLUMN content SET STORAGE EXTERNAL;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['certification_types', 'certifications', 'certification_files']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        IF t <> 'certification_files' THEN
            EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                           'FOR EACH ROW EXECUTE FUNCTION audit_row_change()', t || '_audit', t);
        END IF;
    END LOOP;
END
$$;

-- A new program starts with the certifications partner programs commonly ask for; the admin edits them.
CREATE FUNCTION app_seed_certification_types(p_tenant uuid) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO certification_types (tenant_id, id, code, name, validity_months)
    SELECT p_tenant, gen_random_uuid(), code, name, months
      FROM (VALUES
        ('sales_professional', 'Sales Professional', 24),
        ('sales_engineer', 'Sales Engineer', 24),
        ('implementation_specialist', 'Implementation Specialist', 24),
        ('support_specialist', 'Support Specialist', 12)
      ) AS d (code, name, months)
    ON CONFLICT DO NOTHING
$$;
CREATE FUNCTION app_seed_certification_types_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM app_seed_certification_types(NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER tenants_seed_certification_types AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION app_seed_certification_types_trigger();
ALTER TABLE certification_types DISABLE TRIGGER certification_types_audit;
SELECT app_seed_certification_types(id) FROM tenants;
ALTER TABLE certification_types ENABLE TRIGGER certification_types_audit;
