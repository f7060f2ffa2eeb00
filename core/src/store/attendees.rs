use rusqlite::{named_params, params, Connection, OptionalExtension, Row};

use super::groups::{memberships_of_attendee, MEMBER_ON};
use super::sql::{like_pattern, new_id, now};
use super::{referrals, today, Store};
use crate::error::{CoreError, Result};
use crate::model::{
    AttendanceHistoryEntry, Attendee, AttendeeDetail, AttendeeInput, AttendeeSummary, Consent,
    InformationNeeds,
};
use crate::validate::{self, fmt_date};

const SELECT: &str = "SELECT id, full_name, preferred_name, date_of_birth, phone, email,
        carer_name, access_needs, communication_needs, notes,
        consent_participation, consent_participation_on,
        consent_media, consent_media_on,
        consent_share_outcomes, consent_share_outcomes_on,
        archived_at IS NOT NULL, created_at, updated_at,
        needs_large_print, needs_easy_read, needs_contact_via_carer, needs_interpreter,
        interpreter_language, needs_hearing_loop
    FROM attendee";

/// A person's information needs as columns of `attendee a`, for a list
/// that shows them beside each name; read back with [`needs_at`].
pub(crate) const NEEDS_COLUMNS: &str = "a.needs_large_print, a.needs_easy_read, \
     a.needs_contact_via_carer, a.needs_interpreter, a.interpreter_language, a.needs_hearing_loop";

