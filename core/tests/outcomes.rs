//! Outcome instruments and their scoring: the published wording and tables,
//! the ONS4 bands, means and changes worked by hand, and every refusal.

use refrain_core::outcomes::*;
use refrain_core::{CoreError, Labelled};

fn r(key: &str, value: i32) -> Response {
    Response::new(key, value)
}

/// Answers to every item of `instrument`, in order, with these values.
fn answers(instrument: &Instrument, values: &[i32]) -> Vec<Response> {
    assert_eq!(instrument.items.len(), values.len(), "one value per item");
    instrument
        .items
        .iter()
        .zip(values)
        .map(|(i, &v)| r(&i.key, v))
        .collect()
}

fn complete(scored: Scored) -> PersonScore {
    match scored {
        Scored::Complete { score } => score,
        Scored::Incomplete { missing } => panic!("expected a score, missing {missing:?}"),
    }
}

fn invalid(err: CoreError) -> (&'static str, String) {
    assert_eq!(err.code(), "invalid", "{err}");
    (err.field().expect("a field"), err.to_string())
}

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-9,
        "expected {expected}, got {actual}"
    );
}

fn close_opt(actual: Option<f64>, expected: f64) {
    close(actual.expect("a value"), expected);
}

// ---------------------------------------------------------------------------
// The built-ins as published.

#[test]
fn builtin_item_wording_is_exactly_as_published() {
    fn texts(i: &Instrument) -> Vec<&str> {
        i.items.iter().map(|i| i.text.as_str()).collect()
    }

    let generic = builtin(UCL_UMBRELLA_GENERIC).unwrap();
    assert_eq!(
        texts(&generic),
        [
            "Active",
            "Alert",
            "Enthusiastic",
            "Excited",
            "Happy",
            "Inspired"
        ]
    );
    let older = builtin(UCL_UMBRELLA_OLDER_ADULT).unwrap();
    assert_eq!(
        texts(&older),
        [
            "Absorbed",
            "Active",
            "Cheerful",
            "Encouraged",
            "Enlightened",
            "Inspired"
        ]
    );

    let ons4 = builtin(ONS4).unwrap();
    assert_eq!(
        texts(&ons4),
        [
            "Overall, how satisfied are you with your life nowadays?",
            "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
            "Overall, how happy did you feel yesterday?",
            "On a scale where nought is \"not at all anxious\" and 10 is \"completely anxious\", overall, how anxious did you feel yesterday?",
        ]
    );

    let swemwbs = builtin(SWEMWBS).unwrap();
    assert_eq!(
        texts(&swemwbs),
        [
            "I've been feeling optimistic about the future",
            "I've been feeling useful",
            "I've been feeling relaxed",
            "I've been dealing with problems well",
            "I've been thinking clearly",
            "I've been feeling close to other people",
            "I've been able to make up my own mind about things",
        ]
    );

    let midas = builtin(MIDAS).unwrap();
    assert_eq!(
        texts(&midas),
        [
            "Interest",
            "Response",
            "Initiation",
            "Involvement",
            "Enjoyment"
        ]
    );
}

#[test]
fn builtin_scales_raters_and_rules_are_as_published() {
    let label = |s: &Option<String>| s.clone();

    for key in [UCL_UMBRELLA_GENERIC, UCL_UMBRELLA_OLDER_ADULT] {
        let i = builtin(key).unwrap();
        assert_eq!((i.scale.min, i.scale.max), (1, 5));
        assert_eq!(label(&i.scale.min_label).as_deref(), Some("lowest"));
        assert_eq!(label(&i.scale.max_label).as_deref(), Some("highest"));
        assert_eq!(i.scoring, Scoring::MeanOfItems);
        assert!(!i.lower_is_better());
        assert_eq!(i.items.len(), 6);
    }

    let ons4 = builtin(ONS4).unwrap();
    assert_eq!((ons4.scale.min, ons4.scale.max), (0, 10));
    assert_eq!(ons4.scale.min_label.as_deref(), Some("not at all"));
    assert_eq!(ons4.scale.max_label.as_deref(), Some("completely"));
    assert_eq!(ons4.scoring, Scoring::ItemByItem);
    // Only anxiety (item 4) is lower-is-better.
    let lower: Vec<bool> = ons4.items.iter().map(|i| i.lower_is_better).collect();
    assert_eq!(lower, [false, false, false, true]);

    let swemwbs = builtin(SWEMWBS).unwrap();
    assert_eq!((swemwbs.scale.min, swemwbs.scale.max), (1, 5));
    assert_eq!(swemwbs.scale.min_label.as_deref(), Some("None of the time"));
    assert_eq!(swemwbs.scale.max_label.as_deref(), Some("All of the time"));
    let points: Vec<(i32, &str)> = swemwbs
        .scale
        .points
        .iter()
        .map(|p| (p.value, p.label.as_str()))
        .collect();
    assert_eq!(
        points,
        [
            (1, "None of the time"),
            (2, "Rarely"),
            (3, "Some of the time"),
            (4, "Often"),
            (5, "All of the time"),
        ]
    );
    assert!(swemwbs
        .notice
        .as_deref()
        .unwrap()
        .contains("registration with the University of Warwick"));

    // MiDAS: stored 0-100, rated by the therapist and care staff only; the
    // reference gives no anchor wording, so the ends carry no labels.
    let midas = builtin(MIDAS).unwrap();
    assert_eq!((midas.scale.min, midas.scale.max), (0, 100));
    assert_eq!(midas.scale.min_label, None);
    assert_eq!(midas.scale.max_label, None);
    assert_eq!(midas.scoring, Scoring::ItemByItem);
    assert_eq!(midas.raters, [Rater::Therapist, Rater::Staff]);
}

