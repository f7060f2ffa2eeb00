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

/// Outcomes and clinical notes: practitioners, the therapist's own measures
/// (each version kept), the instruments a group uses, recorded answers, and
/// notes that cannot be changed once signed (enforced here by triggers, not
/// only by the code above). The old one-per-session group note moves into
/// `note` as a draft.
const V4_OUTCOMES_NOTES: &str = r#"
CREATE TABLE practitioner (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    hcpc_number   TEXT NOT NULL DEFAULT '',
    archived_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

-- Every version of a therapist's own measure; scores name key and version.
CREATE TABLE custom_instrument (
    id            TEXT PRIMARY KEY NOT NULL,
    key           TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version > 0),
    definition    TEXT NOT NULL,            -- JSON of outcomes::Instrument
    archived_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (key, version)
) STRICT;

CREATE TABLE group_instrument (
    group_id        TEXT NOT NULL REFERENCES practice_group(id),
    instrument_key  TEXT NOT NULL,
    rater           TEXT NOT NULL CHECK (rater IN ('self', 'therapist', 'carer', 'staff')),
    position        INTEGER NOT NULL CHECK (position >= 0),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (group_id, instrument_key)
) STRICT;

CREATE TABLE score_set (
    id                  TEXT PRIMARY KEY NOT NULL,
    attendee_id         TEXT NOT NULL REFERENCES attendee(id),
    session_id          TEXT REFERENCES session(id),
    instrument_key      TEXT NOT NULL,
    instrument_version  TEXT NOT NULL,
    timing              TEXT NOT NULL
                        CHECK (timing IN ('before', 'after', 'intake', 'review', 'discharge')),
    rater               TEXT NOT NULL CHECK (rater IN ('self', 'therapist', 'carer', 'staff')),
    rater_name          TEXT NOT NULL DEFAULT '',
    taken_on            TEXT NOT NULL,
    complete            INTEGER NOT NULL CHECK (complete IN (0, 1)),
    archived_at         TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK ((timing IN ('before', 'after')) = (session_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX score_set_one_per_session
    ON score_set (session_id, attendee_id, instrument_key, timing, rater)
    WHERE session_id IS NOT NULL AND archived_at IS NULL;
CREATE INDEX score_set_by_attendee ON score_set (attendee_id, instrument_key, taken_on);

CREATE TABLE score_answer (
    score_set_id  TEXT NOT NULL REFERENCES score_set(id),
    item_key      TEXT NOT NULL,
    value         INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (score_set_id, item_key)
) STRICT;

CREATE TABLE note (
    id            TEXT PRIMARY KEY NOT NULL,
    session_id    TEXT NOT NULL REFERENCES session(id),
    attendee_id   TEXT REFERENCES attendee(id),   -- NULL: the session's group note
    author_id     TEXT REFERENCES practitioner(id),
    body          TEXT NOT NULL DEFAULT '',
    signed_at     TEXT,
    signed_by     TEXT REFERENCES practitioner(id),
    signer_name   TEXT,
    signer_hcpc   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((signed_at IS NULL) = (signed_by IS NULL)),
    CHECK (signed_at IS NULL OR (signer_name IS NOT NULL AND signer_hcpc IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX note_one_per_person ON note (session_id, ifnull(attendee_id, ''));
CREATE INDEX note_by_attendee ON note (attendee_id, session_id);

CREATE TABLE note_amendment (
    id            TEXT PRIMARY KEY NOT NULL,
    note_id       TEXT NOT NULL REFERENCES note(id),
    body          TEXT NOT NULL CHECK (length(trim(body)) > 0),
    reason        TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    author_id     TEXT NOT NULL REFERENCES practitioner(id),
    author_name   TEXT NOT NULL,
    author_hcpc   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX amendment_by_note ON note_amendment (note_id, created_at);

-- A signed note is final: no change and no removal, whoever asks.
CREATE TRIGGER note_signed_is_final BEFORE UPDATE ON note
    WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'refrain: signed note is final');
END;
CREATE TRIGGER note_signed_is_kept BEFORE DELETE ON note
    WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'refrain: signed note is final');
END;
CREATE TRIGGER amendment_is_final BEFORE UPDATE ON note_amendment
BEGIN
    SELECT RAISE(ABORT, 'refrain: signed note is final');
END;
CREATE TRIGGER amendment_is_kept BEFORE DELETE ON note_amendment
BEGIN
    SELECT RAISE(ABORT, 'refrain: signed note is final');
END;
CREATE TRIGGER amendment_needs_signed_note BEFORE INSERT ON note_amendment
    WHEN (SELECT signed_at FROM note WHERE id = NEW.note_id) IS NULL
BEGIN
    SELECT RAISE(ABORT, 'refrain: only a signed note is amended');
END;

-- Full-text search over notes and amendments, kept in step by triggers.
CREATE VIRTUAL TABLE note_text USING fts5(
    note_id UNINDEXED,
    amendment_id UNINDEXED,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Where each note's text sits in note_text, so an autosave rewrites one row
-- of the index instead of looking through all of it.
CREATE TABLE note_text_key (
    note_id     TEXT PRIMARY KEY NOT NULL,
    text_rowid  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TRIGGER note_text_insert AFTER INSERT ON note
BEGIN
    INSERT INTO note_text (note_id, amendment_id, body) VALUES (NEW.id, NULL, NEW.body);
    INSERT INTO note_text_key (note_id, text_rowid) VALUES (NEW.id, last_insert_rowid());
END;
CREATE TRIGGER note_text_update AFTER UPDATE OF body ON note
    WHEN OLD.body IS NOT NEW.body
BEGIN
    UPDATE note_text SET body = NEW.body
     WHERE rowid = (SELECT text_rowid FROM note_text_key WHERE note_id = NEW.id);
END;
CREATE TRIGGER note_text_delete AFTER DELETE ON note
BEGIN
    DELETE FROM note_text
     WHERE rowid = (SELECT text_rowid FROM note_text_key WHERE note_id = OLD.id);
    DELETE FROM note_text_key WHERE note_id = OLD.id;
END;
CREATE TRIGGER amendment_text_insert AFTER INSERT ON note_amendment
BEGIN
    INSERT INTO note_text (note_id, amendment_id, body) VALUES (NEW.note_id, NEW.id, NEW.body);
END;

INSERT INTO note (id, session_id, attendee_id, author_id, body, created_at, updated_at)
    SELECT id, session_id, NULL, NULL, body, created_at, updated_at FROM session_note;
DROP TABLE session_note;
"#;

/// The audit log: who changed which record, and when, written by triggers so
/// that no change can skip it. It holds ids and what was done, never a name
/// or a note's words. The practitioner is `refrain_actor()`, an SQL function
/// the store registers on its connection (see `Store::set_actor`); any other
/// connection that writes must register it too (`register_sql_functions`).
/// A group's choice of measures is logged against the group's id; an
/// amendment against its note.
const V5_AUDIT: &str = r#"
CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    practitioner_id  TEXT,
    record_table     TEXT NOT NULL,
    record_id        TEXT NOT NULL,
    action           TEXT NOT NULL
                     CHECK (action IN ('created', 'changed', 'archived', 'signed', 'amended', 'removed'))
) STRICT;
CREATE INDEX audit_log_by_record ON audit_log (record_table, record_id);
CREATE INDEX audit_log_by_time ON audit_log (at);

CREATE TRIGGER audit_venue_insert AFTER INSERT ON venue
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'venue', NEW.id,
            'created');
END;
CREATE TRIGGER audit_venue_update AFTER UPDATE ON venue
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'venue', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_venue_delete AFTER DELETE ON venue
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'venue', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_practice_group_insert AFTER INSERT ON practice_group
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'practice_group', NEW.id,
            'created');
END;
CREATE TRIGGER audit_practice_group_update AFTER UPDATE ON practice_group
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'practice_group', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_practice_group_delete AFTER DELETE ON practice_group
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'practice_group', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_attendee_insert AFTER INSERT ON attendee
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'attendee', NEW.id,
            'created');
END;
CREATE TRIGGER audit_attendee_update AFTER UPDATE ON attendee
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'attendee', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_attendee_delete AFTER DELETE ON attendee
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'attendee', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_referral_insert AFTER INSERT ON referral
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'referral', NEW.id,
            'created');
END;
CREATE TRIGGER audit_referral_update AFTER UPDATE ON referral
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'referral', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_referral_delete AFTER DELETE ON referral
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'referral', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_referral_status_change_insert AFTER INSERT ON referral_status_change
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'referral_status_change', NEW.id,
            'created');
END;
CREATE TRIGGER audit_referral_status_change_update AFTER UPDATE ON referral_status_change
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'referral_status_change', NEW.id,
            'changed');
