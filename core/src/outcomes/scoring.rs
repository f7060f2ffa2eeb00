//! Scoring: from a set of answers to a result, with typed refusals.
//!
//! Rules that hold for every instrument:
//! - An answer to an item the instrument does not have, an answer outside the
//!   scale, or two answers to one item are refused (`CoreError::Invalid`).
//! - A set with items still unanswered is *incomplete*: it says which items are
//!   missing and is never scored, averaged or counted in a group.
//! - Only the raters the instrument allows may rate with it, and reports keep
//!   every rater's ratings apart.
//! - Means, changes and percents are returned unrounded; rounding is for display.
//! - Percent change is `(after − before) / before × 100`. With a baseline of zero
//!   (possible on a custom scale starting at 0) or no baseline at all (nobody
//!   counted), there is no percent: it is `None`, never a division by zero.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{BandLevel, Instrument, Item, Rater, Scoring};
use crate::error::{CoreError, Result};

/// One answer: the item it answers and the value given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    pub item_key: String,
    pub value: i32,
}

impl Response {
    pub fn new(item_key: impl Into<String>, value: i32) -> Self {
        Response {
            item_key: item_key.into(),
            value,
        }
    }
}

/// An item still to be answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MissingItem {
    pub key: String,
    pub text: String,
}

/// A set of answers that broke no rule: complete, or missing some items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "status"
)]
pub enum Checked {
    /// Every item answered once; the answers in the instrument's item order.
    Complete { responses: Vec<Response> },
    /// The items not yet answered, in the instrument's item order.
    Incomplete { missing: Vec<MissingItem> },
}

/// The result of scoring a set of answers: a score only when every item is answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "status"
)]
pub enum Scored {
    Complete {
        score: PersonScore,
    },
    /// Not scored: these items are still to be answered.
    Incomplete {
        missing: Vec<MissingItem>,
    },
}

impl Scored {
    /// The score, if the set was complete.
    pub fn score(&self) -> Option<&PersonScore> {
        match self {
            Scored::Complete { score } => Some(score),
            Scored::Incomplete { .. } => None,
        }
    }

    /// The missing items (empty when complete).
    pub fn missing(&self) -> &[MissingItem] {
        match self {
            Scored::Complete { .. } => &[],
            Scored::Incomplete { missing } => missing,
        }
    }
}

/// One person's score on one occasion, with the instrument version that
/// produced it and who rated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PersonScore {
    pub instrument_key: String,
    pub instrument_version: String,
    pub rater: Rater,
    /// The answers, in the instrument's item order.
    pub responses: Vec<Response>,
    pub result: ScoreResult,
}

impl PersonScore {
    /// The mean of the items, for instruments scored that way.
    pub fn mean(&self) -> Option<f64> {
        match self.result {
            ScoreResult::MeanOfItems { mean } => Some(mean),
            _ => None,
        }
    }

    /// The raw total and metric score, for instruments scored that way.
    pub fn raw_and_metric(&self) -> Option<(i32, f64)> {
        match self.result {
            ScoreResult::SumWithMetric { raw, metric } => Some((raw, metric)),
            _ => None,
        }
    }

    /// Each item's result, for instruments reported item by item.
    pub fn items(&self) -> Option<&[ItemResult]> {
        match &self.result {
            ScoreResult::ItemByItem { items } => Some(items),
            _ => None,
        }
    }
}

/// What a complete set of answers scores, by the instrument's rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "rule"
)]
pub enum ScoreResult {
    /// The mean of the answers.
    MeanOfItems { mean: f64 },
    /// Each item on its own, with its band where the instrument has bands.
    ItemByItem { items: Vec<ItemResult> },
    /// The raw total and the metric score the instrument's table gives for it.
    SumWithMetric { raw: i32, metric: f64 },
}

/// One item's answer and the band it falls in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ItemResult {
    pub item_key: String,
    pub value: i32,
    pub band: Option<BandLevel>,
}

/// A change from before to after.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// After minus before, in the scale's points.
    pub points: f64,
    /// The change as a percent of before; `None` when before is zero.
    pub percent: Option<f64>,
}

impl Change {
    pub fn between(before: f64, after: f64) -> Change {
        Change {
            points: after - before,
            percent: percent_change(before, after),
        }
    }
}

