-- Lists and queues order registrations by creation time, then id (a stable order for equal times): the indexes that
-- serve them carry the id as their last key, so a page is read in order and cut at its limit without a sort of every
-- registration in the scope. Lists now run newest first by both keys (created_at desc, id desc).
DROP INDEX deals_cam_status_idx;
CREATE INDEX deals_cam_status_idx ON deals (tenant_id, cam_id, status, created_at, id);
DROP INDEX deals_partner_status_idx;
CREATE INDEX deals_partner_status_idx ON deals (tenant_id, partner_id, status, created_at, id);
DROP INDEX deals_status_idx;
CREATE INDEX deals_status_idx ON deals (tenant_id, status, created_at, id);
DROP INDEX deals_cam_created_idx;
CREATE INDEX deals_cam_created_idx ON deals (tenant_id, cam_id, created_at DESC, id DESC);
DROP INDEX deals_partner_idx;
CREATE INDEX deals_partner_idx ON deals (tenant_id, partner_id, created_at DESC, id DESC);
DROP INDEX deals_created_idx;
CREATE INDEX deals_created_idx ON deals (tenant_id, created_at DESC, id DESC);
