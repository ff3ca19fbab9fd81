-- Versions of what a partner's or a CAM's pages show, so that a page read lately can be served again after one cheap
-- read of its scope's version instead of its statements (`db::pages`). A scope is a partner, a CAM (their user id) or
-- the tenant (its id: the deal policy). Every change to what a scope's pages read bumps the scope's version in the
-- same transaction, at commit; a page read after its version was read is at least as new as that version, so a page
-- cached with version v is current for as long as the version reads v.
--
-- The version of a scope is the sum of its rows (stripes), each only ever incremented: like the registration counts
-- (migration 0019), a commit increments the first of the scope's rows that no other transaction holds and adds a row
-- only when all are held, so concurrent registrations of one partner or for one CAM never wait on each other's WAL
-- flush.
CREATE TABLE scope_versions (
    tenant_id uuid NOT NULL,
    scope_id uuid NOT NULL,
    stripe smallint NOT NULL,
    v bigint NOT NULL,
    -- No foreign keys: a scope is a partner, a user or a tenant, and a version outliving them is harmless (the
    -- deletion of a tenant's rows bumps their scopes at commit).
    PRIMARY KEY (tenant_id, scope_id, stripe)
);
ALTER TABLE scope_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE scope_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scope_versions
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

-- Bumps a scope's version once per transaction: the scopes bumped so far are kept in a transaction-local setting, so a
-- statement changing many rows of one scope (a partner's reassignment moves all its registrations) bumps it once.
-- Outside a tenant's transaction (an operator's SQL, the owner deleting a tenant) the row's own tenant is used.
CREATE FUNCTION app_bump_scope(p_tenant uuid, p_scope uuid) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    done text := coalesce(current_setting('app.bumped_scopes', true), '');
    s smallint;
    outside boolean := app_current_tenant() IS NULL;
BEGIN
    IF p_scope IS NULL OR position(p_scope::text IN done) > 0 THEN
        RETURN;
    END IF;
    IF outside THEN
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
    END IF;
    SELECT stripe INTO s FROM scope_versions
     WHERE tenant_id = p_tenant AND scope_id = p_scope
     ORDER BY stripe LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        UPDATE scope_versions SET v = v + 1 WHERE tenant_id = p_tenant AND scope_id = p_scope AND stripe = s;
    ELSE
        INSERT INTO scope_versions AS x (tenant_id, scope_id, stripe, v)
        VALUES (p_tenant, p_scope,
                (SELECT coalesce(max(y.stripe) + 1, 0) FROM scope_versions y
                  WHERE y.tenant_id = p_tenant AND y.scope_id = p_scope), 1)
        ON CONFLICT (tenant_id, scope_id, stripe) DO UPDATE SET v = x.v + 1;
    END IF;
    IF outside THEN
        PERFORM set_config('app.tenant_id', '', true);
    END IF;
    PERFORM set_config('app.bumped_scopes', done || p_scope::text, true);
END
$$;

-- Registrations: their partner's and their CAM's pages (homes, queue, lists), before and after the change.
CREATE FUNCTION app_version_deal() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM app_bump_scope(OLD.tenant_id, OLD.partner_id);
        PERFORM app_bump_scope(OLD.tenant_id, OLD.cam_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM app_bump_scope(NEW.tenant_id, NEW.partner_id);
        PERFORM app_bump_scope(NEW.tenant_id, NEW.cam_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER deals_version AFTER INSERT OR UPDATE OR DELETE ON deals DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION app_version_deal();

-- Partners: their own home, and the homes of the CAMs they are assigned to before and after.
CREATE FUNCTION app_version_partner() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM app_bump_scope(OLD.tenant_id, OLD.id);
        PERFORM app_bump_scope(OLD.tenant_id, OLD.cam_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM app_bump_scope(NEW.tenant_id, NEW.id);
        PERFORM app_bump_scope(NEW.tenant_id, NEW.cam_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER partners_version AFTER INSERT OR UPDATE OR DELETE ON partners DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION app_version_partner();

-- People: a partner's home lists its people; a CAM's name and email show on their own pages and on the homes of their
-- partners. Only what those pages show counts (not a sign-in's bookkeeping).
CREATE FUNCTION app_version_user() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    u users;
    p uuid;
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.name, OLD.email, OLD.role, OLD.active, OLD.partner_id, OLD.password_hash IS NULL)
            IS NOT DISTINCT FROM (NEW.name, NEW.email, NEW.role, NEW.active, NEW.partner_id, NEW.password_hash IS NULL) THEN
        RETURN NULL;
    END IF;
    FOREACH u IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW] WHEN 'DELETE' THEN ARRAY[OLD] ELSE ARRAY[OLD, NEW] END LOOP
        PERFORM app_bump_scope(u.tenant_id, u.partner_id);
        IF u.role = 'cam' THEN
            PERFORM app_bump_scope(u.tenant_id, u.id);
            FOR p IN SELECT x.id FROM partners x WHERE x.tenant_id = u.tenant_id AND x.cam_id = u.id LOOP
                PERFORM app_bump_scope(u.tenant_id, p);
            END LOOP;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER users_version AFTER INSERT OR UPDATE OR DELETE ON users DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION app_version_user();

-- Onboarding items: their partner's home.
CREATE FUNCTION app_version_onboarding_item() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM app_bump_scope(OLD.tenant_id, OLD.partner_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM app_bump_scope(NEW.tenant_id, NEW.partner_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER onboarding_items_version AFTER INSERT OR UPDATE OR DELETE ON onboarding_items
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION app_version_onboarding_item();

-- The deal policy (the approval deadline on the queue and lists): the tenant's scope, which every page's version
-- includes.
CREATE FUNCTION app_version_policy() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM app_bump_scope(OLD.tenant_id, OLD.tenant_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM app_bump_scope(NEW.tenant_id, NEW.tenant_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER deal_policies_version AFTER INSERT OR UPDATE OR DELETE ON deal_policies
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION app_version_policy();
