//! `--explain`: each screen's statements, with SQLite's query plan and the time
//! each takes on its own (min and median of 40 runs, every row stepped).
//!
//! The store's SQL is private to the core, so the statements are COPIED here
//! from core/src/store/{sessions,groups,attendees,referrals,register,notes}.rs.
//! If those change, update these copies (the timings in the main table always
//! go through the real API; only this breakdown can drift).

use std::time::Instant;

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, ToSql};

use super::Targets;

/// The index changes proposed in docs/benchmarks.md, applied by `--proposed`
/// to a copy of the store (REFRAIN_BENCH_DDL replaces them, to try others).
pub const PROPOSED_DDL: &str = "
-- Nothing proposed now: schema v3 holds the last proposal. Set
-- REFRAIN_BENCH_DDL to try other indexes on a copy of the store.
SELECT 1;
";

pub fn proposed_ddl() -> String {
    std::env::var("REFRAIN_BENCH_DDL").unwrap_or_else(|_| PROPOSED_DDL.to_string())
}

const MEMBER_ON: &str = "m.joined_on <= :on AND (m.left_on IS NULL OR m.left_on > :on)";

const SESSION_SELECT: &str = "SELECT s.id, s.group_id, g.name, s.date, s.start_time, s.end_time,
        s.venue_id, v.name, s.status, s.cancel_reason, s.facilitators,
        (SELECT count(*) FROM attendance a WHERE a.session_id = s.id),
        (SELECT count(*) FROM attendance a WHERE a.session_id = s.id
            AND a.mark IN ('present', 'late', 'left_early')),
        ((SELECT count(*) FROM membership m WHERE m.group_id = s.group_id
               AND m.left_on IS NULL AND m.joined_on <= s.date)
         + (SELECT count(*) FROM membership m WHERE m.group_id = s.group_id
               AND m.left_on > s.date AND m.joined_on <= s.date)
         + (SELECT count(*) FROM attendance a WHERE a.session_id = s.id
               AND NOT EXISTS (SELECT 1 FROM membership m
                                WHERE m.attendee_id = a.attendee_id AND m.group_id = s.group_id
                                  AND m.joined_on <= s.date
                                  AND (m.left_on IS NULL OR m.left_on > s.date)))),
        s.setlist_id, p.name,
        s.created_at, s.updated_at
    FROM session s
    JOIN practice_group g ON g.id = s.group_id
    LEFT JOIN venue v ON v.id = s.venue_id
    LEFT JOIN playlist p ON p.id = s.setlist_id";

const MEMBERSHIP_SELECT: &str = "SELECT m.id, m.group_id, g.name, m.attendee_id, a.full_name,
        m.joined_on, m.left_on
    FROM membership m
    JOIN practice_group g ON g.id = m.group_id
    JOIN attendee a ON a.id = m.attendee_id";

// The three per-session counts in SESSION_SELECT, for the what-if variants.
const MARKED: &str = "(SELECT count(*) FROM attendance a WHERE a.session_id = s.id),";
const ATTENDED: &str = "(SELECT count(*) FROM attendance a WHERE a.session_id = s.id
            AND a.mark IN ('present', 'late', 'left_early')),";
/// Schema v2's form of the expected count: one set of members and marked people.
const EXPECTED_UNION: &str = "(SELECT count(*) FROM (
            SELECT m.attendee_id FROM membership m WHERE m.group_id = s.group_id
               AND m.joined_on <= s.date AND (m.left_on IS NULL OR m.left_on > s.date)
            UNION
            SELECT a.attendee_id FROM attendance a WHERE a.session_id = s.id)),";

/// The same count, with the membership OR split into two index ranges.
const EXPECTED_SPLIT: &str = "(SELECT count(*) FROM (
            SELECT m.attendee_id FROM membership m WHERE m.group_id = s.group_id
               AND m.left_on IS NULL AND m.joined_on <= s.date
            UNION ALL
            SELECT m.attendee_id FROM membership m WHERE m.group_id = s.group_id
               AND m.left_on > s.date AND m.joined_on <= s.date
            UNION
            SELECT a.attendee_id FROM attendance a WHERE a.session_id = s.id)),";
