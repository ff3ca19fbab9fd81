-- Partner standing: the program's ordered tiers with their benefits and requirements, its tier policy, each partner's
-- standing (what the last evaluation decided, a grace period, an override, the measured requirements for the page),
-- an append-only history of standing changes, and the values of custom metrics kept by hand. A partner's tier is a
-- tier's code (partners.tier references it). See docs/api.md, "Tiers and standing".

CREATE TABLE tiers (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_]{0,39}$'),
    rank integer NOT NULL CHECK (rank BETWEEN 0 AND 20),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 60),
    badge_colour text NOT NULL DEFAULT '#5b6472' CHECK (badge_colour ~ '^#[0-9a-f]{6}$'),
    discount_percent numeric(5, 2) NOT NULL DEFAULT 0 CHECK (discount_percent BETWEEN 0 AND 100),
    mdf_accrual_percent numeric(5, 2) NOT NULL DEFAULT 0 CHECK (mdf_accrual_percent BETWEEN 0 AND 100),
    protection_days integer NOT NULL DEFAULT 90 CHECK (protection_days BETWEEN 1 AND 730),
    benefits_from date NOT NULL DEFAULT DATE '2026-01-01',
    optional_needed integer NOT NULL DEFAULT 0 CHECK (optional_needed >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    -- Deferred, so that a replacement of the tiers may renumber them in any order.
    UNIQUE (tenant_id, rank) DEFERRABLE INITIALLY DEFERRED
);

-- A requirement of a tier: a metric (rules::tier_progression::Metric's key) with its parameter, a threshold and a
-- trailing window. Adding a metric needs no migration: the key is text the code knows.
CREATE TABLE tier_requirements (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tier_code text NOT NULL,
    position integer NOT NULL CHECK (position >= 0),
    metric text NOT NULL CHECK (metric ~ '^[a-z_]{1,40}$'),
    parameter text NOT NULL DEFAULT '' CHECK (length(parameter) <= 80),
    threshold numeric(16, 2) NOT NULL CHECK (threshold >= 0),
    window_days integer NOT NULL DEFAULT 365 CHECK (window_days BETWEEN 1 AND 1095),
    mandatory boolean NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, tier_code, position),
    FOREIGN KEY (tenant_id, tier_code) REFERENCES tiers (tenant_id, code) ON DELETE CASCADE
);

-- The program's tier policy: one row per tenant.
CREATE TABLE tier_policies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    evaluate_every_days integer NOT NULL DEFAULT 7 CHECK (evaluate_every_days BETWEEN 1 AND 366),
    auto_promote boolean NOT NULL DEFAULT true,
    grace_days integer NOT NULL DEFAULT 90 CHECK (grace_days BETWEEN 0 AND 730),
    risk_margin_percent integer NOT NULL DEFAULT 10 CHECK (risk_margin_percent BETWEEN 0 AND 100),
    producing_days integer NOT NULL DEFAULT 90 CHECK (producing_days BETWEEN 1 AND 730),
    lapsed_days integer NOT NULL DEFAULT 90 CHECK (lapsed_days BETWEEN 1 AND 730),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);

-- Where a partner stands after its last evaluation. The tier itself is partners.tier. The row is also the job's
-- claim: evaluations take due rows with FOR UPDATE SKIP LOCKED and move next_evaluation_on past today.
CREATE TABLE partner_standings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    partner_id uuid NOT NULL,
    action text CHECK (action IN ('promote', 'propose_promotion', 'hold', 'warn', 'start_grace', 'in_grace', 'demote',
        'overridden')),
    qualifies_for text,
    proposed_tier text,
    grace_until date,
    override_tier text,
    override_until date,
    override_reason text CHECK (length(override_reason) <= 1000),
    override_by uuid,
    evaluated_at timestamptz,
    evaluated_on date,
    next_evaluation_on date NOT NULL DEFAULT current_date,
    projection_tier text,
    -- Every tier's requirements as measured (have, need, gap, percent), for the partner's page.
    progress jsonb NOT NULL DEFAULT '[]',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, partner_id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, override_tier) REFERENCES tiers (tenant_id, code),
    FOREIGN KEY (tenant_id, override_by) REFERENCES users (tenant_id, id),
    CHECK ((override_tier IS NULL) = (override_until IS NULL))
);
CREATE INDEX partner_standings_due_idx ON partner_standings (tenant_id, next_evaluation_on);
CREATE INDEX partner_standings_action_idx ON partner_standings (tenant_id, action);

