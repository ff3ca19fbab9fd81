-- The program's own vocabularies: the industry verticals and services partners choose from on the application form
-- and the ideal partner profile targets (products are the deal-registration policy's). An entry is never deleted:
-- one taken off the list is retired (active = false), so applications scored with it keep its label.
CREATE TABLE vocabulary_entries (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    kind text NOT NULL CHECK (kind IN ('vertical', 'service')),
    code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_]{0,39}$'),
    label text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 80),
    position integer NOT NULL,
    active boolean NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, kind, code)
);
-- Codes and labels are matched ignoring case, spaces, hyphens and underscores: no two entries of a list may meet so.
CREATE UNIQUE INDEX vocabulary_entries_label_key
    ON vocabulary_entries (tenant_id, kind, (regexp_replace(lower(label), '[\s_-]+', '', 'g')));
ALTER TABLE vocabulary_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE vocabulary_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON vocabulary_entries
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE TRIGGER vocabulary_entries_audit AFTER INSERT OR UPDATE OR DELETE ON vocabulary_entries
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- A new program starts with the lists every program had before (rules::fit_score::DEFAULT_VERTICALS and
-- DEFAULT_SERVICES; a test keeps the two the same).
CREATE FUNCTION app_seed_vocabularies(p_tenant uuid) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO vocabulary_entries (tenant_id, kind, code, label, position)
    SELECT p_tenant, kind, code, label, position
      FROM (VALUES
        ('vertical', 'financial_services', 'Financial services', 1),
        ('vertical', 'healthcare', 'Healthcare', 2),
        ('vertical', 'manufacturing', 'Manufacturing', 3),
        ('vertical', 'retail', 'Retail & e-commerce', 4),
        ('vertical', 'public_sector', 'Public sector', 5),
        ('vertical', 'education', 'Education', 6),
        ('vertical', 'technology', 'Technology & software', 7),
        ('vertical', 'telecom', 'Telecommunications', 8),
        ('vertical', 'energy', 'Energy & utilities', 9),
        ('vertical', 'media', 'Media & entertainment', 10),
        ('service', 'resale', 'Resale', 1),
        ('service', 'implementation', 'Implementation', 2),
        ('service', 'managed_services', 'Managed services', 3),
        ('service', 'consulting', 'Consulting', 4),
        ('service', 'integration', 'Systems integration', 5),
        ('service', 'training', 'Training', 6),
        ('service', 'support', 'Support', 7),
        ('service', 'development', 'Custom development', 8)
      ) AS d (kind, code, label, position)
    ON CONFLICT DO NOTHING
$$;

CREATE FUNCTION app_seed_vocabularies_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM app_seed_vocabularies(NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER tenants_seed_vocabularies AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION app_seed_vocabularies_trigger();

-- Existing programs: the seed is not a change anyone made.
ALTER TABLE vocabulary_entries DISABLE TRIGGER vocabulary_entries_audit;
SELECT app_seed_vocabularies(id) FROM tenants;
ALTER TABLE vocabulary_entries ENABLE TRIGGER vocabulary_entries_audit;
