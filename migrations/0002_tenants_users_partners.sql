-- The registry of tenants: looked up by slug at sign-in, before any tenant is chosen, so it carries no RLS; the
-- runtime role may read and add tenants but never change or remove one.
CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);
REVOKE UPDATE, DELETE ON tenants FROM tributary_app;

CREATE TABLE users (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    email            text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role             text NOT NULL CHECK (role IN ('program_admin', 'channel_chief', 'cam', 'partner_admin', 'partner_user')),
    partner_id       uuid,
    password_hash    text,
    active           boolean NOT NULL DEFAULT true,
    session_version  integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email),
    CONSTRAINT users_partner_matches_role CHECK ((role IN ('partner_admin', 'partner_user')) = (partner_id IS NOT NULL))
);

CREATE TABLE partners (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    region      text NOT NULL CHECK (length(region) BETWEEN 1 AND 60),
    tier        text NOT NULL DEFAULT 'registered' CHECK (length(tier) BETWEEN 1 AND 60),
    cam_id      uuid,
    life_stage  text NOT NULL DEFAULT 'onboarding'
                CHECK (life_stage IN ('applicant', 'onboarding', 'activated', 'producing', 'lapsed')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, cam_id) REFERENCES users (tenant_id, id)
);
CREATE UNIQUE INDEX partners_name_key ON partners (tenant_id, lower(name));
CREATE INDEX partners_cam_idx ON partners (tenant_id, cam_id);

ALTER TABLE users ADD FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id);
CREATE INDEX users_partner_idx ON users (tenant_id, partner_id);

-- One row per signed-in token, so that signing out revokes exactly that token.
CREATE TABLE sessions (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    user_id     uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX sessions_user_idx ON sessions (tenant_id, user_id);

CREATE TABLE invitations (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    user_id      uuid NOT NULL,
    token_hash   bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE TABLE audit_log (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id     uuid,
    action       text NOT NULL,
    entity_type  text NOT NULL,
    entity_id    uuid,
    before       jsonb,
    after        jsonb,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX audit_log_entity_idx ON audit_log (tenant_id, entity_type, entity_id, at);
CREATE INDEX audit_log_at_idx ON audit_log (tenant_id, at DESC);
-- The audit log is append-only for the server.
REVOKE UPDATE, DELETE ON audit_log FROM tributary_app;

CREATE TABLE outbox (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    to_address       text NOT NULL,
    subject          text NOT NULL,
    body             text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    sent_at          timestamptz,
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX outbox_unsent_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_created_idx ON outbox (tenant_id, created_at DESC);

-- Failed sign-ins, for throttling by account and by address. Not tenant data: attempts may name unknown tenants.
CREATE TABLE login_failures (
    key        text NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX login_failures_key_idx ON login_failures (key, failed_at);

-- Row-level security: every tenant-owned table shows and accepts only the current tenant's rows, for the owner too.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'partners', 'sessions', 'invitations', 'audit_log', 'outbox'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
END
$$;

-- Every change to a business row is written to the audit log by the database itself, so no code path can forget it:
-- who (app.user_id of the transaction; NULL for the system), when, what, and the changed fields before -> after.
CREATE FUNCTION audit_row_change() RETURNS trigger
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
        row_id := OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_j := to_jsonb(NEW) - 'password_hash' - 'token_hash' - 'tenant_id';
        row_tenant := NEW.tenant_id;
        row_id := NEW.id;
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

CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER partners_audit AFTER INSERT OR UPDATE OR DELETE ON partners FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER invitations_audit AFTER INSERT OR UPDATE OR DELETE ON invitations FOR EACH ROW EXECUTE FUNCTION audit_row_change();
