use chrono::NaiveDate;
use rusqlite::{named_params, params, Connection, OptionalExtension, Row};

use super::sql::{membership_id, new_id, now};
use super::{sessions, today, venues, Store};
use crate::error::{CoreError, Result};
use crate::model::{Group, GroupDetail, GroupInput, Membership, Weekday};
use crate::validate::{self, fmt_date};

/// How many past sessions a group's page lists (most recent first): a
/// term's worth, enough to look back on, and quick at any age of the group.
pub const RECENT_PAST_SESSIONS: u32 = 30;

/// Members on a date: joined on or before it, not yet left.
pub(crate) const MEMBER_ON: &str = "m.joined_on <= :on AND (m.left_on IS NULL OR m.left_on > :on)";

fn select() -> String {
    format!(
        "SELECT g.id, g.name, g.description, g.venue_id, v.name, g.weekday, g.start_time,
                g.end_time, g.capacity, g.facilitators, g.archived_at IS NOT NULL,
                (SELECT count(*) FROM membership m WHERE m.group_id = g.id AND {MEMBER_ON}),
                (SELECT min(s.date) FROM session s
                  WHERE s.group_id = g.id AND s.date >= :on AND s.status = 'planned'),
                g.created_at, g.updated_at, g.eligibility, g.minimum_age, g.maximum_age
         FROM practice_group g LEFT JOIN venue v ON v.id = g.venue_id"
    )
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Group> {
    Ok(Group {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        venue_id: r.get(3)?,
        venue_name: r.get(4)?,
        weekday: r.get::<_, Option<i64>>(5)?.and_then(Weekday::from_number),
        start_time: r.get(6)?,
        end_time: r.get(7)?,
        capacity: r.get(8)?,
        facilitators: r.get(9)?,
        eligibility: r.get(15)?,
        minimum_age: r.get(16)?,
        maximum_age: r.get(17)?,
        archived: r.get(10)?,
        member_count: r.get(11)?,
        next_session: r.get(12)?,
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
    })
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Group> {
    let on = fmt_date(today());
    conn.query_row(
        &format!("{} WHERE g.id = :id", select()),
        named_params! {":id": id, ":on": on},
        from_row,
    )
    .optional()?
    .ok_or(CoreError::NotFound { what: "group" })
}

/// Fails unless the group exists and is active.
pub(crate) fn check_active(conn: &Connection, id: &str) -> Result<String> {
    let row: Option<(String, bool)> = conn
        .query_row(
            "SELECT name, archived_at IS NOT NULL FROM practice_group WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        None => Err(CoreError::NotFound { what: "group" }),
        Some((name, true)) => Err(CoreError::Conflict(format!(
            "“{name}” is archived, so it can't be changed. Restore the group first."
        ))),
        Some((name, false)) => Ok(name),
    }
}

struct Clean {
    name: String,
    description: String,
    venue_id: Option<String>,
    weekday: Option<i64>,
    start_time: Option<String>,
    end_time: Option<String>,
    capacity: Option<u32>,
    facilitators: String,
    eligibility: String,
    minimum_age: Option<u32>,
    maximum_age: Option<u32>,
}

fn clean(conn: &Connection, input: &GroupInput) -> Result<Clean> {
    let name = validate::name("name", "a name for the group", &input.name)?;
    let description = validate::long_text("description", "the description", &input.description)?;
    let venue_id = input
        .venue_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(v) = venue_id {
        venues::check_usable(conn, "venueId", v)?;
    }
    let (start_time, end_time) = match (input.start_time.trim(), input.end_time.trim()) {
        ("", "") => (None, None),
        (s, e) => {
            let (s, e) = validate::time_span("startTime", s, "endTime", e)?;
            (Some(s), Some(e))
        }
    };
    if input.capacity == Some(0) {
        return Err(CoreError::invalid(
            "capacity",
            "Capacity must be at least 1, or left empty.",
        ));
    }
    for (field, age) in [
        ("minimumAge", input.minimum_age),
        ("maximumAge", input.maximum_age),
    ] {
        if age.is_some_and(|a| a > 120) {
            return Err(CoreError::invalid(
                field,
                "An age is a number of years from 0 to 120, or left empty.",
            ));
        }
    }
    if let (Some(lo), Some(hi)) = (input.minimum_age, input.maximum_age) {
        if lo > hi {
            return Err(CoreError::invalid(
                "maximumAge",
                "The oldest age can't be below the youngest.",
            ));
        }
    }
    Ok(Clean {
        name,
        eligibility: validate::long_text(
            "eligibility",
            "who the group is for",
            &input.eligibility,
        )?,
        minimum_age: input.minimum_age,
        maximum_age: input.maximum_age,
        description,
        venue_id: venue_id.map(str::to_string),
        weekday: input.weekday.map(Weekday::number),
        start_time,
        end_time,
        capacity: input.capacity,
        facilitators: validate::short_text(
            "facilitators",
            "the facilitators",
            &input.facilitators,
        )?,
    })
}

pub(crate) fn create(conn: &Connection, input: &GroupInput) -> Result<Group> {
    let c = clean(conn, input)?;
    let id = new_id();
    conn.execute(
        "INSERT INTO practice_group (id, name, description, venue_id, weekday, start_time,
             end_time, capacity, facilitators, created_at, updated_at, eligibility,
             minimum_age, maximum_age)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13)",
        params![
            id,
            c.name,
            c.description,
            c.venue_id,
            c.weekday,
            c.start_time,
            c.end_time,
            c.capacity,
            c.facilitators,
            now(),
            c.eligibility,
            c.minimum_age,
            c.maximum_age
        ],
    )?;
    get(conn, &id)
}