/// The expected count as the store has it: members on the day plus marked
/// people who were not.
const EXPECTED: &str = "((SELECT count(*) FROM membership m WHERE m.group_id = s.group_id
               AND m.left_on IS NULL AND m.joined_on <= s.date)
         + (SELECT count(*) FROM membership m WHERE m.group_id = s.group_id
               AND m.left_on > s.date AND m.joined_on <= s.date)
         + (SELECT count(*) FROM attendance a WHERE a.session_id = s.id
               AND NOT EXISTS (SELECT 1 FROM membership m
                                WHERE m.attendee_id = a.attendee_id AND m.group_id = s.group_id
                                  AND m.joined_on <= s.date
                                  AND (m.left_on IS NULL OR m.left_on > s.date)))),";

/// notes.rs: the name a note shows for its person.
const ATTENDEE_NAME: &str = "CASE WHEN a.id IS NULL THEN NULL
                                  WHEN trim(a.preferred_name) <> '' THEN a.preferred_name
                                  ELSE a.full_name END";

/// notes.rs `note_select()`.
fn note_select() -> String {
    format!(
        "SELECT n.id, n.session_id, n.attendee_id, {ATTENDEE_NAME}, n.body, n.signed_by,
                n.signer_name, n.signer_hcpc, n.signed_at, n.created_at, n.updated_at,
                ns.date, ng.name
         FROM note n
         JOIN session ns ON ns.id = n.session_id
         JOIN practice_group ng ON ng.id = ns.group_id
         LEFT JOIN attendee a ON a.id = n.attendee_id"
    )
}

/// notes.rs `AMENDMENT_SELECT` (notes_with_amendments adds the ORDER BY).
const AMENDMENT_SELECT: &str =
    "SELECT m.id, m.note_id, m.body, m.reason, m.author_id, m.author_name, m.author_hcpc,
            m.created_at
     FROM note_amendment m";

/// notes.rs `search_window()`, with its `MAX_HITS` of 100 (?3 is the window:
/// 200 first, -1 when that holds too few visible notes).
fn note_search() -> String {
    format!(
        "WITH recent AS (
             SELECT note_id, amendment_id,
                    snippet(note_text, 2, char(2), char(3), '…', 16) AS snip
               FROM note_text
              WHERE note_text MATCH ?1 ORDER BY rowid DESC LIMIT ?3
         )
         SELECT t.note_id, n.session_id, s.date, s.group_id, g.name, n.attendee_id,
                {ATTENDEE_NAME}, t.amendment_id IS NOT NULL, n.signed_at IS NOT NULL, t.snip
         FROM recent t
         CROSS JOIN note n ON n.id = t.note_id
         CROSS JOIN session s ON s.id = n.session_id
         CROSS JOIN practice_group g ON g.id = s.group_id
         LEFT JOIN attendee a ON a.id = n.attendee_id
         WHERE s.archived_at IS NULL
           AND g.archived_at IS NULL
           AND (n.attendee_id IS NULL OR a.archived_at IS NULL)
           AND (n.signed_at IS NOT NULL OR n.author_id IS NULL OR n.author_id = ?2)
         ORDER BY s.date DESC, s.start_time DESC, n.attendee_id IS NOT NULL,
                  a.full_name COLLATE NOCASE, n.id, t.amendment_id IS NOT NULL, t.amendment_id
         LIMIT 100"
    )
}

fn group_select() -> String {
    format!(
        "SELECT g.id, g.name, g.description, g.venue_id, v.name, g.weekday, g.start_time,
                g.end_time, g.capacity, g.facilitators, g.archived_at IS NOT NULL,
                (SELECT count(*) FROM membership m WHERE m.group_id = g.id AND {MEMBER_ON}),
                (SELECT min(s.date) FROM session s
                  WHERE s.group_id = g.id AND s.date >= :on AND s.status = 'planned'),
                g.created_at, g.updated_at
         FROM practice_group g LEFT JOIN venue v ON v.id = g.venue_id"
    )
}

