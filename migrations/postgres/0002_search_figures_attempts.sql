-- Search and figures that hold at national scale, and sign-in attempts counted atomically.
-- Keep in step with migrations/sqlite/0002_search_figures_attempts.sql (a test compares
-- the two).

-- Name search: every start of every word of each BLKK's name (but the words every name has,
-- such as "BLK Komunitas"), with the name's sort key, so a search is one index range read in
-- name order, and its count an index count. Written with the name, in the same transaction.
CREATE TABLE centre_terms (
    term      TEXT NOT NULL,
    name_key  TEXT NOT NULL,
    centre_id BIGINT NOT NULL REFERENCES centres(org_id) ON DELETE CASCADE,
    PRIMARY KEY (term, name_key, centre_id)
);

-- The directory's first pages come from this index, in name order.
DROP INDEX orgs_kind_name;
CREATE INDEX orgs_kind_name ON orgs (kind, name_key, id);

-- National figures: BLKK per regency and status, and the national totals, changed in the
-- transaction of every write.
CREATE TABLE centre_counts (
    regency_code  TEXT NOT NULL,
    province_code TEXT NOT NULL,
    status        TEXT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (regency_code, status)
);
CREATE INDEX centre_counts_province ON centre_counts (province_code);
INSERT INTO centre_counts (regency_code, province_code, status, n)
SELECT regency_code, province_code, status, COUNT(*) FROM centres
GROUP BY regency_code, province_code, status;

-- `centres`, one row per status, `regencies` and `provinces` (those with a BLKK).
CREATE TABLE centre_totals (
    name TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
);
INSERT INTO centre_totals (name, n) SELECT 'centres', COUNT(*) FROM centres;
INSERT INTO centre_totals (name, n) SELECT status, COUNT(*) FROM centres GROUP BY status;
INSERT INTO centre_totals (name, n) SELECT 'regencies', COUNT(DISTINCT regency_code) FROM centres;
INSERT INTO centre_totals (name, n) SELECT 'provinces', COUNT(DISTINCT province_code) FROM centres;

-- Sign-in attempts per account and per client address in the current window: one row per
-- key, incremented atomically before a password is checked.
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
    count        BIGINT NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts (window_start);
