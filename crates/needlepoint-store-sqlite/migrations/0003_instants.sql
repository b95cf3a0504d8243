-- Needlepoint: appointments keep the instant beside the clinic's wall-clock time (RFC 3339, UTC),
-- taken from the clinic's time zone when booked; older bookings have none until rebooked.
-- Case-insensitive lookups are written `lower(x) = lower($1)` on every engine, so the lot index
-- is on that expression (as on PostgreSQL) and one statement serves both.

ALTER TABLE appointments ADD COLUMN starts_utc TEXT;
ALTER TABLE appointments ADD COLUMN ends_utc TEXT;

DROP INDEX lot_uses_by_lot;
CREATE INDEX lot_uses_by_lot ON lot_uses (lower(lot), used_on);
CREATE INDEX users_by_email ON users (lower(email));