/// `(after − before) / before × 100`, or `None` when there is no baseline to
/// divide by: a baseline of zero (or below, which no Refrain scale allows), or
/// a value that is not a number.
pub fn percent_change(before: f64, after: f64) -> Option<f64> {
    if before > 0.0 && before.is_finite() && after.is_finite() {
        Some((after - before) / before * 100.0)
    } else {
        None
    }
}

/// Whether a person's score got better, stayed the same or got worse, taking
/// account of instruments where lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    Improved,
    /// Exactly the same mean before and after.
    Same,
    Worse,
}

/// One person's answers before and after, from one rater.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrePost {
    pub person_id: String,
    pub rater: Rater,
    /// Empty when not taken.
    pub pre: Vec<Response>,
    /// Empty when not taken.
    pub post: Vec<Response>,
}

/// One counted person's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PersonChange {
    pub person_id: String,
    pub pre_mean: f64,
    pub post_mean: f64,
    pub change: Change,
    pub direction: Direction,
}

/// One item across the counted people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ItemSummary {
    pub item_key: String,
    /// `None` when nobody was counted.
    pub pre_mean: Option<f64>,
    pub post_mean: Option<f64>,
    pub change: Option<Change>,
}

/// A person left out of a group summary because a set was incomplete (or not
/// taken), with the items missing before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeftOut {
    pub person_id: String,
    pub missing_pre: Vec<MissingItem>,
    pub missing_post: Vec<MissingItem>,
}

/// A group's before and after on a mean-scored instrument, for one rater.
///
/// Only people with complete answers both before and after are counted.
/// - `pre_mean`/`post_mean`: the mean of the counted people's means (every
///   person weighs the same); per item, the mean of that item's answers.
/// - `change.percent`: the change in the group mean as a percent of the group's
///   mean before ("the overall wellbeing score rose by 40%"), not the average of
///   each person's percent.
/// - `improved`/`same`/`worse`: people whose own mean moved the better way, did
///   not move at all (exactly equal means), or moved the worse way. For the
///   UCL umbrellas higher is better, so `worse` counts the people whose mean fell;
///   on a lower-is-better measure, `improved` counts them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GroupSummary {
    pub instrument_key: String,
    pub instrument_version: String,
    pub rater: Rater,
    /// People counted (complete before and after).
    pub counted: u32,
    /// `None` when nobody was counted.
    pub pre_mean: Option<f64>,
    pub post_mean: Option<f64>,
    pub change: Option<Change>,
    /// In the instrument's item order.
    pub items: Vec<ItemSummary>,
    pub improved: u32,
    pub same: u32,
    pub worse: u32,
    /// Every counted person, in the order given.
    pub people: Vec<PersonChange>,
    /// Everyone not counted, in the order given.
    pub left_out: Vec<LeftOut>,
}

/// How an item is named in a message: a one-word item by its word ("Happy"),
/// a short statement in quotes, a long question by its number.
fn item_name(index: usize, item: &Item) -> String {
    let text = item.text.trim();
    if !text.contains(char::is_whitespace) {
        text.to_string()
    } else if text.chars().count() <= 60 {
        format!("“{text}”")
    } else {
        format!("Item {}", index + 1)
    }
}

/// Checks a set of answers against an instrument: every answer must name one of
/// its items, once, with a value on its scale. A set that breaks no rule is
/// either complete or incomplete (with the items still missing).
pub fn check_responses(instrument: &Instrument, responses: &[Response]) -> Result<Checked> {
    let mut values: Vec<Option<i32>> = vec![None; instrument.items.len()];
    for r in responses {
        let Some(index) = instrument.items.iter().position(|i| i.key == r.item_key) else {
            return Err(CoreError::invalid(
                "itemKey",
                format!(
                    "“{}” is not an item of {}. Please answer only its own items.",
                    r.item_key, instrument.name
                ),
            ));
        };
        let name = item_name(index, &instrument.items[index]);
        if !instrument.scale.contains(r.value) {
            return Err(CoreError::invalid(
                "value",
                format!(
                    "{name} must be between {} and {}.",
                    instrument.scale.min, instrument.scale.max
                ),
            ));
        }
        if values[index].is_some() {
            return Err(CoreError::invalid(
                "itemKey",
                format!("{name} has two answers. Please keep only one."),
            ));
        }
        values[index] = Some(r.value);
    }
    let missing: Vec<MissingItem> = instrument
        .items
        .iter()
        .zip(&values)
        .filter(|(_, v)| v.is_none())
        .map(|(i, _)| MissingItem {
            key: i.key.clone(),
            text: i.text.clone(),
        })
        .collect();
    if !missing.is_empty() {
        return Ok(Checked::Incomplete { missing });
    }
    Ok(Checked::Complete {
        responses: instrument
            .items
            .iter()
            .zip(values)
            .map(|(i, v)| Response::new(i.key.clone(), v.unwrap_or_default()))
            .collect(),
    })
}

