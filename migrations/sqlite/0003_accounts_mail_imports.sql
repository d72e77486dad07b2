-- Accounts managed in the app: organisation admins, invitations and password resets by
-- one-time tokens, an e-mail queue, and bulk imports with their progress and report.

-- A user of a UPTP, Disnaker or forum who manages the accounts of their organisation.
ALTER TABLE users ADD COLUMN org_admin INTEGER NOT NULL DEFAULT 0;
-- Names as search keys (lower case, letters and digits only), for prefix search in name
-- order; filled by the application (rows from before this change at start-up).
ALTER TABLE users ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX users_name_key ON users (name_key, id);
-- An invited user has no password until they accept: password_hash is '' until then.
CREATE INDEX users_pending ON users (created_at) WHERE password_hash = '';

-- One-time links, stored as the SHA-256 of the token; used once, then kept as history.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

-- Outgoing e-mail, sent by a worker (several processes may run one); the request that
-- queues a message never waits on SMTP.
CREATE TABLE mail_jobs (
    id           INTEGER PRIMARY KEY,
    to_addr      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    -- The body holds a secret (a one-time link): emptied once sent.
    secret       INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    run_at       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_error   TEXT,
    sent_at      TEXT,
    failed_at    TEXT
);
CREATE INDEX mail_jobs_due ON mail_jobs (run_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Bulk imports: the checked rows of an uploaded file (kept from the preview until it is
-- imported), progress while one runs, the report when it ends.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL CHECK (status IN ('preview', 'running', 'done', 'failed')),
    total       INTEGER NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    invited     INTEGER NOT NULL DEFAULT 0,
    rows        TEXT NOT NULL DEFAULT '[]',
    report      TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX imports_recent ON imports (created_by, id);

-- Recent changes, newest first, for the admin home.
CREATE INDEX audit_log_at ON audit_log (at);
