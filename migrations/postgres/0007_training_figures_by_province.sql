-- Training figures summed per province (year × province × kejuruan × funding × sex): the
-- national and province views read a few thousand rows a year here instead of every BLKK's.
-- Kept in the same transaction as training_figures, from the same tallies.
-- Keep in step with migrations/sqlite/0007_training_figures_by_province.sql.

CREATE TABLE training_figures_by_province (
    year           BIGINT NOT NULL,
    province_code  TEXT NOT NULL,
    kejuruan       TEXT NOT NULL,
    funding        TEXT NOT NULL,
    sex            TEXT NOT NULL,
    batches        BIGINT NOT NULL,
    trainees       BIGINT NOT NULL,
    kompeten       BIGINT NOT NULL,
    belum_kompeten BIGINT NOT NULL,
    mengundurkan_diri BIGINT NOT NULL,
    bekerja        BIGINT NOT NULL,
    wirausaha      BIGINT NOT NULL,
    melanjutkan    BIGINT NOT NULL,
    belum_bekerja  BIGINT NOT NULL,
    tidak_terlacak BIGINT NOT NULL,
    PRIMARY KEY (year, province_code, kejuruan, funding, sex)
);

INSERT INTO training_figures_by_province (year, province_code, kejuruan, funding, sex, batches,
    trainees, kompeten, belum_kompeten, mengundurkan_diri, bekerja, wirausaha, melanjutkan,
    belum_bekerja, tidak_terlacak)
SELECT year, province_code, kejuruan, funding, sex, SUM(batches), SUM(trainees), SUM(kompeten),
    SUM(belum_kompeten), SUM(mengundurkan_diri), SUM(bekerja), SUM(wirausaha), SUM(melanjutkan),
    SUM(belum_bekerja), SUM(tidak_terlacak)
FROM training_figures GROUP BY year, province_code, kejuruan, funding, sex;