/// The information needs read from [`NEEDS_COLUMNS`], starting at `at`.
pub(crate) fn needs_at(r: &Row<'_>, at: usize) -> rusqlite::Result<InformationNeeds> {
    Ok(InformationNeeds {
        large_print: r.get(at)?,
        easy_read: r.get(at + 1)?,
        contact_via_carer: r.get(at + 2)?,
        interpreter: r.get(at + 3)?,
        interpreter_language: r.get(at + 4)?,
        hearing_loop: r.get(at + 5)?,
    })
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Attendee> {
    Ok(Attendee {
        id: r.get(0)?,
        full_name: r.get(1)?,
        preferred_name: r.get(2)?,
        date_of_birth: r.get(3)?,
        phone: r.get(4)?,
        email: r.get(5)?,
        carer_name: r.get(6)?,
        access_needs: r.get(7)?,
        communication_needs: r.get(8)?,
        information_needs: InformationNeeds {
            large_print: r.get(19)?,
            easy_read: r.get(20)?,
            contact_via_carer: r.get(21)?,
            interpreter: r.get(22)?,
            interpreter_language: r.get(23)?,
            hearing_loop: r.get(24)?,
        },
        notes: r.get(9)?,
        consent_participation: Consent {
            given: r.get(10)?,
            date: r.get(11)?,
        },
        consent_media: Consent {
            given: r.get(12)?,
            date: r.get(13)?,
        },
        consent_share_outcomes: Consent {
            given: r.get(14)?,
            date: r.get(15)?,
        },
        archived: r.get(16)?,
        created_at: r.get(17)?,
        updated_at: r.get(18)?,
    })
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Attendee> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(CoreError::NotFound { what: "person" })
}

/// An erased record stays erased (the schema refuses it too).
fn refuse_erased(conn: &Connection, id: &str) -> Result<()> {
    if super::erasure::is_erased(conn, id)? {
        return Err(CoreError::Conflict(
            "This person's record was erased on request, so it can't be changed.".into(),
        ));
    }
    Ok(())
}

struct CleanConsent {
    given: bool,
    date: Option<String>,
}

fn clean_consent(field: &'static str, c: &Consent) -> Result<CleanConsent> {
    let date = validate::optional_date(field, c.date.as_deref().unwrap_or(""))?;
    if let Some(d) = date {
        if d > today() {
            return Err(CoreError::invalid(
                field,
                "A consent date can't be in the future.",
            ));
        }
    }
    Ok(CleanConsent {
        given: c.given,
        date: date.map(fmt_date),
    })
}

pub(crate) struct Clean {
    full_name: String,
    preferred_name: String,
    date_of_birth: Option<String>,
    phone: String,
    email: String,
    carer_name: String,
    access_needs: String,
    communication_needs: String,
    needs: InformationNeeds,
    notes: String,
    participation: CleanConsent,
    media: CleanConsent,
    share: CleanConsent,
}

/// The Accessible Information Standard's flags as they would be saved: an
/// interpreter needs its language, and a language without an interpreter is
/// dropped.
pub(crate) fn clean_needs(n: &InformationNeeds) -> Result<InformationNeeds> {
    let language = validate::short_text(
        "interpreterLanguage",
        "the interpreter's language",
        &n.interpreter_language,
    )?;
    if n.interpreter && language.is_empty() {
        return Err(CoreError::invalid(
            "interpreterLanguage",
            "Say which language the interpreter is for (for example Polish, or British Sign Language).",
        ));
    }
    Ok(InformationNeeds {
        interpreter_language: if n.interpreter {
            language
        } else {
            String::new()
        },
        ..n.clone()
    })
}

/// The person's record as it would be saved, or the first rule it breaks
/// (also what an import checks each row with).
pub(crate) fn clean(input: &AttendeeInput) -> Result<Clean> {
    let date_of_birth = validate::optional_date("dateOfBirth", &input.date_of_birth)?;
    if let Some(d) = date_of_birth {
        if d > today() {
            return Err(CoreError::invalid(
                "dateOfBirth",
                "The date of birth can't be in the future.",
            ));
        }
    }
    let email = validate::short_text("email", "the email address", &input.email)?;
    if !email.is_empty() && (!email.contains('@') || email.contains(' ')) {
        return Err(CoreError::invalid(
            "email",
            "That doesn't look like an email address.",
        ));
    }
    Ok(Clean {
        full_name: validate::name("fullName", "the person's full name", &input.full_name)?,
        preferred_name: validate::short_text(
            "preferredName",
            "the preferred name",
            &input.preferred_name,
        )?,
        date_of_birth: date_of_birth.map(fmt_date),
        phone: validate::short_text("phone", "the phone number", &input.phone)?,
        email,
        carer_name: validate::short_text("carerName", "the carer's name", &input.carer_name)?,
        access_needs: validate::long_text("accessNeeds", "the access needs", &input.access_needs)?,
        communication_needs: validate::long_text(
            "communicationNeeds",
            "the communication needs",
            &input.communication_needs,
        )?,
        needs: clean_needs(&input.information_needs)?,
        notes: validate::long_text("notes", "the notes", &input.notes)?,
        participation: clean_consent("consentParticipation", &input.consent_participation)?,
        media: clean_consent("consentMedia", &input.consent_media)?,
        share: clean_consent("consentShareOutcomes", &input.consent_share_outcomes)?,
    })
}

pub(crate) fn create(conn: &Connection, input: &AttendeeInput) -> Result<Attendee> {
    let c = clean(input)?;
    let id = new_id();
    conn.execute(
        "INSERT INTO attendee (id, full_name, preferred_name, date_of_birth, phone, email,
             carer_name, access_needs, communication_needs, notes,
             consent_participation, consent_participation_on, consent_media, consent_media_on,
             consent_share_outcomes, consent_share_outcomes_on, created_at, updated_at,
             needs_large_print, needs_easy_read, needs_contact_via_carer, needs_interpreter,
             interpreter_language, needs_hearing_loop)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?23)",
        params![
            id,
            c.full_name,
            c.preferred_name,
            c.date_of_birth,
            c.phone,
            c.email,
            c.carer_name,
            c.access_needs,
            c.communication_needs,
            c.notes,
            c.participation.given,
            c.participation.date,
            c.media.given,
            c.media.date,
            c.share.given,
            c.share.date,
            now(),
            c.needs.large_print,
            c.needs.easy_read,
            c.needs.contact_via_carer,
            c.needs.interpreter,
            c.needs.interpreter_language,
            c.needs.hearing_loop,
        ],
    )?;
    get(conn, &id)
}

