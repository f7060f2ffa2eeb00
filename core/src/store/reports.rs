//! The figures behind every report, read in one go from the store: a group's
//! register over a period, a programme's summary for a funder, a referrer's
//! feedback and everything held about one person. The counting rules are the
//! screens' own (a session's "expected" is its members on the day and its
//! walk-ins), so a report and the screens always agree.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, Connection};

use super::{attendees, episodes, groups, notes, referrals, scores, Store};
use crate::error::{CoreError, Result};
use crate::model::{
    AttendanceHistoryEntry, CodedEntry, EpisodeChange, EpisodeLine, FeedbackMeasure, Mark,
    MessageHeading, ProgrammeSummary, ReferralCount, ReferralSource, ReferralStatus,
    ReferralTiming, ReferrerFeedback, RegisterCell, RegisterPerson, RegisterReport,
    RegisterSession, ReportStamp, SessionStatus, SubjectAccess, WellbeingChange, WellbeingLine,
};
use crate::outcomes::{Change, ScoreResult, Scored};
use crate::report::{self, rate};
use crate::validate::{self, fmt_date};
use crate::Labelled;

/// The most days one report may cover (ten years): enough for any funder,
/// and a bound on the work a typo in a year can cause.
pub const MAX_REPORT_DAYS: i64 = 3660;

/// A checked period: `from` and `to` as `YYYY-MM-DD`, `from <= to`.
pub(crate) fn checked_period(from: &str, to: &str) -> Result<(String, String)> {
    let (f, t) = validate::period(from, to)?;
    if (t - f).num_days() > MAX_REPORT_DAYS {
        return Err(CoreError::invalid(
            "to",
            "A report can cover at most ten years. Choose a shorter period.",
        ));
    }
    Ok((fmt_date(f), fmt_date(t)))
}

struct Span {
    joined_on: String,
    left_on: Option<String>,
}

impl Span {
    fn covers(&self, date: &str) -> bool {
        self.joined_on.as_str() <= date && self.left_on.as_deref().is_none_or(|l| l > date)
    }
}

