-- Deal registration: the tenant's policy, products and vendor-direct named accounts; registrations, their history,
-- and the indexes the conflict check searches with.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE deal_policies (
    tenant_id               uuid PRIMARY KEY REFERENCES tenants (id),
    protection_days         integer NOT NULL DEFAULT 90 CHECK (protection_days BETWEEN 1 AND 730),
    similarity_threshold    real NOT NULL DEFAULT 0.6 CHECK (similarity_threshold BETWEEN 0.3 AND 1),
    require_product_overlap boolean NOT NULL DEFAULT true,
    auto_approve_clean      boolean NOT NULL DEFAULT false,
    extensions_allowed      integer NOT NULL DEFAULT 1 CHECK (extensions_allowed BETWEEN 0 AND 10),
    extension_days          integer NOT NULL DEFAULT 30 CHECK (extension_days BETWEEN 1 AND 365),
    approval_sla_hours      integer NOT NULL DEFAULT 48 CHECK (approval_sla_hours BETWEEN 1 AND 720),
    max_open_registrations  integer CHECK (max_open_registrations > 0),
    reminder_days           integer NOT NULL DEFAULT 14 CHECK (reminder_days BETWEEN 0 AND 90),
    updated_at              timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    code       text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    active     boolean NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE named_accounts (
    tenant_id           uuid NOT NULL REFERENCES tenants (id),
    id                  uuid NOT NULL,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    domain              text,
    normalized_name     text NOT NULL,
    registrable_domain  text,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE deals (
    tenant_id               uuid NOT NULL REFERENCES tenants (id),
    id                      uuid NOT NULL,
    partner_id              uuid NOT NULL,
    registered_by           uuid NOT NULL,
    customer_name           text NOT NULL CHECK (length(customer_name) BETWEEN 1 AND 200),
    normalized_name         text NOT NULL,
    customer_domain         text,
    registrable_domain      text,
    country                 text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    products                text[] NOT NULL CHECK (cardinality(products) > 0),
    estimated_value         numeric(14, 2) NOT NULL CHECK (estimated_value > 0),
    currency                text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    expected_close_date     date NOT NULL,
    notes                   text NOT NULL DEFAULT '',
    status                  text NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn', 'expired', 'won', 'lost')),
    conflicts               jsonb NOT NULL DEFAULT '[]',
    created_at              timestamptz NOT NULL DEFAULT now(),
    decided_at              timestamptz,
    decided_by              uuid,
    decision_reason         text CHECK (decision_reason IN ('duplicate', 'existing_customer', 'direct_sales_engaged',
                                        'outside_territory', 'insufficient_information', 'other')),
    decision_note           text,
    protected_until         date,
    extensions_used         integer NOT NULL DEFAULT 0,
    extension_requested_at  timestamptz,
    extension_note          text,
    closed_at               timestamptz,
    closed_amount           numeric(14, 2),
    reminder_sent_at        timestamptz,
    updated_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, registered_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id),
    CONSTRAINT deals_approved_has_window CHECK (status <> 'approved' OR protected_until IS NOT NULL)
);
-- Candidate search for the conflict check: only open registrations (pending, approved) can clash.
CREATE INDEX deals_open_name_trgm ON deals USING gin (normalized_name gin_trgm_ops) WHERE status IN ('pending', 'approved');
CREATE INDEX deals_open_domain_idx ON deals (tenant_id, registrable_domain) WHERE status IN ('pending', 'approved');
CREATE INDEX deals_partner_idx ON deals (tenant_id, partner_id, created_at DESC);
CREATE INDEX deals_status_idx ON deals (tenant_id, status, created_at);
CREATE INDEX deals_created_idx ON deals (tenant_id, created_at DESC);
-- The expiry job scans approved registrations by window end across tenants.
CREATE INDEX deals_expiry_idx ON deals (protected_until) WHERE status = 'approved';
CREATE INDEX named_accounts_name_trgm ON named_accounts USING gin (normalized_name gin_trgm_ops);

CREATE TABLE deal_events (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    deal_id      uuid NOT NULL,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id     uuid,
    event        text NOT NULL,
    from_status  text,
    to_status    text NOT NULL,
    note         text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX deal_events_deal_idx ON deal_events (tenant_id, deal_id, at);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['deal_policies', 'products', 'named_accounts', 'deals', 'deal_events'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
END
$$;
REVOKE UPDATE, DELETE ON deal_events FROM tributary_app;

-- Tables keyed by tenant alone (settings) have no id column: read the id, when there is one, from the row's JSON.
CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    old_j jsonb;
    new_j jsonb;
    b jsonb;
    a jsonb;
    row_tenant uuid;
    row_id uuid;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_j := to_jsonb(OLD) - 'password_hash' - 'token_hash' - 'tenant_id';
        row_tenant := OLD.tenant_id;
        row_id := (to_jsonb(OLD) ->> 'id')::uuid;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_j := to_jsonb(NEW) - 'password_hash' - 'token_hash' - 'tenant_id';
        row_tenant := NEW.tenant_id;
        row_id := (to_jsonb(NEW) ->> 'id')::uuid;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT jsonb_object_agg(n.key, o.value), jsonb_object_agg(n.key, n.value)
          INTO b, a
          FROM jsonb_each(new_j) n JOIN jsonb_each(old_j) o USING (key)
         WHERE n.value IS DISTINCT FROM o.value AND n.key <> 'updated_at';
        IF a IS NULL THEN
            IF to_jsonb(OLD) = to_jsonb(NEW) THEN
                RETURN NULL;
            END IF;
            -- Only a secret column changed (a password): record that it did, never its value.
            a := '{"secret_changed": true}'::jsonb;
        END IF;
    ELSE
        b := old_j;
        a := new_j;
    END IF;
    INSERT INTO audit_log (tenant_id, actor_id, action, entity_type, entity_id, before, after)
    VALUES (row_tenant, app_current_user(), TG_TABLE_NAME || '.' || lower(TG_OP), TG_TABLE_NAME, row_id, b, a);
    RETURN NULL;
END
$$;

CREATE TRIGGER deal_policies_audit AFTER INSERT OR UPDATE OR DELETE ON deal_policies FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER deals_audit AFTER INSERT OR UPDATE OR DELETE ON deals FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER products_audit AFTER INSERT OR UPDATE OR DELETE ON products FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER named_accounts_audit AFTER INSERT OR UPDATE OR DELETE ON named_accounts FOR EACH ROW EXECUTE FUNCTION audit_row_change();
