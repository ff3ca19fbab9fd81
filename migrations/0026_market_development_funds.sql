-- Market development funds: funds → allocations → requests (with a lead-waterfall forecast) → claims (line items with
-- proof of performance) → payments. Every movement of money is an append-only ledger row; balances are its sums.
-- A quarter's figures per partner read back from the ledger and the requests (by fund period and ledger date), so a
-- QBR can freeze them later. See docs/api.md for the contract.

-- The tenant's kinds of marketing activity, each with benchmark conversion rates (percent) and an average deal, used
-- to pre-fill a partner's waterfall when it has no history of its own.
CREATE TABLE mdf_activity_types (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_]{0,39}$'),
    label text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 80),
    position integer NOT NULL,
    active boolean NOT NULL DEFAULT true,
    response_rate numeric(5, 2) NOT NULL CHECK (response_rate BETWEEN 0 AND 100),
    mql_rate numeric(5, 2) NOT NULL CHECK (mql_rate BETWEEN 0 AND 100),
    sql_rate numeric(5, 2) NOT NULL CHECK (sql_rate BETWEEN 0 AND 100),
    win_rate numeric(5, 2) NOT NULL CHECK (win_rate BETWEEN 0 AND 100),
    average_deal numeric(14, 2) NOT NULL CHECK (average_deal >= 0),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE mdf_funds (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    kind text NOT NULL CHECK (kind IN ('proposal', 'accrual', 'discretionary')),
    period text NOT NULL CHECK (period IN ('quarter', 'half', 'year')),
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    total numeric(14, 2) NOT NULL CHECK (total > 0),
    reimbursement_percent numeric(5, 2) NOT NULL CHECK (reimbursement_percent > 0 AND reimbursement_percent <= 100),
    claim_window_days integer NOT NULL CHECK (claim_window_days BETWEEN 1 AND 365),
    accrual_percent numeric(5, 2) CHECK (accrual_percent BETWEEN 0 AND 100),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    CHECK (ends_on > starts_on),
    CHECK ((kind = 'accrual') = (accrual_percent IS NOT NULL))
);
CREATE UNIQUE INDEX mdf_funds_name_key ON mdf_funds (tenant_id, lower(name));
CREATE INDEX mdf_funds_period_idx ON mdf_funds (tenant_id, starts_on, ends_on);

-- A partner's share of a fund. The amount is not stored: it is the ledger's allocate and adjust rows. The row is the
-- lock every reservation of the allocation takes (SELECT … FOR UPDATE), which is what keeps it from over-commitment.
CREATE TABLE mdf_allocations (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    fund_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    expires_on date NOT NULL,
    reimbursement_percent numeric(5, 2) NOT NULL CHECK (reimbursement_percent > 0 AND reimbursement_percent <= 100),
    -- Accrual allocations: how the amount was computed (won revenue, percent, period).
    basis jsonb,
    expired_at timestamptz,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, fund_id, partner_id),
    FOREIGN KEY (tenant_id, fund_id) REFERENCES mdf_funds (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX mdf_allocations_partner_idx ON mdf_allocations (tenant_id, partner_id, expires_on);
CREATE INDEX mdf_allocations_expiry_idx ON mdf_allocations (expires_on) WHERE expired_at IS NULL;

-- A partner's quarterly marketing plan and its activities.
CREATE TABLE mdf_plans (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    quarter_start date NOT NULL CHECK (extract(day FROM quarter_start) = 1 AND extract(month FROM quarter_start) IN (1, 4, 7, 10)),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, partner_id, quarter_start),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);

