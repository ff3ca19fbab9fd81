-- One call scopes a request to its tenant and user and checks its session: requests that read in one round trip run
-- it as a prepared statement, so nothing of the check is parsed or planned per request. The settings come first, in
-- the function's own order, because row-level security on users and sessions reads them.
CREATE FUNCTION app_open_session(p_tenant uuid, p_user uuid, p_session uuid, p_version integer, p_agreement boolean)
    RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('app.tenant_id', p_tenant::text, true), set_config('app.user_id', p_user::text, true);
    PERFORM app_check_session(p_user, p_session, p_version, p_agreement);
END
$$;
