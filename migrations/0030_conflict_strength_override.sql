-- Conflicts say how certain it is that two registrations are one customer (definitive, probable, possible), and a
-- CAM or program admin may approve over a probable clash with a reason that the registration keeps.

-- Conflicts recorded before strengths existed: the strength their recommendation stood for. A backfill of a derived
-- field, not a change anyone made, so it is not audited.
ALTER TABLE deals DISABLE TRIGGER deals_audit_update;
UPDATE deals
   SET conflicts = (SELECT jsonb_agg(c || jsonb_build_object('strength',
                                CASE c ->> 'recommendation' WHEN 'reject' THEN 'definitive'
                                                            WHEN 'review' THEN 'probable'
                                                            ELSE 'possible' END) ORDER BY n)
                      FROM jsonb_array_elements(conflicts) WITH ORDINALITY AS e (c, n))
 WHERE jsonb_array_length(conflicts) > 0 AND NOT (conflicts -> 0 ? 'strength');
ALTER TABLE deals ENABLE TRIGGER deals_audit_update;

ALTER TABLE deals ADD COLUMN override_reason text
    CONSTRAINT deals_override_reason_check CHECK (override_reason IS NULL OR length(override_reason) BETWEEN 10 AND 1000);

-- The name key (normalized_name) is derived from the customer's name by the server's rule; when the rule changes, the
-- server rewrites the keys at start-up. Neither the rewrite nor the key is a change anyone made: not audited.
DROP TRIGGER deals_audit_update ON deals;
CREATE TRIGGER deals_audit_update AFTER UPDATE ON deals FOR EACH ROW
    WHEN ((to_jsonb(old.*) - ARRAY['cam_id', 'partner_name', 'normalized_name']) IS DISTINCT FROM
          (to_jsonb(new.*) - ARRAY['cam_id', 'partner_name', 'normalized_name']))
    EXECUTE FUNCTION audit_row_change();
DROP TRIGGER named_accounts_audit ON named_accounts;
CREATE TRIGGER named_accounts_audit AFTER INSERT OR DELETE ON named_accounts FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER named_accounts_audit_update AFTER UPDATE ON named_accounts FOR EACH ROW
    WHEN ((to_jsonb(old.*) - 'normalized_name') IS DISTINCT FROM (to_jsonb(new.*) - 'normalized_name'))
    EXECUTE FUNCTION audit_row_change();

-- Which version of the name-key rule the stored keys were made with (one row; not tenant data).
CREATE TABLE name_key_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version integer NOT NULL
);
INSERT INTO name_key_version (version) VALUES (1);

-- A note for staff only on a registration's history: the reason for approving over a probable clash may speak of the
-- rival registration, which its partner must not learn.
ALTER TABLE deal_events ADD COLUMN staff_note text;
