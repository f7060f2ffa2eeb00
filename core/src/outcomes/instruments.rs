//! The built-in instruments, worded exactly as published, and the measures a
//! therapist defines for themself.
//!
//! Left out on purpose: the UCL negative and younger-adult umbrellas (their word
//! lists are not yet verified; a therapist can define them as custom measures),
//! and MiDAS's checklist of notable reactions (kept as free text until its
//! wording is verified).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    Band, BandLevel, Instrument, Item, MetricPoint, Origin, Rater, Scale, ScalePoint, Scoring,
};
use crate::error::{CoreError, Result};
use crate::validate;

/// UCL Museum Wellbeing Measures: positive wellbeing umbrella, generic.
pub const UCL_UMBRELLA_GENERIC: &str = "ucl-umbrella-generic";
/// UCL Museum Wellbeing Measures: positive wellbeing umbrella, older adult.
pub const UCL_UMBRELLA_OLDER_ADULT: &str = "ucl-umbrella-older-adult";
/// ONS4 personal wellbeing.
pub const ONS4: &str = "ons4";
/// Short Warwick-Edinburgh Mental Wellbeing Scale.
pub const SWEMWBS: &str = "swemwbs";
/// Music in Dementia Assessment Scales.
pub const MIDAS: &str = "midas";

/// The most items a custom measure may have.
pub const MAX_CUSTOM_ITEMS: usize = 20;
/// The lowest value a custom scale may start at.
pub const CUSTOM_SCALE_MIN: i32 = 0;
/// The highest value a custom scale may reach.
pub const CUSTOM_SCALE_MAX: i32 = 100;

/// The SWEMWBS raw total (7–35) to metric score conversion, as published.
const SWEMWBS_TABLE: [(i32, f64); 29] = [
    (7, 7.00),
    (8, 9.51),
    (9, 11.25),
    (10, 12.40),
    (11, 13.33),
    (12, 14.08),
    (13, 14.75),
    (14, 15.32),
    (15, 15.84),
    (16, 16.36),
    (17, 16.88),
    (18, 17.43),
    (19, 17.98),
    (20, 18.59),
    (21, 19.25),
    (22, 19.98),
    (23, 20.73),
    (24, 21.54),
    (25, 22.35),
    (26, 23.21),
    (27, 24.11),
    (28, 25.03),
    (29, 26.02),
    (30, 27.03),
    (31, 28.13),
    (32, 29.31),
    (33, 30.70),
    (34, 32.55),
    (35, 35.00),
];

/// The SWEMWBS metric score for a raw total, or `None` outside 7–35.
pub fn swemwbs_metric(raw: i32) -> Option<f64> {
    SWEMWBS_TABLE
        .iter()
        .find(|(r, _)| *r == raw)
        .map(|(_, m)| *m)
}

/// Every built-in instrument, every version, in the order the app lists them.
pub fn builtins() -> Vec<Instrument> {
    vec![
        ucl_umbrella_generic(),
        ucl_umbrella_older_adult(),
        ons4(),
        swemwbs(),
        midas(),
    ]
}

/// The newest version of the built-in instrument with this key.
pub fn builtin(key: &str) -> Option<Instrument> {
    builtins()
        .into_iter()
        .filter(|i| i.key == key)
        .max_by_key(|i| i.version.parse::<u32>().unwrap_or(0))
}

/// A given version of a built-in instrument (to read a stored score by the
/// definition that produced it).
pub fn builtin_version(key: &str, version: &str) -> Option<Instrument> {
    builtins()
        .into_iter()
        .find(|i| i.key == key && i.version == version)
}

fn item(key: &str, text: &str) -> Item {
    Item {
        key: key.into(),
        text: text.into(),
        lower_is_better: false,
        bands: Vec::new(),
    }
}

fn band(min: i32, max: i32, level: BandLevel) -> Band {
    Band { min, max, level }
}

fn ucl_scale() -> Scale {
    Scale {
        min: 1,
        max: 5,
        min_label: Some("lowest".into()),
        max_label: Some("highest".into()),
        points: Vec::new(),
    }
}

fn ucl_umbrella(key: &str, name: &str, words: [&str; 6]) -> Instrument {
    Instrument {
        key: key.into(),
        version: "1".into(),
        name: name.into(),
        origin: Origin::BuiltIn,
        attribution: Some("UCL Museum Wellbeing Measures (Thomson & Chatterjee, UCL)".into()),
        notice: Some(
            "Taken before and after the activity. Each person's score is the mean of the six \
             words."
                .into(),
        ),
        scale: ucl_scale(),
        items: words.iter().map(|w| item(&w.to_lowercase(), w)).collect(),
        scoring: Scoring::MeanOfItems,
        raters: Rater::ALL.to_vec(),
    }
}