END;
CREATE TRIGGER audit_referral_status_change_delete AFTER DELETE ON referral_status_change
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'referral_status_change', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_membership_insert AFTER INSERT ON membership
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'membership', NEW.id,
            'created');
END;
CREATE TRIGGER audit_membership_update AFTER UPDATE ON membership
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'membership', NEW.id,
            'changed');
END;
CREATE TRIGGER audit_membership_delete AFTER DELETE ON membership
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'membership', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_session_insert AFTER INSERT ON session
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'session', NEW.id,
            'created');
END;
CREATE TRIGGER audit_session_update AFTER UPDATE ON session
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'session', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_session_delete AFTER DELETE ON session
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'session', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_attendance_insert AFTER INSERT ON attendance
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'attendance', NEW.id,
            'created');
END;
CREATE TRIGGER audit_attendance_update AFTER UPDATE ON attendance
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'attendance', NEW.id,
            'changed');
END;
CREATE TRIGGER audit_attendance_delete AFTER DELETE ON attendance
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'attendance', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_note_insert AFTER INSERT ON note
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'note', NEW.id,
            'created');
END;
-- A draft is saved as it is typed (every second or so): its changes by one
-- practitioner are logged once per ten minutes, not once per save.
CREATE TRIGGER audit_note_update AFTER UPDATE ON note
    WHEN NEW.signed_at IS NOT NULL OR NOT EXISTS (
        SELECT 1 FROM audit_log
         WHERE record_table = 'note' AND record_id = NEW.id
           AND action IN ('created', 'changed')
           AND practitioner_id IS refrain_actor()
           AND at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-10 minutes'))
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'note', NEW.id,
            CASE WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
                 THEN 'signed' ELSE 'changed' END);