#[test]
fn builtins_are_versioned_with_unique_keys() {
    let all = builtins();
    let keys: Vec<&str> = all.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "ucl-umbrella-generic",
            "ucl-umbrella-older-adult",
            "ons4",
            "swemwbs",
            "midas"
        ]
    );
    for i in &all {
        assert_eq!(i.version, "1");
        assert_eq!(i.origin, Origin::BuiltIn);
        assert_eq!(builtin_version(&i.key, "1").as_ref(), Some(i));
        let mut item_keys: Vec<&str> = i.items.iter().map(|i| i.key.as_str()).collect();
        item_keys.sort();
        item_keys.dedup();
        assert_eq!(item_keys.len(), i.items.len(), "{} item keys unique", i.key);
    }
    assert_eq!(builtin_version(ONS4, "2"), None);
    assert_eq!(builtin("ucl-umbrella-negative"), None);
    assert_eq!(builtin("ucl-umbrella-younger-adult"), None);
}

// ---------------------------------------------------------------------------
// SWEMWBS: raw total and metric score.

/// The conversion table exactly as published (raw, metric).
const SWEMWBS_PUBLISHED: [(i32, f64); 29] = [
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

#[test]
fn swemwbs_every_raw_total_converts_by_the_published_table() {
    let swemwbs = builtin(SWEMWBS).unwrap();
    let raws: Vec<i32> = SWEMWBS_PUBLISHED.iter().map(|(r, _)| *r).collect();
    assert_eq!(raws, (7..=35).collect::<Vec<_>>());

    for (raw, metric) in SWEMWBS_PUBLISHED {
        assert_eq!(swemwbs_metric(raw), Some(metric), "raw {raw}");

        // Seven answers adding up to `raw`: start from all 1s (7) and raise
        // items one at a time, at most to 5.
        let mut values = [1; 7];
        let mut extra = raw - 7;
        for v in values.iter_mut() {
            let add = extra.min(4);
            *v += add;
            extra -= add;
        }
        assert_eq!(values.iter().sum::<i32>(), raw);
        let score =
            complete(score(&swemwbs, Rater::SelfReport, &answers(&swemwbs, &values)).unwrap());
        assert_eq!(score.raw_and_metric(), Some((raw, metric)), "raw {raw}");
        assert_eq!(
            score.result,
            ScoreResult::SumWithMetric { raw, metric },
            "both kept"
        );
    }
    assert_eq!(swemwbs_metric(6), None);
    assert_eq!(swemwbs_metric(36), None);

    // The instrument carries the same table as data.
    let Scoring::SumWithMetric { table } = &swemwbs.scoring else {
        panic!("SWEMWBS is a sum with a metric conversion");
    };
    let carried: Vec<(i32, f64)> = table.iter().map(|p| (p.raw, p.metric)).collect();
    assert_eq!(carried, SWEMWBS_PUBLISHED);
}

// ---------------------------------------------------------------------------
// ONS4: item by item, in bands.

/// Items 1-3: 0-4 low, 5-6 medium, 7-8 high, 9-10 very high.
const WELLBEING_BANDS: [BandLevel; 11] = {
    use BandLevel::*;
    [
        Low, Low, Low, Low, Low, Medium, Medium, High, High, VeryHigh, VeryHigh,
    ]
};
/// Item 4 (anxiety): 0-1 very low, 2-3 low, 4-5 medium, 6-10 high.
const ANXIETY_BANDS: [BandLevel; 11] = {
    use BandLevel::*;
    [
        VeryLow, VeryLow, Low, Low, Medium, Medium, High, High, High, High, High,
    ]
};

#[test]
fn ons4_bands_at_every_value_for_both_kinds_of_item() {
    let ons4 = builtin(ONS4).unwrap();
    for value in 0..=10 {
        let expected = [
            WELLBEING_BANDS[value as usize],
            WELLBEING_BANDS[value as usize],
            WELLBEING_BANDS[value as usize],
            ANXIETY_BANDS[value as usize],
        ];
        for (item, band) in ons4.items.iter().zip(expected) {
            assert_eq!(item.band(value), Some(band), "{} at {value}", item.key);
        }

        // Scored: each item keeps its own value and band; nothing is added up.
        let score =
            complete(score(&ons4, Rater::SelfReport, &answers(&ons4, &[value; 4])).unwrap());
        let items = score.items().expect("item by item");
        let got: Vec<(&str, i32, Option<BandLevel>)> = items
            .iter()
            .map(|i| (i.item_key.as_str(), i.value, i.band))
            .collect();
        assert_eq!(
            got,
            [
                ("satisfied", value, Some(expected[0])),
                ("worthwhile", value, Some(expected[1])),
                ("happy", value, Some(expected[2])),
                ("anxious", value, Some(expected[3])),
            ]
        );
        assert_eq!(score.mean(), None);
        assert_eq!(score.raw_and_metric(), None);
    }
    // Outside the scale there is no band.
    assert_eq!(ons4.items[0].band(11), None);
    assert_eq!(ons4.items[3].band(-1), None);
    assert_eq!(BandLevel::VeryHigh.label(), "very high");
    assert_eq!(BandLevel::VeryLow.label(), "very low");
}

#[test]
fn ons4_mixed_answers_and_no_group_mean() {
    let ons4 = builtin(ONS4).unwrap();
    let score = complete(score(&ons4, Rater::SelfReport, &answers(&ons4, &[4, 5, 9, 6])).unwrap());
    let bands: Vec<Option<BandLevel>> = score.items().unwrap().iter().map(|i| i.band).collect();
    assert_eq!(
        bands,
        [
            Some(BandLevel::Low),
            Some(BandLevel::Medium),
            Some(BandLevel::VeryHigh),
            Some(BandLevel::High)
        ]
    );
    // Never summed or averaged into one group mean.
    let (field, message) = invalid(group_summary(&ons4, &[]).unwrap_err());
    assert_eq!(field, "instrumentKey");
    assert_eq!(
        message,
        "ONS4 personal wellbeing is not scored as a mean of its items, so it has no group mean \
         to compare."
    );
}

// ---------------------------------------------------------------------------
// UCL umbrellas: means, change, group summary.

#[test]
fn umbrella_person_mean_and_percent_change() {
    let ucl = builtin(UCL_UMBRELLA_GENERIC).unwrap();
    // Before: 2+3+2+3+2+3 = 15, mean 15/6 = 2.5.
    let pre =
        complete(score(&ucl, Rater::SelfReport, &answers(&ucl, &[2, 3, 2, 3, 2, 3])).unwrap());
    // After: 3+4+3+4+3+4 = 21, mean 21/6 = 3.5.
    let post =
        complete(score(&ucl, Rater::SelfReport, &answers(&ucl, &[3, 4, 3, 4, 3, 4])).unwrap());
    assert_eq!(pre.mean(), Some(2.5));
    assert_eq!(post.mean(), Some(3.5));
    assert_eq!(pre.instrument_key, "ucl-umbrella-generic");
    assert_eq!(pre.instrument_version, "1");
    assert_eq!(pre.rater, Rater::SelfReport);
    // Change: 3.5 - 2.5 = +1 point; 1 / 2.5 = +40%.
    let change = Change::between(2.5, 3.5);
    assert_eq!(change.points, 1.0);
    close_opt(change.percent, 40.0);

    // Older adult: 1+2+3+4+5+5 = 20, mean 20/6 = 3.333...
    let older = builtin(UCL_UMBRELLA_OLDER_ADULT).unwrap();
    let s = complete(score(&older, Rater::Carer, &answers(&older, &[1, 2, 3, 4, 5, 5])).unwrap());
    close_opt(s.mean(), 20.0 / 6.0);

    // Answers given out of order come back in the instrument's order.
    let shuffled: Vec<Response> = answers(&ucl, &[2, 3, 2, 3, 2, 3])
        .into_iter()
        .rev()
        .collect();
    let s = complete(score(&ucl, Rater::SelfReport, &shuffled).unwrap());
    let keys: Vec<&str> = s.responses.iter().map(|r| r.item_key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "active",
            "alert",
            "enthusiastic",
            "excited",
            "happy",
            "inspired"
        ]
    );
}

