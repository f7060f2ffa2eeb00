//! A referral's episode, measured at its start and its end: the practice's
//! measure (ONS4 unless changed) taken at intake after the referral arrived,
//! and at discharge after that, paired for the person, the referrer and the
//! funder. Pure reading: the answers themselves are recorded as any other
//! intake or discharge answers (`store::scores`).

use std::collections::HashMap;

use rusqlite::{params, Connection};

use super::attendees::{needs_at, NEEDS_COLUMNS};
use super::{instruments, referrals, scores, Store};
use crate::error::Result;
use crate::model::{
    EpisodeDue, EpisodeLine, EpisodeOutcome, InformationNeeds, PersonOutcomes, Referral,
    ReferralStatus, ScoreSet, Timing,
};
use crate::outcomes::{Instrument, ScoreResult, Scored};

/// The numbers a complete set gives: `("Overall", value)` for a measure with
/// one score, else each item's answer, by item key.
fn numbers(set: &ScoreSet) -> Option<Vec<(String, f64)>> {
    let Scored::Complete { score } = &set.scored else {
        return None;
    };
    Some(match &score.result {
        ScoreResult::MeanOfItems { mean } => vec![(String::new(), *mean)],
        ScoreResult::SumWithMetric { metric, .. } => vec![(String::new(), *metric)],
        ScoreResult::ItemByItem { items } => items
            .iter()
            .map(|i| (i.item_key.clone(), f64::from(i.value)))
            .collect(),
    })
}

/// The lines of a pairing, in the instrument's order.
fn lines(
    instrument: &Instrument,
    start: Option<&ScoreSet>,
    end: Option<&ScoreSet>,
) -> Vec<EpisodeLine> {
    let s = start.and_then(numbers).unwrap_or_default();
    let e = end.and_then(numbers).unwrap_or_default();
    let find = |v: &[(String, f64)], key: &str| v.iter().find(|(k, _)| k == key).map(|(_, n)| *n);
    let keys: Vec<(String, String, bool)> =
        if matches!(instrument.scoring, crate::outcomes::Scoring::ItemByItem) {
            instrument
                .items
                .iter()
                .map(|i| (i.key.clone(), i.text.trim().to_string(), i.lower_is_better))
                .collect()
        } else {
            vec![(String::new(), "Overall".to_string(), false)]
        };
    keys.into_iter()
        .map(|(key, label, lower_is_better)| {
            let (start, end) = (find(&s, &key), find(&e, &key));
            EpisodeLine::new(
                label,
                start,
                end,
                start.zip(end).map(|(a, b)| b - a),
                lower_is_better,
            )
        })
        .collect()
}

/// Whether the person came to a held session on or after `date`.
fn came_since(conn: &Connection, attendee_id: &str, date: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM attendance a JOIN session s ON s.id = a.session_id
                         WHERE a.attendee_id = ?1 AND s.date >= ?2 AND s.archived_at IS NULL
                           AND s.status = 'held' AND a.mark IN ('present', 'late', 'left_early'))",
        params![attendee_id, date],
        |r| r.get(0),
    )?)
}

/// One referral's episode, from the person's outcomes already read.
pub(crate) fn of_referral(
    conn: &Connection,
    referral: &Referral,
    outcomes: &PersonOutcomes,
    instrument_key: &str,
) -> Result<EpisodeOutcome> {
    let instrument = instruments::get_current(conn, instrument_key)?.instrument;
    let sets: Vec<&ScoreSet> = outcomes
        .instruments
        .iter()
        .filter(|h| h.instrument.key == instrument_key)
        .flat_map(|h| h.sets.iter())
        .filter(|s| numbers(s).is_some())
        .collect();
    let start = sets
        .iter()
        .filter(|s| s.timing == Timing::Intake && s.taken_on >= referral.received_on)
        .min_by(|a, b| (&a.taken_on, &a.created_at).cmp(&(&b.taken_on, &b.created_at)))
        .copied();
    let end = start.and_then(|st| {
        sets.iter()
            .filter(|s| {
                s.timing == Timing::Discharge && s.rater == st.rater && s.taken_on >= st.taken_on
            })
            .max_by(|a, b| (&a.taken_on, &a.created_at).cmp(&(&b.taken_on, &b.created_at)))
            .copied()
    });
    let ended = referral.history.iter().any(|h| {
        matches!(
            h.status,
            ReferralStatus::Completed | ReferralStatus::Withdrawn
        )
    });
    let declined = referral.status == ReferralStatus::Declined;
    let due = match (start, end) {
        (None, _)
            if !declined
                && referral.status != ReferralStatus::Withdrawn
                && came_since(conn, &referral.attendee_id, &referral.received_on)? =>
        {
            Some(Timing::Intake)
        }
        (Some(_), None) if ended => Some(Timing::Discharge),
        _ => None,
    };
    Ok(EpisodeOutcome {
        referral_id: referral.id.clone(),
        instrument_key: instrument.key.clone(),
        instrument_name: instrument.name.clone(),
        rater: start.map(|s| s.rater),
        start_on: start.map(|s| s.taken_on.clone()),
        end_on: end.map(|s| s.taken_on.clone()),
        lines: lines(&instrument, start, end),
        due,
    })
}

