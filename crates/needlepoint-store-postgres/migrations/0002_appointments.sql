-- Needlepoint on PostgreSQL: the appointment book, as in the SQLite schema. Appointment times
-- are the clinic's wall-clock times ("YYYY-MM-DDTHH:MM:SS"), compared as text: that format
-- sorts in time order.

CREATE TABLE practitioner_licences (
    user_id              TEXT PRIMARY KEY REFERENCES users (id),
    licence_type         TEXT NOT NULL,
    max_depth_hundredths BIGINT NOT NULL CHECK (max_depth_hundredths BETWEEN 1 AND 1000),
    updated_at           TEXT NOT NULL
);

CREATE TABLE rooms (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE devices (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    model            TEXT NOT NULL,
    serial           TEXT NOT NULL UNIQUE,
    min_hundredths   BIGINT NOT NULL,
    max_hundredths   BIGINT NOT NULL,
    labelled_limits  TEXT NOT NULL DEFAULT '',
    last_serviced_on TEXT,
    service_due_on   TEXT,
    created_at       TEXT NOT NULL,
    CHECK (min_hundredths > 0 AND min_hundredths <= max_hundredths AND max_hundredths <= 1000)
);

CREATE TABLE appointments (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients (id),
    intake_id       TEXT NOT NULL REFERENCES intakes (id),
    practitioner_id TEXT NOT NULL REFERENCES users (id),
    room_id         TEXT NOT NULL REFERENCES rooms (id),
    device_id       TEXT NOT NULL REFERENCES devices (id),
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL,
    zones_json      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'done', 'cancelled', 'no_show')),
    status_reason   TEXT,
    early_reason    TEXT,
    version         BIGINT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX appointments_by_practitioner ON appointments (practitioner_id, starts_at);
CREATE INDEX appointments_by_room ON appointments (room_id, starts_at);
CREATE INDEX appointments_by_device ON appointments (device_id, starts_at);
CREATE INDEX appointments_by_client ON appointments (client_id, starts_at);

-- Clinic-wide settings the owner edits (opening hours), as JSON under a key.
CREATE TABLE clinic_settings (
    key        TEXT PRIMARY KEY,
    value_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Products approved for the skin's channels (glides) and for after the needling.
CREATE TABLE formulary (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    use        TEXT NOT NULL CHECK (use IN ('glide', 'post_procedure')),
    created_at TEXT NOT NULL
);

-- The treatment-room chart: one per appointment, saved as it goes, frozen at sign-off.
CREATE TABLE charts (
    id             TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL UNIQUE REFERENCES appointments (id),
    client_id      TEXT NOT NULL REFERENCES clients (id),
    chart_json     TEXT NOT NULL,
    version        BIGINT NOT NULL,
    cosigned_by    TEXT REFERENCES users (id),
    cosigned_at    TEXT,
    signed_by      TEXT REFERENCES users (id),
    signed_at      TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX charts_by_client ON charts (client_id, created_at);

-- A signed chart never changes: the store refuses the change (no triggers, so that
-- PostgreSQL-compatible distributed engines run the same schema).

CREATE TABLE chart_amendments (
    id         TEXT PRIMARY KEY,
    chart_id   TEXT NOT NULL REFERENCES charts (id),
    author_id  TEXT NOT NULL REFERENCES users (id),
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    text       TEXT NOT NULL CHECK (length(trim(text)) > 0),
    created_at TEXT NOT NULL
);
CREATE INDEX chart_amendments_by_chart ON chart_amendments (chart_id, created_at);

-- Every lot a signed chart used (cartridge, glide, post-procedure product), for recalls.
CREATE TABLE lot_uses (
    lot       TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('cartridge', 'glide', 'post_procedure')),
    product   TEXT NOT NULL,
    chart_id  TEXT NOT NULL REFERENCES charts (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    used_on   TEXT NOT NULL
);
CREATE INDEX lot_uses_by_lot ON lot_uses (lower(lot), used_on);

-- Private aftercare links: only a hash of the token is kept.
CREATE TABLE aftercare_links (
    token_hash      TEXT PRIMARY KEY,
    chart_id        TEXT NOT NULL REFERENCES charts (id),
    expires_at_unix BIGINT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL
);

-- Case-insensitive uniqueness (SQLite: COLLATE NOCASE).
CREATE UNIQUE INDEX rooms_name_nocase ON rooms (lower(name));
CREATE UNIQUE INDEX formulary_name_nocase ON formulary (lower(name));
