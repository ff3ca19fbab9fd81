-- A partner's count of active people is counted when read (an index range of a few rows per partner) rather than
-- kept by triggers: counts kept by triggers stay only where a page would otherwise count over 10,000 rows.
DROP TRIGGER users_partner_count ON users;
DROP TRIGGER users_partner_count_update ON users;
DROP FUNCTION app_partner_active_users();
DROP TRIGGER partners_audit_update ON partners;
DROP TRIGGER partners_audit ON partners;
ALTER TABLE partners DROP COLUMN active_users;
CREATE TRIGGER partners_audit AFTER INSERT OR UPDATE OR DELETE ON partners FOR EACH ROW EXECUTE FUNCTION audit_row_change();
