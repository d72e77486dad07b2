-- Foundation: reference areas, organisations, BLKK profiles, users, sessions, audit trail.
-- Keep in step with migrations/postgres/0001_foundation.sql (a test compares the two).

CREATE TABLE areas (
    code          TEXT PRIMARY KEY,
    level         INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    parent_code   TEXT REFERENCES areas(code),
    province_code TEXT NOT NULL,
    regency_code  TEXT,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL
);
CREATE INDEX areas_parent ON areas (parent_code, name);
CREATE INDEX areas_lookup ON areas (level, regency_code, name_key);

CREATE TABLE kejuruan (
    code    TEXT PRIMARY KEY,
    name_id TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort    INTEGER NOT NULL
);

CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('kementerian', 'uptp', 'disnaker', 'forum', 'mitra', 'blkk')),
    subtype    TEXT NOT NULL,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    area_code  TEXT REFERENCES areas(code),
    address    TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX orgs_kind_name ON orgs (kind, name_key);
CREATE INDEX orgs_area ON orgs (area_code);

CREATE TABLE centres (
    org_id        INTEGER PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
    reg_no        TEXT NOT NULL UNIQUE,
    host_name     TEXT NOT NULL,
    host_type     TEXT NOT NULL CHECK (host_type IN ('pesantren', 'keagamaan_lain', 'komunitas')),
    street        TEXT NOT NULL DEFAULT '',
    village_code  TEXT NOT NULL REFERENCES areas(code),
    district_code TEXT NOT NULL,
    regency_code  TEXT NOT NULL,
    province_code TEXT NOT NULL,
    latitude      REAL,
    longitude     REAL,
    year_built    INTEGER,
    aid_year      INTEGER NOT NULL,
    pembina_id    INTEGER REFERENCES orgs(id),
    head_name     TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('persiapan', 'aktif', 'tidak_aktif'))
);
CREATE INDEX centres_province ON centres (province_code);
CREATE INDEX centres_regency ON centres (regency_code);
CREATE INDEX centres_pembina ON centres (pembina_id);

CREATE TABLE centre_kejuruan (
    centre_id     INTEGER NOT NULL REFERENCES centres(org_id) ON DELETE CASCADE,
    kejuruan_code TEXT NOT NULL REFERENCES kejuruan(code),
    PRIMARY KEY (centre_id, kejuruan_code)
);
CREATE INDEX centre_kejuruan_code ON centre_kejuruan (kejuruan_code, centre_id);

CREATE TABLE forum_members (
    forum_id  INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    centre_id INTEGER NOT NULL REFERENCES centres(org_id) ON DELETE CASCADE,
    PRIMARY KEY (forum_id, centre_id)
);
CREATE INDEX forum_members_centre ON forum_members (centre_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'pembina', 'disnaker', 'forum', 'pengelola', 'mitra')),
    org_id        INTEGER REFERENCES orgs(id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER,
    data       TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor_id  INTEGER REFERENCES users(id),
    entity    TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action    TEXT NOT NULL,
    changes   TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