/// Refuses a rater the instrument does not allow (`Invalid` on `rater`), saying
/// who may rate with it.
pub fn check_rater(instrument: &Instrument, rater: Rater) -> Result<()> {
    if instrument.allows(rater) {
        return Ok(());
    }
    let allowed: Vec<&str> = instrument.raters.iter().map(|r| r.describe()).collect();
    let who = match allowed.split_last() {
        None => "nobody".to_string(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    };
    Err(CoreError::invalid(
        "rater",
        format!(
            "{} is rated by {who}, not by {}.",
            instrument.name,
            rater.describe()
        ),
    ))
}

fn check_has_items(instrument: &Instrument) -> Result<()> {
    if instrument.items.is_empty() {
        return Err(CoreError::invalid(
            "instrumentKey",
            format!(
                "{} has no items, so there is nothing to score.",
                instrument.name
            ),
        ));
    }
    Ok(())
}

/// Scores one person's answers by the instrument's rule, after checking them and
/// the rater. An incomplete set is returned as such, never scored.
pub fn score(instrument: &Instrument, rater: Rater, responses: &[Response]) -> Result<Scored> {
    check_rater(instrument, rater)?;
    check_has_items(instrument)?;
    let responses = match check_responses(instrument, responses)? {
        Checked::Complete { responses } => responses,
        Checked::Incomplete { missing } => return Ok(Scored::Incomplete { missing }),
    };
    let total: i64 = responses.iter().map(|r| i64::from(r.value)).sum();
    let result = match &instrument.scoring {
        Scoring::MeanOfItems => ScoreResult::MeanOfItems {
            mean: total as f64 / responses.len() as f64,
        },
        Scoring::ItemByItem => ScoreResult::ItemByItem {
            items: instrument
                .items
                .iter()
                .zip(&responses)
                .map(|(item, r)| ItemResult {
                    item_key: item.key.clone(),
                    value: r.value,
                    band: item.band(r.value),
                })
                .collect(),
        },
        Scoring::SumWithMetric { table } => {
            let raw = i32::try_from(total).unwrap_or(i32::MAX);
            let metric = table
                .iter()
                .find(|p| p.raw == raw)
                .map(|p| p.metric)
                .ok_or_else(|| {
                    CoreError::invalid(
                        "instrumentKey",
                        format!(
                            "The conversion table of {} has no metric score for a total of \
                             {raw}.",
                            instrument.name
                        ),
                    )
                })?;
            ScoreResult::SumWithMetric { raw, metric }
        }
    };
    Ok(Scored::Complete {
        score: PersonScore {
            instrument_key: instrument.key.clone(),
            instrument_version: instrument.version.clone(),
            rater,
            responses,
            result,
        },
    })
}

/// The pre/post summary of a group on a mean-scored instrument (the UCL
/// umbrellas, custom measures): one summary per rater present, in the order of
/// [`Rater::ALL`], never mixing raters. People missing an answer before or after
/// are listed as left out, not counted. See [`GroupSummary`] for the definitions.
///
/// Refused: an instrument not scored as a mean (ONS4 is reported item by item),
/// a rater the instrument does not allow, the same person twice for one rater,
/// and any answer [`check_responses`] refuses.
pub fn group_summary(instrument: &Instrument, people: &[PrePost]) -> Result<Vec<GroupSummary>> {
    if !matches!(instrument.scoring, Scoring::MeanOfItems) {
        return Err(CoreError::invalid(
            "instrumentKey",
            format!(
                "{} is not scored as a mean of its items, so it has no group mean to compare.",
                instrument.name
            ),
        ));
    }
    check_has_items(instrument)?;

    struct Counted<'a> {
        person_id: &'a str,
        pre: Vec<i32>,
        post: Vec<i32>,
    }
    let mut counted: BTreeMap<Rater, Vec<Counted>> = BTreeMap::new();
    let mut left_out: BTreeMap<Rater, Vec<LeftOut>> = BTreeMap::new();
    let mut seen: HashSet<(&str, Rater)> = HashSet::new();
    for p in people {
        check_rater(instrument, p.rater)?;
        if !seen.insert((p.person_id.as_str(), p.rater)) {
            return Err(CoreError::invalid(
                "personId",
                format!(
                    "The same person appears twice with ratings by {}. Each person is counted \
                     once per rater.",
                    p.rater.describe()
                ),
            ));
        }
        counted.entry(p.rater).or_default();
        let pre = check_responses(instrument, &p.pre)?;
        let post = check_responses(instrument, &p.post)?;
        match (pre, post) {
            (Checked::Complete { responses: pre }, Checked::Complete { responses: post }) => {
                counted.entry(p.rater).or_default().push(Counted {
                    person_id: &p.person_id,
                    pre: pre.iter().map(|r| r.value).collect(),
                    post: post.iter().map(|r| r.value).collect(),
                });
            }
            (pre, post) => {
                let missing = |c: Checked| match c {
                    Checked::Complete { .. } => Vec::new(),
                    Checked::Incomplete { missing } => missing,
                };
                left_out.entry(p.rater).or_default().push(LeftOut {
                    person_id: p.person_id.clone(),
                    missing_pre: missing(pre),
                    missing_post: missing(post),
                });
            }
        }
    }

    let lower_is_better = instrument.lower_is_better();
    let n_items = instrument.items.len();
    let mut summaries = Vec::with_capacity(counted.len());
    for (rater, rows) in counted {
        let n = rows.len();
        let mean_of = |sum: i64, count: usize| sum as f64 / count as f64;
        let mut people = Vec::with_capacity(n);
        let (mut improved, mut same, mut worse) = (0u32, 0u32, 0u32);
        let (mut pre_total, mut post_total) = (0i64, 0i64);
        let mut pre_item_sums = vec![0i64; n_items];
        let mut post_item_sums = vec![0i64; n_items];
        for row in &rows {
            let pre_sum: i64 = row.pre.iter().map(|&v| i64::from(v)).sum();
            let post_sum: i64 = row.post.iter().map(|&v| i64::from(v)).sum();
            for (i, (&a, &b)) in row.pre.iter().zip(&row.post).enumerate() {
                pre_item_sums[i] += i64::from(a);
                post_item_sums[i] += i64::from(b);
            }
            // Both sets have every item, so their means are equal exactly when
            // their totals are: compare the whole numbers, not the floats.
            let direction = if post_sum == pre_sum {
                same += 1;
                Direction::Same
            } else if (post_sum > pre_sum) != lower_is_better {
                improved += 1;
                Direction::Improved
            } else {
                worse += 1;
                Direction::Worse
            };
            let (pre_mean, post_mean) = (mean_of(pre_sum, n_items), mean_of(post_sum, n_items));
            pre_total += pre_sum;
            post_total += post_sum;
            people.push(PersonChange {
                person_id: row.person_id.to_string(),
                pre_mean,
                post_mean,
                change: Change::between(pre_mean, post_mean),
                direction,
            });
        }
        let (pre_mean, post_mean) = if n == 0 {
            (None, None)
        } else {
            // The mean of the people's means: every person has every item, so
            // this is the grand total over people × items.
            (
                Some(mean_of(pre_total, n * n_items)),
                Some(mean_of(post_total, n * n_items)),
            )
        };
        let items = instrument
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let (pre, post) = if n == 0 {
                    (None, None)
                } else {
                    (
                        Some(mean_of(pre_item_sums[i], n)),
                        Some(mean_of(post_item_sums[i], n)),
                    )
                };
                ItemSummary {
                    item_key: item.key.clone(),
                    pre_mean: pre,
                    post_mean: post,
                    change: pre.zip(post).map(|(a, b)| Change::between(a, b)),
                }
            })
            .collect();
        summaries.push(GroupSummary {
            instrument_key: instrument.key.clone(),
            instrument_version: instrument.version.clone(),
            rater,
            counted: n as u32,
            pre_mean,
            post_mean,
            change: pre_mean.zip(post_mean).map(|(a, b)| Change::between(a, b)),
            items,
            improved,
            same,
            worse,
            people,
            left_out: left_out.remove(&rater).unwrap_or_default(),
        });
    }
    Ok(summaries)
}
