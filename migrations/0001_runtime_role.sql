-- The server runs its requests as this role: not a superuser, cannot bypass row-level security.
-- Roles belong to the whole cluster, so several databases (tests, tenants of a shared server) share it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tributary_app') THEN
        CREATE ROLE tributary_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END
$$;

-- The connecting user (who owns the tables) switches to the runtime role with SET ROLE on every pooled connection.
GRANT tributary_app TO CURRENT_USER;

GRANT USAGE ON SCHEMA public TO tributary_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tributary_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO tributary_app;

-- The tenant of the current transaction, set with set_config('app.tenant_id', $1, true); NULL when unset, so that
-- nothing is visible without a tenant.
CREATE FUNCTION app_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE FUNCTION app_current_user() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
