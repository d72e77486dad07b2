-- Notifications about any record, of kinds that are data; each user's choice of how each kind
-- reaches them; the daily digest. Keep in step with migrations/postgres/0019_notification_kinds.sql.

-- The kinds of notification: labels in both languages, how they reach a user who has not
-- chosen (`app`: in the app only, `email`: also by e-mail at once, `digest`: in the daily
-- digest e-mail), and the roles they concern (comma-separated), in the order the
-- preferences list them.
CREATE TABLE notification_kinds (
    code     TEXT PRIMARY KEY,
    label_id TEXT NOT NULL,
    label_en TEXT NOT NULL,
    delivery TEXT NOT NULL CHECK (delivery IN ('app', 'email', 'digest')),
    roles    TEXT NOT NULL,
    position INTEGER NOT NULL
);
INSERT INTO notification_kinds (code, label_id, label_en, delivery, roles, position) VALUES
    ('report_due_soon', 'Laporan jatuh tempo dalam 3 hari', 'Report due in 3 days', 'email', 'pengelola', 1),
    ('report_overdue', 'Laporan terlambat', 'Report overdue', 'email', 'pengelola', 2),
    ('report_submitted', 'Laporan dikirim, menunggu verifikasi', 'Report sent, awaiting verification', 'email', 'pembina', 3),
    ('report_returned', 'Laporan dikembalikan', 'Report returned', 'email', 'pengelola', 4),
    ('report_commented', 'Komentar baru pada laporan', 'New comment on a report', 'email', 'pengelola,pembina', 5),
    ('report_verified', 'Laporan diverifikasi', 'Report verified', 'email', 'pengelola', 6),
    ('report_reopened', 'Laporan dibuka kembali', 'Report reopened', 'email', 'pengelola', 7),
    ('application_received', 'Pendaftar baru pelatihan', 'New training application', 'email', 'pengelola', 8),
    ('partnership_to_confirm', 'Kerja sama menunggu konfirmasi Anda', 'Agreement awaiting your confirmation', 'email', 'mitra', 9),
    ('partnership_confirmed', 'Kerja sama dikonfirmasi mitra', 'Agreement confirmed by the partner', 'email', 'pengelola,forum', 10),
    ('partnership_ending', 'Kerja sama segera berakhir', 'Agreement ending soon', 'email', 'pengelola,forum', 11),
    ('action_answered', 'Tindak lanjut monev dijawab', 'Follow-up action answered', 'email', 'pembina', 12),
    ('action_due', 'Tindak lanjut monev jatuh tempo', 'Follow-up action falling due', 'email', 'pengelola', 13),
    ('invitation_accepted', 'Undangan diterima', 'Invitation accepted', 'email', 'admin,pembina,disnaker,forum,pengelola', 14);

-- A notification is about one record: `entity` is its audit-trail name (`report`,
-- `partnership`, `visit_action`, `application`, `user`, `report_type`), `entity_id` its id.
-- `ref` tells apart the occasions a reminder is sent once for (a period, an end date, a due
-- date). `delivery` is how it reached its user (their preference when it was made);
-- `digested_at` when a digest listed it. SQLite cannot drop a CHECK or a referenced column
-- in place: the table is rebuilt, its rows keyed by what they were about.
CREATE TABLE notifications_new (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    entity      TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    kind        TEXT NOT NULL REFERENCES notification_kinds(code),
    ref         TEXT NOT NULL DEFAULT '',
    link        TEXT NOT NULL,
    text        TEXT NOT NULL,
    delivery    TEXT NOT NULL CHECK (delivery IN ('app', 'email', 'digest')),
    digested_at TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
-- Reminders of a report (`ref` was `type:period:centre`) are about the report type, those
-- of an agreement's end (`partnership:id:days:end`) about the agreement; the rest about
-- their report.
INSERT INTO notifications_new (id, user_id, entity, entity_id, kind, ref, link, text, delivery,
    created_at, read_at)
SELECT id, user_id,
    CASE WHEN kind IN ('due_soon', 'overdue') THEN 'report_type' ELSE 'report' END,
    CASE WHEN kind IN ('due_soon', 'overdue') THEN CAST(substr(ref, 1, instr(ref, ':') - 1) AS INTEGER)
         ELSE COALESCE(report_id, 0) END,
    'report_' || kind,
    CASE WHEN kind IN ('due_soon', 'overdue') THEN substr(ref, instr(ref, ':') + 1) ELSE ref END,
    CASE WHEN link <> '' THEN link
         WHEN report_id IS NOT NULL THEN '/reports/' || report_id
         ELSE '/reports' END,
    text, 'email', created_at, read_at
FROM notifications WHERE kind <> 'ending'
UNION ALL
SELECT id, user_id, 'partnership', CAST(substr(link, 15) AS INTEGER), 'partnership_ending',
    substr(substr(ref, 13), instr(substr(ref, 13), ':') + 1), link, text, 'email', created_at,
    read_at
FROM notifications WHERE kind = 'ending';
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, entity, entity_id, kind, ref) WHERE ref <> '';
CREATE INDEX notifications_digest ON notifications (user_id, id) WHERE delivery = 'digest' AND digested_at IS NULL;

-- A user's choice for a kind; without one, the kind's own `delivery`.
CREATE TABLE notification_preferences (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    kind     TEXT NOT NULL REFERENCES notification_kinds(code),
    delivery TEXT NOT NULL CHECK (delivery IN ('app', 'email', 'digest')),
    PRIMARY KEY (user_id, kind)
);

-- Per user: the version of their preferences (no row: version 1), and the day (WIB) their
-- last digest was queued, so it goes once a day however often the job runs.
CREATE TABLE notification_settings (
    user_id   INTEGER PRIMARY KEY REFERENCES users(id),
    version   INTEGER NOT NULL DEFAULT 1,
    digest_on TEXT
);