CREATE TABLE mdf_activities (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    plan_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    activity_type text NOT NULL,
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    cost numeric(14, 2) NOT NULL CHECK (cost >= 0),
    vendor_share_percent numeric(5, 2) NOT NULL CHECK (vendor_share_percent BETWEEN 0 AND 100),
    audience integer NOT NULL CHECK (audience >= 0),
    response_rate numeric(5, 2) NOT NULL CHECK (response_rate BETWEEN 0 AND 100),
    mql_rate numeric(5, 2) NOT NULL CHECK (mql_rate BETWEEN 0 AND 100),
    sql_rate numeric(5, 2) NOT NULL CHECK (sql_rate BETWEEN 0 AND 100),
    win_rate numeric(5, 2) NOT NULL CHECK (win_rate BETWEEN 0 AND 100),
    average_deal numeric(14, 2) NOT NULL CHECK (average_deal >= 0),
    rates_from text NOT NULL CHECK (rates_from IN ('history', 'benchmark', 'edited')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES mdf_plans (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, activity_type) REFERENCES mdf_activity_types (tenant_id, code),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX mdf_activities_plan_idx ON mdf_activities (tenant_id, plan_id, starts_on);

-- A request for funds. The forecast is the waterfall's inputs; forecast_revenue is the rule's output at the last save
-- (rules::mdf::Waterfall), kept for ordering and rollups.
CREATE TABLE mdf_requests (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    allocation_id uuid NOT NULL,
    fund_id uuid NOT NULL,
    activity_id uuid,
    created_by uuid NOT NULL,
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    activity_type text NOT NULL,
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    total_cost numeric(14, 2) NOT NULL CHECK (total_cost > 0),
    requested_amount numeric(14, 2) NOT NULL CHECK (requested_amount > 0),
    audience integer NOT NULL CHECK (audience >= 0),
    response_rate numeric(5, 2) NOT NULL CHECK (response_rate BETWEEN 0 AND 100),
    mql_rate numeric(5, 2) NOT NULL CHECK (mql_rate BETWEEN 0 AND 100),
    sql_rate numeric(5, 2) NOT NULL CHECK (sql_rate BETWEEN 0 AND 100),
    win_rate numeric(5, 2) NOT NULL CHECK (win_rate BETWEEN 0 AND 100),
    average_deal numeric(14, 2) NOT NULL CHECK (average_deal >= 0),
    forecast_revenue numeric(16, 2) NOT NULL CHECK (forecast_revenue >= 0),
    flagged boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'info_requested', 'approved',
        'partly_approved', 'rejected', 'declined', 'cancelled', 'expired', 'claimed')),
    approved_amount numeric(14, 2) CHECK (approved_amount > 0),
    reimbursement_percent numeric(5, 2),
    claim_deadline date,
    submitted_at timestamptz,
    decided_at timestamptz,
    decided_by uuid,
    decision_note text,
    deadline_warned_at timestamptz,
    -- Results the partner reports (closed-won revenue comes from the linked deals).
    actual_responses integer CHECK (actual_responses >= 0),
    actual_mqls integer CHECK (actual_mqls >= 0),
    actual_sqls integer CHECK (actual_sqls >= 0),
    results_reported_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, allocation_id) REFERENCES mdf_allocations (tenant_id, id),
    FOREIGN KEY (tenant_id, fund_id) REFERENCES mdf_funds (tenant_id, id),
    FOREIGN KEY (tenant_id, activity_id) REFERENCES mdf_activities (tenant_id, id),
    FOREIGN KEY (tenant_id, activity_type) REFERENCES mdf_activity_types (tenant_id, code),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id),
    CHECK (ends_on >= starts_on),
    CHECK (requested_amount <= total_cost),
    CHECK (approved_amount IS NULL OR approved_amount <= requested_amount),
    CHECK (status NOT IN ('approved', 'partly_approved', 'claimed')
           OR (approved_amount IS NOT NULL AND claim_deadline IS NOT NULL AND reimbursement_percent IS NOT NULL))
);
-- The decision queue (submitted, oldest first within a rank), the partner page, the deadline job, one request per
-- activity.
CREATE INDEX mdf_requests_queue_idx ON mdf_requests (tenant_id, fund_id, submitted_at) WHERE status = 'submitted';
CREATE INDEX mdf_requests_partner_idx ON mdf_requests (tenant_id, partner_id, created_at DESC);
CREATE INDEX mdf_requests_allocation_idx ON mdf_requests (tenant_id, allocation_id, status);
CREATE INDEX mdf_requests_deadline_idx ON mdf_requests (claim_deadline) WHERE status IN ('approved', 'partly_approved');
CREATE UNIQUE INDEX mdf_requests_activity_key ON mdf_requests (tenant_id, activity_id)
    WHERE activity_id IS NOT NULL AND status NOT IN ('cancelled', 'declined');

