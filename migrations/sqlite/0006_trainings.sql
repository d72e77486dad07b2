-- Trainings: batches, trainees (persons) and their results, attendance, the tracer study of
-- graduates, public applications, consent and the personal-data access log, and the live
-- training figures. Two new roles: instruktur (a BLKK's instructor) and peserta (a trainee).
-- Keep in step with migrations/postgres/0006_trainings.sql (a test compares the two).

-- SQLite cannot change a CHECK in place: rebuild users with the two new roles. References
-- to users are checked at commit (defer_foreign_keys), when the rows are back.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE users_copy AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'pembina', 'disnaker', 'forum', 'pengelola', 'mitra', 'instruktur', 'peserta')),
    org_id        INTEGER REFERENCES orgs(id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    org_admin     INTEGER NOT NULL DEFAULT 0,
    name_key      TEXT NOT NULL DEFAULT ''
);
INSERT INTO users SELECT * FROM users_copy;
DROP TABLE users_copy;
CREATE INDEX users_org ON users (org_id);
CREATE INDEX users_name_key ON users (name_key, id);
CREATE INDEX users_pending ON users (created_at) WHERE password_hash = '';

-- People who train at a BLKK. Personal data (NIK, birth date, phone, address) is protected
-- under UU PDP: only the person, their BLKK's users and ministry admins see it. Erasure
-- anonymises the row (NIK and contacts cleared) and keeps its sex, so the counts stay right.
CREATE TABLE persons (
    id         INTEGER PRIMARY KEY,
    nik        TEXT UNIQUE,
    name       TEXT NOT NULL,
    sex        TEXT NOT NULL CHECK (sex IN ('L', 'P')),
    birth_date TEXT,
    phone      TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    user_id    INTEGER UNIQUE REFERENCES users(id),
    erased_at  TEXT,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A training batch. Its BLKK's area is copied in so that the public search and the figures
-- filter by region with one index.
CREATE TABLE trainings (
    id            INTEGER PRIMARY KEY,
    centre_id     INTEGER NOT NULL REFERENCES centres(org_id),
    province_code TEXT NOT NULL,
    regency_code  TEXT NOT NULL,
    kejuruan      TEXT NOT NULL REFERENCES kejuruan(code),
    title         TEXT NOT NULL,
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    year          INTEGER NOT NULL,
    hours         INTEGER NOT NULL,
    quota         INTEGER NOT NULL,
    fee           INTEGER NOT NULL,
    funding       TEXT NOT NULL CHECK (funding IN ('pbk', 'apbn_lain', 'apbd', 'perusahaan', 'mitra', 'swadaya', 'lainnya')),
    partner_id    INTEGER REFERENCES orgs(id),
    venue         TEXT NOT NULL DEFAULT '',
    open_to_public INTEGER NOT NULL DEFAULT 1,
    enrolled      INTEGER NOT NULL DEFAULT 0,
    closed_at     TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (end_date >= start_date),
    CHECK (enrolled <= quota)
);
CREATE INDEX trainings_centre ON trainings (centre_id, start_date);
CREATE INDEX trainings_year ON trainings (year, province_code);
CREATE INDEX trainings_start ON trainings (start_date);
CREATE INDEX trainings_province ON trainings (province_code, start_date);
CREATE INDEX trainings_regency ON trainings (regency_code, start_date);
CREATE INDEX trainings_kejuruan ON trainings (kejuruan, start_date);

-- Who teaches a batch (users with the role instruktur of its BLKK).
CREATE TABLE training_instructors (
    training_id INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (training_id, user_id)
);
CREATE INDEX training_instructors_user ON training_instructors (user_id, training_id);

-- A person in a batch: their result, certificates, and where the tracer study stands.
-- The batch's BLKK and dates are copied in for the overlap check and the tracer list.
CREATE TABLE enrolments (
    id                  INTEGER PRIMARY KEY,
    training_id         INTEGER NOT NULL REFERENCES trainings(id),
    person_id           INTEGER NOT NULL REFERENCES persons(id),
    centre_id           INTEGER NOT NULL REFERENCES centres(org_id),
    start_date          TEXT NOT NULL,
    end_date            TEXT NOT NULL,
    result              TEXT CHECK (result IN ('kompeten', 'belum_kompeten', 'mengundurkan_diri')),
    certificate_no      TEXT UNIQUE,
    bnsp_certificate_no TEXT UNIQUE,
    latest_status       TEXT,
    latest_date         TEXT,
    next_due            TEXT,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (training_id, person_id)
);
CREATE INDEX enrolments_person ON enrolments (person_id, start_date);
CREATE INDEX enrolments_due ON enrolments (centre_id, next_due) WHERE next_due IS NOT NULL;

-- Attendance per session (a session is a day of the batch).
CREATE TABLE attendance (
    enrolment_id INTEGER NOT NULL REFERENCES enrolments(id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    present      INTEGER NOT NULL,
    PRIMARY KEY (enrolment_id, day)
);

-- What became of a graduate, as reported over time (the tracer study).
CREATE TABLE outcomes (
    id               INTEGER PRIMARY KEY,
    enrolment_id     INTEGER NOT NULL REFERENCES enrolments(id),
    status           TEXT NOT NULL CHECK (status IN ('bekerja', 'wirausaha', 'melanjutkan', 'belum_bekerja', 'tidak_terlacak')),
    date             TEXT NOT NULL,
    employer         TEXT NOT NULL DEFAULT '',
    partner_id       INTEGER REFERENCES orgs(id),
    sector           TEXT NOT NULL DEFAULT '',
    matches_training INTEGER,
    business_name    TEXT NOT NULL DEFAULT '',
    business_kind    TEXT NOT NULL DEFAULT '',
    employees        INTEGER,
    study            TEXT NOT NULL DEFAULT '',
    reported_by      TEXT NOT NULL CHECK (reported_by IN ('blkk', 'alumni', 'mitra')),
    recorded_by      INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL
);
CREATE INDEX outcomes_enrolment ON outcomes (enrolment_id, date);

-- Applications from the public; an accepted one becomes an enrolment.
CREATE TABLE applications (
    id           INTEGER PRIMARY KEY,
    training_id  INTEGER NOT NULL REFERENCES trainings(id),
    person_id    INTEGER NOT NULL REFERENCES persons(id),
    status       TEXT NOT NULL CHECK (status IN ('menunggu', 'diterima', 'ditolak')),
    motivation   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    decided_at   TEXT,
    decided_by   INTEGER REFERENCES users(id),
    UNIQUE (training_id, person_id)
);
CREATE INDEX applications_training ON applications (training_id, status, id);

-- Consent to process personal data: what, when, which version of the notice.
CREATE TABLE consents (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES persons(id),
    purpose        TEXT NOT NULL CHECK (purpose IN ('pendaftaran', 'pelatihan')),
    notice_version TEXT NOT NULL,
    training_id    INTEGER REFERENCES trainings(id),
    given_at       TEXT NOT NULL
);
CREATE INDEX consents_person ON consents (person_id, id);

-- Every view or export of a person's personal data by someone else (UU PDP Pasal 32).
CREATE TABLE personal_data_access (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    actor_id  INTEGER REFERENCES users(id),
    action    TEXT NOT NULL CHECK (action IN ('view', 'export', 'correct')),
    context   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX personal_data_access_person ON personal_data_access (person_id, id);

-- When graduates are followed up, in months after their batch ends (the ministry sets it).
CREATE TABLE tracer_schedule (
    months INTEGER PRIMARY KEY CHECK (months BETWEEN 1 AND 60)
);
INSERT INTO tracer_schedule (months) VALUES (1), (6), (12);

-- Live figures: per year (of the batch's start), BLKK, kejuruan, funding and sex ('' for
-- the batch counts), summed from each batch's tally; both written in the transaction of
-- every change to a batch, its trainees' results or their outcomes.
CREATE TABLE training_tallies (
    training_id    INTEGER NOT NULL REFERENCES trainings(id),
    sex            TEXT NOT NULL,
    year           INTEGER NOT NULL,
    centre_id      INTEGER NOT NULL,
    province_code  TEXT NOT NULL,
    regency_code   TEXT NOT NULL,
    kejuruan       TEXT NOT NULL,
    funding        TEXT NOT NULL,
    batches        INTEGER NOT NULL,
    trainees       INTEGER NOT NULL,
    kompeten       INTEGER NOT NULL,
    belum_kompeten INTEGER NOT NULL,
    mengundurkan_diri INTEGER NOT NULL,
    bekerja        INTEGER NOT NULL,
    wirausaha      INTEGER NOT NULL,
    melanjutkan    INTEGER NOT NULL,
    belum_bekerja  INTEGER NOT NULL,
    tidak_terlacak INTEGER NOT NULL,
    PRIMARY KEY (training_id, sex)
);
CREATE TABLE training_figures (
    year           INTEGER NOT NULL,
    centre_id      INTEGER NOT NULL,
    kejuruan       TEXT NOT NULL,
    funding        TEXT NOT NULL,
    sex            TEXT NOT NULL,
    province_code  TEXT NOT NULL,
    regency_code   TEXT NOT NULL,
    batches        INTEGER NOT NULL,
    trainees       INTEGER NOT NULL,
    kompeten       INTEGER NOT NULL,
    belum_kompeten INTEGER NOT NULL,
    mengundurkan_diri INTEGER NOT NULL,
    bekerja        INTEGER NOT NULL,
    wirausaha      INTEGER NOT NULL,
    melanjutkan    INTEGER NOT NULL,
    belum_bekerja  INTEGER NOT NULL,
    tidak_terlacak INTEGER NOT NULL,
    PRIMARY KEY (year, centre_id, kejuruan, funding, sex)
);
CREATE INDEX training_figures_province ON training_figures (year, province_code);
CREATE INDEX training_figures_regency ON training_figures (year, regency_code);
CREATE INDEX training_figures_centre ON training_figures (centre_id, year);
