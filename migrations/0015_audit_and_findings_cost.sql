-- The cost of writing a registration with many findings: the audit trigger built the row's JSON twice and copied it
-- once per removed key, and the findings (deals.conflicts) and the audited rows were compressed with pglz. Same
-- entries as before; the row's JSON is built once and the keys are removed in one pass.
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
        old_j := old_full - ARRAY['password_hash', 'token_hash', 'tenant_id'];
        row_tenant := OLD.tenant_id;
        row_id := (old_full ->> 'id')::uuid;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_full := to_jsonb(NEW);
        new_j := new_full - ARRAY['password_hash', 'token_hash', 'tenant_id'];
        row_tenant := NEW.tenant_id;
        row_id := (new_full ->> 'id')::uuid;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT jsonb_object_agg(n.key, o.value), jsonb_object_agg(n.key, n.value)
          INTO b, a
          FROM jsonb_each(new_j) n JOIN jsonb_each(old_j) o USING (key)
         WHERE n.value IS DISTINCT FROM o.value AND n.key <> 'updated_at';
        IF a IS NULL THEN
            IF old_full = new_full THEN
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
