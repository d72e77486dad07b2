-- The self-funding figures read a year's (or ten years') totals of every BLKK in a scope:
-- from the index alone.
CREATE INDEX income_years_cover ON income_years (year, province_code, regency_code, centre_id, own, total);