/// UCL positive wellbeing umbrella, generic: six mood words rated 1–5.
pub fn ucl_umbrella_generic() -> Instrument {
    ucl_umbrella(
        UCL_UMBRELLA_GENERIC,
        "UCL positive wellbeing umbrella (generic)",
        [
            "Active",
            "Alert",
            "Enthusiastic",
            "Excited",
            "Happy",
            "Inspired",
        ],
    )
}

/// UCL positive wellbeing umbrella, older adult: six mood words rated 1–5.
pub fn ucl_umbrella_older_adult() -> Instrument {
    ucl_umbrella(
        UCL_UMBRELLA_OLDER_ADULT,
        "UCL positive wellbeing umbrella (older adult)",
        [
            "Absorbed",
            "Active",
            "Cheerful",
            "Encouraged",
            "Enlightened",
            "Inspired",
        ],
    )
}

/// ONS4 personal wellbeing: four questions answered 0–10, reported item by item
/// in the ONS bands, never summed.
pub fn ons4() -> Instrument {
    let wellbeing_bands = vec![
        band(0, 4, BandLevel::Low),
        band(5, 6, BandLevel::Medium),
        band(7, 8, BandLevel::High),
        band(9, 10, BandLevel::VeryHigh),
    ];
    let anxiety_bands = vec![
        band(0, 1, BandLevel::VeryLow),
        band(2, 3, BandLevel::Low),
        band(4, 5, BandLevel::Medium),
        band(6, 10, BandLevel::High),
    ];
    let wellbeing = |key: &str, text: &str| Item {
        bands: wellbeing_bands.clone(),
        ..item(key, text)
    };
    Instrument {
        key: ONS4.into(),
        version: "1".into(),
        name: "ONS4 personal wellbeing".into(),
        origin: Origin::BuiltIn,
        attribution: Some("Office for National Statistics".into()),
        notice: Some(
            "Each question is reported on its own; the answers are never added up.".into(),
        ),
        scale: Scale {
            min: 0,
            max: 10,
            min_label: Some("not at all".into()),
            max_label: Some("completely".into()),
            points: Vec::new(),
        },
        items: vec![
            wellbeing(
                "satisfied",
                "Overall, how satisfied are you with your life nowadays?",
            ),
            wellbeing(
                "worthwhile",
                "Overall, to what extent do you feel that the things you do in your life are \
                 worthwhile?",
            ),
            wellbeing("happy", "Overall, how happy did you feel yesterday?"),
            Item {
                lower_is_better: true,
                bands: anxiety_bands,
                ..item(
                    "anxious",
                    "On a scale where nought is \"not at all anxious\" and 10 is \"completely \
                     anxious\", overall, how anxious did you feel yesterday?",
                )
            },
        ],
        scoring: Scoring::ItemByItem,
        raters: Rater::ALL.to_vec(),
    }
}

/// SWEMWBS: seven statements about the last 2 weeks, answered 1–5, summed to a
/// raw total 7–35 and converted to a metric score by the published table.
pub fn swemwbs() -> Instrument {
    let words = [
        "None of the time",
        "Rarely",
        "Some of the time",
        "Often",
        "All of the time",
    ];
    Instrument {
        key: SWEMWBS.into(),
        version: "1".into(),
        name: "SWEMWBS (Short Warwick-Edinburgh Mental Wellbeing Scale)".into(),
        origin: Origin::BuiltIn,
        attribution: Some("University of Warwick".into()),
        notice: Some(
            "The statements describe the person's experience over the last 2 weeks. Using \
             SWEMWBS requires registration with the University of Warwick (free)."
                .into(),
        ),
        scale: Scale {
            min: 1,
            max: 5,
            min_label: Some(words[0].into()),
            max_label: Some(words[4].into()),
            points: words
                .iter()
                .zip(1..)
                .map(|(w, value)| ScalePoint {
                    value,
                    label: (*w).into(),
                })
                .collect(),
        },
        items: vec![
            item(
                "optimistic",
                "I've been feeling optimistic about the future",
            ),
            item("useful", "I've been feeling useful"),
            item("relaxed", "I've been feeling relaxed"),
            item("problems", "I've been dealing with problems well"),
            item("thinking", "I've been thinking clearly"),
            item("close", "I've been feeling close to other people"),
            item("mind", "I've been able to make up my own mind about things"),
        ],
        scoring: Scoring::SumWithMetric {
            table: SWEMWBS_TABLE
                .iter()
                .map(|&(raw, metric)| MetricPoint { raw, metric })
                .collect(),
        },
        raters: Rater::ALL.to_vec(),
    }
}

