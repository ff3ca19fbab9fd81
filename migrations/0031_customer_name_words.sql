-- How many of a tenant's registrations have each word in their customer name's key (deals.normalized_name), so
-- that the conflict rule weighs words many names share (Solutions, Industries) less than rare ones. Kept by a
-- trigger: otherwise each registration would count the words of every registration of its tenant.
CREATE TABLE customer_name_words (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    word text NOT NULL,
    names bigint NOT NULL CHECK (names >= 0),
    PRIMARY KEY (tenant_id, word)
);
ALTER TABLE customer_name_words ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_name_words FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_name_words
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

-- Words in a fixed order, so that two transactions counting the same words lock their rows in the same order.
CREATE FUNCTION app_count_name_words(p_tenant uuid, p_key text, p_delta integer) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO customer_name_words AS c (tenant_id, word, names)
    SELECT p_tenant, w, greatest(p_delta, 0)
      FROM (SELECT DISTINCT unnest(string_to_array(p_key, ' ')) AS w) words
     WHERE w <> ''
     ORDER BY w
    ON CONFLICT (tenant_id, word) DO UPDATE SET names = c.names + p_delta
$$;

CREATE FUNCTION app_name_words() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM app_count_name_words(OLD.tenant_id, OLD.normalized_name, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM app_count_name_words(NEW.tenant_id, NEW.normalized_name, 1);
    END IF;
    RETURN NULL;
END
$$;

-- Deferred to the commit, as deal_counts is, so the rows are locked only for the moment the transaction commits.
CREATE CONSTRAINT TRIGGER deals_name_words AFTER INSERT OR DELETE ON deals
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION app_name_words();
CREATE CONSTRAINT TRIGGER deals_name_words_update AFTER UPDATE OF normalized_name ON deals
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (old.normalized_name IS DISTINCT FROM new.normalized_name) EXECUTE FUNCTION app_name_words();

INSERT INTO customer_name_words (tenant_id, word, names)
SELECT tenant_id, w, count(*)
  FROM (SELECT DISTINCT tenant_id, id, unnest(string_to_array(normalized_name, ' ')) AS w FROM deals) x
 WHERE w <> ''
 GROUP BY tenant_id, w;