impl Store {
    /// People whose full or preferred name contains `query` (any case), by
    /// name, at most 200.
    pub fn search_attendees(
        &self,
        query: &str,
        include_archived: bool,
    ) -> Result<Vec<AttendeeSummary>> {
        let sql = format!(
            "SELECT a.id, a.full_name, a.preferred_name, a.archived_at IS NOT NULL,
                    (SELECT group_concat(g.name, char(31)) FROM membership m
                       JOIN practice_group g ON g.id = m.group_id
                      WHERE m.attendee_id = a.id AND {MEMBER_ON}),
                    {NEEDS_COLUMNS}
             FROM attendee a
             WHERE (:all OR a.archived_at IS NULL)
               AND a.id NOT IN (SELECT attendee_id FROM erasure)
               AND (:pattern = '%%' OR a.full_name LIKE :pattern ESCAPE '\\'
                    OR a.preferred_name LIKE :pattern ESCAPE '\\')
             ORDER BY a.full_name COLLATE NOCASE
             LIMIT 200"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(
            named_params! {
                ":all": include_archived,
                ":pattern": like_pattern(query),
                ":on": fmt_date(today()),
            },
            |r| {
                let groups: Option<String> = r.get(4)?;
                Ok(AttendeeSummary {
                    id: r.get(0)?,
                    full_name: r.get(1)?,
                    preferred_name: r.get(2)?,
                    archived: r.get(3)?,
                    information_needs: needs_at(r, 5)?,
                    groups: groups
                        .map(|g| g.split('\u{1f}').map(str::to_string).collect())
                        .unwrap_or_default(),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn attendee(&self, id: &str) -> Result<Attendee> {
        get(self.conn(), id)
    }

    /// A person's page: their record, referrals, groups and the 200 most
    /// recent register marks.
    pub fn attendee_detail(&self, id: &str) -> Result<AttendeeDetail> {
        let attendee = get(self.conn(), id)?;
        let referrals = referrals::of_attendee(self.conn(), id)?;
        let memberships = memberships_of_attendee(self.conn(), id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT s.id, g.name, s.date, a.mark, a.carer_present, a.walk_in
             FROM attendance a
             JOIN session s ON s.id = a.session_id
             JOIN practice_group g ON g.id = s.group_id
             WHERE a.attendee_id = ?1
             ORDER BY s.date DESC, s.start_time DESC
             LIMIT 200",
        )?;
        let attendance = stmt
            .query_map([id], |r| {
                Ok(AttendanceHistoryEntry {
                    session_id: r.get(0)?,
                    group_name: r.get(1)?,
                    date: r.get(2)?,
                    mark: r.get(3)?,
                    carer_present: r.get(4)?,
                    walk_in: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let episodes = super::episodes::of_person(self.conn(), id, &referrals)?;
        Ok(AttendeeDetail {
            attendee,
            episodes,
            referrals,
            memberships,
            attendance,
            erasure: self.erasure(id)?,
        })
    }

    pub fn create_attendee(&mut self, input: &AttendeeInput) -> Result<Attendee> {
        self.write(|tx| create(tx, input))
    }

    pub fn update_attendee(&mut self, id: &str, input: &AttendeeInput) -> Result<Attendee> {
        let c = clean(input)?;
        self.write(|tx| {
            refuse_erased(tx, id)?;
            let n = tx.execute(
                "UPDATE attendee SET full_name = ?2, preferred_name = ?3, date_of_birth = ?4,
                     phone = ?5, email = ?6, carer_name = ?7, access_needs = ?8,
                     communication_needs = ?9, notes = ?10,
                     consent_participation = ?11, consent_participation_on = ?12,
                     consent_media = ?13, consent_media_on = ?14,
                     consent_share_outcomes = ?15, consent_share_outcomes_on = ?16,
                     updated_at = ?17,
                     needs_large_print = ?18, needs_easy_read = ?19,
                     needs_contact_via_carer = ?20, needs_interpreter = ?21,
                     interpreter_language = ?22, needs_hearing_loop = ?23
                 WHERE id = ?1",
                params![
                    id,
                    c.full_name,
                    c.preferred_name,
                    c.date_of_birth,
                    c.phone,
                    c.email,
                    c.carer_name,
                    c.access_needs,
                    c.communication_needs,
                    c.notes,
                    c.participation.given,
                    c.participation.date,
                    c.media.given,
                    c.media.date,
                    c.share.given,
                    c.share.date,
                    now(),
                    c.needs.large_print,
                    c.needs.easy_read,
                    c.needs.contact_via_carer,
                    c.needs.interpreter,
                    c.needs.interpreter_language,
                    c.needs.hearing_loop,
                ],
            )?;
            if n == 0 {
                return Err(CoreError::NotFound { what: "person" });
            }
            get(tx, id)
        })
    }

    /// Archives a person's record: kept, with all its history, but no longer
    /// listed or offered for groups.
    pub fn archive_attendee(&mut self, id: &str) -> Result<()> {
        self.set_attendee_archived(id, true)
    }

    pub fn restore_attendee(&mut self, id: &str) -> Result<()> {
        self.set_attendee_archived(id, false)
    }

    fn set_attendee_archived(&mut self, id: &str, archived: bool) -> Result<()> {
        self.write(|tx| {
            refuse_erased(tx, id)?;
            let ts = now();
            let n = tx.execute(
                "UPDATE attendee SET archived_at = CASE WHEN ?2 THEN ?3 END, updated_at = ?3
                 WHERE id = ?1",
                params![id, archived, ts],
            )?;
            if n == 0 {
                return Err(CoreError::NotFound { what: "person" });
            }
            Ok(())
        })
    }
}
