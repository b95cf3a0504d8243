-- Needlepoint on PostgreSQL: the first schema, the same tables and columns as the SQLite one.
-- Times are RFC 3339 text (UTC) unless named *_unix.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'practitioner', 'front_desk')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash        TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users (id),
    csrf_token        TEXT NOT NULL,
    created_at_unix   BIGINT NOT NULL,
    last_seen_at_unix BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE setup_tokens (
    token_hash      TEXT PRIMARY KEY,
    created_at_unix BIGINT NOT NULL,
    used_at_unix    BIGINT
);

CREATE TABLE clients (
    id           TEXT PRIMARY KEY,
    given_name   TEXT NOT NULL,
    family_name  TEXT NOT NULL,
    birth_date   TEXT NOT NULL,
    email        TEXT,
    phone        TEXT,
    -- Search keys: lower-cased (names, email); the phone's digits reversed, so that a search by
    -- the number's ending is an index range. Byte order ("C"), as in SQLite, whatever the
    -- database's locale: prefix ranges and the order of results depend on it.
    given_key    TEXT COLLATE "C" NOT NULL,
    family_key   TEXT COLLATE "C" NOT NULL,
    email_key    TEXT COLLATE "C",
    phone_key    TEXT COLLATE "C",
    version      BIGINT NOT NULL,
    archived     BIGINT NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX clients_by_family ON clients (family_key, given_key);
CREATE INDEX clients_by_given ON clients (given_key);
CREATE INDEX clients_by_email ON clients (email_key);
CREATE INDEX clients_by_phone ON clients (phone_key);
CREATE INDEX clients_by_birth_date ON clients (birth_date);

CREATE TABLE intakes (
    id               TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL REFERENCES clients (id),
    number           BIGINT NOT NULL,
    intake_json      TEXT NOT NULL,
    plan_json        TEXT NOT NULL,
    decision         TEXT NOT NULL,
    protocol_version TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       TEXT NOT NULL,
    UNIQUE (client_id, number)
);

CREATE TABLE depth_overrides (
    id                 TEXT PRIMARY KEY,
    intake_id          TEXT NOT NULL REFERENCES intakes (id),
    zone               TEXT NOT NULL,
    planned_hundredths BIGINT NOT NULL,
    outside_bounds     BIGINT NOT NULL,
    reason             TEXT,
    created_by         TEXT NOT NULL REFERENCES users (id),
    created_at         TEXT NOT NULL,
    CHECK (outside_bounds = 0 OR (reason IS NOT NULL AND length(trim(reason)) > 0))
);
CREATE INDEX depth_overrides_by_intake ON depth_overrides (intake_id);

CREATE TABLE consent_templates (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('treatment', 'photo')),
    version    BIGINT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (kind, version)
);

CREATE TABLE consents (
    id                TEXT PRIMARY KEY,
    client_id         TEXT NOT NULL REFERENCES clients (id),
    template_id       TEXT NOT NULL REFERENCES consent_templates (id),
    text_sha256       TEXT NOT NULL,
    scopes_json       TEXT NOT NULL,
    signer_name       TEXT NOT NULL,
    signature_svg     TEXT,
    witness_user_id   TEXT NOT NULL REFERENCES users (id),
    signed_at         TEXT NOT NULL,
    withdrawn_at      TEXT,
    withdrawn_by      TEXT REFERENCES users (id),
    withdrawal_reason TEXT
);
CREATE INDEX consents_by_client ON consents (client_id);

CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   TEXT,
    client_id TEXT,
    action    TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_by_client ON audit_log (client_id, seq);
CREATE INDEX audit_by_user ON audit_log (user_id, seq);

-- Case-insensitive uniqueness (SQLite: COLLATE NOCASE).
CREATE UNIQUE INDEX users_email_nocase ON users (lower(email));
