-- Recruitment and onboarding: the ideal partner profile, public applications and their review, the versioned partner
-- agreement and its acceptances, the onboarding template and each partner's checklist.

-- The program admin's ideal partner profile, against which applications are scored, and when an application that
-- nobody acted on counts as stale.
CREATE TABLE ideal_profiles (
    tenant_id      uuid PRIMARY KEY REFERENCES tenants (id),
    countries      text[] NOT NULL DEFAULT '{}',
    regions        text[] NOT NULL DEFAULT '{}',
    verticals      text[] NOT NULL DEFAULT '{}',
    services       text[] NOT NULL DEFAULT '{}',
    min_employees  integer NOT NULL DEFAULT 0 CHECK (min_employees BETWEEN 0 AND 1000000),
    stale_days     integer NOT NULL DEFAULT 7 CHECK (stale_days BETWEEN 1 AND 365),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE applications (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    company_name      text NOT NULL CHECK (length(company_name) BETWEEN 1 AND 200),
    website           text NOT NULL CHECK (length(website) BETWEEN 1 AND 253),
    country           text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    region            text NOT NULL,
    contact_name      text NOT NULL CHECK (length(contact_name) BETWEEN 1 AND 200),
    contact_email     text NOT NULL CHECK (contact_email = lower(contact_email)),
    employees         integer NOT NULL CHECK (employees BETWEEN 1 AND 10000000),
    verticals         text[] NOT NULL,
    services          text[] NOT NULL,
    message           text NOT NULL DEFAULT '' CHECK (length(message) <= 5000),
    fit_score         integer NOT NULL CHECK (fit_score BETWEEN 0 AND 100),
    fit               jsonb NOT NULL,
    status            text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'rejected')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_activity_at  timestamptz NOT NULL DEFAULT now(),
    decided_at        timestamptz,
    decided_by        uuid,
    reason            text,
    partner_id        uuid,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    CONSTRAINT applications_decision CHECK ((status = 'submitted') = (decided_at IS NULL))
);
CREATE INDEX applications_queue_idx ON applications (tenant_id, status, fit_score DESC, created_at);

CREATE TABLE application_notes (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    application_id  uuid NOT NULL,
    author_id       uuid NOT NULL,
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX application_notes_idx ON application_notes (tenant_id, application_id, created_at);

-- Public form submissions per address, for the rate limit. Not tenant data: the limit holds across tenants.
CREATE TABLE public_submissions (
    key  text NOT NULL,
    at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX public_submissions_key_idx ON public_submissions (key, at);

-- The partner agreement: every published text is a new version; the highest is the current one.
CREATE TABLE agreements (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    version     integer NOT NULL CHECK (version >= 1),
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  uuid,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, version),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);

CREATE TABLE agreement_acceptances (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    partner_id   uuid NOT NULL,
    version      integer NOT NULL,
    user_id      uuid NOT NULL,
    accepted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, partner_id, version),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, version) REFERENCES agreements (tenant_id, version),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

