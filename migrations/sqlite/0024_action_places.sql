-- A follow-up action counts in the figures layer at the place its BLKK had when it was
-- agreed (src/features/visits/figures.rs), so a BLKK that moves leaves its past actions
-- where they were counted.
ALTER TABLE visit_actions ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
ALTER TABLE visit_actions ADD COLUMN regency_code TEXT NOT NULL DEFAULT '';
UPDATE visit_actions SET
    province_code = (SELECT c.province_code FROM centres c WHERE c.org_id = visit_actions.centre_id),
    regency_code = (SELECT c.regency_code FROM centres c WHERE c.org_id = visit_actions.centre_id);