END;
CREATE TRIGGER audit_note_delete AFTER DELETE ON note
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'note', OLD.id,
            'removed');
END;
-- An amendment is logged against the note it amends (amendments are
-- never changed or removed: the V4 triggers refuse it).
CREATE TRIGGER audit_note_amendment_insert AFTER INSERT ON note_amendment
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'note', NEW.note_id,
            'amended');
END;
CREATE TRIGGER audit_score_set_insert AFTER INSERT ON score_set
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'score_set', NEW.id,
            'created');
END;
CREATE TRIGGER audit_score_set_update AFTER UPDATE ON score_set
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'score_set', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_score_set_delete AFTER DELETE ON score_set
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'score_set', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_practitioner_insert AFTER INSERT ON practitioner
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'practitioner', NEW.id,
            'created');
END;
CREATE TRIGGER audit_practitioner_update AFTER UPDATE ON practitioner
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'practitioner', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_practitioner_delete AFTER DELETE ON practitioner
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'practitioner', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_playlist_insert AFTER INSERT ON playlist
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'playlist', NEW.id,
            'created');
END;
CREATE TRIGGER audit_playlist_update AFTER UPDATE ON playlist
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'playlist', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_playlist_delete AFTER DELETE ON playlist
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'playlist', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_track_insert AFTER INSERT ON track
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'track', NEW.id,
            'created');
END;
CREATE TRIGGER audit_track_update AFTER UPDATE ON track
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'track', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_track_delete AFTER DELETE ON track
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'track', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_group_instrument_insert AFTER INSERT ON group_instrument
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'group_instrument', NEW.group_id,
            'created');
END;
CREATE TRIGGER audit_group_instrument_update AFTER UPDATE ON group_instrument
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'group_instrument', NEW.group_id,
            'changed');
END;
CREATE TRIGGER audit_group_instrument_delete AFTER DELETE ON group_instrument
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'group_instrument', OLD.group_id,
            'removed');
END;
CREATE TRIGGER audit_custom_instrument_insert AFTER INSERT ON custom_instrument
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'custom_instrument', NEW.id,
            'created');
END;
CREATE TRIGGER audit_custom_instrument_update AFTER UPDATE ON custom_instrument
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'custom_instrument', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_custom_instrument_delete AFTER DELETE ON custom_instrument
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'custom_instrument', OLD.id,
            'removed');
END;
"#;

