-- The figures layer (src/kernel/figures.rs): every kept figure, per code, period and scope
-- node, changed in the transaction of each write that changes it. Filled on start-up by
-- counting from the records (`simandiri figures recount` does the same on demand).
-- The keys compare byte by byte whatever the database's collation: a node kind's rows are
-- read as one index range (`node >= 'province:' AND node < 'province;'`).
CREATE TABLE figures (
    code   TEXT COLLATE "C" NOT NULL,
    period TEXT COLLATE "C" NOT NULL,
    node   TEXT COLLATE "C" NOT NULL,
    value  BIGINT NOT NULL,
    PRIMARY KEY (code, period, node)
);