/// A group's register over a period (both days included).
pub(crate) fn register(
    conn: &Connection,
    group_id: &str,
    from: &str,
    to: &str,
    stamp: ReportStamp,
) -> Result<RegisterReport> {
    let (from, to) = checked_period(from, to)?;
    let group = groups::get(conn, group_id)?;

    let mut sessions: Vec<RegisterSession> = conn
        .prepare_cached(
            "SELECT id, date, start_time, status FROM session
             WHERE group_id = ?1 AND date >= ?2 AND date <= ?3 AND archived_at IS NULL
             ORDER BY date, start_time, id",
        )?
        .query_map(params![group_id, from, to], |r| {
            Ok(RegisterSession {
                session_id: r.get(0)?,
                date: r.get(1)?,
                start_time: r.get(2)?,
                status: r.get(3)?,
                attended: 0,
                expected: 0,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let column: HashMap<&str, usize> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| (s.session_id.as_str(), i))
        .collect();

    // Memberships that overlap the period, by person.
    let mut spans: HashMap<String, Vec<Span>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT attendee_id, joined_on, left_on FROM membership
         WHERE group_id = ?1 AND joined_on <= ?3 AND (left_on IS NULL OR left_on > ?2)",
    )?;
    let rows = stmt.query_map(params![group_id, from, to], |r| {
        Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
    })?;
    for row in rows {
        let (who, joined_on, left_on) = row?;
        spans
            .entry(who)
            .or_default()
            .push(Span { joined_on, left_on });
    }

    // Every mark in the period's sessions.
    let mut marks: HashMap<(String, usize), Mark> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT a.session_id, a.attendee_id, a.mark FROM attendance a
         JOIN session s ON s.id = a.session_id
         WHERE s.group_id = ?1 AND s.date >= ?2 AND s.date <= ?3 AND s.archived_at IS NULL",
    )?;
    let rows = stmt.query_map(params![group_id, from, to], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
    })?;
    for row in rows {
        let (session, who, mark) = row?;
        if let Some(&i) = column.get(session.as_str()) {
            marks.insert((who, i), mark);
        }
    }

    // The people: members in the period and anyone marked, by name.
    let mut ids: HashSet<String> = spans.keys().cloned().collect();
    ids.extend(marks.keys().map(|(who, _)| who.clone()));
    let mut people: Vec<(String, String)> = Vec::with_capacity(ids.len());
    let mut stmt = conn.prepare_cached("SELECT full_name FROM attendee WHERE id = ?1")?;
    for id in ids {
        let name: String = stmt.query_row([&id], |r| r.get(0))?;
        people.push((id, name));
    }
    people.sort_by(|a, b| {
        a.1.to_lowercase()
            .cmp(&b.1.to_lowercase())
            .then_with(|| a.0.cmp(&b.0))
    });

    let no_spans = Vec::new();
    let mut rows = Vec::with_capacity(people.len());
    let (mut all_attended, mut all_expected) = (0u32, 0u32);
    for (id, full_name) in people {
        let spans = spans.get(&id).unwrap_or(&no_spans);
        let mut cells = Vec::with_capacity(sessions.len());
        let (mut attended, mut expected) = (0u32, 0u32);
        for (i, s) in sessions.iter_mut().enumerate() {
            let member = spans.iter().any(|sp| sp.covers(&s.date));
            let held = s.status == SessionStatus::Held;
            let cell = match marks.get(&(id.clone(), i)) {
                Some(&mark) => RegisterCell::Marked {
                    mark,
                    walk_in: !member,
                },
                None if !member => RegisterCell::NotMember,
                None => match s.status {
                    SessionStatus::Cancelled => RegisterCell::Cancelled,
                    SessionStatus::Planned => RegisterCell::Planned,
                    SessionStatus::Held => RegisterCell::NotMarked,
                },
            };
            if held && !matches!(cell, RegisterCell::NotMember) {
                expected += 1;
                s.expected += 1;
                if let RegisterCell::Marked { mark, .. } = cell {
                    if mark.attended() {
                        attended += 1;
                        s.attended += 1;
                    }
                }
            }
            cells.push(cell);
        }
        all_attended += attended;
        all_expected += expected;
        rows.push(RegisterPerson {
            attendee_id: id,
            full_name,
            cells,
            attended,
            expected,
            rate: rate(attended, expected),
        });
    }

    let venue = match &group.venue_name {
        Some(v) => v.clone(),
        None => {
            let names: Vec<String> = conn
                .prepare_cached(
                    "SELECT DISTINCT v.name FROM session s JOIN venue v ON v.id = s.venue_id
                     WHERE s.group_id = ?1 AND s.date >= ?2 AND s.date <= ?3
                     ORDER BY v.name",
                )?
                .query_map(params![group_id, from, to], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if names.is_empty() {
                "no venue recorded".into()
            } else {
                names.join(", ")
            }
        }
    };

    Ok(RegisterReport {
        group_id: group.id,
        group_name: group.name,
        venue,
        from,
        to,
        sessions,
        people: rows,
        attended: all_attended,
        expected: all_expected,
        rate: rate(all_attended, all_expected),
        stamp,
    })
}

/// The item's words for a chart or table ("Happy", or the statement).
fn item_label(instrument: &crate::outcomes::Instrument, key: &str) -> String {
    instrument
        .items
        .iter()
        .find(|i| i.key == key)
        .map(|i| i.text.trim().to_string())
        .unwrap_or_else(|| key.to_string())
}

pub(crate) fn programme(
    conn: &Connection,
    group_ids: &[String],
    from: &str,
    to: &str,
    narrative: &str,
    stamp: ReportStamp,
) -> Result<ProgrammeSummary> {
    let (from, to) = checked_period(from, to)?;
    if group_ids.is_empty() {
        return Err(CoreError::invalid(
            "groupIds",
            "Choose at least one group for the summary.",
        ));
    }
    let narrative = validate::long_text("narrative", "the summary", narrative)?;
    let mut group_names = Vec::new();
    let mut seen = HashSet::new();
    for id in group_ids {
        if seen.insert(id.as_str()) {
            group_names.push(groups::get(conn, id)?.name);
        }
    }
    let ids: Vec<&str> = seen.into_iter().collect();

    let mut s = ProgrammeSummary {
        group_names,
        from: from.clone(),
        to: to.clone(),
        sessions_planned: 0,
        sessions_held: 0,
        sessions_cancelled: 0,
        sessions_not_yet_held: 0,
        unique_participants: 0,
        participants_three_or_more: 0,
        attended: 0,
        expected: 0,
        attendance_rate: None,
        members_in_period: 0,
        members_retained: 0,
        retention_rate: None,
        referral_statuses: ReferralStatus::ALL
            .iter()
            .map(|s| s.label().to_string())
            .collect(),
        referrals: Vec::new(),
        referrals_total: 0,
        referral_timing: ReferralTiming {
            response_days: referrals::settings(conn)?.referral_response_days,
            referrals: 0,
            answered: 0,
            answered_in_time: 0,
            median_days_to_answer: None,
            overdue: 0,
            came: 0,
            came_in_time: 0,
            median_days_to_first_session: None,
        },
        episodes: Vec::new(),
        wellbeing: Vec::new(),
        narrative,
        stamp: stamp.clone(),
    };

    let mut came: HashMap<String, u32> = HashMap::new();
    let mut members: HashSet<String> = HashSet::new();
    let mut retained: HashSet<String> = HashSet::new();
    for id in &ids {
        let reg = register(conn, id, &from, &to, stamp.clone())?;
        for session in &reg.sessions {
            s.sessions_planned += 1;
            match session.status {
                SessionStatus::Held => s.sessions_held += 1,
                SessionStatus::Cancelled => s.sessions_cancelled += 1,
                SessionStatus::Planned => s.sessions_not_yet_held += 1,
            }
        }
        s.attended += reg.attended;
        s.expected += reg.expected;
        for p in &reg.people {
            if p.attended > 0 {
                *came.entry(p.attendee_id.clone()).or_default() += p.attended;
            }
        }
        let mut stmt = conn.prepare_cached(
            "SELECT attendee_id, left_on IS NULL OR left_on > ?3 FROM membership
             WHERE group_id = ?1 AND joined_on <= ?3 AND (left_on IS NULL OR left_on > ?2)",
        )?;
        let rows = stmt.query_map(params![id, from, to], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))
        })?;
        for row in rows {
            let (who, still) = row?;
            if still {
                retained.insert(who.clone());
            }
            members.insert(who);
        }
    }
    s.unique_participants = came.len() as u32;
    s.participants_three_or_more = came.values().filter(|n| **n >= 3).count() as u32;
    s.attendance_rate = rate(s.attended, s.expected);
    s.members_in_period = members.len() as u32;
    s.members_retained = retained.len() as u32;
    s.retention_rate = rate(s.members_retained, s.members_in_period);

    // Referrals received in the period, for people in these groups (members
    // at any time, or on a register of theirs at any time: someone referred
    // in the period may join after it) or not yet in any group. "In any
    // group" and "in these groups" are the same test, so each referral
    // belongs to the programmes of the groups its person is in.
    let group_list = serde_json::to_string(&ids).map_err(|e| {
        crate::error::CoreError::Report(format!("the groups could not be read ({e})"))
    })?;
    let mut counts: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT r.attendee_id, r.source, r.status,
                EXISTS (SELECT 1 FROM membership m WHERE m.attendee_id = r.attendee_id)
                OR EXISTS (SELECT 1 FROM attendance t WHERE t.attendee_id = r.attendee_id),
                EXISTS (SELECT 1 FROM membership m WHERE m.attendee_id = r.attendee_id
                          AND m.group_id IN (SELECT value FROM json_each(?3)))
                OR EXISTS (SELECT 1 FROM attendance t JOIN session s ON s.id = t.session_id
                             WHERE t.attendee_id = r.attendee_id
                               AND s.group_id IN (SELECT value FROM json_each(?3))),
                r.id, r.received_on
         FROM referral r
         WHERE r.received_on >= ?1 AND r.received_on <= ?2 AND r.archived_at IS NULL",
    )?;
    let rows = stmt.query_map(params![from, to, group_list], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, crate::model::ReferralSource>(1)?,
            r.get::<_, crate::model::ReferralStatus>(2)?,
            r.get::<_, bool>(3)?,
            r.get::<_, bool>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut counted: Vec<(String, String, String)> = Vec::new();
    for row in rows {
        let (who, source, status, in_any_group, in_these_groups, referral_id, received_on) = row?;
        if in_any_group && !in_these_groups {
            continue;
        }
        counted.push((referral_id, who.clone(), received_on));
        let si = ReferralSource::ALL
            .iter()
            .position(|x| *x == source)
            .unwrap_or(0);
        let ti = ReferralStatus::ALL
            .iter()
            .position(|x| *x == status)
            .unwrap_or(0);
        counts
            .entry(si)
            .or_insert_with(|| vec![0; ReferralStatus::ALL.len()])[ti] += 1;
    }
    for (si, by_status) in counts {
        let total = by_status.iter().sum();
        s.referrals_total += total;
        s.referrals.push(ReferralCount {
            source: ReferralSource::ALL[si].label().to_string(),
            by_status,
            total,
        });
    }

    s.referral_timing = referral_timing(conn, &ids, &counted, s.referral_timing.response_days)?;
    s.episodes = episode_changes(conn, &counted)?;

    // Wellbeing: every group's before/after sets over the period together.
    for outcome in scores::outcomes_of_groups(conn, &ids, &from, &to)? {
        for summary in outcome.summaries {
            let instrument = &outcome.instrument;
            let mut lines = vec![WellbeingLine {
                label: "Overall".into(),
                before: summary.pre_mean,
                after: summary.post_mean,
                change: summary.change,
            }];
            for item in &summary.items {
                lines.push(WellbeingLine {
                    label: item_label(instrument, &item.item_key),
                    before: item.pre_mean,
                    after: item.post_mean,
                    change: item.change,
                });
            }
            s.wellbeing.push(WellbeingChange {
                instrument_name: instrument.name.clone(),
                instrument_version: summary.instrument_version.clone(),
                rater: summary.rater,
                scale_min: instrument.scale.min,
                scale_max: instrument.scale.max,
                counted: summary.counted,
                improved: summary.improved,
                same: summary.same,
                worse: summary.worse,
                lines,
            });
        }
    }
    Ok(s)
}