/// Erasure on request: a person's personal data removed, leaving an anonymous
/// record so past sessions keep their counts. `erasure` says when, why and by
/// whom; a signed note (and its amendments) may be deleted only for a person
/// with an erasure row, and an erased record can't be changed again. The
/// erasure is logged against the person's id as "removed".
const V6_ERASURE: &str = r#"
CREATE TABLE erasure (
    attendee_id      TEXT PRIMARY KEY NOT NULL REFERENCES attendee(id),
    erased_at        TEXT NOT NULL,
    reason           TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    practitioner_id  TEXT REFERENCES practitioner(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

DROP TRIGGER note_signed_is_kept;
CREATE TRIGGER note_signed_is_kept BEFORE DELETE ON note
    WHEN OLD.signed_at IS NOT NULL
     AND (OLD.attendee_id IS NULL
          OR OLD.attendee_id NOT IN (SELECT attendee_id FROM erasure))
BEGIN
    SELECT RAISE(ABORT, 'refrain: signed note is final');
END;
DROP TRIGGER amendment_is_kept;
CREATE TRIGGER amendment_is_kept BEFORE DELETE ON note_amendment
    WHEN NOT EXISTS (SELECT 1 FROM note n JOIN erasure e ON e.attendee_id = n.attendee_id
                      WHERE n.id = OLD.note_id)
BEGIN
    SELECT RAISE(ABORT, 'refrain: signed note is final');
END;

CREATE TRIGGER erased_stays_erased BEFORE UPDATE ON attendee
    WHEN OLD.id IN (SELECT attendee_id FROM erasure)
BEGIN
    SELECT RAISE(ABORT, 'refrain: erased');
END;

CREATE TRIGGER audit_erasure_insert AFTER INSERT ON erasure
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'attendee',
            NEW.attendee_id, 'removed');
END;
"#;

/// A session's music falls back to the setlist of the group's latest
/// session that had one: this finds those sessions without reading the
/// others.
const V7_SESSION_MUSIC: &str = r#"
CREATE INDEX session_with_setlist ON session (group_id, date, start_time)
    WHERE setlist_id IS NOT NULL;
"#;

/// Team sharing (core/src/sync/). Rows that two laptops may both create meet
/// on their primary key: a mark's id is its session and person, a
/// membership's its group, person and joining date (the audit log's entries
/// follow the new ids; the id change itself is not logged as an edit). The
/// `sync_*` tables are this laptop's own bookkeeping and never leave it: the
/// spaces it holds, its device id and clock, each synced column's clock,
/// deletions, the outbox of captured changes waiting to be written out, the
/// change files seen, rows waiting for a parent, and what the merge rules
/// decided.
const V8_SYNC: &str = r#"
DROP TRIGGER audit_attendance_update;
UPDATE audit_log
   SET record_id = (SELECT a.session_id || '/' || a.attendee_id FROM attendance a
                     WHERE a.id = audit_log.record_id)
 WHERE record_table = 'attendance' AND record_id IN (SELECT id FROM attendance);
UPDATE attendance SET id = session_id || '/' || attendee_id;
CREATE TRIGGER audit_attendance_update AFTER UPDATE ON attendance
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'attendance', NEW.id,
            'changed');
END;

DROP TRIGGER audit_membership_update;
UPDATE audit_log
   SET record_id = (SELECT m.group_id || '/' || m.attendee_id || '/' || m.joined_on
                      FROM membership m WHERE m.id = audit_log.record_id)
 WHERE record_table = 'membership' AND record_id IN (SELECT id FROM membership);
UPDATE membership SET id = group_id || '/' || attendee_id || '/' || joined_on;
CREATE TRIGGER audit_membership_update AFTER UPDATE ON membership
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'membership', NEW.id,
            'changed');
END;

-- A track is keyed by its file's content, so two laptops that bring in the
-- same song (the sample music, the same CD) make one track.
PRAGMA defer_foreign_keys = ON;
UPDATE playlist_entry
   SET track_id = (SELECT 'track-' || t.content_hash FROM track t WHERE t.id = playlist_entry.track_id);
UPDATE track_tag
   SET track_id = (SELECT 'track-' || t.content_hash FROM track t WHERE t.id = track_tag.track_id);
UPDATE audit_log
   SET record_id = (SELECT 'track-' || t.content_hash FROM track t WHERE t.id = audit_log.record_id)
 WHERE record_table = 'track' AND record_id IN (SELECT id FROM track);
DROP TRIGGER audit_track_update;
UPDATE track SET id = 'track-' || content_hash;
CREATE TRIGGER audit_track_update AFTER UPDATE ON track
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'track', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;

CREATE TABLE sync_state (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
) STRICT;

-- A signed note is still final, with one exception made by the merge rules
-- alone: when two laptops signed different versions of one note while
-- apart, the earlier signature stands everywhere (the other version is kept
-- in sync_decision). The merge names that one note in sync_state for the
-- length of its own statement.
DROP TRIGGER note_signed_is_final;
CREATE TRIGGER note_signed_is_final BEFORE UPDATE ON note
    WHEN OLD.signed_at IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM sync_state
                      WHERE key = 'replacing_signed_note' AND value = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'refrain: signed note is final');
END;

-- A snapshot is a copy of records made elsewhere, not a change made here:
-- while one is applied, its rows are not logged one by one (sync_file
-- records the snapshot as applied).
CREATE TRIGGER audit_log_quiet_during_snapshot BEFORE INSERT ON audit_log
    WHEN EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying_snapshot')
BEGIN
    SELECT RAISE(IGNORE);
END;

CREATE TABLE sync_space (
    id         TEXT PRIMARY KEY NOT NULL,   -- 'office' or 'group-<group id>'
    key_check  TEXT NOT NULL,               -- keyed hash that tells the right key file
    joined_at  TEXT NOT NULL
) STRICT;

