-- Notifications about any record, of kinds that are data; each user's choice of how each kind
-- reaches them; the daily digest. Keep in step with migrations/sqlite/0019_notification_kinds.sql.

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
    position BIGINT NOT NULL
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
-- `digested_at` when a digest listed it. Existing rows are keyed by what they were about:
-- reminders of a report (`ref` was `type:period:centre`) by the report type, those of an
-- agreement's end (`partnership:id:days:end`) by the agreement, the rest by their report.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD COLUMN entity TEXT;
ALTER TABLE notifications ADD COLUMN entity_id BIGINT;
ALTER TABLE notifications ADD COLUMN delivery TEXT NOT NULL DEFAULT 'email'
    CHECK (delivery IN ('app', 'email', 'digest'));
ALTER TABLE notifications ADD COLUMN digested_at TIMESTAMPTZ;
UPDATE notifications SET
    entity = CASE WHEN kind IN ('due_soon', 'overdue') THEN 'report_type'
                  WHEN kind = 'ending' THEN 'partnership'
                  ELSE 'report' END,
    entity_id = CASE WHEN kind IN ('due_soon', 'overdue') THEN split_part(ref, ':', 1)::BIGINT
                     WHEN kind = 'ending' THEN split_part(ref, ':', 2)::BIGINT
                     ELSE COALESCE(report_id, 0) END,
    kind = CASE WHEN kind = 'ending' THEN 'partnership_ending' ELSE 'report_' || kind END,
    ref = CASE WHEN kind IN ('due_soon', 'overdue') THEN substr(ref, strpos(ref, ':') + 1)
               WHEN kind = 'ending' THEN split_part(ref, ':', 3) || ':' || split_part(ref, ':', 4)
               ELSE ref END,
    link = CASE WHEN link <> '' THEN link
                WHEN report_id IS NOT NULL THEN '/reports/' || report_id
                ELSE '/reports' END;
ALTER TABLE notifications ALTER COLUMN entity SET NOT NULL;
ALTER TABLE notifications ALTER COLUMN entity_id SET NOT NULL;
ALTER TABLE notifications ALTER COLUMN delivery DROP DEFAULT;
ALTER TABLE notifications ALTER COLUMN link DROP DEFAULT;
ALTER TABLE notifications DROP COLUMN report_id;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_fkey
    FOREIGN KEY (kind) REFERENCES notification_kinds(code);
DROP INDEX notifications_once;
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, entity, entity_id, kind, ref) WHERE ref <> '';
CREATE INDEX notifications_digest ON notifications (user_id, id) WHERE delivery = 'digest' AND digested_at IS NULL;

-- A user's choice for a kind; without one, the kind's own `delivery`.
CREATE TABLE notification_preferences (
    user_id  BIGINT NOT NULL REFERENCES users(id),
    kind     TEXT NOT NULL REFERENCES notification_kinds(code),
    delivery TEXT NOT NULL CHECK (delivery IN ('app', 'email', 'digest')),
    PRIMARY KEY (user_id, kind)
);

-- Per user: the version of their preferences (no row: version 1), and the day (WIB) their
-- last digest was queued, so it goes once a day however often the job runs.
CREATE TABLE notification_settings (
    user_id   BIGINT PRIMARY KEY REFERENCES users(id),
    version   BIGINT NOT NULL DEFAULT 1,
    digest_on DATE
);
