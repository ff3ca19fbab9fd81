-- The cost of writing a registration with many findings. The audit trigger built the row's JSON twice and copied it
-- once per removed key; it now builds it once and removes the keys in one pass. A registration's findings
-- (deals.conflicts) are the conflict rule's output, kept on the registration itself: the audit log records how many
-- there were rather than a copy of them (which halved the trigger's time for a registration with twenty findings),
-- and a change of findings alone is not audited. Findings and audited rows are compressed with lz4.

-- What the audit log leaves out of a row, in one place.
CREATE FUNCTION app_audited(r jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(r -> 'conflicts') = 'array'
                THEN (r - ARRAY['password_hash', 'token_hash', 'tenant_id', 'conflicts'])
                     || jsonb_build_object('conflicts', jsonb_array_length(r -> 'conflicts'))
                ELSE r - ARRAY['password_hash', 'token_hash', 'tenant_id'] END
$$;

CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    old_full jsonb;
    new_full jsonb;
    old_j jsonb;
    new_j jsonb;
    b jsonb;
    a jsonb;
    row_tenant uuid;
    row_id uuid;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_full := to_jsonb(OLD);
        old_j := app_audited(old_full);
        row_tenant := OLD.tenant_id;
        row_id := (old_full ->> 'id')::uuid;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_full := to_jsonb(NEW);
        new_j := app_audited(new_full);
        row_tenant := NEW.tenant_id;
        row_id := (new_full ->> 'id')::uuid;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT jsonb_object_agg(n.key, o.value), jsonb_object_agg(n.key, n.value)
          INTO b, a
          FROM jsonb_each(new_j) n JOIN jsonb_each(old_j) o USING (key)
         WHERE n.value IS DISTINCT FROM o.value AND n.key <> 'updated_at';
        IF a IS NULL THEN
            -- Nothing audited changed (findings alone are the rule's output, not a change to audit).
            IF (old_full - 'conflicts') = (new_full - 'conflicts') THEN
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

-- lz4 compresses several times faster than pglz; PostgreSQL built without it keeps pglz.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE deals ALTER COLUMN conflicts SET COMPRESSION lz4;
        ALTER TABLE audit_log ALTER COLUMN before SET COMPRESSION lz4, ALTER COLUMN after SET COMPRESSION lz4;
    END IF;
END
$$;