#[test]
fn percent_change_without_a_baseline_is_none() {
    assert_eq!(percent_change(0.0, 3.0), None);
    assert_eq!(percent_change(0.0, 0.0), None);
    assert_eq!(percent_change(f64::NAN, 3.0), None);
    assert_eq!(Change::between(0.0, 2.0).percent, None);
    assert_eq!(Change::between(0.0, 2.0).points, 2.0);
    // 4 -> 3: -1 / 4 = -25%.
    assert_eq!(percent_change(4.0, 3.0), Some(-25.0));
    assert_eq!(percent_change(4.0, 4.0), Some(0.0));
}

fn pre_post(id: &str, rater: Rater, pre: Vec<Response>, post: Vec<Response>) -> PrePost {
    PrePost {
        person_id: id.into(),
        rater,
        pre,
        post,
    }
}

#[test]
fn umbrella_group_summary_worked_by_hand() {
    let ucl = builtin(UCL_UMBRELLA_GENERIC).unwrap();
    let a = |v: [i32; 6]| answers(&ucl, &v);
    // Items: Active, Alert, Enthusiastic, Excited, Happy, Inspired.
    let mut five_of_six = a([3, 3, 3, 3, 3, 3]);
    five_of_six.pop(); // Inspired not answered
    let people = [
        // A: 12 -> 18, mean 2.0 -> 3.0 (+1, +50%): improved.
        pre_post(
            "A",
            Rater::SelfReport,
            a([2, 3, 2, 1, 3, 1]),
            a([3, 4, 3, 2, 4, 2]),
        ),
        // B: 18 -> 24, mean 3.0 -> 4.0 (+1, +33.3%): improved.
        pre_post(
            "B",
            Rater::SelfReport,
            a([3, 3, 3, 3, 3, 3]),
            a([4, 4, 4, 4, 4, 4]),
        ),
        // C: 24 -> 24, mean 4.0 -> 4.0, different answers, same mean: same.
        pre_post(
            "C",
            Rater::SelfReport,
            a([4, 4, 4, 4, 4, 4]),
            a([5, 5, 4, 4, 3, 3]),
        ),
        // D: 30 -> 27, mean 5.0 -> 4.5 (-0.5, -10%): fell, so worse.
        pre_post(
            "D",
            Rater::SelfReport,
            a([5, 5, 5, 5, 5, 5]),
            a([4, 5, 4, 5, 4, 5]),
        ),
        // E: before is missing Inspired: left out, never scored.
        pre_post("E", Rater::SelfReport, five_of_six, a([5, 5, 5, 5, 5, 5])),
        // F: no after at all: left out.
        pre_post("F", Rater::SelfReport, a([1, 1, 1, 1, 1, 1]), vec![]),
    ];
    let summaries = group_summary(&ucl, &people).unwrap();
    assert_eq!(summaries.len(), 1);
    let g = &summaries[0];
    assert_eq!(g.instrument_key, "ucl-umbrella-generic");
    assert_eq!(g.instrument_version, "1");
    assert_eq!(g.rater, Rater::SelfReport);
    assert_eq!(g.counted, 4);

    // Group means: before (2 + 3 + 4 + 5) / 4 = 3.5; after (3 + 4 + 4 + 4.5) / 4 = 3.875.
    assert_eq!(g.pre_mean, Some(3.5));
    assert_eq!(g.post_mean, Some(3.875));
    // Change 0.375 points; 0.375 / 3.5 = 10.714...%.
    let change = g.change.unwrap();
    assert_eq!(change.points, 0.375);
    close_opt(change.percent, 0.375 / 3.5 * 100.0);
    assert_eq!((g.improved, g.same, g.worse), (2, 1, 1));

    // Per item over A-D, (before total / 4, after total / 4):
    // Active       2+3+4+5=14 -> 3.5,  3+4+5+4=16 -> 4.0:  +0.5,  0.5/3.5   = 14.2857%
    // Alert        3+3+4+5=15 -> 3.75, 4+4+5+5=18 -> 4.5:  +0.75, 0.75/3.75 = 20%
    // Enthusiastic 2+3+4+5=14 -> 3.5,  3+4+4+4=15 -> 3.75: +0.25, 0.25/3.5  = 7.1429%
    // Excited      1+3+4+5=13 -> 3.25, 2+4+4+5=15 -> 3.75: +0.5,  0.5/3.25  = 15.3846%
    // Happy        3+3+4+5=15 -> 3.75, 4+4+3+4=15 -> 3.75:  0,    0%
    // Inspired     1+3+4+5=13 -> 3.25, 2+4+3+5=14 -> 3.5:  +0.25, 0.25/3.25 = 7.6923%
    let expected = [
        ("active", 3.5, 4.0),
        ("alert", 3.75, 4.5),
        ("enthusiastic", 3.5, 3.75),
        ("excited", 3.25, 3.75),
        ("happy", 3.75, 3.75),
        ("inspired", 3.25, 3.5),
    ];
    assert_eq!(g.items.len(), 6);
    for (item, (key, pre, post)) in g.items.iter().zip(expected) {
        assert_eq!(item.item_key, key);
        assert_eq!(item.pre_mean, Some(pre), "{key} before");
        assert_eq!(item.post_mean, Some(post), "{key} after");
        let c = item.change.unwrap();
        close(c.points, post - pre);
        close_opt(c.percent, (post - pre) / pre * 100.0);
    }
    close_opt(g.items[1].change.unwrap().percent, 20.0);
    assert_eq!(g.items[4].change.unwrap().percent, Some(0.0));

    // Each counted person, in the order given.
    let people_seen: Vec<(&str, f64, f64, Direction)> = g
        .people
        .iter()
        .map(|p| (p.person_id.as_str(), p.pre_mean, p.post_mean, p.direction))
        .collect();
    assert_eq!(
        people_seen,
        [
            ("A", 2.0, 3.0, Direction::Improved),
            ("B", 3.0, 4.0, Direction::Improved),
            ("C", 4.0, 4.0, Direction::Same),
            ("D", 5.0, 4.5, Direction::Worse),
        ]
    );
    assert_eq!(g.people[0].change.percent, Some(50.0));
    close_opt(g.people[1].change.percent, 100.0 / 3.0);
    assert_eq!(g.people[2].change.percent, Some(0.0));
    assert_eq!(g.people[3].change.points, -0.5);
    assert_eq!(g.people[3].change.percent, Some(-10.0));

    // The incomplete rows are listed, with what is missing, and never counted.
    assert_eq!(g.left_out.len(), 2);
    assert_eq!(g.left_out[0].person_id, "E");
    assert_eq!(
        g.left_out[0].missing_pre,
        [MissingItem {
            key: "inspired".into(),
            text: "Inspired".into()
        }]
    );
    assert!(g.left_out[0].missing_post.is_empty());
    assert_eq!(g.left_out[1].person_id, "F");
    assert!(g.left_out[1].missing_pre.is_empty());
    assert_eq!(g.left_out[1].missing_post.len(), 6);
}

