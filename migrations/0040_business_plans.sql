-- Joint business plans: a partner's year of typed objectives with quarterly targets, a profit forecast and plain-text
-- commitments; agreed versions frozen as snapshots (append-only); the partner's review comments. The program setting
-- says which month the fiscal year starts in and how much pipeline coverage the scorecard asks for.
CREATE TABLE plan_settings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    -- The audit trigger names rows by an id.
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    fiscal_year_start_month integer NOT NULL DEFAULT 1 CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    coverage_index numeric(4, 2) NOT NULL DEFAULT 3 CHECK (coverage_index BETWEEN 1 AND 10),
    coverage_from_win_rate boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);

CREATE TABLE business_plans (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    -- The calendar year the fiscal year starts in.
    fiscal_year integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'shared', 'agreed', 'closed')),
    -- The version being drafted or reviewed; the last agreed one is in business_plan_versions.
    version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    growth_percent numeric(6, 2) NOT NULL DEFAULT 10 CHECK (growth_percent BETWEEN -100 AND 1000),
    value_proposition text NOT NULL DEFAULT '' CHECK (length(value_proposition) <= 4000),
    go_to_market text NOT NULL DEFAULT '' CHECK (length(go_to_market) <= 4000),
    vendor_commitments text NOT NULL DEFAULT '' CHECK (length(vendor_commitments) <= 4000),
    partner_commitments text NOT NULL DEFAULT '' CHECK (length(partner_commitments) <= 4000),
    -- Profit forecast inputs: revenue × margin + rebates + MDF − costs.
    margin_percent numeric(5, 2) NOT NULL DEFAULT 0 CHECK (margin_percent BETWEEN 0 AND 100),
    rebates numeric(14, 2) NOT NULL DEFAULT 0 CHECK (rebates >= 0),
    mdf numeric(14, 2) NOT NULL DEFAULT 0 CHECK (mdf >= 0),
    costs numeric(14, 2) NOT NULL DEFAULT 0 CHECK (costs >= 0),
    created_by uuid NOT NULL,
    shared_at timestamptz,
    agreed_at timestamptz,
    agreed_by uuid,
    closed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, agreed_by) REFERENCES users (tenant_id, id),
    CHECK (ends_on > starts_on),
    CHECK (state <> 'agreed' OR agreed_at IS NOT NULL)
);
-- One active plan per partner and fiscal year.
CREATE UNIQUE INDEX business_plans_active_key ON business_plans (tenant_id, partner_id, fiscal_year)
    WHERE state <> 'closed';
-- "An agreed plan covers today" (tiers, homes) and the lists.
CREATE INDEX business_plans_partner_idx ON business_plans (tenant_id, partner_id, starts_on, ends_on) INCLUDE (state);
CREATE INDEX business_plans_state_idx ON business_plans (tenant_id, state, fiscal_year);

CREATE TABLE business_plan_objectives (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    plan_id uuid NOT NULL,
    position integer NOT NULL CHECK (position BETWEEN 0 AND 11),
    kind text NOT NULL CHECK (kind IN ('closed_won_revenue', 'registered_pipeline', 'won_deals', 'certified_people',
                                       'mdf_sourced_pipeline', 'custom')),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    -- certified_people: the certification type's code.
    certification text,
    weight integer NOT NULL CHECK (weight BETWEEN 1 AND 100),
    targets numeric(14, 2)[] NOT NULL CHECK (cardinality(targets) = 4 AND 0 <= ALL (targets)),
    -- custom: the actuals typed per quarter.
    manual_actuals numeric(14, 2)[] NOT NULL DEFAULT '{0,0,0,0}' CHECK (cardinality(manual_actuals) = 4),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, plan_id, position) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (tenant_id, plan_id) REFERENCES business_plans (tenant_id, id) ON DELETE CASCADE,
    CHECK ((kind = 'certified_people') = (certification IS NOT NULL))
);

-- What the partner agreed to, version by version: never changed once written.
CREATE TABLE business_plan_versions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    plan_id uuid NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    -- {"objectives": [...], "forecast": {...}, "growth_percent", "currency"}
    snapshot jsonb NOT NULL,
    agreed_by uuid NOT NULL,
    agreed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, plan_id, version),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES business_plans (tenant_id, id),
    FOREIGN KEY (tenant_id, agreed_by) REFERENCES users (tenant_id, id)
);
CREATE FUNCTION app_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER business_plan_versions_append_only BEFORE UPDATE OR DELETE ON business_plan_versions
    FOR EACH ROW EXECUTE FUNCTION app_refuse_change();

CREATE TABLE business_plan_comments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    plan_id uuid NOT NULL,
    author_id uuid NOT NULL,
    body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES business_plans (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX business_plan_comments_plan_idx ON business_plan_comments (tenant_id, plan_id, created_at);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['plan_settings', 'business_plans', 'business_plan_objectives', 'business_plan_versions',
                             'business_plan_comments']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION audit_row_change()', t || '_audit', t);
    END LOOP;
END
$$;
