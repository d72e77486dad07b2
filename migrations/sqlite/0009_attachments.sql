-- Files attached to any record (a report, an agreement, a visit's finding), kept outside the
-- database; `entity` and `entity_id` name the record as the audit trail does. Report
-- attachments move here.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    entity       TEXT NOT NULL,
    entity_id    INTEGER NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    object_key   TEXT NOT NULL UNIQUE,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX attachments_entity ON attachments (entity, entity_id, id);

INSERT INTO attachments (id, entity, entity_id, name, content_type, size, object_key, uploaded_by, created_at)
SELECT id, 'report', report_id, name, content_type, size, object_key, uploaded_by, created_at
FROM report_attachments;

DROP TABLE report_attachments;
