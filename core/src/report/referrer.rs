//! Feedback for the person who referred someone (a GP link worker, say):
//! the dates they came, their outcome measures at the start and now, and the
//! therapist's summary. Made only with the person's consent to share their
//! outcomes (the store refuses otherwise). PDF, A4 portrait.

use super::{long_date, signed, stamp_line};
use crate::error::Result;
use crate::model::{EpisodeLine, EpisodeOutcome, ReferralStatusChange, ReferrerFeedback};
use crate::Labelled;
use refrain_pdf::{self as pdf, Align, Block, Column, Document, Table};

/// The first answer to the referral in words: "Accepted on 3 February
/// 2026", or "Declined on ...: no place in the group (note)".
pub fn answer_words(answer: Option<&ReferralStatusChange>) -> String {
    let Some(a) = answer else {
        return "not answered yet".into();
    };
    let mut text = format!("{} on {}", a.status.label(), long_date(&a.changed_on));
    if let Some(reason) = a.decline_reason {
        text.push_str(&format!(": {}", reason.label().to_lowercase()));
    }
    if !a.note.trim().is_empty() {
        text.push_str(&format!(" ({})", a.note.trim()));
    }
    text
}

/// A number as the tables show it, or a dash.
fn value(v: Option<f64>) -> String {
    v.map(super::number).unwrap_or_else(|| "–".into())
}

/// The change in words a reader can't misread: "+3 (better)".
pub fn change_words(line: &EpisodeLine) -> String {
    match (line.change, line.better) {
        (None, _) => String::new(),
        (Some(_), None) => "no change".into(),
        (Some(c), Some(better)) => {
            format!(
                "{} ({})",
                signed(c),
                if better { "better" } else { "worse" }
            )
        }
    }
}

/// The referral's measure at its start and its end, item by item.
fn episode_blocks(episode: Option<&EpisodeOutcome>, blocks: &mut Vec<Block>) {
    let Some(e) = episode else { return };
    blocks.push(Block::Heading(format!(
        "{} at the start and the end of the referral",
        e.instrument_name
    )));
    let Some(start_on) = &e.start_on else {
        blocks.push(Block::Paragraph(
            "Not taken at the start of this referral.".into(),
        ));
        blocks.push(Block::Gap);
        return;
    };
    let rated = e
        .rater
        .map(|r| format!(" ({})", r.rated()))
        .unwrap_or_default();
    blocks.push(Block::Paragraph(match &e.end_on {
        Some(end_on) => format!(
            "Taken at the start on {} and at the end on {}{rated}.",
            long_date(start_on),
            long_date(end_on)
        ),
        None => format!(
            "Taken at the start on {}{rated}; not yet at the end.",
            long_date(start_on)
        ),
    }));
    blocks.push(Block::Table(Table {
        columns: vec![
            Column {
                align: Align::Left,
                max_width: 220.0,
            },
            Column {
                align: Align::Right,
                max_width: 90.0,
            },
            Column {
                align: Align::Right,
                max_width: 90.0,
            },
            Column {
                align: Align::Right,
                max_width: 90.0,
            },
        ],
        header: vec![
            "Question".into(),
            "At the start".into(),
            "At the end".into(),
            "Change".into(),
        ],
        rows: e
            .lines
            .iter()
            .map(|l| {
                vec![
                    l.label.clone(),
                    value(l.start),
                    value(l.end),
                    change_words(l),
                ]
            })
            .collect(),
        bold_last_rows: 0,
        key_columns: 1,
    }));
    blocks.push(Block::Gap);
}

pub fn document(f: &ReferrerFeedback) -> Document {
    let mut facts = vec![("Name".to_string(), f.full_name.clone())];
    if let Some(dob) = &f.date_of_birth {
        facts.push(("Date of birth".into(), long_date(dob)));
    }
    if !f.referred_by.is_empty() {
        facts.push(("Referred by".into(), f.referred_by.clone()));
    }
    if let Some(on) = &f.referred_on {
        facts.push(("Referral received".into(), long_date(on)));
        facts.push(("Our answer".into(), answer_words(f.answer.as_ref())));
    }
    if !f.groups.is_empty() {
        facts.push(("Groups".into(), f.groups.join(", ")));
    }
    facts.push((
        "Sessions".into(),
        format!(
            "came to {} of the {} sessions on their register",
            f.attended.len(),
            f.sessions_offered
        ),
    ));
    facts.push((
        "Shared with consent".into(),
        "they agreed to their outcomes being shared with the person who referred them".into(),
    ));

    let mut blocks = vec![Block::Facts(facts), Block::Gap];

    blocks.push(Block::Heading("Summary from the therapist".into()));
    blocks.push(Block::Paragraph(if f.summary.trim().is_empty() {
        "(No summary written.)".into()
    } else {
        f.summary.clone()
    }));
    blocks.push(Block::Gap);

    episode_blocks(f.episode.as_ref(), &mut blocks);

    blocks.push(Block::Heading(
        "Outcome measures: at the start and now".into(),
    ));
    if f.measures.is_empty() {
        blocks.push(Block::Paragraph(
            "No outcome measures were recorded.".into(),
        ));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![
                Column {
                    align: Align::Left,
                    max_width: 150.0,
                },
                Column {
                    align: Align::Left,
                    max_width: 120.0,
                },
                Column {
                    align: Align::Left,
                    max_width: 120.0,
                },
                Column {
                    align: Align::Right,
                    max_width: 70.0,
                },
            ],
            header: vec![
                "Measure".into(),
                "At the start".into(),
                "Latest".into(),
                "Change".into(),
            ],
            rows: f
                .measures
                .iter()
                .map(|m| {
                    vec![
                        format!("{} ({})", m.instrument_name, m.rater.rated()),
                        format!("{}: {}", long_date(&m.first_on), m.first),
                        match (&m.latest_on, &m.latest) {
                            (Some(on), Some(v)) => format!("{}: {v}", long_date(on)),
                            _ => "only one taken".into(),
                        },
                        m.change
                            .map(|c| match c.percent {
                                Some(p) => format!("{} ({}%)", signed(c.points), signed(p)),
                                None => signed(c.points),
                            })
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
            bold_last_rows: 0,
            key_columns: 1,
        }));
    }
    blocks.push(Block::Gap);

    blocks.push(Block::Heading("Sessions attended".into()));
    if f.attended.is_empty() {
        blocks.push(Block::Paragraph("None yet.".into()));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![
                Column {
                    align: Align::Left,
                    max_width: 110.0,
                },
                Column {
                    align: Align::Left,
                    max_width: 220.0,
                },
                Column {
                    align: Align::Left,
                    max_width: 90.0,
                },
            ],
            header: vec!["Date".into(), "Group".into(), "How".into()],
            rows: f
                .attended
                .iter()
                .map(|a| {
                    vec![
                        long_date(&a.date),
                        a.group_name.clone(),
                        a.mark.word().to_string(),
                    ]
                })
                .collect(),
            bold_last_rows: 0,
            key_columns: 1,
        }));
    }

    Document {
        title: format!("Feedback for the referrer: {}", f.full_name),
        author: f.stamp.produced_by.clone(),
        creator: super::creator(),
        landscape: false,
        running_head: vec![
            "Feedback for the referrer".into(),
            format!("{} · produced {}", f.full_name, f.stamp.produced_at),
        ],
        running_foot: format!("{} · {}", stamp_line(&f.stamp), super::CONFIDENTIAL),
        blocks,
    }
}

pub fn to_pdf(f: &ReferrerFeedback) -> Result<Vec<u8>> {
    Ok(pdf::render(&document(f))?)
}
