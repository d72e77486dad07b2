-- One conversation for any record (a report's today; forums' threads next): the comments
-- move from report_comments, keeping their ids (the audit trail names them).
-- Keep in step with migrations/postgres/0021_comments.sql.
CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    author_id  INTEGER REFERENCES users(id),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX comments_record ON comments (entity, entity_id, id);
INSERT INTO comments (id, entity, entity_id, author_id, body, created_at)
SELECT id, 'report', report_id, author_id, body, created_at FROM report_comments;
DROP TABLE report_comments;
