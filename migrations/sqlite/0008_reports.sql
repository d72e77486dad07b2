-- E-reporting: report types with their indicators (data, not code), the reports BLKK send
-- each period with their values and versions, the conversation on them, attachments, and
-- each user's notifications. Keep in step with migrations/postgres/0008_reports.sql.

-- A report type. `indicators` is its list of indicators as JSON (code, labels, kind,
-- required, source, choices): adding one is data, not code.
CREATE TABLE report_types (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name_id       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    frequency     TEXT NOT NULL CHECK (frequency IN ('bulanan', 'triwulan', 'semester', 'tahunan')),
    due_day       INTEGER NOT NULL,
    grace_days    INTEGER NOT NULL,
    audience      TEXT NOT NULL CHECK (audience IN ('semua', 'angkatan', 'wilayah', 'daftar')),
    audience_year INTEGER,
    audience_area TEXT,
    indicators    TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

-- The BLKK of a type whose audience is an explicit list.
CREATE TABLE report_type_centres (
    type_id   INTEGER NOT NULL REFERENCES report_types(id) ON DELETE CASCADE,
    centre_id INTEGER NOT NULL REFERENCES centres(org_id),
    PRIMARY KEY (type_id, centre_id)
);
CREATE INDEX report_type_centres_centre ON report_type_centres (centre_id);

-- One BLKK's report of one type for one period. The BLKK's area and pembina are copied in,
-- so the compliance views count reports by index alone.
CREATE TABLE reports (
    id            INTEGER PRIMARY KEY,
    type_id       INTEGER NOT NULL REFERENCES report_types(id),
    centre_id     INTEGER NOT NULL REFERENCES centres(org_id),
    period        TEXT NOT NULL,
    period_start  TEXT NOT NULL,
    period_end    TEXT NOT NULL,
    due_date      TEXT NOT NULL,
    closes_date   TEXT NOT NULL,
    province_code TEXT NOT NULL,
    regency_code  TEXT NOT NULL,
    pembina_id    INTEGER REFERENCES orgs(id),
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'verified', 'returned')),
    narrative     TEXT NOT NULL DEFAULT '{}',
    version       INTEGER NOT NULL DEFAULT 1,
    submitted_at  TEXT,
    on_time       INTEGER,
    verified_at   TEXT,
    verified_by   INTEGER REFERENCES users(id),
    reopened      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (type_id, centre_id, period)
);
-- The compliance trend reads a type's last 12 periods from this index alone.
CREATE INDEX reports_trend ON reports (type_id, period, status, on_time, centre_id);
CREATE INDEX reports_centre ON reports (centre_id, period);
CREATE INDEX reports_pembina ON reports (pembina_id, status, due_date);

-- A report's values, one per indicator code: numbers in whole units (rupiah, counts;
-- percent in hundredths), text as text; the computed figure beside it; the reason for a
-- difference.
CREATE TABLE report_values (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    code      TEXT NOT NULL,
    num       INTEGER,
    txt       TEXT,
    computed  INTEGER,
    reason    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, code)
);

-- What was sent each time (kept when a report is returned or reopened).
CREATE TABLE report_versions (
    report_id    INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    n            INTEGER NOT NULL,
    body         TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    submitted_by INTEGER REFERENCES users(id),
    PRIMARY KEY (report_id, n)
);

-- The conversation on a report, between the BLKK and its pembina.
CREATE TABLE report_comments (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    author_id  INTEGER REFERENCES users(id),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX report_comments_report ON report_comments (report_id, id);

-- Photos and documents attached to a report; the bytes live in the object store under
-- `object_key`.
CREATE TABLE report_attachments (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    object_key   TEXT NOT NULL UNIQUE,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX report_attachments_report ON report_attachments (report_id, id);

-- A user's notifications. `ref` names what a reminder is about (type, period, BLKK), so
-- each is sent once.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue', 'submitted', 'returned', 'commented', 'verified', 'reopened')),
    report_id  INTEGER REFERENCES reports(id) ON DELETE CASCADE,
    ref        TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, kind, ref) WHERE ref <> '';
