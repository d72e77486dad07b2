-- What each BLKK knows about a person, and versions for every record that is changed in place.
-- Keep in step with migrations/sqlite/0015_person_records_versions.sql.

-- A person's name and contacts as one BLKK typed and keeps them (UU PDP purpose limitation):
-- a BLKK sees its own record of a person, never what another BLKK stored, until the person
-- confirms or shows they are present (`linked_at`). `persons` keeps the key (NIK, with the
-- sex and birth date it encodes) and the person's own data: what they gave first, and
-- their own corrections.
CREATE TABLE person_records (
    person_id  BIGINT NOT NULL REFERENCES persons(id),
    centre_id  BIGINT NOT NULL REFERENCES centres(org_id),
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    linked_at  TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, centre_id)
);
CREATE INDEX person_records_centre ON person_records (centre_id, person_id);

INSERT INTO person_records (person_id, centre_id, name, phone, address, email, created_at, updated_at)
SELECT DISTINCT e.person_id, e.centre_id, p.name, p.phone, p.address, p.email, p.created_at, p.updated_at
FROM enrolments e JOIN persons p ON p.id = e.person_id;

-- A code sent to the contact a person gave earlier, so a BLKK can show the person is
-- present before it links its record to the person's own data.
CREATE TABLE person_link_codes (
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    centre_id    BIGINT NOT NULL REFERENCES centres(org_id),
    code_hash    TEXT NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    requested_by BIGINT REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, centre_id)
);

-- An application shows the receiving BLKK only what the applicant typed.
ALTER TABLE applications ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN email TEXT NOT NULL DEFAULT '';
-- The applicant's NIK was new: the person was created by this application.
ALTER TABLE applications ADD COLUMN new_person BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE applications ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
UPDATE applications a SET name = p.name, phone = p.phone, address = p.address, email = p.email
FROM persons p WHERE p.id = a.person_id;

-- Every update of an account names the version it was based on.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- Versions of settings that are not rows of their own (the tracer schedule).
CREATE TABLE setting_versions (
    key     TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO setting_versions (key, version) VALUES ('tracer_schedule', 1);