-- The tenant's onboarding template, copied into a partner's checklist when the partner is signed.
CREATE TABLE onboarding_template_items (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    position     integer NOT NULL,
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    link         text NOT NULL DEFAULT '' CHECK (length(link) <= 500),
    phase        integer NOT NULL CHECK (phase IN (30, 60, 90)),
    owner        text NOT NULL CHECK (owner IN ('partner', 'cam')),
    due_days     integer NOT NULL CHECK (due_days BETWEEN 0 AND 365),
    required     boolean NOT NULL DEFAULT true,
    -- Items the system sees happen complete themselves.
    auto         text CHECK (auto IN ('agreement_accepted', 'users_invited', 'first_deal_registered')),
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE onboarding_items (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    partner_id    uuid NOT NULL,
    position      integer NOT NULL,
    title         text NOT NULL,
    description   text NOT NULL DEFAULT '',
    link          text NOT NULL DEFAULT '',
    phase         integer NOT NULL CHECK (phase IN (30, 60, 90)),
    owner         text NOT NULL CHECK (owner IN ('partner', 'cam')),
    due_on        date NOT NULL,
    required      boolean NOT NULL,
    auto          text CHECK (auto IN ('agreement_accepted', 'users_invited', 'first_deal_registered')),
    completed_at  timestamptz,
    completed_by  uuid,
    note          text CHECK (length(note) <= 2000),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, completed_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX onboarding_items_partner_idx ON onboarding_items (tenant_id, partner_id, position);
CREATE INDEX onboarding_items_open_auto_idx ON onboarding_items (tenant_id, partner_id)
    WHERE completed_at IS NULL AND auto IS NOT NULL;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ideal_profiles', 'applications', 'application_notes', 'agreements',
                             'agreement_acceptances', 'onboarding_template_items', 'onboarding_items'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION audit_row_change()', t || '_audit', t);
    END LOOP;
END
$$;
-- Published agreement versions and acceptances are records: never rewritten by the server.
REVOKE UPDATE, DELETE ON agreements, agreement_acceptances FROM tributary_app;

-- Completes the open automatic checklist items of a partner whose condition now holds. Called by the triggers below
-- and after a checklist is created, so that no code path has to remember it. Every lookup names the item's tenant, so
-- the result is right also where row-level security does not apply (a superuser loading data).
CREATE FUNCTION app_refresh_onboarding(p_partner uuid) RETURNS void
    LANGUAGE sql AS $$
    UPDATE onboarding_items i
       SET completed_at = now(), note = 'Completed automatically.'
     WHERE i.partner_id = p_partner AND i.completed_at IS NULL AND i.auto IS NOT NULL
       AND CASE i.auto
           WHEN 'agreement_accepted' THEN EXISTS (
               SELECT 1 FROM agreement_acceptances a
                WHERE a.tenant_id = i.tenant_id AND a.partner_id = p_partner
                  AND a.version = (SELECT max(g.version) FROM agreements g WHERE g.tenant_id = i.tenant_id))
           WHEN 'users_invited' THEN
               (SELECT count(*) FROM users u WHERE u.tenant_id = i.tenant_id AND u.partner_id = p_partner) >= 2
           WHEN 'first_deal_registered' THEN
               EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = i.tenant_id AND d.partner_id = p_partner)
           ELSE false
       END
$$;

CREATE FUNCTION app_onboarding_event() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.partner_id IS NOT NULL THEN
        PERFORM app_refresh_onboarding(NEW.partner_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER deals_onboarding AFTER INSERT ON deals FOR EACH ROW EXECUTE FUNCTION app_onboarding_event();
CREATE TRIGGER users_onboarding AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION app_onboarding_event();
CREATE TRIGGER agreement_acceptances_onboarding AFTER INSERT ON agreement_acceptances
    FOR EACH ROW EXECUTE FUNCTION app_onboarding_event();

-- What every tenant starts with: an ideal profile to fill in, a first agreement and the default 30-60-90 template.
CREATE FUNCTION app_seed_tenant(p_tenant uuid) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ideal_profiles (tenant_id) VALUES (p_tenant) ON CONFLICT DO NOTHING;
    IF NOT EXISTS (SELECT 1 FROM agreements WHERE tenant_id = p_tenant) THEN
        INSERT INTO agreements (tenant_id, version, body) VALUES (p_tenant, 1,
'Partner Program Agreement

1. Appointment. The vendor appoints the partner as a non-exclusive member of its partner program. Nothing in this agreement makes either party the agent of the other.

2. Deal registration. The partner registers the opportunities it brings. An approved registration protects the opportunity for the protection period of the program''s deal-registration policy; the vendor decides conflicts by that policy.

3. Conduct. The partner represents the vendor''s products honestly, complies with applicable law (including anti-bribery and export rules), and keeps customer information confidential.

4. Marketing. The partner uses the vendor''s names and marks only as the brand guidelines allow. Marketing development funds are granted and paid by the program''s rules.

5. Tiers and benefits. Tier, discounts and benefits follow the program guide in force, which the vendor may update with notice in the portal.

6. Data. Each party processes personal data it receives from the other only for the purposes of the program and protects it with appropriate measures.

7. Term. This agreement runs for one year and renews itself unless either party ends it with 30 days'' written notice.

By accepting, you confirm that you may bind your organisation to this agreement.');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM onboarding_template_items WHERE tenant_id = p_tenant) THEN
        INSERT INTO onboarding_template_items (tenant_id, position, title, description, link, phase, owner, due_days, required, auto)
        VALUES
          (p_tenant, 1, 'Partner agreement accepted', 'Your partner admin reads and accepts the partner program agreement.', '/agreement', 30, 'partner', 7, true, 'agreement_accepted'),
          (p_tenant, 2, 'Conflict rules acknowledged', 'Read how deal registrations are protected and how clashes are decided.', '/deals/new', 30, 'partner', 14, true, NULL),
          (p_tenant, 3, 'Credit application approved', 'The vendor''s finance team approves the partner''s credit application.', '', 30, 'cam', 21, true, NULL),
          (p_tenant, 4, 'Portal users invited', 'Invite your sales and technical people to the portal.', '/users', 30, 'partner', 30, true, 'users_invited'),
          (p_tenant, 5, 'Sales training completed', 'Your sellers complete the product sales training.', '', 60, 'partner', 45, true, NULL),
          (p_tenant, 6, 'First certification', 'At least one of your people earns a product certification.', '', 60, 'partner', 60, true, NULL),
          (p_tenant, 7, 'Marketing plan drafted', 'Draft the first joint marketing plan with your channel account manager.', '', 90, 'partner', 75, true, NULL),
          (p_tenant, 8, 'First deal registered', 'Register your first opportunity.', '/deals/new', 90, 'partner', 90, true, 'first_deal_registered');
    END IF;
END
$$;

CREATE FUNCTION app_seed_tenant_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM app_seed_tenant(NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER tenants_seed AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION app_seed_tenant_trigger();

-- Tenants that exist already get the same start.
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        PERFORM app_seed_tenant(t);
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;

-- The session check also holds partner people at the agreement: with `p_agreement`, a partner user whose organisation
-- has not accepted the current version gets SQLSTATE TRAGR (the server answers 403 and shows the agreement).
DROP FUNCTION app_check_session(uuid, uuid, integer);
CREATE FUNCTION app_check_session(p_user uuid, p_session uuid, p_version integer, p_agreement boolean) RETURNS void
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_tenant uuid;
    v_partner uuid;
    v_current integer;
BEGIN
    SELECT u.tenant_id, u.partner_id INTO v_tenant, v_partner
      FROM users u
      JOIN sessions s ON s.tenant_id = u.tenant_id AND s.user_id = u.id
     WHERE u.id = p_user AND s.id = p_session AND u.active AND u.session_version = p_version
       AND s.revoked_at IS NULL AND s.expires_at > now();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'session is no longer valid' USING ERRCODE = 'invalid_authorization_specification';
    END IF;
    IF p_agreement AND v_partner IS NOT NULL THEN
        SELECT max(version) INTO v_current FROM agreements WHERE tenant_id = v_tenant;
        IF v_current IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM agreement_acceptances a
             WHERE a.tenant_id = v_tenant AND a.partner_id = v_partner AND a.version = v_current) THEN
            RAISE EXCEPTION 'the partner agreement (version %) is not accepted', v_current USING ERRCODE = 'TRAGR';
        END IF;
    END IF;
END
$$;
