-- The work queue at national scale.
-- The ministry's "allocations behind" count looks up, for each PBK allocation of the year,
-- whether its BLKK has a PBK batch that year (without this, every batch of the year).
CREATE INDEX trainings_centre_year ON trainings (centre_id, year, funding);
-- A UPTP's planned visits: its visits of one status, the earliest first.
CREATE INDEX visits_pembina_status ON visits (pembina_id, status, planned_date);
