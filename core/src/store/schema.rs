//! The schema, as a chain of migrations applied in order. Each migration is
//! applied inside one transaction with the others pending, and the schema
//! version lives in SQLite's `user_version`. Never edit a migration that has
//! shipped: add a new one at the end.

use rusqlite_migration::{Migrations, M};

const V1: &str = r#"
CREATE TABLE venue (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    address       TEXT NOT NULL DEFAULT '',
    access_notes  TEXT NOT NULL DEFAULT '',
    archived_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

-- "group" is an SQL keyword, hence the longer name.
CREATE TABLE practice_group (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description   TEXT NOT NULL DEFAULT '',
    venue_id      TEXT REFERENCES venue(id),
    weekday       INTEGER CHECK (weekday BETWEEN 1 AND 7),
    start_time    TEXT,
    end_time      TEXT,
    capacity      INTEGER CHECK (capacity > 0),
    facilitators  TEXT NOT NULL DEFAULT '',
    archived_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE attendee (
    id                          TEXT PRIMARY KEY NOT NULL,
    full_name                   TEXT NOT NULL CHECK (length(trim(full_name)) > 0),
    preferred_name              TEXT NOT NULL DEFAULT '',
    date_of_birth               TEXT,
    phone                       TEXT NOT NULL DEFAULT '',
    email                       TEXT NOT NULL DEFAULT '',
    carer_name                  TEXT NOT NULL DEFAULT '',
    access_needs                TEXT NOT NULL DEFAULT '',
    communication_needs         TEXT NOT NULL DEFAULT '',
    notes                       TEXT NOT NULL DEFAULT '',
    consent_participation       INTEGER NOT NULL DEFAULT 0,
    consent_participation_on    TEXT,
    consent_media               INTEGER NOT NULL DEFAULT 0,
    consent_media_on            TEXT,
    consent_share_outcomes      INTEGER NOT NULL DEFAULT 0,
    consent_share_outcomes_on   TEXT,
    archived_at                 TEXT,
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL
) STRICT;
CREATE INDEX attendee_by_name ON attendee (full_name COLLATE NOCASE);

CREATE TABLE referral (
    id                    TEXT PRIMARY KEY NOT NULL,
    attendee_id           TEXT NOT NULL REFERENCES attendee(id),
    source                TEXT NOT NULL,
    referrer_name         TEXT NOT NULL DEFAULT '',
    referrer_organisation TEXT NOT NULL DEFAULT '',
    received_on           TEXT NOT NULL,
    reasons               TEXT NOT NULL DEFAULT '[]',  -- JSON array of reason codes
    reason_notes          TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL,
    archived_at           TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;
CREATE INDEX referral_by_attendee ON referral (attendee_id, received_on);

CREATE TABLE referral_status_change (
    id           TEXT PRIMARY KEY NOT NULL,
    referral_id  TEXT NOT NULL REFERENCES referral(id),
    status       TEXT NOT NULL,
    changed_on   TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX status_change_by_referral ON referral_status_change (referral_id, changed_on);

CREATE TABLE membership (
    id           TEXT PRIMARY KEY NOT NULL,
    group_id     TEXT NOT NULL REFERENCES practice_group(id),
    attendee_id  TEXT NOT NULL REFERENCES attendee(id),
    joined_on    TEXT NOT NULL,
    left_on      TEXT CHECK (left_on IS NULL OR left_on >= joined_on),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX membership_by_group ON membership (group_id, joined_on);
CREATE INDEX membership_by_attendee ON membership (attendee_id);

CREATE TABLE session (
    id             TEXT PRIMARY KEY NOT NULL,
    group_id       TEXT NOT NULL REFERENCES practice_group(id),
    date           TEXT NOT NULL,
    start_time     TEXT NOT NULL,
    end_time       TEXT NOT NULL CHECK (end_time > start_time),
    venue_id       TEXT REFERENCES venue(id),
    status         TEXT NOT NULL CHECK (status IN ('planned', 'held', 'cancelled')),
    cancel_reason  TEXT,
    facilitators   TEXT NOT NULL DEFAULT '',
    archived_at    TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX session_by_group_date ON session (group_id, date);
CREATE INDEX session_by_date ON session (date, start_time);

CREATE TABLE attendance (
    id             TEXT PRIMARY KEY NOT NULL,
    session_id     TEXT NOT NULL REFERENCES session(id),
    attendee_id    TEXT NOT NULL REFERENCES attendee(id),
    mark           TEXT NOT NULL
                   CHECK (mark IN ('present', 'late', 'left_early', 'absent', 'apologies')),
    carer_present  INTEGER NOT NULL DEFAULT 0,
    walk_in        INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (session_id, attendee_id)
) STRICT;
CREATE INDEX attendance_by_attendee ON attendance (attendee_id);

CREATE TABLE session_note (
    id           TEXT PRIMARY KEY NOT NULL,
    session_id   TEXT NOT NULL UNIQUE REFERENCES session(id),
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
"#;

const V2_MUSIC: &str = r#"
CREATE TABLE track (
    id             TEXT PRIMARY KEY NOT NULL,
    title          TEXT NOT NULL,
    artist         TEXT NOT NULL DEFAULT '',
    album          TEXT NOT NULL DEFAULT '',
    year           INTEGER,
    duration_ms    INTEGER,
    sample_rate    INTEGER,
    channels       INTEGER,
    format         TEXT NOT NULL,
    original_name  TEXT NOT NULL,
    content_hash   TEXT NOT NULL UNIQUE,   -- blake3 of the file; names the library's copy
    file_name      TEXT NOT NULL,          -- the copy's name inside the library folder
    size_bytes     INTEGER NOT NULL,
    archived_at    TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX track_by_title ON track (title COLLATE NOCASE);

CREATE TABLE track_tag (
    track_id    TEXT NOT NULL REFERENCES track(id),
    tag         TEXT NOT NULL CHECK (length(tag) > 0),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (track_id, tag)
) STRICT;
CREATE INDEX track_tag_by_tag ON track_tag (tag);

CREATE TABLE playlist (
    id           TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('setlist', 'personal')),
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    group_id     TEXT REFERENCES practice_group(id),
    attendee_id  TEXT REFERENCES attendee(id),
    archived_at  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK ((kind = 'setlist' AND group_id IS NOT NULL AND attendee_id IS NULL)
        OR (kind = 'personal' AND attendee_id IS NOT NULL AND group_id IS NULL))
) STRICT;
CREATE INDEX playlist_by_group ON playlist (group_id);
CREATE INDEX playlist_by_attendee ON playlist (attendee_id);

CREATE TABLE playlist_entry (
    id           TEXT PRIMARY KEY NOT NULL,
    playlist_id  TEXT NOT NULL REFERENCES playlist(id),
    track_id     TEXT NOT NULL REFERENCES track(id),
    position     INTEGER NOT NULL CHECK (position >= 0),
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX playlist_entry_by_playlist ON playlist_entry (playlist_id, position);

ALTER TABLE session ADD COLUMN setlist_id TEXT REFERENCES playlist(id);
"#;

/// Indexes shaped for the screens' counts at a decade's scale (see
/// docs/benchmarks.md): who is a member on a date is answered from the
/// membership index alone, and a person's history from the attendance index.
const V3_INDEXES: &str = r#"
DROP INDEX membership_by_group;
CREATE INDEX membership_by_group ON membership (group_id, left_on, joined_on, attendee_id);
DROP INDEX membership_by_attendee;
CREATE INDEX membership_by_attendee ON membership (attendee_id, left_on, joined_on, group_id);
DROP INDEX session_by_group_date;
CREATE INDEX session_by_group_date ON session (group_id, date, start_time);
DROP INDEX attendance_by_attendee;
CREATE INDEX attendance_by_attendee
    ON attendance (attendee_id, session_id, mark, carer_present, walk_in);
"#;

/// Every migration, oldest first. Its length is the schema version this build
/// writes.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1).foreign_key_check(),
        M::up(V2_MUSIC).foreign_key_check(),
        M::up(V3_INDEXES),
    ])
}

/// The schema version this build of Refrain writes.
pub const SCHEMA_VERSION: u32 = 3;
