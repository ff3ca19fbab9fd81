-- The conflict check also looks up open registrations and named accounts by the label their registrable domain is
-- registered under ("philips" for philips.com and philips.nl, hyphens dropped as rules::company_names::domain_label
-- drops them): one group's companies under other public suffixes.
CREATE INDEX deals_open_domain_label_idx ON deals (tenant_id, (replace(split_part(registrable_domain, '.', 1), '-', '')))
    WHERE status IN ('pending', 'approved') AND registrable_domain IS NOT NULL;
CREATE INDEX named_accounts_domain_label_idx
    ON named_accounts (tenant_id, (replace(split_part(registrable_domain, '.', 1), '-', '')))
    WHERE registrable_domain IS NOT NULL;
