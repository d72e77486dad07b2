-- Training figures summed per province (year × province × kejuruan × funding × sex): the
-- national and province views read a few thousand rows a year here instead of every BLKK's.
-- Kept in the same transaction as training_figures, from the same tallies.
-- Keep in step with migrations/postgres/0007_training_figures_by_province.sql.

CREATE TABLE training_figures_by_province (
    year           INTEGER NOT NULL,
    province_code  TEXT NOT NULL,
    kejuruan       TEXT NOT NULL,
    funding        TEXT NOT NULL,
    sex            TEXT NOT NULL,
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
    PRIMARY KEY (year, province_code, kejuruan, funding, sex)
);

INSERT INTO training_figures_by_province (year, province_code, kejuruan, funding, sex, batches,
    trainees, kompeten, belum_kompeten, mengundurkan_diri, bekerja, wirausaha, melanjutkan,
    belum_bekerja, tidak_terlacak)
SELECT year, province_code, kejuruan, funding, sex, SUM(batches), SUM(trainees), SUM(kompeten),
    SUM(belum_kompeten), SUM(mengundurkan_diri), SUM(bekerja), SUM(wirausaha), SUM(melanjutkan),
    SUM(belum_bekerja), SUM(tidak_terlacak)
FROM training_figures GROUP BY year, province_code, kejuruan, funding, sex;
