-- The conflict check also looks up open registrations and named accounts by the label their registrable domain is
-- registered under ("philips" for philips.com and philips.nl, hyphens dropped as rules::company_names::domain_label
-- drops them): one group's companies under other public suffixes. A stored column rather than an expression index:
-- under row-level security only leakproof comparisons of plain columns reach an index, and an expression of
-- replace/split_part is not leakproof.
ALTER TABLE deals ADD COLUMN domain_label text
    GENERATED ALWAYS AS (replace(split_part(registrable_domain, '.', 1), '-', '')) STORED;
ALTER TABLE named_accounts ADD COLUMN domain_label text
    GENERATED ALWAYS AS (replace(split_part(registrable_domain, '.', 1), '-', '')) STORED;
CREATE INDEX deals_open_domain_label_idx ON deals (tenant_id, domain_label)
    WHERE status IN ('pending', 'approved') AND domain_label IS NOT NULL;
CREATE INDEX named_accounts_domain_label_idx ON named_accounts (tenant_id, domain_label)
    WHERE domain_label IS NOT NULL;