struct Q {
    screen: &'static str,
    label: &'static str,
    sql: String,
    params: Vec<(&'static str, Value)>,
}

fn t(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn queries(tg: &Targets, today: NaiveDate) -> Vec<Q> {
    let on = today.to_string();
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let sunday = monday + Days::new(6);
    let mut q = Vec::new();
    let mut add = |screen, label, sql: String, params: Vec<(&'static str, Value)>| {
        q.push(Q {
            screen,
            label,
            sql,
            params,
        })
    };
    add(
        "Today",
        "sessions_between",
        format!(
            "{SESSION_SELECT} WHERE s.date BETWEEN ?1 AND ?2 AND s.archived_at IS NULL
                        AND g.archived_at IS NULL
             ORDER BY s.date, s.start_time, g.name COLLATE NOCASE"
        ),
        vec![("?1", t(monday.to_string())), ("?2", t(sunday.to_string()))],
    );
    // What-if variants, to see what the per-session counts cost.
    add(
        "Today (what-if)",
        "without expected_count",
        format!(
            "{} WHERE s.date BETWEEN ?1 AND ?2 AND s.archived_at IS NULL
                        AND g.archived_at IS NULL
             ORDER BY s.date, s.start_time, g.name COLLATE NOCASE",
            SESSION_SELECT.replace(EXPECTED, "0,")
        ),
        vec![("?1", t(monday.to_string())), ("?2", t(sunday.to_string()))],
    );
    add(
        "Today (what-if)",
        "without any counts",
        format!(
            "{} WHERE s.date BETWEEN ?1 AND ?2 AND s.archived_at IS NULL
                        AND g.archived_at IS NULL
             ORDER BY s.date, s.start_time, g.name COLLATE NOCASE",
            SESSION_SELECT
                .replace(EXPECTED, "0,")
                .replace(MARKED, "0,")
                .replace(ATTENDED, "0,")
        ),
        vec![("?1", t(monday.to_string())), ("?2", t(sunday.to_string()))],
    );
    add(
        "Today (what-if)",
        "expected = members only, no UNION",
        format!(
            "{} WHERE s.date BETWEEN ?1 AND ?2 AND s.archived_at IS NULL
                        AND g.archived_at IS NULL
             ORDER BY s.date, s.start_time, g.name COLLATE NOCASE",
            SESSION_SELECT.replace(
                EXPECTED,
                "(SELECT count(*) FROM membership m WHERE m.group_id = s.group_id
                   AND m.joined_on <= s.date AND (m.left_on IS NULL OR m.left_on > s.date)),"
            )
        ),
        vec![("?1", t(monday.to_string())), ("?2", t(sunday.to_string()))],
    );
    add(
        "Today (what-if)",
        "expected: OR split into UNION ALL",
        format!(
            "{} WHERE s.date BETWEEN ?1 AND ?2 AND s.archived_at IS NULL
                        AND g.archived_at IS NULL
             ORDER BY s.date, s.start_time, g.name COLLATE NOCASE",
            SESSION_SELECT.replace(EXPECTED, EXPECTED_SPLIT)
        ),
        vec![("?1", t(monday.to_string())), ("?2", t(sunday.to_string()))],
    );
    add(
        "Today (what-if)",
        "expected: v2's UNION form",
        format!(
            "{} WHERE s.date BETWEEN ?1 AND ?2 AND s.archived_at IS NULL
                        AND g.archived_at IS NULL
             ORDER BY s.date, s.start_time, g.name COLLATE NOCASE",
            SESSION_SELECT.replace(EXPECTED, EXPECTED_UNION)
        ),
        vec![("?1", t(monday.to_string())), ("?2", t(sunday.to_string()))],
    );
    add(
        "Groups",
        "list_groups",
        format!(
            "{} WHERE (:all OR g.archived_at IS NULL)
             ORDER BY g.archived_at IS NOT NULL, g.name COLLATE NOCASE",
            group_select()
        ),
        vec![(":all", Value::Integer(0)), (":on", t(&on))],
    );
    add(
        "Group detail",
        "group (get)",
        format!("{} WHERE g.id = :id", group_select()),
        vec![(":id", t(&tg.group_id)), (":on", t(&on))],
    );
    add(
        "Group detail",
        "members",
        format!(
            "{MEMBERSHIP_SELECT} WHERE m.group_id = :group AND {MEMBER_ON}
             ORDER BY a.full_name COLLATE NOCASE"
        ),
        vec![(":group", t(&tg.group_id)), (":on", t(&on))],
    );
    add(
        "Group detail",
        "former members",
        format!(
            "{MEMBERSHIP_SELECT} WHERE m.group_id = :group AND m.left_on <= :on
             ORDER BY m.left_on DESC LIMIT 200"
        ),
        vec![(":group", t(&tg.group_id)), (":on", t(&on))],
    );
    add(
        "Group detail",
        "upcoming sessions",
        format!(
            "{SESSION_SELECT} WHERE s.group_id = :group AND s.date >= :on AND s.archived_at IS NULL
             ORDER BY s.date, s.start_time LIMIT :limit"
        ),
        vec![
            (":group", t(&tg.group_id)),
            (":on", t(&on)),
            (":limit", Value::Integer(100)),
        ],
    );
    add(
        "Group detail",
        "past sessions (30)",
        format!(
            "{SESSION_SELECT} WHERE s.group_id = :group AND s.date < :on AND s.archived_at IS NULL
             ORDER BY s.date DESC, s.start_time DESC LIMIT :limit"
        ),
        vec![
            (":group", t(&tg.group_id)),
            (":on", t(&on)),
            (":limit", Value::Integer(30)),
        ],
    );
    add(
        "Group detail (what-if)",
        "past sessions (100), as in v2",
        format!(
            "{SESSION_SELECT} WHERE s.group_id = :group AND s.date < :on AND s.archived_at IS NULL
             ORDER BY s.date DESC, s.start_time DESC LIMIT :limit"
        ),
        vec![
            (":group", t(&tg.group_id)),
            (":on", t(&on)),
            (":limit", Value::Integer(100)),
        ],
    );
    let search = format!(
        "SELECT a.id, a.full_name, a.preferred_name, a.archived_at IS NOT NULL,
                (SELECT group_concat(g.name, char(31)) FROM membership m
                   JOIN practice_group g ON g.id = m.group_id
                  WHERE m.attendee_id = a.id AND {MEMBER_ON})
         FROM attendee a
         WHERE (:all OR a.archived_at IS NULL)
           AND (:pattern = '%%' OR a.full_name LIKE :pattern ESCAPE '\\'
                OR a.preferred_name LIKE :pattern ESCAPE '\\')
         ORDER BY a.full_name COLLATE NOCASE
         LIMIT 200"
    );
    add(
        "Attendees",
        "search \"\"",
        search.clone(),
        vec![
            (":all", Value::Integer(0)),
            (":pattern", t("%%")),
            (":on", t(&on)),
        ],
    );
    add(
        "Attendees",
        "search \"son\"",
        search,
        vec![
            (":all", Value::Integer(0)),
            (":pattern", t(format!("%{}%", tg.search))),
            (":on", t(&on)),
        ],
    );
    add(
        "Attendee detail",
        "attendee (get)",
        "SELECT * FROM attendee WHERE id = ?1".into(),
        vec![("?1", t(&tg.attendee_id))],
    );
    add(
        "Attendee detail",
        "referrals",
        "SELECT id, attendee_id, source, referrer_name, referrer_organisation,
                received_on, reasons, reason_notes, status, created_at, updated_at
         FROM referral WHERE attendee_id = ?1 AND archived_at IS NULL
         ORDER BY received_on DESC, created_at DESC"
            .into(),
        vec![("?1", t(&tg.attendee_id))],
    );
    add(
        "Attendee detail",
        "memberships",
        format!(
            "{MEMBERSHIP_SELECT} WHERE m.attendee_id = ?1
             ORDER BY m.left_on IS NOT NULL, m.joined_on DESC"
        ),
        vec![("?1", t(&tg.attendee_id))],
    );
    add(
        "Attendee detail",
        "attendance (200)",
        "SELECT s.id, g.name, s.date, a.mark, a.carer_present, a.walk_in
         FROM attendance a
         JOIN session s ON s.id = a.session_id
         JOIN practice_group g ON g.id = s.group_id
         WHERE a.attendee_id = ?1
         ORDER BY s.date DESC, s.start_time DESC
         LIMIT 200"
            .into(),
        vec![("?1", t(&tg.attendee_id))],
    );
    add(
        "Register",
        "session (get)",
        format!("{SESSION_SELECT} WHERE s.id = ?1 AND s.archived_at IS NULL"),
        vec![("?1", t(&tg.session_id))],
    );
    add(
        "Register",
        "entries",
        format!(
            "WITH people AS (
                 SELECT m.attendee_id AS id FROM membership m
                  WHERE m.group_id = :group AND {MEMBER_ON}
                 UNION
                 SELECT attendee_id FROM attendance WHERE session_id = :session
             )
             SELECT a.id, a.full_name, a.preferred_name, a.carer_name, a.access_needs,
                    a.communication_needs, t.mark, coalesce(t.carer_present, 0),
                    coalesce(t.walk_in, 0)
             FROM people p
             JOIN attendee a ON a.id = p.id
             LEFT JOIN attendance t ON t.session_id = :session AND t.attendee_id = a.id
             WHERE a.archived_at IS NULL OR t.id IS NOT NULL
             ORDER BY coalesce(t.walk_in, 0), a.full_name COLLATE NOCASE"
        ),
        vec![
            (":group", Value::Null), // filled in below from the session
            (":on", t(&tg.session_date)),
            (":session", t(&tg.session_id)),
        ],
    );
    add(
        "Register",
        "session_notes: notes",
        format!(
            "{} LEFT JOIN attendance t ON t.session_id = n.session_id AND t.attendee_id = n.attendee_id
             WHERE n.session_id = ?1
             ORDER BY n.attendee_id IS NOT NULL, coalesce(t.walk_in, 0),
                      a.full_name COLLATE NOCASE, n.id",
            note_select()
        ),
        vec![("?1", t(&tg.session_id))],
    );
    add(
        "Register",
        "session_notes: amendments (when one is signed)",
        format!(
            "{AMENDMENT_SELECT} JOIN note n ON n.id = m.note_id WHERE n.session_id = ?1
             ORDER BY m.created_at, m.id"
        ),
        vec![("?1", t(&tg.session_id))],
    );
    add(
        "Attendee detail",
        "person_notes: notes",
        format!(
            "{} JOIN session s ON s.id = n.session_id
             WHERE n.attendee_id = ?1
             ORDER BY s.date DESC, s.start_time DESC, n.id",
            note_select()
        ),
        vec![("?1", t(&tg.attendee_id))],
    );
    add(
        "Attendee detail",
        "person_notes: amendments",
        format!(
            "{AMENDMENT_SELECT} JOIN note n ON n.id = m.note_id WHERE n.attendee_id = ?1
             ORDER BY m.created_at, m.id"
        ),
        vec![("?1", t(&tg.attendee_id))],
    );
    for (label, word) in [
        ("search_notes (common word)", tg.note_common),
        ("search_notes (rare word)", tg.note_rare),
    ] {
        add(
            "Notes search",
            label,
            note_search(),
            vec![
                ("?1", t(format!("\"{word}\"*"))),
                ("?2", t(&tg.practitioner_id)),
                ("?3", Value::Integer(200)),
            ],
        );
    }
    add(
        "Notes search (what-if)",
        "common word, every match sorted (the fallback)",
        note_search(),
        vec![
            ("?1", t(format!("\"{}\"*", tg.note_common))),
            ("?2", t(&tg.practitioner_id)),
            ("?3", Value::Integer(-1)),
        ],
    );
    add(
        "set_mark",
        "is_member_on",
        format!(
            "SELECT EXISTS (SELECT 1 FROM membership m
                             WHERE m.group_id = :group AND m.attendee_id = :person AND {MEMBER_ON})"
        ),
        vec![
            (":group", Value::Null),
            (":person", Value::Null),
            (":on", t(&tg.session_date)),
        ],
    );
    add(
        "save_note_draft",
        "existing draft",
        "SELECT id, signed_at IS NOT NULL, body = ?3 FROM note
             WHERE session_id = ?1 AND ifnull(attendee_id, '') = ?2"
            .into(),
        vec![
            ("?1", t(&tg.draft_session_id)),
            ("?2", t("")),
            ("?3", t("")),
        ],
    );
    add(
        "save_note_draft",
        "UPDATE note (plan only; its trigger rewrites one note_text row)",
        "UPDATE note SET body = ?2, updated_at = ?3,
                         author_id = coalesce(author_id, ?4)
         WHERE id = ?1"
            .into(),
        vec![
            ("?1", t("x")),
            ("?2", t("x")),
            ("?3", t("x")),
            ("?4", t("x")),
        ],
    );
    add(
        "set_mark",
        "refresh_status (UPDATE, plan only)",
        "UPDATE session SET
             status = CASE WHEN EXISTS (SELECT 1 FROM attendance WHERE session_id = ?1
                                         AND mark IN ('present', 'late', 'left_early'))
                           THEN 'held' ELSE 'planned' END,
             updated_at = ?2
         WHERE id = ?1 AND status != 'cancelled'"
            .into(),
        vec![("?1", t(&tg.session_id)), ("?2", t("x"))],
    );
    q
}

