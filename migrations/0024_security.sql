-- Sign-in attempts are recorded before the password is checked, so that attempts made at once cannot all pass the
-- limit; each record names its attempt, so that one refused or not checked can take its records back.
ALTER TABLE login_failures ADD COLUMN attempt uuid;

-- A user's role, partner or standing changed in any way (the server, or SQL by hand) ends their sessions: tokens carry
-- role and partner, and the session check compares the session version.
CREATE FUNCTION app_bump_session_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.session_version = OLD.session_version
       AND (NEW.role, NEW.partner_id, NEW.active) IS DISTINCT FROM (OLD.role, OLD.partner_id, OLD.active) THEN
        NEW.session_version := OLD.session_version + 1;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER users_session_version BEFORE UPDATE OF role, partner_id, active ON users
    FOR EACH ROW EXECUTE FUNCTION app_bump_session_version();
