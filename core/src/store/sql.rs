//! Small helpers shared by the store's modules: ids, timestamps and how enums
//! are spelled in the database.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::model::{
    DeclineReason, ListeningPlace, LyricsRights, Mark, PrescriptionPurpose, PrescriptionStatus,
    ReferralReason, ReferralSource, ReferralStatus, SessionStatus, Timing, Weekday,
};
use crate::outcomes::Rater;

/// A new primary key: a UUIDv7, so keys sort by creation time and records
/// made on two laptops never collide.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A register mark's key: its session and person, so two laptops marking
/// the same person meet on one row when their changes are merged.
pub fn mark_id(session_id: &str, attendee_id: &str) -> String {
    format!("{session_id}/{attendee_id}")
}

/// A membership's key: its group, person and joining date (two laptops
/// adding the same person to a group on the same day make one membership).
pub fn membership_id(group_id: &str, attendee_id: &str, joined_on: &str) -> String {
    format!("{group_id}/{attendee_id}/{joined_on}")
}

/// A clinical note's key: its session and person (or the group), as there is
/// one note each (`note_one_per_person`): two laptops' drafts meet on it.
/// It ends in `/note`, so it never equals the same person's mark's key.
pub fn note_id(session_id: &str, attendee_id: Option<&str>) -> String {
    format!("{session_id}/{}/note", attendee_id.unwrap_or("group"))
}

/// A track's key: its file's content hash, so two laptops that bring in the
/// same song make one track when their changes are merged.
pub fn track_id(content_hash: &str) -> String {
    format!("track-{content_hash}")
}

/// The current time as stored in `created_at` / `updated_at`: RFC 3339, UTC.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Maps an enum to the text stored in the database and back.
macro_rules! db_enum {
    ($ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_db(self) -> &'static str {
                match self { $(<$ty>::$variant => $text),+ }
            }
            pub fn from_db(s: &str) -> Option<Self> {
                match s { $($text => Some(<$ty>::$variant),)+ _ => None }
            }
        }
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_db()))
            }
        }
        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let s = value.as_str()?;
                <$ty>::from_db(s).ok_or_else(|| FromSqlError::Other(
                    format!("unknown {} {s:?}", stringify!($ty)).into(),
                ))
            }
        }
    };
}

db_enum!(Mark {
    Present => "present",
    Late => "late",
    LeftEarly => "left_early",
    Absent => "absent",
    Apologies => "apologies",
});

db_enum!(SessionStatus {
    Planned => "planned",
    Held => "held",
    Cancelled => "cancelled",
});

db_enum!(Rater {
    SelfReport => "self",
    Therapist => "therapist",
    Carer => "carer",
    Staff => "staff",
});

db_enum!(Timing {
    Before => "before",
    After => "after",
    Intake => "intake",
    Review => "review",
    Discharge => "discharge",
});

db_enum!(ReferralSource {
    GpLinkWorker => "gp_link_worker",
    SocialPrescriber => "social_prescriber",
    LocalOrganisation => "local_organisation",
    CareHome => "care_home",
    MemoryClinic => "memory_clinic",
    SelfOrFamily => "self_or_family",
    Other => "other",
});

db_enum!(ReferralReason {
    Loneliness => "loneliness",
    Anxiety => "anxiety",
    Depression => "depression",
    DementiaOrMemoryLoss => "dementia_or_memory_loss",
    Other => "other",
});

db_enum!(LyricsRights {
    PublicDomain => "public_domain",
    Licensed => "licensed",
    Unknown => "unknown",
});

db_enum!(ListeningPlace {
    Session => "session",
    Home => "home",
});

db_enum!(PrescriptionPurpose {
    Calm => "calm",
    Sleep => "sleep",
    Mood => "mood",
    Reminiscence => "reminiscence",
    Connection => "connection",
    Other => "other",
});

db_enum!(PrescriptionStatus {
    Requested => "requested",
    BeingBuilt => "being_built",
    Tried => "tried",
    HandedOver => "handed_over",
    Reviewed => "reviewed",
});

db_enum!(ReferralStatus {
    Received => "received",
    Contacted => "contacted",
    Accepted => "accepted",
    Declined => "declined",
    Started => "started",
    Completed => "completed",
    Withdrawn => "withdrawn",
});

db_enum!(DeclineReason {
    NotSuitable => "not_suitable",
    NoPlace => "no_place",
    CouldNotContact => "could_not_contact",
    PersonDeclined => "person_declined",
    Other => "other",
});

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 1 for Monday to 7 for Sunday, as stored.
    pub fn number(self) -> i64 {
        Weekday::ALL.iter().position(|d| *d == self).unwrap_or(0) as i64 + 1
    }

    pub fn from_number(n: i64) -> Option<Self> {
        usize::try_from(n - 1)
            .ok()
            .and_then(|i| Weekday::ALL.get(i).copied())
    }

    pub fn to_chrono(self) -> chrono::Weekday {
        match self {
            Weekday::Monday => chrono::Weekday::Mon,
            Weekday::Tuesday => chrono::Weekday::Tue,
            Weekday::Wednesday => chrono::Weekday::Wed,
            Weekday::Thursday => chrono::Weekday::Thu,
            Weekday::Friday => chrono::Weekday::Fri,
            Weekday::Saturday => chrono::Weekday::Sat,
            Weekday::Sunday => chrono::Weekday::Sun,
        }
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
pub fn like_pattern(query: &str) -> String {
    let mut out = String::with_capacity(query.len() + 2);
    out.push('%');
    for c in query.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
