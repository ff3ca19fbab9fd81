-- The chief's plans overview sums the closed-won revenue of the fiscal year by partner in one range scan: the won
-- deals by close date, carrying what the sum needs so that the scan reads the index alone.
CREATE INDEX deals_won_closed_idx ON deals (tenant_id, closed_at) INCLUDE (partner_id, currency, closed_amount, estimated_value)
    WHERE status = 'won';

-- The growth % a new plan's targets start from when the CAM gives none (the program's plan settings page).
ALTER TABLE plan_settings
    ADD COLUMN default_growth_percent numeric(6, 2) NOT NULL DEFAULT 10
        CHECK (default_growth_percent BETWEEN -100 AND 1000);
