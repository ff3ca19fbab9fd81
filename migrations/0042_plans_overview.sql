-- The chief's plans overview sums the closed-won revenue of the fiscal year by partner in one range scan: the won
-- deals by close date, carrying what the sum needs so that the scan reads the index alone.
CREATE INDEX deals_won_closed_idx ON deals (tenant_id, closed_at) INCLUDE (partner_id, currency, closed_amount, estimated_value)
    WHERE status = 'won';