CREATE TABLE sync_clock (
    tbl  TEXT NOT NULL,
    pk   TEXT NOT NULL,
    col  TEXT NOT NULL,
    hlc  TEXT NOT NULL,
    PRIMARY KEY (tbl, pk, col)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_tombstone (
    tbl  TEXT NOT NULL,
    pk   TEXT NOT NULL,
    hlc  TEXT NOT NULL,
    PRIMARY KEY (tbl, pk)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_outbox (
    seq    INTEGER PRIMARY KEY,
    space  TEXT NOT NULL,
    entry  BLOB NOT NULL                    -- one transaction's rows for that space (JSON)
) STRICT;

CREATE TABLE sync_file (
    space    TEXT NOT NULL,
    device   TEXT NOT NULL,
    name     TEXT NOT NULL,
    state    TEXT NOT NULL CHECK (state IN ('applied', 'written', 'refused', 'held')),
    message  TEXT NOT NULL DEFAULT '',
    at       TEXT NOT NULL,
    PRIMARY KEY (space, device, name)
) STRICT;

CREATE TABLE sync_parked (
    tbl    TEXT NOT NULL,
    pk     TEXT NOT NULL,
    row    BLOB NOT NULL,
    PRIMARY KEY (tbl, pk)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_decision (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    device   TEXT NOT NULL,          -- the laptop whose change it was
    actor    TEXT,                   -- who made that change there
    tbl      TEXT NOT NULL,
    pk       TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('overwritten', 'kept', 'refused', 'erased', 'dropped')),
    detail   TEXT NOT NULL
) STRICT;
CREATE INDEX sync_decision_by_record ON sync_decision (tbl, pk);
"#;

/// Answering referrals in time: the practice's settings (the first-answer
/// deadline, in days, under `referral_response_days`; a missing key means
/// the default) and the reason a referral was declined, kept on the status
/// change that declined it.
const V9_REFERRAL_ANSWERS: &str = r#"
CREATE TABLE practice_setting (
    key         TEXT PRIMARY KEY NOT NULL,
    value       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

ALTER TABLE referral_status_change ADD COLUMN decline_reason TEXT
    CHECK (decline_reason IS NULL
           OR (status = 'declined'
               AND decline_reason IN ('not_suitable', 'no_place', 'could_not_contact',
                                      'person_declined', 'other')));

CREATE TRIGGER audit_practice_setting_insert AFTER INSERT ON practice_setting
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'practice_setting', NEW.key,
            'created');
END;
CREATE TRIGGER audit_practice_setting_update AFTER UPDATE ON practice_setting
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'practice_setting', NEW.key,
            'changed');
END;
"#;

/// Personal music: a person's music life story (one per person), the songs
/// and artists they must not hear (each with why), playlist prescriptions on
/// referrals with their status history, the listening log (how each song
/// went), and a personal playlist's review date. Audited like every
/// clinical record; an erased person can't be given a story or an avoid
/// entry again.
const V10_PERSONAL_MUSIC: &str = r#"
CREATE TABLE music_story (
    id                 TEXT PRIMARY KEY NOT NULL,
    attendee_id        TEXT NOT NULL UNIQUE REFERENCES attendee(id),
    birth_year         INTEGER CHECK (birth_year BETWEEN 1850 AND 2200),
    places             TEXT NOT NULL DEFAULT '',
    languages          TEXT NOT NULL DEFAULT '',
    music_meant        TEXT NOT NULL DEFAULT '',
    favourite_genres   TEXT NOT NULL DEFAULT '',
    favourite_artists  TEXT NOT NULL DEFAULT '',
    favourite_songs    TEXT NOT NULL DEFAULT '',
    how_they_listen    TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;

CREATE TABLE music_avoid (
    id           TEXT PRIMARY KEY NOT NULL,
    attendee_id  TEXT NOT NULL REFERENCES attendee(id),
    kind         TEXT NOT NULL CHECK (kind IN ('song', 'artist')),
    track_id     TEXT REFERENCES track(id),
    title        TEXT NOT NULL DEFAULT '',
    artist       TEXT NOT NULL DEFAULT '',
    why          TEXT NOT NULL CHECK (length(trim(why)) > 0),
    archived_at  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK ((kind = 'song' AND length(trim(title)) > 0)
        OR (kind = 'artist' AND length(trim(artist)) > 0 AND track_id IS NULL AND title = ''))
) STRICT;
CREATE INDEX music_avoid_by_attendee ON music_avoid (attendee_id) WHERE archived_at IS NULL;

CREATE TRIGGER music_story_not_for_erased_insert BEFORE INSERT ON music_story
    WHEN NEW.attendee_id IN (SELECT attendee_id FROM erasure)
BEGIN
    SELECT RAISE(ABORT, 'refrain: erased');
END;
CREATE TRIGGER music_story_not_for_erased_update BEFORE UPDATE ON music_story
    WHEN NEW.attendee_id IN (SELECT attendee_id FROM erasure)
BEGIN
    SELECT RAISE(ABORT, 'refrain: erased');
END;
CREATE TRIGGER music_avoid_not_for_erased_insert BEFORE INSERT ON music_avoid
    WHEN NEW.attendee_id IN (SELECT attendee_id FROM erasure)
BEGIN
    SELECT RAISE(ABORT, 'refrain: erased');
END;
CREATE TRIGGER music_avoid_not_for_erased_update BEFORE UPDATE ON music_avoid
    WHEN NEW.attendee_id IN (SELECT attendee_id FROM erasure)
BEGIN
    SELECT RAISE(ABORT, 'refrain: erased');
END;
CREATE TRIGGER audit_music_story_insert AFTER INSERT ON music_story
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'music_story', NEW.id,
            'created');
END;
CREATE TRIGGER audit_music_story_update AFTER UPDATE ON music_story
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'music_story', NEW.id,
            'changed');
