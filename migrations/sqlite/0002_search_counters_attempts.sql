-- Search and figures that hold at national scale, and sign-in attempts counted atomically.
-- Keep in step with migrations/postgres/0002_search_counters_attempts.sql (a test compares
-- the two; the search index is the one marked difference).

-- Name search: an FTS5 trigram index over the organisations' name keys (substring matches
-- of three or more characters), kept in step by triggers.
CREATE VIRTUAL TABLE org_search USING fts5(
    name_key, content = 'orgs', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO org_search (org_search) VALUES ('rebuild');
CREATE TRIGGER orgs_search_insert AFTER INSERT ON orgs BEGIN
    INSERT INTO org_search (rowid, name_key) VALUES (new.id, new.name_key);
END;
CREATE TRIGGER orgs_search_delete AFTER DELETE ON orgs BEGIN
    INSERT INTO org_search (org_search, rowid, name_key) VALUES ('delete', old.id, old.name_key);
END;
CREATE TRIGGER orgs_search_update AFTER UPDATE OF name_key ON orgs BEGIN
    INSERT INTO org_search (org_search, rowid, name_key) VALUES ('delete', old.id, old.name_key);
    INSERT INTO org_search (rowid, name_key) VALUES (new.id, new.name_key);
END;

-- The directory's first pages come from this index, in name order.
DROP INDEX orgs_kind_name;
CREATE INDEX orgs_kind_name ON orgs (kind, name_key, id);

-- National figures: BLKK per regency and status, changed in the transaction of every write.
CREATE TABLE centre_counts (
    regency_code  TEXT NOT NULL,
    province_code TEXT NOT NULL,
    status        TEXT NOT NULL,
    n             INTEGER NOT NULL,
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
    window_start TEXT NOT NULL,
    count        INTEGER NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts (window_start);