#[test]
fn group_summary_keeps_raters_apart() {
    let ucl = builtin(UCL_UMBRELLA_OLDER_ADULT).unwrap();
    let a = |v: [i32; 6]| answers(&ucl, &v);
    let people = [
        // Carer for M: 6 -> 12, mean 1 -> 2 (+100%).
        pre_post("M", Rater::Carer, a([1; 6]), a([2; 6])),
        // M themself: 18 -> 24, mean 3 -> 4.
        pre_post("M", Rater::SelfReport, a([3; 6]), a([4; 6])),
        // Staff for N: nothing complete.
        pre_post("N", Rater::Staff, vec![], vec![]),
    ];
    let s = group_summary(&ucl, &people).unwrap();
    let raters: Vec<Rater> = s.iter().map(|g| g.rater).collect();
    assert_eq!(raters, [Rater::SelfReport, Rater::Carer, Rater::Staff]);
    assert_eq!((s[0].pre_mean, s[0].post_mean), (Some(3.0), Some(4.0)));
    assert_eq!((s[1].pre_mean, s[1].post_mean), (Some(1.0), Some(2.0)));
    assert_eq!(s[1].change.unwrap().percent, Some(100.0));

    // Nobody counted: no means, no change, no percent (no baseline).
    assert_eq!(s[2].counted, 0);
    assert_eq!(
        (s[2].pre_mean, s[2].post_mean, s[2].change),
        (None, None, None)
    );
    assert!(s[2]
        .items
        .iter()
        .all(|i| i.pre_mean.is_none() && i.post_mean.is_none() && i.change.is_none()));
    assert_eq!((s[2].improved, s[2].same, s[2].worse), (0, 0, 0));
    assert_eq!(s[2].left_out.len(), 1);

    assert!(group_summary(&ucl, &[]).unwrap().is_empty());

    // The same person twice for one rater is refused.
    let twice = [
        pre_post("M", Rater::Carer, a([1; 6]), a([2; 6])),
        pre_post("M", Rater::Carer, a([2; 6]), a([3; 6])),
    ];
    let (field, message) = invalid(group_summary(&ucl, &twice).unwrap_err());
    assert_eq!(field, "personId");
    assert_eq!(
        message,
        "The same person appears twice with ratings by a carer. Each person is counted once per \
         rater."
    );
}

