-- Partnerships (kerja sama): an agreement between a BLKK, or a forum for some of its member
-- BLKK, and a partner organisation. `coverage` is a comma-separated list of codes.
CREATE TABLE partnerships (
    id             INTEGER PRIMARY KEY,
    holder_id      INTEGER NOT NULL REFERENCES orgs(id),
    partner_id     INTEGER NOT NULL REFERENCES orgs(id),
    title          TEXT NOT NULL,
    document       TEXT NOT NULL CHECK (document IN ('mou', 'pks')),
    doc_no         TEXT NOT NULL DEFAULT '',
    coverage       TEXT NOT NULL,
    start_date     TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    value_rupiah   INTEGER NOT NULL CHECK (value_rupiah BETWEEN 0 AND 100000000000),
    in_kind_rupiah INTEGER NOT NULL CHECK (in_kind_rupiah BETWEEN 0 AND 100000000000),
    in_kind_note   TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('draft', 'aktif', 'berakhir')),
    confirmed_at   TEXT,
    confirmed_by   INTEGER REFERENCES users(id),
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX partnerships_holder ON partnerships (holder_id, end_date);
CREATE INDEX partnerships_partner ON partnerships (partner_id, end_date);
CREATE INDEX partnerships_ending ON partnerships (status, end_date);

-- The BLKK taking part: the holder itself, or the forum's members named.
CREATE TABLE partnership_members (
    partnership_id INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    centre_id      INTEGER NOT NULL REFERENCES centres(org_id),
    PRIMARY KEY (partnership_id, centre_id)
);
CREATE INDEX partnership_members_centre ON partnership_members (centre_id, partnership_id);

-- What came of an agreement: the partner's batches and the graduates it employed.
CREATE INDEX trainings_partner ON trainings (partner_id, start_date) WHERE partner_id IS NOT NULL;
CREATE INDEX outcomes_partner ON outcomes (partner_id, date) WHERE partner_id IS NOT NULL;

-- Reminders of an agreement's end, sent once per agreement and point (60, 30 days).
CREATE TABLE partnership_reminders (
    partnership_id INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    days           INTEGER NOT NULL,
    end_date       TEXT NOT NULL,
    PRIMARY KEY (partnership_id, days, end_date)
);

-- Notifications may now be about any record (`link`, a path) and remind of an agreement's
-- end (`ending`). SQLite cannot change a CHECK in place: the table is rebuilt.
CREATE TABLE notifications_new (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue', 'submitted', 'returned', 'commented', 'verified', 'reopened', 'ending')),
    report_id  INTEGER REFERENCES reports(id) ON DELETE CASCADE,
    ref        TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT,
    link       TEXT NOT NULL DEFAULT ''
);
INSERT INTO notifications_new (id, user_id, kind, report_id, ref, text, created_at, read_at)
SELECT id, user_id, kind, report_id, ref, text, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, kind, ref) WHERE ref <> '';