-- Every state change of a request, with who and why.
CREATE TABLE mdf_request_events (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    request_id uuid NOT NULL,
    actor_id uuid,
    from_status text,
    to_status text NOT NULL,
    note text,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES mdf_requests (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX mdf_request_events_request_idx ON mdf_request_events (tenant_id, request_id, at);

-- Deals a partner links to the request that generated them (a deal comes from at most one request).
CREATE TABLE mdf_request_deals (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    request_id uuid NOT NULL,
    deal_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, deal_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES mdf_requests (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id)
);
CREATE INDEX mdf_request_deals_request_idx ON mdf_request_deals (tenant_id, request_id);

CREATE TABLE mdf_claims (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    request_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'partly_approved',
        'rejected', 'partly_paid', 'paid')),
    -- The claim limit: the request's approved amount × its reimbursement percent, fixed when the claim is made.
    limit_amount numeric(14, 2) NOT NULL CHECK (limit_amount >= 0),
    approved_total numeric(14, 2) CHECK (approved_total >= 0),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz,
    reviewed_at timestamptz,
    reviewed_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, request_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES mdf_requests (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, reviewed_by) REFERENCES users (tenant_id, id),
    CHECK (approved_total IS NULL OR approved_total <= limit_amount)
);
CREATE INDEX mdf_claims_queue_idx ON mdf_claims (tenant_id, submitted_at) WHERE status = 'submitted';
CREATE INDEX mdf_claims_partner_idx ON mdf_claims (tenant_id, partner_id, created_at DESC);

CREATE TABLE mdf_claim_lines (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    claim_id uuid NOT NULL,
    position integer NOT NULL,
    description text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    amount numeric(14, 2) NOT NULL CHECK (amount > 0),
    verdict text CHECK (verdict IN ('approved', 'reduced', 'rejected')),
    approved_amount numeric(14, 2),
    reason text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, claim_id) REFERENCES mdf_claims (tenant_id, id),
    CHECK (verdict IS NULL OR approved_amount IS NOT NULL),
    CHECK (verdict IS DISTINCT FROM 'approved' OR approved_amount = amount),
    CHECK (verdict IS DISTINCT FROM 'reduced' OR (approved_amount > 0 AND approved_amount < amount AND reason IS NOT NULL)),
    CHECK (verdict IS DISTINCT FROM 'rejected' OR (approved_amount = 0 AND reason IS NOT NULL))
);
CREATE INDEX mdf_claim_lines_claim_idx ON mdf_claim_lines (tenant_id, claim_id, position);