/// Every referral's episode for one person, in the order given.
pub(crate) fn of_person(
    conn: &Connection,
    attendee_id: &str,
    refs: &[Referral],
) -> Result<Vec<EpisodeOutcome>> {
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    let key = referrals::settings(conn)?.episode_instrument_key;
    let outcomes = scores::person_outcomes(conn, attendee_id)?;
    refs.iter()
        .map(|r| of_referral(conn, r, &outcomes, &key))
        .collect()
}

/// Every start or end measure due now, by name: people not archived with a
/// referral neither declined nor archived.
pub(crate) fn due(conn: &Connection) -> Result<Vec<EpisodeDue>> {
    let people: Vec<(String, String, InformationNeeds)> = conn
        .prepare_cached(&format!(
            "SELECT DISTINCT a.id, a.full_name, {NEEDS_COLUMNS} FROM attendee a
             JOIN referral r ON r.attendee_id = a.id
             WHERE a.archived_at IS NULL AND r.archived_at IS NULL AND r.status <> 'declined'
             ORDER BY a.full_name COLLATE NOCASE, a.id"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, needs_at(r, 2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (attendee_id, full_name, needs) in people {
        let refs = referrals::of_attendee(conn, &attendee_id)?;
        for e in of_person(conn, &attendee_id, &refs)? {
            if let Some(due) = e.due {
                out.push(EpisodeDue {
                    attendee_id: attendee_id.clone(),
                    full_name: full_name.clone(),
                    referral_id: e.referral_id,
                    instrument_key: e.instrument_key,
                    instrument_name: e.instrument_name,
                    due,
                    information_needs: needs.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// Of these people, those whose start measure is due at a session on `on`:
/// a referral received on or before that day, still open (not declined,
/// withdrawn or completed), with no start measure taken since it arrived.
/// Their first session is where it is offered; it stays due until taken.
pub(crate) fn start_due_at(
    conn: &Connection,
    attendee_ids: &[String],
    on: &str,
) -> Result<HashMap<String, EpisodeDue>> {
    let mut out = HashMap::new();
    if attendee_ids.is_empty() {
        return Ok(out);
    }
    // Only the people with such a referral are read further: one query for
    // the register, not one per person.
    let list = serde_json::to_string(attendee_ids).map_err(|e| {
        crate::error::CoreError::Report(format!("the register could not be read ({e})"))
    })?;
    let referred: Vec<(String, String, InformationNeeds)> = conn
        .prepare_cached(&format!(
            "SELECT DISTINCT a.id, a.full_name, {NEEDS_COLUMNS} FROM attendee a
             JOIN referral r ON r.attendee_id = a.id
             WHERE a.id IN (SELECT value FROM json_each(?1))
               AND r.archived_at IS NULL AND r.received_on <= ?2
               AND r.status NOT IN ('declined', 'withdrawn', 'completed')"
        ))?
        .query_map(params![list, on], |r| {
            Ok((r.get(0)?, r.get(1)?, needs_at(r, 2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (attendee_id, full_name, needs) in referred {
        let refs = referrals::of_attendee(conn, &attendee_id)?;
        let episodes = of_person(conn, &attendee_id, &refs)?;
        let open = refs.iter().zip(episodes).filter(|(r, e)| {
            r.received_on.as_str() <= on
                && !matches!(
                    r.status,
                    ReferralStatus::Declined
                        | ReferralStatus::Withdrawn
                        | ReferralStatus::Completed
                )
                && e.start_on.is_none()
        });
        // The latest such referral, if more than one is open.
        if let Some((_, e)) = open.max_by(|a, b| a.0.received_on.cmp(&b.0.received_on)) {
            out.insert(
                attendee_id.clone(),
                EpisodeDue {
                    attendee_id,
                    full_name,
                    referral_id: e.referral_id,
                    instrument_key: e.instrument_key,
                    instrument_name: e.instrument_name,
                    due: Timing::Intake,
                    information_needs: needs,
                },
            );
        }
    }
    Ok(out)
}

impl Store {
    /// Start and end measures due now, for Today.
    pub fn episode_measures_due(&self) -> Result<Vec<EpisodeDue>> {
        due(self.conn())
    }
}
