-- Monitoring visits (monev): the instrument's questions as data, a pembina's visits to its
-- BLKK (answers by question code, as JSON), findings with their severity, and the
-- follow-up actions the BLKK answers and the pembina closes.
CREATE TABLE visit_questions (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    label_id TEXT NOT NULL,
    label_en TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('ya_tidak', 'skor', 'teks')),
    sort     INTEGER NOT NULL
);

CREATE TABLE visits (
    id             INTEGER PRIMARY KEY,
    centre_id      INTEGER NOT NULL REFERENCES centres(org_id),
    pembina_id     INTEGER NOT NULL REFERENCES orgs(id),
    aid_program_id INTEGER REFERENCES aid_programs(id),
    purpose        TEXT NOT NULL,
    planned_date   TEXT NOT NULL,
    visited_date   TEXT,
    status         TEXT NOT NULL CHECK (status IN ('rencana', 'selesai', 'batal')),
    answers        TEXT NOT NULL DEFAULT '{}',
    summary        TEXT NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES users(id),
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX visits_centre ON visits (centre_id, planned_date);
CREATE INDEX visits_pembina ON visits (pembina_id, planned_date);
CREATE INDEX visits_program ON visits (aid_program_id, centre_id) WHERE aid_program_id IS NOT NULL;

CREATE TABLE visit_findings (
    id         INTEGER PRIMARY KEY,
    visit_id   INTEGER NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    severity   TEXT NOT NULL CHECK (severity IN ('rendah', 'sedang', 'tinggi')),
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX visit_findings_visit ON visit_findings (visit_id, id);

CREATE TABLE visit_actions (
    id           INTEGER PRIMARY KEY,
    finding_id   INTEGER NOT NULL REFERENCES visit_findings(id) ON DELETE CASCADE,
    visit_id     INTEGER NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    centre_id    INTEGER NOT NULL REFERENCES centres(org_id),
    pembina_id   INTEGER NOT NULL REFERENCES orgs(id),
    text         TEXT NOT NULL,
    owner        TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('terbuka', 'dijawab', 'selesai')),
    response     TEXT NOT NULL DEFAULT '',
    responded_at TEXT,
    closed_at    TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX visit_actions_finding ON visit_actions (finding_id, id);
CREATE INDEX visit_actions_centre ON visit_actions (centre_id, status, due_date);
CREATE INDEX visit_actions_pembina ON visit_actions (pembina_id, status, due_date);
CREATE INDEX visit_actions_open ON visit_actions (status, due_date);

-- The standard instrument (more questions are more rows).
INSERT INTO visit_questions (code, label_id, label_en, kind, sort) VALUES
    ('sarana_sesuai', 'Sarana dan peralatan bantuan ada dan berfungsi', 'Aid equipment present and working', 'ya_tidak', 1),
    ('pelatihan_berjalan', 'Pelatihan berjalan sesuai jadwal', 'Trainings run on schedule', 'ya_tidak', 2),
    ('instruktur_kompeten', 'Kompetensi instruktur (1–5)', 'Instructors'' competence (1–5)', 'skor', 3),
    ('administrasi_tertib', 'Administrasi dan laporan tertib (1–5)', 'Records and reports in order (1–5)', 'skor', 4),
    ('kerja_sama_aktif', 'Ada kerja sama aktif dengan industri', 'Active partnerships with industry', 'ya_tidak', 5),
    ('catatan_umum', 'Catatan umum', 'General notes', 'teks', 6);