-- Proof of performance. The bytes live in their own table (not audited: the audit records the metadata row), in
-- PostgreSQL so every instance reads them and a failed request leaves nothing behind.
CREATE TABLE mdf_attachments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    claim_id uuid NOT NULL,
    claim_line_id uuid NOT NULL,
    kind text NOT NULL DEFAULT 'other' CHECK (kind IN ('invoice', 'photo', 'attendee_list', 'screenshot', 'other')),
    file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size integer NOT NULL CHECK (size BETWEEN 1 AND 10485760),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, claim_id) REFERENCES mdf_claims (tenant_id, id),
    FOREIGN KEY (tenant_id, claim_line_id) REFERENCES mdf_claim_lines (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX mdf_attachments_line_idx ON mdf_attachments (tenant_id, claim_line_id);

CREATE TABLE mdf_attachment_contents (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    attachment_id uuid NOT NULL,
    content bytea NOT NULL CHECK (octet_length(content) BETWEEN 1 AND 10485760),
    PRIMARY KEY (tenant_id, attachment_id),
    FOREIGN KEY (tenant_id, attachment_id) REFERENCES mdf_attachments (tenant_id, id) ON DELETE CASCADE
);
-- Uploads are mostly compressed already (PDF, JPEG, Office zip): store them as they are.
ALTER TABLE mdf_attachment_contents ALTER COLUMN content SET STORAGE EXTERNAL;

CREATE TABLE mdf_payments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    claim_id uuid NOT NULL,
    amount numeric(14, 2) NOT NULL CHECK (amount > 0),
    paid_on date NOT NULL,
    reference text NOT NULL CHECK (length(btrim(reference)) BETWEEN 1 AND 120),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, claim_id) REFERENCES mdf_claims (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX mdf_payments_claim_idx ON mdf_payments (tenant_id, claim_id);

-- The ledger. Rows are only ever inserted: a trigger refuses UPDATE, DELETE and TRUNCATE for every role, so past
-- rows cannot be edited by the server or by an admin; a correction is a new 'adjust' row.
CREATE TABLE mdf_ledger (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    seq bigint GENERATED ALWAYS AS IDENTITY,
    fund_id uuid NOT NULL,
    allocation_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    request_id uuid,
    claim_id uuid,
    payment_id uuid,
    kind text NOT NULL CHECK (kind IN ('allocate', 'reserve', 'release', 'claim', 'pay', 'expire', 'adjust')),
    amount numeric(14, 2) NOT NULL CHECK (amount <> 0 AND (kind = 'adjust' OR amount > 0)),
    note text NOT NULL DEFAULT '',
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, fund_id) REFERENCES mdf_funds (tenant_id, id),
    FOREIGN KEY (tenant_id, allocation_id) REFERENCES mdf_allocations (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES mdf_requests (tenant_id, id),
    FOREIGN KEY (tenant_id, claim_id) REFERENCES mdf_claims (tenant_id, id),
    FOREIGN KEY (tenant_id, payment_id) REFERENCES mdf_payments (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    CHECK (kind NOT IN ('reserve', 'release', 'claim') OR request_id IS NOT NULL),
    CHECK (kind <> 'pay' OR payment_id IS NOT NULL)
);
CREATE INDEX mdf_ledger_allocation_idx ON mdf_ledger (tenant_id, allocation_id, kind);
CREATE INDEX mdf_ledger_fund_idx ON mdf_ledger (tenant_id, fund_id, created_at);
CREATE INDEX mdf_ledger_partner_idx ON mdf_ledger (tenant_id, partner_id, created_at);
CREATE INDEX mdf_ledger_request_idx ON mdf_ledger (tenant_id, request_id) WHERE request_id IS NOT NULL;

CREATE FUNCTION mdf_ledger_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the MDF ledger is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER mdf_ledger_no_change BEFORE UPDATE OR DELETE ON mdf_ledger
    FOR EACH ROW EXECUTE FUNCTION mdf_ledger_append_only();
CREATE TRIGGER mdf_ledger_no_truncate BEFORE TRUNCATE ON mdf_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION mdf_ledger_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON mdf_ledger FROM tributary_app;

-- Tenancy and audit, as on every tenant table.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['mdf_activity_types', 'mdf_funds', 'mdf_allocations', 'mdf_plans', 'mdf_activities',
        'mdf_requests', 'mdf_request_events', 'mdf_request_deals', 'mdf_claims', 'mdf_claim_lines', 'mdf_attachments',
        'mdf_attachment_contents', 'mdf_payments', 'mdf_ledger']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        IF t NOT IN ('mdf_attachment_contents', 'mdf_request_events') THEN
            EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                           'FOR EACH ROW EXECUTE FUNCTION audit_row_change()', t || '_audit', t);
        END IF;
    END LOOP;
END
$$;

-- A new program starts with common activity types and industry-typical benchmark rates; the admin edits them.
CREATE FUNCTION app_seed_mdf_activity_types(p_tenant uuid) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO mdf_activity_types (tenant_id, code, label, position, response_rate, mql_rate, sql_rate, win_rate,
                                    average_deal)
    SELECT p_tenant, code, label, position, r, m, s, w, d
      FROM (VALUES
        ('event', 'Event or trade show', 1, 8.00, 40.00, 30.00, 20.00, 25000.00),
        ('webinar', 'Webinar', 2, 5.00, 45.00, 25.00, 20.00, 20000.00),
        ('email', 'Email campaign', 3, 2.00, 30.00, 20.00, 15.00, 15000.00),
        ('digital_ads', 'Digital advertising', 4, 1.00, 25.00, 20.00, 15.00, 15000.00),
        ('telemarketing', 'Telemarketing', 5, 10.00, 30.00, 25.00, 20.00, 20000.00),
        ('content', 'Content and collateral', 6, 3.00, 35.00, 20.00, 15.00, 18000.00),
        ('training', 'Sales training', 7, 50.00, 20.00, 20.00, 25.00, 20000.00)
      ) AS d (code, label, position, r, m, s, w, d)
    ON CONFLICT DO NOTHING
$$;
CREATE FUNCTION app_seed_mdf_activity_types_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM app_seed_mdf_activity_types(NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER tenants_seed_mdf_activity_types AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION app_seed_mdf_activity_types_trigger();
ALTER TABLE mdf_activity_types DISABLE TRIGGER mdf_activity_types_audit;
SELECT app_seed_mdf_activity_types(id) FROM tenants;
ALTER TABLE mdf_activity_types ENABLE TRIGGER mdf_activity_types_audit;
