-- Income by source: a BLKK's month, and what each source brought in it (whole rupiah).
CREATE TABLE income_months (
    id            INTEGER PRIMARY KEY,
    centre_id     INTEGER NOT NULL REFERENCES centres(org_id),
    month         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    own           INTEGER NOT NULL,
    total         INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (centre_id, month)
);

CREATE TABLE income_lines (
    month_id INTEGER NOT NULL REFERENCES income_months(id) ON DELETE CASCADE,
    source   TEXT NOT NULL CHECK (source IN ('biaya_pelatihan', 'kontrak', 'penjualan', 'sewa', 'donasi', 'pbk', 'apbd', 'pemerintah_lain')),
    amount   INTEGER NOT NULL CHECK (amount BETWEEN 0 AND 100000000000),
    PRIMARY KEY (month_id, source)
);

-- Each BLKK's year, kept in the same transaction as its months: the self-funding figures
-- read one row per BLKK and year.
CREATE TABLE income_years (
    year          INTEGER NOT NULL,
    centre_id     INTEGER NOT NULL REFERENCES centres(org_id),
    province_code TEXT NOT NULL,
    regency_code  TEXT NOT NULL,
    own           INTEGER NOT NULL,
    total         INTEGER NOT NULL,
    PRIMARY KEY (year, centre_id)
);
CREATE INDEX income_years_province ON income_years (year, province_code);
