//! Practitioners and clinical notes: drafts, signatures and amendments.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Someone who uses Refrain and signs notes. Several practitioners can share
/// one laptop; each signs with their own name and HCPC registration number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Practitioner {
    pub id: String,
    pub name: String,
    /// HCPC registration number, e.g. `AS12345` (arts therapists). Empty when
    /// not registered (a student, say): such a practitioner cannot sign.
    pub hcpc_number: String,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct PractitionerInput {
    pub name: String,
    pub hcpc_number: String,
}

/// A signature or an amendment's author: who, with the name and registration
/// number they had at that moment (kept even if the profile changes later).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Signature {
    pub practitioner_id: String,
    pub name: String,
    pub hcpc_number: String,
    /// RFC 3339 UTC.
    pub at: String,
}

/// A change to a signed note: added beside it, never replacing it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Amendment {
    pub id: String,
    pub note_id: String,
    /// The amendment's text.
    pub body: String,
    /// Why the note was amended.
    pub reason: String,
    pub author: Signature,
}

/// One clinical note: the group note of a session (`attendee_id` empty) or the
/// note about one person present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: String,
    pub session_id: String,
    /// The session's date, `YYYY-MM-DD`.
    pub session_date: String,
    /// The group the session belongs to.
    pub group_name: String,
    /// `None` for the group note.
    pub attendee_id: Option<String>,
    /// The person's name (preferred name if any) for a person's note.
    pub attendee_name: Option<String>,
    /// The text as drafted, or as signed (never changed after signing).
    pub body: String,
    /// `None` while a draft.
    pub signed: Option<Signature>,
    /// Oldest first.
    pub amendments: Vec<Amendment>,
    pub created_at: String,
    /// When the draft was last saved.
    pub updated_at: String,
}

/// A session's notes: the group note and one per person present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionNotes {
    pub session_id: String,
    pub group_note: Option<Note>,
    /// Every note about a person in this session, in the register's order.
    pub person_notes: Vec<Note>,
}

/// One search result: the note it was found in, where, and a short extract
/// with the words found between the control characters U+0002 and U+0003
/// (which no typed note contains, unlike brackets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NoteHit {
    pub note_id: String,
    pub session_id: String,
    pub session_date: String,
    pub group_id: String,
    pub group_name: String,
    pub attendee_id: Option<String>,
    pub attendee_name: Option<String>,
    /// True when the words were found in an amendment rather than the note.
    pub in_amendment: bool,
    pub signed: bool,
    /// Plain text around the match; each matched word starts with U+0002 and
    /// ends with U+0003.
    pub snippet: String,
}
