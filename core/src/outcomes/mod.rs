//! Outcome measures: the instruments people are rated with, and how each is scored.
//!
//! Everything here is pure Rust with no store: an [`Instrument`] is plain data
//! (items, scale, scoring rule, who may rate), and scoring is a set of functions
//! from answers to results, each failing with a [`CoreError`](crate::CoreError)
//! a therapist can act on.
//!
//! - `instruments`: the built-in instruments (the UCL positive wellbeing umbrellas,
//!   ONS4, SWEMWBS, MiDAS) with their wording exactly as published, and the
//!   measures a therapist defines for themself (custom instruments), validated.
//! - `scoring`: checking a set of answers (unknown items and out-of-range values
//!   are refused; a partly filled set is reported as incomplete, never scored),
//!   each person's score, pre/post change and the group summary.
//!
//! Instruments are versioned: every score carries the key and version of the
//! instrument that produced it, so a later wording or table never re-scores old
//! answers silently.

mod instruments;
mod scoring;

pub use instruments::*;
pub use scoring::*;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who gave a rating. Many group members live with dementia, so a rating may be
/// given by someone else on the person's behalf (a proxy); reports keep proxy and
/// self ratings apart, and never merge two raters' ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Rater {
    /// The person themself (self-report).
    #[serde(rename = "self")]
    SelfReport,
    /// The music therapist.
    Therapist,
    /// A carer (a family member or companion).
    Carer,
    /// A member of staff, such as care staff who saw the person that day.
    Staff,
}

impl Rater {
    /// Every rater, in the order reports list them.
    pub const ALL: [Rater; 4] = [
        Rater::SelfReport,
        Rater::Therapist,
        Rater::Carer,
        Rater::Staff,
    ];

    /// True when someone other than the person gave the rating.
    pub fn is_proxy(self) -> bool {
        self != Rater::SelfReport
    }

    /// The rater in words, for messages ("rated by the therapist").
    pub fn describe(self) -> &'static str {
        match self {
            Rater::SelfReport => "the person themself",
            Rater::Therapist => "the therapist",
            Rater::Carer => "a carer",
            Rater::Staff => "a member of staff",
        }
    }
}

/// Where an instrument comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// Shipped with Refrain, worded exactly as published.
    BuiltIn,
    /// Defined by a therapist.
    Custom,
}

/// The answer scale shared by an instrument's items: whole numbers from `min` to
/// `max`, both included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Scale {
    pub min: i32,
    pub max: i32,
    /// What the lowest value means, where the instrument words it.
    pub min_label: Option<String>,
    /// What the highest value means, where the instrument words it.
    pub max_label: Option<String>,
    /// Wording for every point of the scale, where the instrument gives it
    /// (SWEMWBS); empty otherwise.
    pub points: Vec<ScalePoint>,
}

impl Scale {
    pub fn contains(&self, value: i32) -> bool {
        (self.min..=self.max).contains(&value)
    }
}

/// One point of a scale and its wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScalePoint {
    pub value: i32,
    pub label: String,
}

/// The level a band names (ONS4 reports each answer as one of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum BandLevel {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh,
}

/// A range of answers (`min` to `max`, both included) reported as one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Band {
    pub min: i32,
    pub max: i32,
    pub level: BandLevel,
}

/// One thing a person (or their rater) answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Stable within the instrument; answers name their item by this key.
    pub key: String,
    /// The wording shown to the person, exactly as the instrument gives it.
    pub text: String,
    /// True when a lower answer is the better one (ONS4 anxiety).
    pub lower_is_better: bool,
    /// The bands answers to this item are reported in; empty when it has none.
    pub bands: Vec<Band>,
}

impl Item {
    /// The band `value` falls in, if the item has bands.
    pub fn band(&self, value: i32) -> Option<BandLevel> {
        self.bands
            .iter()
            .find(|b| (b.min..=b.max).contains(&value))
            .map(|b| b.level)
    }
}

/// How an instrument turns a complete set of answers into a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "rule"
)]
pub enum Scoring {
    /// The person's score is the mean of their answers (UCL umbrellas, custom
    /// measures); groups are compared by these means before and after.
    MeanOfItems,
    /// Each item is reported on its own, never summed or averaged (ONS4, MiDAS).
    ItemByItem,
    /// The answers are summed to a raw total, which the table converts to a
    /// metric score; both are kept (SWEMWBS).
    SumWithMetric { table: Vec<MetricPoint> },
}

/// One row of a raw-to-metric conversion table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MetricPoint {
    pub raw: i32,
    pub metric: f64,
}

/// An outcome measure: its items, their scale, how it is scored and who may rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Instrument {
    /// Stable id, e.g. `ucl-umbrella-generic`. Scores record it.
    pub key: String,
    /// The version of this definition, e.g. `1`. Scores record it.
    pub version: String,
    pub name: String,
    pub origin: Origin,
    /// Who published the instrument, for built-ins.
    pub attribution: Option<String>,
    /// What the therapist should know before using it (e.g. registration). Guidance
    /// for the therapist, not part of the instrument's wording.
    pub notice: Option<String>,
    pub scale: Scale,
    /// In the order they are asked.
    pub items: Vec<Item>,
    pub scoring: Scoring,
    /// Who may give a rating with this instrument.
    pub raters: Vec<Rater>,
}

impl Instrument {
    /// The item with this key.
    pub fn item(&self, key: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.key == key)
    }

    /// Whether a lower overall score (the mean or total) is the better one: true
    /// only when every item is lower-is-better.
    pub fn lower_is_better(&self) -> bool {
        !self.items.is_empty() && self.items.iter().all(|i| i.lower_is_better)
    }

    /// Whether `rater` may rate with this instrument.
    pub fn allows(&self, rater: Rater) -> bool {
        self.raters.contains(&rater)
    }
}
