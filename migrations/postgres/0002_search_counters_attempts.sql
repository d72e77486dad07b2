-- Search and figures that hold at national scale, and sign-in attempts counted atomically.
-- Keep in step with migrations/sqlite/0002_search_counters_attempts.sql (a test compares
-- the two; the search index is the one marked difference).

-- Name search: a trigram index over the organisations' name keys, used by
-- `name_key LIKE '%...%'` for keys of three or more characters.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX orgs_name_trgm ON orgs USING gin (name_key gin_trgm_ops);

-- The directory's first pages come from this index, in name order.
DROP INDEX orgs_kind_name;
CREATE INDEX orgs_kind_name ON orgs (kind, name_key, id);

-- National figures: BLKK per regency and status, changed in the transaction of every write.
CREATE TABLE centre_counts (
    regency_code  TEXT NOT NULL,
    province_code TEXT NOT NULL,
    status        TEXT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (regency_code, status)
);
INSERT INTO centre_counts (regency_code, province_code, status, n)
SELECT regency_code, province_code, status, COUNT(*) FROM centres
GROUP BY regency_code, province_code, status;

-- Sign-in attempts per account and per client address in the current window: one row per
-- key, incremented atomically before a password is checked.
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
    count        BIGINT NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts (window_start);
