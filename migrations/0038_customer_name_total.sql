-- The number of a tenant's registrations, which the word weights divide by, kept beside the word counts as the
-- empty word's count: summing deal_counts for it read one row per partner and status on every conflict check.
-- The empty word sorts first, so every transaction takes the tenant's rows in the same order, as before.
CREATE OR REPLACE FUNCTION app_count_name_words(p_tenant uuid, p_key text, p_delta integer) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO customer_name_words AS c (tenant_id, word, names)
    SELECT p_tenant, w, greatest(p_delta, 0)
      FROM (SELECT DISTINCT w FROM unnest(string_to_array(p_key, ' ') || ''::text) AS w) words
     ORDER BY w
    ON CONFLICT (tenant_id, word) DO UPDATE SET names = c.names + p_delta
$$;

INSERT INTO customer_name_words (tenant_id, word, names)
SELECT tenant_id, '', count(*) FROM deals GROUP BY tenant_id
ON CONFLICT (tenant_id, word) DO UPDATE SET names = excluded.names;