END;
CREATE TRIGGER audit_music_story_delete AFTER DELETE ON music_story
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'music_story', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_music_avoid_insert AFTER INSERT ON music_avoid
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'music_avoid', NEW.id,
            'created');
END;
CREATE TRIGGER audit_music_avoid_update AFTER UPDATE ON music_avoid
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'music_avoid', NEW.id,
            CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL
                 THEN 'archived' ELSE 'changed' END);
END;
CREATE TRIGGER audit_music_avoid_delete AFTER DELETE ON music_avoid
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'music_avoid', OLD.id,
            'removed');
END;

CREATE TABLE playlist_prescription (
    id             TEXT PRIMARY KEY NOT NULL,
    referral_id    TEXT NOT NULL UNIQUE REFERENCES referral(id),
    purposes       TEXT NOT NULL DEFAULT '[]',  -- JSON array of purpose codes
    purpose_notes  TEXT NOT NULL DEFAULT '',
    known_story    TEXT NOT NULL DEFAULT '',
    avoid_notes    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL
                   CHECK (status IN ('requested', 'being_built', 'tried', 'handed_over', 'reviewed')),
    playlist_id    TEXT REFERENCES playlist(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX prescription_waiting ON playlist_prescription (status)
    WHERE status IN ('requested', 'being_built');

CREATE TABLE prescription_status_change (
    id               TEXT PRIMARY KEY NOT NULL,
    prescription_id  TEXT NOT NULL REFERENCES playlist_prescription(id),
    status           TEXT NOT NULL
                     CHECK (status IN ('requested', 'being_built', 'tried', 'handed_over', 'reviewed')),
    changed_on       TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX prescription_status_by_prescription
    ON prescription_status_change (prescription_id, changed_on);

CREATE TRIGGER audit_playlist_prescription_insert AFTER INSERT ON playlist_prescription
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'playlist_prescription', NEW.id,
            'created');
END;
CREATE TRIGGER audit_playlist_prescription_update AFTER UPDATE ON playlist_prescription
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'playlist_prescription', NEW.id,
            'changed');
END;
CREATE TRIGGER audit_playlist_prescription_delete AFTER DELETE ON playlist_prescription
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'playlist_prescription', OLD.id,
            'removed');
END;
CREATE TRIGGER audit_prescription_status_change_insert AFTER INSERT ON prescription_status_change
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'prescription_status_change', NEW.id,
            'created');
END;
CREATE TRIGGER audit_prescription_status_change_update AFTER UPDATE ON prescription_status_change
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'prescription_status_change', NEW.id,
            'changed');
END;
CREATE TRIGGER audit_prescription_status_change_delete AFTER DELETE ON prescription_status_change
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'prescription_status_change', OLD.id,
            'removed');
END;

-- How a song went for a person: a response on the guide's 0 to 5 scale (no
-- recognition to a specific memory), or distress, or both; in a session or
-- at home (a family's diary).
CREATE TABLE listening (
    id           TEXT PRIMARY KEY NOT NULL,
    attendee_id  TEXT NOT NULL REFERENCES attendee(id),
    track_id     TEXT NOT NULL REFERENCES track(id),
    heard_on     TEXT NOT NULL,
    place        TEXT NOT NULL CHECK (place IN ('session', 'home')),
    response     INTEGER CHECK (response BETWEEN 0 AND 5),
    distress     INTEGER NOT NULL DEFAULT 0 CHECK (distress IN (0, 1)),
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (response IS NOT NULL OR distress = 1)
) STRICT;
CREATE INDEX listening_by_person ON listening (attendee_id, track_id, heard_on);
CREATE TRIGGER listening_not_for_erased_insert BEFORE INSERT ON listening
    WHEN NEW.attendee_id IN (SELECT attendee_id FROM erasure)
BEGIN
    SELECT RAISE(ABORT, 'refrain: erased');
END;

CREATE TRIGGER audit_listening_insert AFTER INSERT ON listening
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'listening', NEW.id,
            'created');
END;
CREATE TRIGGER audit_listening_update AFTER UPDATE ON listening
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'listening', NEW.id,
            'changed');