pub fn run(conn: &Connection, tg: &Targets, today: NaiveDate) -> rusqlite::Result<()> {
    for part in [MARKED, ATTENDED, EXPECTED] {
        assert!(
            SESSION_SELECT.contains(part),
            "explain.rs: the count copies drifted"
        );
    }
    let session_group: String = conn.query_row(
        "SELECT group_id FROM session WHERE id = ?1",
        [&tg.session_id],
        |r| r.get(0),
    )?;
    let person: String = conn.query_row(
        "SELECT attendee_id FROM attendance WHERE session_id = ?1 AND walk_in = 0 LIMIT 1",
        [&tg.session_id],
        |r| r.get(0),
    )?;
    println!("EXPLAIN QUERY PLAN for each statement, with its time on its own (40 runs):");
    for mut q in queries(tg, today) {
        for p in &mut q.params {
            if p.1 == Value::Null {
                p.1 = match p.0 {
                    ":group" => t(&session_group),
                    ":person" => t(&person),
                    _ => Value::Null,
                };
            }
        }
        let params: Vec<(&str, &dyn ToSql)> = q
            .params
            .iter()
            .map(|(n, v)| (*n, v as &dyn ToSql))
            .collect();
        println!();
        let timing = if q.sql.trim_start().starts_with("UPDATE") {
            String::from("not run")
        } else {
            let mut stmt = conn.prepare(&q.sql)?;
            let mut runs = Vec::new();
            let mut rows = 0;
            for _ in 0..41 {
                let start = Instant::now();
                let mut r = stmt.query(params.as_slice())?;
                rows = 0;
                while r.next()?.is_some() {
                    rows += 1;
                }
                runs.push(start.elapsed().as_secs_f64() * 1000.0);
            }
            runs.remove(0);
            runs.sort_by(|a, b| a.total_cmp(b));
            format!(
                "min {:.2} ms, median {:.2} ms, {rows} rows",
                runs[0],
                runs[runs.len() / 2]
            )
        };
        println!("== {} / {}: {timing}", q.screen, q.label);
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {}", q.sql))?;
        let mut rows = stmt.query(params.as_slice())?;
        let mut depth: Vec<(i64, usize)> = Vec::new();
        while let Some(r) = rows.next()? {
            let (id, parent, detail): (i64, i64, String) = (r.get(0)?, r.get(1)?, r.get(3)?);
            while depth.last().is_some_and(|(p, _)| *p != parent) {
                depth.pop();
            }
            let level = depth.last().map_or(0, |(_, l)| l + 1);
            println!("   {}{detail}", "  ".repeat(level));
            depth.push((id, level));
        }
    }
    Ok(())
}