/// MiDAS: five visual analogue scales (stored 0–100) rated by observers, the
/// music therapist and a member of care staff, whose ratings are kept apart.
///
/// Only the scales' names are verified; their anchor wording is not, so the
/// scale ends carry no labels, and the reactions checklist is free text.
pub fn midas() -> Instrument {
    Instrument {
        key: MIDAS.into(),
        version: "1".into(),
        name: "MiDAS (Music in Dementia Assessment Scales)".into(),
        origin: Origin::BuiltIn,
        attribution: Some("McDermott, Orrell & Ridder 2014".into()),
        notice: Some(
            "Rated by observers, not by the person: the music therapist and a member of care \
             staff who saw the person that day. Both ratings are kept, never merged."
                .into(),
        ),
        scale: Scale {
            min: 0,
            max: 100,
            min_label: None,
            max_label: None,
            points: Vec::new(),
        },
        items: [
            "Interest",
            "Response",
            "Initiation",
            "Involvement",
            "Enjoyment",
        ]
        .iter()
        .map(|w| item(&w.to_lowercase(), w))
        .collect(),
        scoring: Scoring::ItemByItem,
        raters: vec![Rater::Therapist, Rater::Staff],
    }
}

/// A measure a therapist defines: scored as the mean of its items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct CustomInstrumentInput {
    pub name: String,
    /// The wording of each item, in the order they are asked (1 to 20).
    pub items: Vec<String>,
    /// The lowest answer (0 or more).
    pub scale_min: i32,
    /// The highest answer (100 at most, more than the lowest).
    pub scale_max: i32,
    /// What the lowest answer means, e.g. "not at all".
    pub min_label: String,
    /// What the highest answer means, e.g. "very much".
    pub max_label: String,
    /// True when a lower answer is the better one (e.g. "Worried"): then a person
    /// has improved when their mean fell.
    pub lower_is_better: bool,
}

/// Checks a therapist's measure and makes it an instrument with this `key` and
/// `version` (the store chooses both). Every item is lower-is-better or none is,
/// as the input says; custom measures may be rated by anyone.
pub fn custom_instrument(
    key: &str,
    version: &str,
    input: &CustomInstrumentInput,
) -> Result<Instrument> {
    if key.trim().is_empty() || builtins().iter().any(|b| b.key == key) {
        return Err(CoreError::invalid(
            "key",
            "A custom measure needs a key of its own, not one of the built-in measures'.",
        ));
    }
    if version.trim().is_empty() {
        return Err(CoreError::invalid(
            "version",
            "A custom measure needs a version.",
        ));
    }
    let name = validate::name("name", "a name for the measure", &input.name)?;

    if input.items.is_empty() {
        return Err(CoreError::invalid(
            "items",
            "Please add at least one item for people to rate.",
        ));
    }
    if input.items.len() > MAX_CUSTOM_ITEMS {
        return Err(CoreError::invalid(
            "items",
            format!(
                "A measure can have at most {MAX_CUSTOM_ITEMS} items; this one has {}. Please \
                 remove some.",
                input.items.len()
            ),
        ));
    }
    let mut texts: Vec<String> = Vec::with_capacity(input.items.len());
    for (i, raw) in input.items.iter().enumerate() {
        let n = i + 1;
        let text = raw.trim();
        if text.is_empty() {
            return Err(CoreError::invalid(
                "items",
                format!("Item {n} is empty. Please type its wording or remove it."),
            ));
        }
        let text = validate::short_text("items", &format!("item {n}"), text)?;
        if let Some(first) = texts
            .iter()
            .position(|t| t.to_lowercase() == text.to_lowercase())
        {
            return Err(CoreError::invalid(
                "items",
                format!(
                    "Items {} and {n} both say “{text}”. Please make each item different.",
                    first + 1
                ),
            ));
        }
        texts.push(text);
    }

    if input.scale_min < CUSTOM_SCALE_MIN {
        return Err(CoreError::invalid(
            "scaleMin",
            format!("The lowest answer can't be below {CUSTOM_SCALE_MIN}."),
        ));
    }
    if input.scale_max > CUSTOM_SCALE_MAX {
        return Err(CoreError::invalid(
            "scaleMax",
            format!("The highest answer can be {CUSTOM_SCALE_MAX} at most."),
        ));
    }
    if input.scale_max <= input.scale_min {
        return Err(CoreError::invalid(
            "scaleMax",
            format!(
                "The highest answer must be more than the lowest ({}).",
                input.scale_min
            ),
        ));
    }
    let min_label = validate::name(
        "minLabel",
        &format!(
            "what the lowest answer ({}) means, such as “not at all”",
            input.scale_min
        ),
        &input.min_label,
    )?;
    let max_label = validate::name(
        "maxLabel",
        &format!(
            "what the highest answer ({}) means, such as “very much”",
            input.scale_max
        ),
        &input.max_label,
    )?;

    Ok(Instrument {
        key: key.to_string(),
        version: version.to_string(),
        name,
        origin: Origin::Custom,
        attribution: None,
        notice: None,
        scale: Scale {
            min: input.scale_min,
            max: input.scale_max,
            min_label: Some(min_label),
            max_label: Some(max_label),
            points: Vec::new(),
        },
        items: texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| Item {
                key: format!("item-{}", i + 1),
                text,
                lower_is_better: input.lower_is_better,
                bands: Vec::new(),
            })
            .collect(),
        scoring: Scoring::MeanOfItems,
        raters: Rater::ALL.to_vec(),
    })
}