END;
CREATE TRIGGER audit_listening_delete AFTER DELETE ON listening
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'listening', OLD.id,
            'removed');
END;

-- When to look again at how a personal playlist is working.
ALTER TABLE playlist ADD COLUMN review_on TEXT;
CREATE INDEX playlist_review_due ON playlist (review_on) WHERE review_on IS NOT NULL;
"#;

/// When this laptop last showed a person's page or a session's register
/// (milliseconds, this laptop's clock): a record changed on another of the
/// team's laptops since then carries a sign. Never shared.
const V15_RECORD_SEEN: &str = r#"
CREATE TABLE record_seen (
    what     TEXT NOT NULL CHECK (what IN ('person', 'register')),
    id       TEXT NOT NULL,
    seen_ms  INTEGER NOT NULL,
    PRIMARY KEY (what, id)
) STRICT, WITHOUT ROWID;
"#;

/// Team sharing, part 2: Refrain's own Syncthing carries the team's files.
/// The hub is named by its Syncthing device ID as well as its address; a
/// laptop keeps its own device ID, and what the invitation said of the
/// office and the hub until the team's roster arrives.
const V14_CARRIER: &str = r#"
ALTER TABLE team_info ADD COLUMN hub_id TEXT;
ALTER TABLE team_self ADD COLUMN carrier_id TEXT;
ALTER TABLE team_self ADD COLUMN invited_office_carrier_id TEXT;
ALTER TABLE team_self ADD COLUMN invited_hub_id TEXT;
ALTER TABLE team_self ADD COLUMN invited_hub TEXT;
"#;

/// Team sharing, part 2: the team, its laptops, who receives which space,
/// and the keys this laptop holds.
const V11_TEAM: &str = r#"
-- This laptop's place in a team (one row at most) and its own key pair
-- (X25519). The secret key is kept in the encrypted store, so it is as
-- safe as the records and comes back with them from a backup.
CREATE TABLE team_self (
    only               INTEGER PRIMARY KEY NOT NULL CHECK (only = 1),
    team_id            TEXT NOT NULL,
    team_name          TEXT NOT NULL,
    device_id          TEXT NOT NULL,
    device_name        TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('office', 'laptop')),
    secret_key         BLOB NOT NULL CHECK (length(secret_key) = 32),
    -- The office's public key, learnt in person from its invitation: what
    -- every key handed to this laptop is checked against.
    office_public_key  TEXT NOT NULL,
    joined_at          TEXT NOT NULL,
    -- Set once the office has accepted this laptop (its first key arrived).
    accepted_at        TEXT,
    -- Set when the office removed this laptop from the team.
    removed_at         TEXT,
    -- The folder the team's files go through: one the charity already
    -- syncs (OneDrive, Nextcloud, a network drive, a USB stick), or none
    -- for Refrain's own Syncthing folder inside the data folder.
    folder             TEXT,
    -- Sharing paused on this laptop (by the therapist) since then.
    paused_at          TEXT,
    -- The last sync that went through, and why the last one did not.
    synced_at          TEXT,
    sync_problem       TEXT
) STRICT;

-- The space keys this laptop holds, every generation, as given to it.
CREATE TABLE team_space_key (
    space        TEXT NOT NULL,
    generation   INTEGER NOT NULL CHECK (generation > 0),
    key          BLOB NOT NULL CHECK (length(key) = 32),
    from_device  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (space, generation)
) STRICT;

-- Shared in the team's own space: the team, its laptops and who receives
-- which space.
CREATE TABLE team_info (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    -- Where the charity's always-on hub is (a Syncthing address), if any.
    hub         TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE team_device (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    role        TEXT NOT NULL CHECK (role IN ('office', 'laptop')),
    public_key  TEXT NOT NULL CHECK (length(public_key) = 64),
    -- The laptop's Syncthing device ID, when Refrain carries its files.
    carrier_id  TEXT,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    removed_at  TEXT,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE team_grant (
    device_id   TEXT NOT NULL REFERENCES team_device(id),
    space       TEXT NOT NULL,
    granted_by  TEXT NOT NULL,
    granted_at  TEXT NOT NULL,
    revoked_at  TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (device_id, space)
) STRICT;

-- A laptop that stops receiving a group removes its copy of the group's
-- records, signed notes included (the office and the group's other laptops
-- keep theirs). Only then, and only for the length of that one statement.
DROP TRIGGER note_signed_is_kept;
CREATE TRIGGER note_signed_is_kept BEFORE DELETE ON note
    WHEN OLD.signed_at IS NOT NULL
     AND (OLD.attendee_id IS NULL
          OR OLD.attendee_id NOT IN (SELECT attendee_id FROM erasure))
     AND NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'leaving_space')
BEGIN
    SELECT RAISE(ABORT, 'refrain: signed note is final');
END;
DROP TRIGGER amendment_is_kept;
CREATE TRIGGER amendment_is_kept BEFORE DELETE ON note_amendment
    WHEN NOT EXISTS (SELECT 1 FROM note n JOIN erasure e ON e.attendee_id = n.attendee_id
                      WHERE n.id = OLD.note_id)
     AND NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'leaving_space')
