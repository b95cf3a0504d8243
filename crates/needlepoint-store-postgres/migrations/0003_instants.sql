-- Needlepoint: appointments keep the instant beside the clinic's wall-clock time (RFC 3339, UTC),
-- taken from the clinic's time zone when booked; older bookings have none until rebooked.

ALTER TABLE appointments ADD COLUMN starts_utc TEXT;
ALTER TABLE appointments ADD COLUMN ends_utc TEXT;
