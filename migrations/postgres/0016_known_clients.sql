-- Devices (by the token of their device cookie) and client addresses an account signed in
-- from before, stored as SHA-256 hashes: their sign-in attempts are throttled on their own,
-- so failures from elsewhere cannot keep the owner out. Forgotten when unused for long.
CREATE TABLE known_clients (
    user_id     BIGINT NOT NULL REFERENCES users(id),
    client_hash TEXT NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, client_hash)
);
CREATE INDEX known_clients_seen ON known_clients (last_seen);