BEGIN
    SELECT RAISE(ABORT, 'refrain: signed note is final');
END;
"#;

/// The Accessible Information Standard: a person's communication and
/// information needs as flags on their record (large print, easy read,
/// contact through their carer, an interpreter and its language, a hearing
/// loop). On the person's row, so they are audited, shared, exported and
/// erased with it.
const V12_INFORMATION_NEEDS: &str = r#"
ALTER TABLE attendee ADD COLUMN needs_large_print INTEGER NOT NULL DEFAULT 0
    CHECK (needs_large_print IN (0, 1));
ALTER TABLE attendee ADD COLUMN needs_easy_read INTEGER NOT NULL DEFAULT 0
    CHECK (needs_easy_read IN (0, 1));
ALTER TABLE attendee ADD COLUMN needs_contact_via_carer INTEGER NOT NULL DEFAULT 0
    CHECK (needs_contact_via_carer IN (0, 1));
ALTER TABLE attendee ADD COLUMN needs_interpreter INTEGER NOT NULL DEFAULT 0
    CHECK (needs_interpreter IN (0, 1));
ALTER TABLE attendee ADD COLUMN interpreter_language TEXT NOT NULL DEFAULT ''
    CHECK (needs_interpreter = 1 OR interpreter_language = '');
ALTER TABLE attendee ADD COLUMN needs_hearing_loop INTEGER NOT NULL DEFAULT 0
    CHECK (needs_hearing_loop IN (0, 1));
"#;

/// The words of a song, for sing-alongs: one row per track that has them,
/// with who holds their rights (public domain, licensed by the practice, or
/// not known). Words whose rights are not known are kept but never printed
/// or shown to a room. Part of the library, so shared like the track.
const V13_LYRICS: &str = r#"
CREATE TABLE track_lyrics (
    track_id    TEXT PRIMARY KEY NOT NULL REFERENCES track(id),
    words       TEXT NOT NULL CHECK (length(trim(words)) > 0),
    rights      TEXT NOT NULL CHECK (rights IN ('public_domain', 'licensed', 'unknown')),
    credit      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_track_lyrics_insert AFTER INSERT ON track_lyrics
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'track_lyrics', NEW.track_id,
            'created');
END;
CREATE TRIGGER audit_track_lyrics_update AFTER UPDATE ON track_lyrics
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'track_lyrics', NEW.track_id,
            'changed');
END;
CREATE TRIGGER audit_track_lyrics_delete AFTER DELETE ON track_lyrics
BEGIN
    INSERT INTO audit_log (at, practitioner_id, record_table, record_id, action)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), refrain_actor(), 'track_lyrics', OLD.track_id,
            'removed');
END;
"#;

/// Who a group is for, as a directory lists it: in words, and an optional
/// youngest and oldest age. On the group's row, so shared and audited with
/// it.
const V16_GROUP_ELIGIBILITY: &str = r#"
ALTER TABLE practice_group ADD COLUMN eligibility TEXT NOT NULL DEFAULT '';
ALTER TABLE practice_group ADD COLUMN minimum_age INTEGER
    CHECK (minimum_age IS NULL OR minimum_age BETWEEN 0 AND 120);
ALTER TABLE practice_group ADD COLUMN maximum_age INTEGER
    CHECK (maximum_age IS NULL OR maximum_age BETWEEN 0 AND 120);
"#;

/// Every migration, oldest first. Its length is the schema version this build
/// writes.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1).foreign_key_check(),
        M::up(V2_MUSIC).foreign_key_check(),
        M::up(V3_INDEXES),
        M::up(V4_OUTCOMES_NOTES).foreign_key_check(),
        M::up(V5_AUDIT),
        M::up(V6_ERASURE).foreign_key_check(),
        M::up(V7_SESSION_MUSIC),
        M::up(V8_SYNC).foreign_key_check(),
        M::up(V9_REFERRAL_ANSWERS),
        M::up(V10_PERSONAL_MUSIC).foreign_key_check(),
        M::up(V11_TEAM),
        M::up(V12_INFORMATION_NEEDS),
        M::up(V13_LYRICS).foreign_key_check(),
        M::up(V14_CARRIER),
        M::up(V15_RECORD_SEEN),
        M::up(V16_GROUP_ELIGIBILITY),
    ])
}

/// The schema version this build of Refrain writes.
pub const SCHEMA_VERSION: u32 = 16;
