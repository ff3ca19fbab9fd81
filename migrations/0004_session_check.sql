-- Checks a request's session inside the statement that opens its transaction, so that authenticating costs no round
-- trip of its own: raises invalid_authorization_specification (28000) when the token no longer holds (signed out,
-- expired, user deactivated or session version bumped). Runs with the caller's rights, so row-level security applies.
CREATE FUNCTION app_check_session(p_user uuid, p_session uuid, p_version integer) RETURNS void
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM 1
       FROM users u
       JOIN sessions s ON s.tenant_id = u.tenant_id AND s.user_id = u.id
      WHERE u.id = p_user AND s.id = p_session AND u.active AND u.session_version = p_version
        AND s.revoked_at IS NULL AND s.expires_at > now();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'session is no longer valid' USING ERRCODE = 'invalid_authorization_specification';
    END IF;
END
$$;
