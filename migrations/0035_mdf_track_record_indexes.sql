-- A partner's track record (the queue's risk adjustment, the flag above 2× history, the pre-filled rates) reads its
-- requests with reported results: few rows among many, found by partner.
CREATE INDEX mdf_requests_results_idx ON mdf_requests (tenant_id, partner_id) WHERE results_reported_at IS NOT NULL;
-- What was paid, by partner, over a span: the chief's return by tier and region reads only the pay rows.
CREATE INDEX mdf_ledger_pay_idx ON mdf_ledger (tenant_id, created_at) INCLUDE (partner_id, amount) WHERE kind = 'pay';