/// The median of some day counts (the mean of the middle two for an even
/// number); `None` for none.
pub fn median(days: &mut [i64]) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let mid = days.len() / 2;
    Some(if days.len() % 2 == 1 {
        days[mid] as f64
    } else {
        (days[mid - 1] + days[mid]) as f64 / 2.0
    })
}

/// How fast each referral `(id, person, received on)` was answered, and how
/// soon its person first came to one of `group_ids`' sessions. Answers and
/// sessions are counted up to today, even after the period's end: the
/// period chooses the referrals, not how long they may take.
fn referral_timing(
    conn: &Connection,
    group_ids: &[&str],
    counted: &[(String, String, String)],
    response_days: u32,
) -> Result<ReferralTiming> {
    let today = super::today();
    let mut t = ReferralTiming {
        response_days,
        referrals: counted.len() as u32,
        answered: 0,
        answered_in_time: 0,
        median_days_to_answer: None,
        overdue: 0,
        came: 0,
        came_in_time: 0,
        median_days_to_first_session: None,
    };
    let in_groups = |group_id: &str| group_ids.contains(&group_id);
    let mut to_answer = Vec::new();
    let mut to_session = Vec::new();
    let mut first_came = conn.prepare_cached(
        "SELECT s.group_id, s.date FROM attendance a JOIN session s ON s.id = a.session_id
         WHERE a.attendee_id = ?1 AND s.date >= ?2 AND s.archived_at IS NULL
           AND s.status = 'held' AND a.mark IN ('present', 'late', 'left_early')
         ORDER BY s.date",
    )?;
    for (referral_id, who, received_on) in counted {
        let received = validate::date("receivedOn", received_on)?;
        let referral = referrals::get(conn, referral_id)?;
        match referrals::first_answer(&referral.history) {
            Some(answer) => {
                let on = validate::date("changedOn", &answer.changed_on)?;
                t.answered += 1;
                if referrals::answered_in_time(received, response_days, on) {
                    t.answered_in_time += 1;
                }
                to_answer.push((on - received).num_days());
            }
            None => {
                let withdrawn = referral
                    .history
                    .iter()
                    .any(|h| h.status == ReferralStatus::Withdrawn);
                if !withdrawn && referrals::is_overdue(received, response_days, today) {
                    t.overdue += 1;
                }
            }
        }
        let dates: Vec<(String, String)> = first_came
            .query_map(params![who, received_on], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if let Some((_, date)) = dates.iter().find(|(g, _)| in_groups(g)) {
            let on = validate::date("date", date)?;
            t.came += 1;
            if referrals::answered_in_time(received, response_days, on) {
                t.came_in_time += 1;
            }
            to_session.push((on - received).num_days());
        }
    }
    t.median_days_to_answer = median(&mut to_answer);
    t.median_days_to_first_session = median(&mut to_session);
    Ok(t)
}

/// The counted referrals' start and end measures, per measure and rater:
/// how many have a start, how many both, and the mean start, end and
/// change over the pairs.
fn episode_changes(
    conn: &Connection,
    counted: &[(String, String, String)],
) -> Result<Vec<EpisodeChange>> {
    let key = referrals::settings(conn)?.episode_instrument_key;
    let mut outcomes: HashMap<&str, crate::model::PersonOutcomes> = HashMap::new();
    // (instrument name, rater) -> (rater, referrals started, pairs' lines)
    type Tally = (crate::outcomes::Rater, u32, Vec<Vec<EpisodeLine>>);
    let mut by: BTreeMap<(String, u8), Tally> = BTreeMap::new();
    for (referral_id, who, _) in counted {
        if !outcomes.contains_key(who.as_str()) {
            outcomes.insert(who, scores::person_outcomes(conn, who)?);
        }
        let referral = referrals::get(conn, referral_id)?;
        let e = episodes::of_referral(conn, &referral, &outcomes[who.as_str()], &key)?;
        let Some(rater) = e.rater else { continue };
        let entry = by
            .entry((e.instrument_name.clone(), rater as u8))
            .or_insert((rater, 0, Vec::new()));
        entry.1 += 1;
        if e.end_on.is_some() {
            entry.2.push(e.lines);
        }
    }
    let mean = |v: Vec<f64>| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    Ok(by
        .into_iter()
        .map(|((instrument_name, _), (rater, started, pairs))| {
            let lines = match pairs.first() {
                None => Vec::new(),
                Some(first) => (0..first.len())
                    .map(|i| {
                        let at = |f: fn(&EpisodeLine) -> Option<f64>| {
                            mean(pairs.iter().filter_map(|p| p.get(i).and_then(f)).collect())
                        };
                        EpisodeLine::new(
                            first[i].label.clone(),
                            at(|l| l.start),
                            at(|l| l.end),
                            at(|l| l.change),
                            first[i].lower_is_better,
                        )
                    })
                    .collect(),
            };
            EpisodeChange {
                instrument_name,
                rater,
                started,
                both: pairs.len() as u32,
                lines,
            }
        })
        .collect())
}

/// Every session a person came to or was marked at, oldest first.
fn attendance_of(conn: &Connection, attendee_id: &str) -> Result<Vec<AttendanceHistoryEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, g.name, s.date, a.mark, a.carer_present, a.walk_in
         FROM attendance a
         JOIN session s ON s.id = a.session_id
         JOIN practice_group g ON g.id = s.group_id
         WHERE a.attendee_id = ?1
         ORDER BY s.date, s.start_time",
    )?;
    let rows = stmt.query_map([attendee_id], |r| {
        Ok(AttendanceHistoryEntry {
            session_id: r.get(0)?,
            group_name: r.get(1)?,
            date: r.get(2)?,
            mark: r.get(3)?,
            carer_present: r.get(4)?,
            walk_in: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A complete set's score in words, and its number where it has one (a
/// mean, or SWEMWBS's metric score); `None` for an incomplete set.
fn score_text(scored: &Scored) -> Option<(Option<f64>, String)> {
    let Scored::Complete { score } = scored else {
        return None;
    };
    Some(match &score.result {
        ScoreResult::MeanOfItems { mean } => {
            (Some(*mean), format!("mean {}", report::number(*mean)))
        }
        ScoreResult::SumWithMetric { raw, metric } => (
            Some(*metric),
            format!("{} (raw score {raw})", report::number(*metric)),
        ),
        ScoreResult::ItemByItem { items } => (
            None,
            items
                .iter()
                .map(|i| format!("{} {}", i.item_key, i.value))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    })
}

pub(crate) fn referrer_feedback(
    store: &Store,
    attendee_id: &str,
    summary: &str,
    stamp: ReportStamp,
) -> Result<ReferrerFeedback> {
    let conn = store.conn();
    let person = attendees::get(conn, attendee_id)?;
    if !person.consent_share_outcomes.given {
        return Err(CoreError::Conflict(format!(
            "{} has not agreed to their outcomes being shared with the person who referred \
             them, so no feedback can be made. If they agree, record it on their page first.",
            person.full_name
        )));
    }
    let summary = validate::long_text("summary", "the summary", summary)?;
    let refs = referrals::of_attendee(conn, attendee_id)?;
    let latest = refs.iter().max_by(|a, b| a.received_on.cmp(&b.received_on));
    let referred_by = latest
        .map(|r| referrals::referrer_words(&r.referrer_name, &r.referrer_organisation))
        .unwrap_or_default();
    let answer = latest.and_then(|r| referrals::first_answer(&r.history).cloned());
    let episode = match latest {
        Some(r) => {
            let key = referrals::settings(conn)?.episode_instrument_key;
            let outcomes = store.person_outcomes(attendee_id)?;
            Some(episodes::of_referral(conn, r, &outcomes, &key)?)
        }
        None => None,
    };
    // The support offered is that of the referral's episode (from its
    // receipt to its end, or to now), not of every visit the person ever
    // made.
    let span = latest.map(referrals::episode_span);
    let within = |date: &str| match &span {
        None => true,
        Some((from, to)) => date >= from.as_str() && to.as_deref().is_none_or(|to| date <= to),
    };
    let history: Vec<AttendanceHistoryEntry> = attendance_of(conn, attendee_id)?
        .into_iter()
        .filter(|a| within(&a.date))
        .collect();
    let attended: Vec<AttendanceHistoryEntry> = history
        .iter()
        .filter(|a| a.mark.attended())
        .cloned()
        .collect();
    // Each group once (a person who left and came back has two
    // memberships, not always side by side), if it overlaps the episode.
    let mut group_list: Vec<String> = Vec::new();
    for m in groups::memberships_of_attendee(conn, attendee_id)? {
        let overlaps = match &span {
            None => true,
            Some((from, to)) => {
                to.as_deref().is_none_or(|to| m.joined_on.as_str() <= to)
                    && m.left_on.as_deref().is_none_or(|left| left > from.as_str())
            }
        };
        if overlaps && !group_list.contains(&m.group_name) {
            group_list.push(m.group_name);
        }
    }

    let mut measures = Vec::new();
    for h in store.person_outcomes(attendee_id)?.instruments {
        // Per rater: the first complete set and the latest one.
        let mut by_rater: BTreeMap<u8, Vec<&crate::model::ScoreSet>> = BTreeMap::new();
        for set in &h.sets {
            if score_text(&set.scored).is_some() {
                by_rater.entry(set.rater as u8).or_default().push(set);
            }
        }
        for sets in by_rater.values() {
            let first = sets[0];
            let (fv, ft) = score_text(&first.scored).unwrap_or_default();
            let last = (sets.len() > 1).then(|| sets[sets.len() - 1]);
            let lv = last.and_then(|l| score_text(&l.scored));
            let change = match (fv, lv.as_ref().and_then(|(v, _)| *v)) {
                (Some(a), Some(b)) => Some(Change::between(a, b)),
                _ => None,
            };
            measures.push(FeedbackMeasure {
                instrument_name: h.instrument.name.clone(),
                rater: first.rater,
                first_on: first.taken_on.clone(),
                first: ft,
                latest_on: last.map(|l| l.taken_on.clone()),
                latest: lv.map(|(_, t)| t),
                change,
            });
        }
    }

    let prescription = latest.and_then(|r| r.prescription.clone());
    let prescribed_songs = match prescription.as_ref().and_then(|p| p.playlist_id.as_deref()) {
        Some(id) => Some(conn.query_row(
            "SELECT count(*) FROM playlist_entry WHERE playlist_id = ?1",
            [id],
            |r| r.get(0),
        )?),
        None => None,
    };
    Ok(ReferrerFeedback {
        prescription,
        prescribed_songs,
        attendee_id: person.id,
        full_name: person.full_name,
        date_of_birth: person.date_of_birth,
        information_needs: person.information_needs,
        referred_by,
        referred_on: latest.map(|r| r.received_on.clone()),
        referral_source: latest.map(|r| r.source),
        reasons: latest.map(|r| r.reasons.clone()).unwrap_or_default(),
        reason_notes: latest.map(|r| r.reason_notes.clone()).unwrap_or_default(),
        codes: message_codes(latest.is_some(), !attended.is_empty()),
        answer,
        episode,
        groups: group_list,
        sessions_offered: history.len() as u32,
        attended,
        measures,
        summary,
        stamp,
    })
}

/// The SNOMED CT codes a message back carries: the referral (the first
/// contact of the episode) and, once the person came, the support offered.
/// Only verified concepts are written (`crate::snomed::entries`).
fn message_codes(referred: bool, attended: bool) -> Vec<CodedEntry> {
    use crate::snomed::{self, Concept};
    let mut wanted: Vec<(MessageHeading, Concept)> = Vec::new();
    if referred {
        wanted.push((
            MessageHeading::NeedsAndConcerns,
            snomed::REFERRAL_TO_SOCIAL_PRESCRIBING,
        ));
    }
    if attended {
        wanted.push((MessageHeading::SupportOffered, snomed::ARTS_BASED_THERAPY));
    }
    snomed::entries(wanted)
}

pub(crate) fn subject_access(
    store: &Store,
    attendee_id: &str,
    stamp: ReportStamp,
) -> Result<SubjectAccess> {
    let conn = store.conn();
    let attendee = attendees::get(conn, attendee_id)?;
    let playlists: Vec<String> = conn
        .prepare_cached("SELECT name FROM playlist WHERE attendee_id = ?1 ORDER BY name")?
        .query_map([attendee_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut notes = notes::all_of_person(conn, attendee_id)?;
    notes.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    Ok(SubjectAccess {
        referrals: referrals::of_attendee(conn, attendee_id)?,
        memberships: groups::memberships_of_attendee(conn, attendee_id)?,
        attendance: attendance_of(conn, attendee_id)?,
        outcomes: store.person_outcomes(attendee_id)?,
        notes,
        playlists,
        music_story: super::music_story::get(conn, attendee_id)?,
        listening: super::listening::of_person(conn, attendee_id)?,
        audit: store.person_audit(attendee_id)?,
        attendee,
        stamp,
    })
}

impl Store {
    /// The name of the practitioner using Refrain, for a report's stamp.
    pub fn report_stamp(&self) -> ReportStamp {
        let name = self
            .actor()
            .and_then(|id| self.practitioner(&id).ok())
            .map(|p| p.name);
        let mut stamp = report::stamp(name);
        stamp.records_as_of = self.team_records_as_of().unwrap_or_default();
        stamp
    }

    /// One group's attendance register over a period (both days included).
    pub fn register_report(&self, group_id: &str, from: &str, to: &str) -> Result<RegisterReport> {
        register(self.conn(), group_id, from, to, self.report_stamp())
    }

    /// The register of every group (archived ones too) with a session in the
    /// period, by group name. `progress` hears `(groups done, groups)`.
    pub fn all_registers(
        &self,
        from: &str,
        to: &str,
        progress: &mut dyn FnMut(u32, u32),
    ) -> Result<Vec<RegisterReport>> {
        let (from, to) = checked_period(from, to)?;
        let ids: Vec<String> = self
            .conn()
            .prepare_cached(
                "SELECT g.id FROM practice_group g
                 WHERE EXISTS (SELECT 1 FROM session s WHERE s.group_id = g.id
                                  AND s.date >= ?1 AND s.date <= ?2 AND s.archived_at IS NULL)
                 ORDER BY g.name COLLATE NOCASE, g.id",
            )?
            .query_map(params![from, to], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let stamp = self.report_stamp();
        let total = ids.len() as u32;
        let mut out = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            progress(i as u32, total);
            out.push(register(self.conn(), id, &from, &to, stamp.clone())?);
        }
        progress(total, total);
        Ok(out)
    }

    /// A funder's summary of a set of groups over a period.
    pub fn programme_summary(
        &self,
        group_ids: &[String],
        from: &str,
        to: &str,
        narrative: &str,
    ) -> Result<ProgrammeSummary> {
        programme(
            self.conn(),
            group_ids,
            from,
            to,
            narrative,
            self.report_stamp(),
        )
    }

    /// Feedback for the person who referred someone; refused unless that
    /// person agreed to their outcomes being shared.
    pub fn referrer_feedback(&self, attendee_id: &str, summary: &str) -> Result<ReferrerFeedback> {
        referrer_feedback(self, attendee_id, summary, self.report_stamp())
    }

    /// Everything Refrain holds about one person.
    pub fn subject_access(&self, attendee_id: &str) -> Result<SubjectAccess> {
        subject_access(self, attendee_id, self.report_stamp())
    }
}
