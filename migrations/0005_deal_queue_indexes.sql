-- The CAM's approval queue and deal lists walk their partners' registrations by status and age; extension requests
-- are few among many approved registrations.
CREATE INDEX deals_partner_status_idx ON deals (tenant_id, partner_id, status, created_at);
CREATE INDEX deals_extension_idx ON deals (tenant_id, extension_requested_at)
    WHERE status = 'approved' AND extension_requested_at IS NOT NULL;