-- Every change of standing, as it happened (on_date: the evaluation's day in the program's zone). Append-only.
CREATE TABLE tier_history (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    seq bigint GENERATED ALWAYS AS IDENTITY,
    partner_id uuid NOT NULL,
    on_date date NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    action text NOT NULL CHECK (action IN ('promote', 'propose_promotion', 'approve_promotion', 'warn', 'start_grace',
        'recover', 'demote', 'override', 'override_ended', 'set_by_admin')),
    from_tier text NOT NULL,
    to_tier text NOT NULL,
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    actor_id uuid,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX tier_history_partner_idx ON tier_history (tenant_id, partner_id, on_date DESC, seq DESC);
CREATE INDEX tier_history_date_idx ON tier_history (tenant_id, on_date);

CREATE FUNCTION tier_history_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the tier history is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER tier_history_no_change BEFORE UPDATE OR DELETE ON tier_history
    FOR EACH ROW EXECUTE FUNCTION tier_history_append_only();
CREATE TRIGGER tier_history_no_truncate BEFORE TRUNCATE ON tier_history
    FOR EACH STATEMENT EXECUTE FUNCTION tier_history_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON tier_history FROM tributary_app;

-- Values of custom metrics, kept by the program admin.
CREATE TABLE tier_custom_values (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    partner_id uuid NOT NULL,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 80),
    value numeric(16, 2) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, partner_id, name),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tiers', 'tier_requirements', 'tier_policies', 'partner_standings', 'tier_history',
        'tier_custom_values']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        IF t IN ('tiers', 'tier_requirements', 'tier_policies', 'tier_custom_values') THEN
            EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                           'FOR EACH ROW EXECUTE FUNCTION audit_row_change()', t || '_audit', t);
        END IF;
    END LOOP;
END
$$;
-- A standing is audited when what it decides changes, not each time the job measures it again.
CREATE TRIGGER partner_standings_audit AFTER UPDATE ON partner_standings
    FOR EACH ROW WHEN (OLD.action IS DISTINCT FROM NEW.action OR OLD.grace_until IS DISTINCT FROM NEW.grace_until
        OR OLD.override_tier IS DISTINCT FROM NEW.override_tier OR OLD.override_until IS DISTINCT FROM NEW.override_until
        OR OLD.proposed_tier IS DISTINCT FROM NEW.proposed_tier)
    EXECUTE FUNCTION audit_row_change();

-- A new program starts with the four tiers of the seeds and a default policy; the admin edits them.
CREATE FUNCTION app_seed_tiers(p_tenant uuid) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO tier_policies (tenant_id) VALUES (p_tenant) ON CONFLICT DO NOTHING;
    INSERT INTO tiers (tenant_id, code, rank, name, badge_colour, discount_percent, mdf_accrual_percent,
                       protection_days, optional_needed)
    SELECT p_tenant, code, rank, name, colour, discount, mdf, protection, needed
      FROM (VALUES
        ('registered', 0, 'Registered', '#2f5f9e', 5.00, 0.00, 60, 0),
        ('silver', 1, 'Silver', '#5b6472', 10.00, 1.00, 90, 1),
        ('gold', 2, 'Gold', '#8a6100', 15.00, 2.00, 120, 1),
        ('platinum', 3, 'Platinum', '#6b3fa0', 20.00, 3.00, 180, 1)
      ) AS d (code, rank, name, colour, discount, mdf, protection, needed)
    ON CONFLICT (tenant_id, code) DO NOTHING;
    INSERT INTO tier_requirements (tenant_id, tier_code, position, metric, parameter, threshold, window_days, mandatory)
    SELECT p_tenant, tier, position, metric, parameter, threshold, window_days, mandatory
      FROM (VALUES
        ('silver', 0, 'closed_won_revenue', 'USD', 50000.00, 365, true),
        ('silver', 1, 'won_deals', '', 2, 365, true),
        ('silver', 2, 'approved_registrations', '', 3, 365, false),
        ('silver', 3, 'onboarding_complete', '', 1, 365, false),
        ('gold', 0, 'closed_won_revenue', 'USD', 250000.00, 365, true),
        ('gold', 1, 'won_deals', '', 5, 365, true),
        ('gold', 2, 'approved_registrations', '', 8, 365, false),
        ('gold', 3, 'certified_people', 'sales engineer', 2, 365, false),
        ('gold', 4, 'capability_score', '', 70, 365, false),
        ('platinum', 0, 'closed_won_revenue', 'USD', 1000000.00, 365, true),
        ('platinum', 1, 'won_deals', '', 12, 365, true),
        ('platinum', 2, 'approved_registrations', '', 20, 365, false),
        ('platinum', 3, 'certified_people', 'sales engineer', 5, 365, false),
        ('platinum', 4, 'agreed_business_plan', '', 1, 365, false)
      ) AS d (tier, position, metric, parameter, threshold, window_days, mandatory)
    ON CONFLICT (tenant_id, tier_code, position) DO NOTHING
$$;
CREATE FUNCTION app_seed_tiers_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM app_seed_tiers(NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER tenants_seed_tiers AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION app_seed_tiers_trigger();

ALTER TABLE tiers DISABLE TRIGGER tiers_audit;
ALTER TABLE tier_requirements DISABLE TRIGGER tier_requirements_audit;
ALTER TABLE tier_policies DISABLE TRIGGER tier_policies_audit;
SELECT app_seed_tiers(id) FROM tenants;
ALTER TABLE tiers ENABLE TRIGGER tiers_audit;
ALTER TABLE tier_requirements ENABLE TRIGGER tier_requirements_audit;
ALTER TABLE tier_policies ENABLE TRIGGER tier_policies_audit;

-- A partner's tier is now one of its program's tiers.
UPDATE partners SET tier = lower(btrim(tier)) WHERE tier <> lower(btrim(tier));
UPDATE partners SET tier = 'registered'
 WHERE NOT EXISTS (SELECT 1 FROM tiers t WHERE t.tenant_id = partners.tenant_id AND t.code = partners.tier);
ALTER TABLE partners ADD CONSTRAINT partners_tier_fkey FOREIGN KEY (tenant_id, tier) REFERENCES tiers (tenant_id, code);