// ---------------------------------------------------------------------------
// Incomplete sets and refusals.

#[test]
fn incomplete_sets_are_never_scored() {
    let ucl = builtin(UCL_UMBRELLA_GENERIC).unwrap();
    let mut five = answers(&ucl, &[5, 5, 5, 5, 5, 5]);
    five.remove(4); // Happy not answered
    let scored = score(&ucl, Rater::SelfReport, &five).unwrap();
    assert_eq!(scored.score(), None);
    assert_eq!(
        scored,
        Scored::Incomplete {
            missing: vec![MissingItem {
                key: "happy".into(),
                text: "Happy".into()
            }]
        }
    );
    assert_eq!(
        check_responses(&ucl, &five).unwrap(),
        Checked::Incomplete {
            missing: vec![MissingItem {
                key: "happy".into(),
                text: "Happy".into()
            }]
        }
    );

    // Nothing answered: every item missing, in order.
    let scored = score(&ucl, Rater::SelfReport, &[]).unwrap();
    let missing: Vec<&str> = scored.missing().iter().map(|m| m.key.as_str()).collect();
    assert_eq!(
        missing,
        [
            "active",
            "alert",
            "enthusiastic",
            "excited",
            "happy",
            "inspired"
        ]
    );

    // The same for the other rules: no partial ONS4 bands, no partial SWEMWBS total.
    for instrument in [builtin(ONS4).unwrap(), builtin(SWEMWBS).unwrap()] {
        let mut partial = answers(&instrument, &vec![2; instrument.items.len()]);
        partial.truncate(3);
        let scored = score(&instrument, Rater::SelfReport, &partial).unwrap();
        assert_eq!(scored.score(), None, "{}", instrument.key);
        assert_eq!(scored.missing().len(), instrument.items.len() - 3);
    }
}

