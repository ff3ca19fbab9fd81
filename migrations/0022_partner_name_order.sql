-- Partner lists are read in name order, a page at a time.
CREATE INDEX partners_name_idx ON partners (tenant_id, lower(name), id);