const MEMBERSHIP_SELECT: &str = "SELECT m.id, m.group_id, g.name, m.attendee_id, a.full_name,
        m.joined_on, m.left_on, a.needs_large_print, a.needs_easy_read,
        a.needs_contact_via_carer, a.needs_interpreter, a.interpreter_language, a.needs_hearing_loop
    FROM membership m
    JOIN practice_group g ON g.id = m.group_id
    JOIN attendee a ON a.id = m.attendee_id";

pub(crate) fn membership_from_row(r: &Row<'_>) -> rusqlite::Result<Membership> {
    Ok(Membership {
        id: r.get(0)?,
        group_id: r.get(1)?,
        group_name: r.get(2)?,
        attendee_id: r.get(3)?,
        attendee_name: r.get(4)?,
        joined_on: r.get(5)?,
        left_on: r.get(6)?,
        information_needs: super::attendees::needs_at(r, 7)?,
    })
}

pub(crate) fn memberships_of_attendee(
    conn: &Connection,
    attendee_id: &str,
) -> Result<Vec<Membership>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{MEMBERSHIP_SELECT} WHERE m.attendee_id = ?1
         ORDER BY m.left_on IS NOT NULL, m.joined_on DESC"
    ))?;
    let rows = stmt.query_map([attendee_id], membership_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn add_member(
    conn: &Connection,
    group_id: &str,
    attendee_id: &str,
    joined_on: NaiveDate,
) -> Result<Membership> {
    let group_name = check_active(conn, group_id)?;
    let person: Option<(String, bool)> = conn
        .query_row(
            "SELECT full_name, archived_at IS NOT NULL FROM attendee WHERE id = ?1",
            [attendee_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (person, archived) = person.ok_or(CoreError::NotFound { what: "person" })?;
    if archived {
        return Err(CoreError::Conflict(format!(
            "{person}'s record is archived. Restore it before adding them to a group."
        )));
    }
    let on = fmt_date(joined_on);
    // Overlapping memberships would count a person twice on a register.
    let clash: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM membership
                        WHERE group_id = ?1 AND attendee_id = ?2
                          AND (left_on IS NULL OR left_on > ?3))",
        params![group_id, attendee_id, on],
        |r| r.get(0),
    )?;
    if clash {
        return Err(CoreError::Conflict(format!(
            "{person} is already a member of {group_name}."
        )));
    }
    let id = membership_id(group_id, attendee_id, &on);
    conn.execute(
        "INSERT INTO membership (id, group_id, attendee_id, joined_on, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![id, group_id, attendee_id, on, now()],
    )?;
    Ok(conn.query_row(
        &format!("{MEMBERSHIP_SELECT} WHERE m.id = ?1"),
        [&id],
        membership_from_row,
    )?)
}

impl Store {
    pub fn list_groups(&self, include_archived: bool) -> Result<Vec<Group>> {
        let sql = format!(
            "{} WHERE (:all OR g.archived_at IS NULL)
             ORDER BY g.archived_at IS NOT NULL, g.name COLLATE NOCASE",
            select()
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(
            named_params! {":all": include_archived, ":on": fmt_date(today())},
            from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn group(&self, id: &str) -> Result<Group> {
        get(self.conn(), id)
    }

    /// Everything the group's page shows: members, former members, and its
    /// sessions either side of today: the coming ones (up to 100) and the
    /// [`RECENT_PAST_SESSIONS`] most recent past ones. Older sessions are in
    /// the attendance reports.
    pub fn group_detail(&self, id: &str) -> Result<GroupDetail> {
        let group = get(self.conn(), id)?;
        let on = fmt_date(today());
        let members = {
            let mut stmt = self.conn().prepare_cached(&format!(
                "{MEMBERSHIP_SELECT} WHERE m.group_id = :group AND {MEMBER_ON}
                 ORDER BY a.full_name COLLATE NOCASE"
            ))?;
            let rows =
                stmt.query_map(named_params! {":group": id, ":on": on}, membership_from_row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let former_members = {
            let mut stmt = self.conn().prepare_cached(&format!(
                "{MEMBERSHIP_SELECT} WHERE m.group_id = :group AND m.left_on <= :on
                 ORDER BY m.left_on DESC LIMIT 200"
            ))?;
            let rows =
                stmt.query_map(named_params! {":group": id, ":on": on}, membership_from_row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let upcoming = sessions::of_group(self.conn(), id, &on, true, 100)?;
        let past = sessions::of_group(self.conn(), id, &on, false, RECENT_PAST_SESSIONS)?;
        Ok(GroupDetail {
            group,
            members,
            former_members,
            upcoming,
            past,
        })
    }

    pub fn create_group(&mut self, input: &GroupInput) -> Result<Group> {
        self.write(|tx| create(tx, input))
    }

    pub fn update_group(&mut self, id: &str, input: &GroupInput) -> Result<Group> {
        self.write(|tx| {
            check_active(tx, id)?;
            let c = clean(tx, input)?;
            tx.execute(
                "UPDATE practice_group SET name = ?2, description = ?3, venue_id = ?4,
                     weekday = ?5, start_time = ?6, end_time = ?7, capacity = ?8,
                     facilitators = ?9, updated_at = ?10, eligibility = ?11,
                     minimum_age = ?12, maximum_age = ?13
                 WHERE id = ?1",
                params![
                    id,
                    c.name,
                    c.description,
                    c.venue_id,
                    c.weekday,
                    c.start_time,
                    c.end_time,
                    c.capacity,
                    c.facilitators,
                    now(),
                    c.eligibility,
                    c.minimum_age,
                    c.maximum_age
                ],
            )?;
            get(tx, id)
        })
    }

    /// Archives a group: its record and history stay, but nothing more can be
    /// recorded against it until it is restored.
    pub fn archive_group(&mut self, id: &str) -> Result<()> {
        self.write(|tx| {
            check_active(tx, id)?;
            tx.execute(
                "UPDATE practice_group SET archived_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![id, now()],
            )?;
            Ok(())
        })
    }

    pub fn restore_group(&mut self, id: &str) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE practice_group SET archived_at = NULL, updated_at = ?2 WHERE id = ?1",
                params![id, now()],
            )?;
            if n == 0 {
                return Err(CoreError::NotFound { what: "group" });
            }
            Ok(())
        })
    }

    /// Adds a person to a group from `joined_on` (a `YYYY-MM-DD` date).
    pub fn add_member(
        &mut self,
        group_id: &str,
        attendee_id: &str,
        joined_on: &str,
    ) -> Result<Membership> {
        let joined = validate::date("joinedOn", joined_on)?;
        self.write(|tx| add_member(tx, group_id, attendee_id, joined))
    }

    /// Ends a membership on `left_on`; the person's history stays.
    pub fn end_membership(&mut self, membership_id: &str, left_on: &str) -> Result<()> {
        let left = validate::date("leftOn", left_on)?;
        self.write(|tx| {
            let row: Option<(String, String, Option<String>)> = tx
                .query_row(
                    "SELECT group_id, joined_on, left_on FROM membership WHERE id = ?1",
                    [membership_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let (group_id, joined_on, left_on) =
                row.ok_or(CoreError::NotFound { what: "membership" })?;
            check_active(tx, &group_id)?;
            if left_on.is_some() {
                return Err(CoreError::Conflict(
                    "This person has already left the group.".into(),
                ));
            }
            let left = fmt_date(left);
            if left < joined_on {
                return Err(CoreError::invalid(
                    "leftOn",
                    format!("The leaving date can't be before they joined ({joined_on})."),
                ));
            }
            tx.execute(
                "UPDATE membership SET left_on = ?2, updated_at = ?3 WHERE id = ?1",
                params![membership_id, left, now()],
            )?;
            Ok(())
        })
    }
}
