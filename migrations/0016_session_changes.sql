-- Instances remember sessions that passed their check (src/db/sessions.rs), so a request of a session checked lately
-- only scopes itself to its tenant. For that, the check returns the session's expiry, and every change that could
-- make a passed check fail is notified on the channel `tributary_sessions` when it commits: a session revoked or
-- deleted ('s' || id), a user deactivated, deleted or given a new session version ('u' || id), an agreement or an
-- acceptance changed ('t' || tenant).

DROP FUNCTION app_open_session(uuid, uuid, uuid, integer, boolean);
DROP FUNCTION app_check_session(uuid, uuid, integer, boolean);

CREATE FUNCTION app_check_session(p_user uuid, p_session uuid, p_version integer, p_agreement boolean)
    RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_tenant uuid;
    v_partner uuid;
    v_expires timestamptz;
    v_current integer;
BEGIN
    SELECT u.tenant_id, u.partner_id, s.expires_at INTO v_tenant, v_partner, v_expires
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
    RETURN v_expires;
END
$$;

CREATE FUNCTION app_open_session(p_tenant uuid, p_user uuid, p_session uuid, p_version integer, p_agreement boolean)
    RETURNS timestamptz LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('app.tenant_id', p_tenant::text, true), set_config('app.user_id', p_user::text, true);
    RETURN app_check_session(p_user, p_session, p_version, p_agreement);
END
$$;

CREATE FUNCTION app_notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'sessions' THEN
        PERFORM pg_notify('tributary_sessions', 's' || OLD.id);
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('tributary_sessions', 'u' || OLD.id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pg_notify('tributary_sessions', 't' || NEW.tenant_id);
    ELSE
        PERFORM pg_notify('tributary_sessions', 't' || OLD.tenant_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_notify AFTER UPDATE OF revoked_at, expires_at, user_id, tenant_id OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION app_notify_session_change();
CREATE TRIGGER users_notify AFTER UPDATE OF active, session_version, partner_id, tenant_id OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION app_notify_session_change();
CREATE TRIGGER agreements_notify AFTER INSERT OR UPDATE OR DELETE ON agreements
    FOR EACH ROW EXECUTE FUNCTION app_notify_session_change();
CREATE TRIGGER agreement_acceptances_notify AFTER UPDATE OR DELETE ON agreement_acceptances
    FOR EACH ROW EXECUTE FUNCTION app_notify_session_change();
