-- Each public application's reference code, given to the applicant when they apply (and
-- given again, unchanged, when the same NIK applies again): ten letters of Crockford's base
-- 32 (50 random bits) as `K7M2Q-9XD4H`. Applications made before get one of the same kind.
ALTER TABLE applications ADD COLUMN code TEXT;
UPDATE applications SET code = (
    SELECT string_agg(CASE WHEN n = 6 THEN '-' ELSE substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', floor(random() * 32)::int + 1, 1) END, '' ORDER BY n)
    FROM generate_series(1, 11 + 0 * applications.id) AS n
);
CREATE UNIQUE INDEX applications_code ON applications (code);
