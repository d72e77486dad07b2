-- Aid programs (bantuan): the ministry's programs of a budget year, optionally for a region,
-- with the report types their recipients must send, and each BLKK's allocation.
CREATE TABLE aid_programs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('pbk', 'peralatan', 'inkubator', 'tkm')),
    budget_year INTEGER NOT NULL CHECK (budget_year BETWEEN 2000 AND 2100),
    area_code   TEXT REFERENCES areas(code),
    description TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (budget_year, name)
);

CREATE TABLE aid_program_obligations (
    program_id INTEGER NOT NULL REFERENCES aid_programs(id) ON DELETE CASCADE,
    type_id    INTEGER NOT NULL REFERENCES report_types(id),
    PRIMARY KEY (program_id, type_id)
);

CREATE TABLE aid_allocations (
    id              INTEGER PRIMARY KEY,
    program_id      INTEGER NOT NULL REFERENCES aid_programs(id) ON DELETE CASCADE,
    centre_id       INTEGER NOT NULL REFERENCES centres(org_id),
    amount_rupiah   INTEGER NOT NULL CHECK (amount_rupiah BETWEEN 0 AND 100000000000),
    packages        INTEGER NOT NULL CHECK (packages BETWEEN 0 AND 100),
    trainees_target INTEGER NOT NULL CHECK (trainees_target BETWEEN 0 AND 10000),
    kejuruan        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    UNIQUE (program_id, centre_id)
);
CREATE INDEX aid_allocations_centre ON aid_allocations (centre_id, program_id);
