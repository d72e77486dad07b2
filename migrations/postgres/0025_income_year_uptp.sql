-- A BLKK's yearly income counts in the figures layer at its place, UPTP included
-- (src/features/income/figures.rs).
ALTER TABLE income_years ADD COLUMN pembina_id BIGINT;
UPDATE income_years SET pembina_id = (SELECT c.pembina_id FROM centres c WHERE c.org_id = income_years.centre_id);
