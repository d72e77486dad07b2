-- The figures layer (src/kernel/figures.rs): every kept figure, per code, period and scope
-- node, changed in the transaction of each write that changes it. Filled on start-up by
-- counting from the records (`simandiri figures recount` does the same on demand).
CREATE TABLE figures (
    code   TEXT NOT NULL,
    period TEXT NOT NULL,
    node   TEXT NOT NULL,
    value  BIGINT NOT NULL,
    PRIMARY KEY (code, period, node)
);