#[test]
fn unknown_items_out_of_range_values_and_repeats_are_refused() {
    let ucl = builtin(UCL_UMBRELLA_GENERIC).unwrap();

    let (field, message) = invalid(score(&ucl, Rater::SelfReport, &[r("joyful", 3)]).unwrap_err());
    assert_eq!(field, "itemKey");
    assert_eq!(
        message,
        "“joyful” is not an item of UCL positive wellbeing umbrella (generic). Please answer \
         only its own items."
    );
    // An older-adult word is not a generic-umbrella item.
    let (field, _) = invalid(check_responses(&ucl, &[r("cheerful", 3)]).unwrap_err());
    assert_eq!(field, "itemKey");

    for bad in [0, 6, -1, 100] {
        let (field, message) = invalid(check_responses(&ucl, &[r("happy", bad)]).unwrap_err());
        assert_eq!(field, "value");
        assert_eq!(message, "Happy must be between 1 and 5.");
    }
    // A bad answer in an otherwise complete set is refused, not skipped.
    let mut set = answers(&ucl, &[3; 6]);
    set[0].value = 9;
    let (_, message) = invalid(score(&ucl, Rater::SelfReport, &set).unwrap_err());
    assert_eq!(message, "Active must be between 1 and 5.");

    let (field, message) =
        invalid(check_responses(&ucl, &[r("happy", 3), r("happy", 4)]).unwrap_err());
    assert_eq!(field, "itemKey");
    assert_eq!(message, "Happy has two answers. Please keep only one.");

    // Longer items are named by their words in quotes, or by number when long.
    let swemwbs = builtin(SWEMWBS).unwrap();
    let (_, message) = invalid(check_responses(&swemwbs, &[r("useful", 6)]).unwrap_err());
    assert_eq!(
        message,
        "“I've been feeling useful” must be between 1 and 5."
    );
    let ons4 = builtin(ONS4).unwrap();
    let (_, message) = invalid(check_responses(&ons4, &[r("anxious", 11)]).unwrap_err());
    assert_eq!(message, "Item 4 must be between 0 and 10.");
    let (_, message) = invalid(check_responses(&ons4, &[r("satisfied", -1)]).unwrap_err());
    assert_eq!(
        message,
        "“Overall, how satisfied are you with your life nowadays?” must be between 0 and 10."
    );
    // Both ends are on the scale.
    assert!(check_responses(&ons4, &[r("satisfied", 0), r("happy", 10)]).is_ok());

    let midas = builtin(MIDAS).unwrap();
    let (_, message) = invalid(check_responses(&midas, &[r("interest", 101)]).unwrap_err());
    assert_eq!(message, "Interest must be between 0 and 100.");
}

#[test]
fn midas_is_rated_by_observers_only() {
    let midas = builtin(MIDAS).unwrap();
    let set = answers(&midas, &[0, 25, 50, 75, 100]);
    for rater in [Rater::SelfReport, Rater::Carer] {
        let (field, message) = invalid(score(&midas, rater, &set).unwrap_err());
        assert_eq!(field, "rater");
        assert_eq!(
            message,
            format!(
                "MiDAS (Music in Dementia Assessment Scales) is rated by the therapist or a \
                 member of staff, not by {}.",
                rater.describe()
            )
        );
    }
    for rater in [Rater::Therapist, Rater::Staff] {
        let s = complete(score(&midas, rater, &set).unwrap());
        assert_eq!(s.rater, rater);
        let values: Vec<(&str, i32, Option<BandLevel>)> = s
            .items()
            .unwrap()
            .iter()
            .map(|i| (i.item_key.as_str(), i.value, i.band))
            .collect();
        assert_eq!(
            values,
            [
                ("interest", 0, None),
                ("response", 25, None),
                ("initiation", 50, None),
                ("involvement", 75, None),
                ("enjoyment", 100, None),
            ]
        );
    }
}

// ---------------------------------------------------------------------------
// Custom instruments.

fn custom_input() -> CustomInstrumentInput {
    CustomInstrumentInput {
        name: "  Calm and connected  ".into(),
        items: vec![" Calm ".into(), "Connected".into(), "Listened to".into()],
        scale_min: 0,
        scale_max: 10,
        min_label: "not at all".into(),
        max_label: "very much".into(),
        lower_is_better: false,
    }
}

