-- How many BLKK each name-search term finds, kept in the transaction of every write (bulk
-- loads recount once), so a one-word search counts its matches with one look-up instead of
-- reading every match: at 10x national scale a common word ("darul") finds thousands.
-- Keep in step with migrations/postgres/0005_term_counts.sql.
CREATE TABLE centre_term_counts (
    term TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO centre_term_counts (term, n) SELECT term, COUNT(*) FROM centre_terms GROUP BY term;