#[test]
fn custom_instrument_is_built_from_clean_input() {
    let c = custom_instrument("custom-1", "1", &custom_input()).unwrap();
    assert_eq!(c.key, "custom-1");
    assert_eq!(c.version, "1");
    assert_eq!(c.name, "Calm and connected");
    assert_eq!(c.origin, Origin::Custom);
    assert_eq!(c.scoring, Scoring::MeanOfItems);
    assert_eq!((c.scale.min, c.scale.max), (0, 10));
    assert_eq!(c.scale.min_label.as_deref(), Some("not at all"));
    assert_eq!(c.scale.max_label.as_deref(), Some("very much"));
    let items: Vec<(&str, &str)> = c
        .items
        .iter()
        .map(|i| (i.key.as_str(), i.text.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            ("item-1", "Calm"),
            ("item-2", "Connected"),
            ("item-3", "Listened to")
        ]
    );
    assert!(!c.lower_is_better());
    assert_eq!(c.raters, Rater::ALL);

    // Scored as a mean: (0 + 5 + 10) / 3 = 5.
    let s = complete(score(&c, Rater::Therapist, &answers(&c, &[0, 5, 10])).unwrap());
    assert_eq!(s.mean(), Some(5.0));

    // Exactly 20 items and a 0-100 scale are allowed.
    let mut big = custom_input();
    big.items = (1..=20).map(|n| format!("Item {n}")).collect();
    big.scale_max = 100;
    assert_eq!(
        custom_instrument("custom-2", "1", &big)
            .unwrap()
            .items
            .len(),
        20
    );
}

#[test]
fn custom_instrument_refusals_name_their_field() {
    let refuse = |change: &dyn Fn(&mut CustomInstrumentInput)| {
        let mut input = custom_input();
        change(&mut input);
        invalid(custom_instrument("custom-1", "1", &input).unwrap_err())
    };
    type Case = (
        Box<dyn Fn(&mut CustomInstrumentInput)>,
        &'static str,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            Box::new(|i| i.name = "   ".into()),
            "name",
            "Please enter a name for the measure.",
        ),
        (
            Box::new(|i| i.items.clear()),
            "items",
            "Please add at least one item for people to rate.",
        ),
        (
            Box::new(|i| i.items = (1..=21).map(|n| format!("Item {n}")).collect()),
            "items",
            "A measure can have at most 20 items; this one has 21. Please remove some.",
        ),
        (
            Box::new(|i| i.items[1] = "  ".into()),
            "items",
            "Item 2 is empty. Please type its wording or remove it.",
        ),
        (
            Box::new(|i| i.items[2] = "CALM".into()),
            "items",
            "Items 1 and 3 both say “CALM”. Please make each item different.",
        ),
        (
            Box::new(|i| i.items[0] = "x".repeat(201)),
            "items",
            "Item 1 is too long: please keep it under 200 characters.",
        ),
        (
            Box::new(|i| i.scale_min = -1),
            "scaleMin",
            "The lowest answer can't be below 0.",
        ),
        (
            Box::new(|i| i.scale_max = 101),
            "scaleMax",
            "The highest answer can be 100 at most.",
        ),
        (
            Box::new(|i| {
                i.scale_min = 5;
                i.scale_max = 5;
            }),
            "scaleMax",
            "The highest answer must be more than the lowest (5).",
        ),
        (
            Box::new(|i| {
                i.scale_min = 7;
                i.scale_max = 3;
            }),
            "scaleMax",
            "The highest answer must be more than the lowest (7).",
        ),
        (
            Box::new(|i| i.min_label = " ".into()),
            "minLabel",
            "Please enter what the lowest answer (0) means, such as “not at all”.",
        ),
        (
            Box::new(|i| i.max_label = String::new()),
            "maxLabel",
            "Please enter what the highest answer (10) means, such as “very much”.",
        ),
    ];
    for (change, field, message) in cases {
        assert_eq!(refuse(&*change), (field, message.to_string()));
    }

    // A custom measure may not take a built-in's key.
    let (field, _) = invalid(custom_instrument(ONS4, "1", &custom_input()).unwrap_err());
    assert_eq!(field, "key");
}

#[test]
fn custom_lower_is_better_improves_when_the_mean_falls() {
    let mut input = custom_input();
    input.name = "Worry".into();
    input.items = vec!["Worried".into(), "Tense".into()];
    input.lower_is_better = true;
    let c = custom_instrument("custom-worry", "1", &input).unwrap();
    assert!(c.lower_is_better());
    assert!(c.items.iter().all(|i| i.lower_is_better));

    let a = |v: [i32; 2]| answers(&c, &v);
    let people = [
        // P: (6+4)/2 = 5 -> (2+2)/2 = 2: -3 points, -3/5 = -60%: improved (fell).
        pre_post("P", Rater::SelfReport, a([6, 4]), a([2, 2])),
        // Q: 0 -> 1: +1 point, no percent (zero baseline): worse (rose).
        pre_post("Q", Rater::SelfReport, a([0, 0]), a([1, 1])),
        // R: (3+5)/2 = 4 -> (4+4)/2 = 4: same.
        pre_post("R", Rater::SelfReport, a([3, 5]), a([4, 4])),
    ];
    let g = &group_summary(&c, &people).unwrap()[0];
    let directions: Vec<Direction> = g.people.iter().map(|p| p.direction).collect();
    assert_eq!(
        directions,
        [Direction::Improved, Direction::Worse, Direction::Same]
    );
    assert_eq!((g.improved, g.same, g.worse), (1, 1, 1));
    assert_eq!(g.people[0].change.points, -3.0);
    assert_eq!(g.people[0].change.percent, Some(-60.0));
    assert_eq!(g.people[1].change.points, 1.0);
    assert_eq!(g.people[1].change.percent, None);
    // Group: before (5 + 0 + 4) / 3 = 3; after (2 + 1 + 4) / 3 = 7/3.
    // Change -2/3 points; (-2/3) / 3 = -22.22...%.
    assert_eq!(g.pre_mean, Some(3.0));
    close_opt(g.post_mean, 7.0 / 3.0);
    close(g.change.unwrap().points, -2.0 / 3.0);
    close_opt(g.change.unwrap().percent, -200.0 / 9.0);
    // Item "Tense": before (4 + 0 + 5) / 3 = 3, after (2 + 1 + 4) / 3 = 7/3.
    assert_eq!(g.items[1].pre_mean, Some(3.0));

    // Zero baseline for the whole group: points, but no percent.
    let zero = [pre_post("Q", Rater::SelfReport, a([0, 0]), a([1, 1]))];
    let g = &group_summary(&c, &zero).unwrap()[0];
    assert_eq!(g.pre_mean, Some(0.0));
    assert_eq!(g.change.unwrap().points, 1.0);
    assert_eq!(g.change.unwrap().percent, None);
    assert!(g.items.iter().all(|i| i.change.unwrap().percent.is_none()));
}

// ---------------------------------------------------------------------------
// On the wire.

#[test]
fn types_cross_into_the_ui_in_camel_case() {
    use ts_rs::TS;

    assert_eq!(
        serde_json::to_string(&Rater::SelfReport).unwrap(),
        "\"self\""
    );
    assert_eq!(serde_json::to_string(&Rater::Staff).unwrap(), "\"staff\"");
    assert_eq!(
        serde_json::to_string(&BandLevel::VeryHigh).unwrap(),
        "\"veryHigh\""
    );

    let ucl = builtin(UCL_UMBRELLA_GENERIC).unwrap();
    let scored = score(&ucl, Rater::SelfReport, &answers(&ucl, &[2, 3, 2, 3, 2, 3])).unwrap();
    let json = serde_json::to_value(&scored).unwrap();
    assert_eq!(json["status"], "complete");
    assert_eq!(json["score"]["instrumentKey"], "ucl-umbrella-generic");
    assert_eq!(json["score"]["instrumentVersion"], "1");
    assert_eq!(json["score"]["rater"], "self");
    assert_eq!(json["score"]["responses"][0]["itemKey"], "active");
    assert_eq!(json["score"]["result"]["rule"], "meanOfItems");
    assert_eq!(json["score"]["result"]["mean"], 2.5);
    assert_eq!(serde_json::from_value::<Scored>(json).unwrap(), scored);

    let incomplete = serde_json::to_value(score(&ucl, Rater::SelfReport, &[]).unwrap()).unwrap();
    assert_eq!(incomplete["status"], "incomplete");
    assert_eq!(incomplete["missing"][0]["key"], "active");

    // Instruments are data: every built-in survives a round trip.
    for i in builtins() {
        let json = serde_json::to_string(&i).unwrap();
        assert_eq!(serde_json::from_str::<Instrument>(&json).unwrap(), i);
    }
    let swemwbs = serde_json::to_value(builtin(SWEMWBS).unwrap()).unwrap();
    assert_eq!(swemwbs["scoring"]["rule"], "sumWithMetric");
    assert_eq!(swemwbs["scoring"]["table"][1]["metric"], 9.51);
    assert_eq!(swemwbs["scale"]["minLabel"], "None of the time");
    let ons4 = serde_json::to_value(builtin(ONS4).unwrap()).unwrap();
    assert_eq!(ons4["items"][3]["lowerIsBetter"], true);
    assert_eq!(ons4["items"][3]["bands"][0]["level"], "veryLow");

    let input: CustomInstrumentInput =
        serde_json::from_str(r#"{"name":"Mood","items":["Calm"],"scaleMax":5,"minLabel":"a","maxLabel":"b","lowerIsBetter":true}"#)
            .unwrap();
    assert_eq!((input.scale_min, input.scale_max), (0, 5));
    assert!(input.lower_is_better);

    let cfg = refrain_core::bindings::config();
    assert!(Rater::decl(&cfg).contains("\"self\""));
    let summary = GroupSummary::decl(&cfg);
    assert!(summary.contains("leftOut"), "{summary}");
    assert!(summary.contains("preMean: number | null"), "{summary}");
}
