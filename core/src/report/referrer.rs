//! Feedback for the person who referred someone (a GP link worker, say):
//! the dates they came, their outcome measures at the start and now, and the
//! therapist's summary. Made only with the person's consent to share their
//! outcomes (the store refuses otherwise). PDF, A4 portrait.

use super::{long_date, signed, stamp_line};
use crate::error::Result;
use crate::model::{
    EpisodeLine, EpisodeOutcome, MessageHeading, ReferralStatusChange, ReferrerFeedback,
};
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
    blocks.push(Block::Paragraph(format!(
        "{} at the start and the end of the referral:",
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

/// The sessions the person came to, with the group and how.
fn attended_block(f: &ReferrerFeedback, blocks: &mut Vec<Block>) {
    if f.attended.is_empty() {
        blocks.push(Block::Paragraph("No sessions attended yet.".into()));
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
}

pub fn document(f: &ReferrerFeedback) -> Document {
    let heading = |h: MessageHeading| Block::Heading(h.label().to_string());

    // The person.
    let mut person = vec![("Name".to_string(), f.full_name.clone())];
    if let Some(dob) = &f.date_of_birth {
        person.push(("Date of birth".into(), long_date(dob)));
    }
    let info = crate::labels::information_need_words(&f.information_needs);
    if !info.is_empty() {
        person.push((
            "Communication and information needs".into(),
            info.join(", "),
        ));
    }
    person.push((
        "Shared with consent".into(),
        "they agreed to their outcomes being shared with the person who referred them".into(),
    ));
    let mut blocks = vec![
        heading(MessageHeading::Person),
        Block::Facts(person),
        Block::Gap,
    ];

    // Needs and concerns: what the referral said.
    blocks.push(heading(MessageHeading::NeedsAndConcerns));
    let mut needs = Vec::new();
    if !f.referred_by.is_empty() {
        needs.push(("Referred by".to_string(), f.referred_by.clone()));
    }
    if let Some(source) = f.referral_source {
        needs.push(("Referral from".into(), source.label().to_string()));
    }
    if let Some(on) = &f.referred_on {
        needs.push(("Referral received".into(), long_date(on)));
    }
    if !f.reasons.is_empty() {
        needs.push((
            "Reasons".into(),
            f.reasons
                .iter()
                .map(|r| r.label().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    if !f.reason_notes.trim().is_empty() {
        needs.push(("Notes".into(), f.reason_notes.trim().to_string()));
    }
    if needs.is_empty() {
        blocks.push(Block::Paragraph("No referral is recorded.".into()));
    } else {
        blocks.push(Block::Facts(needs));
    }
    blocks.push(Block::Gap);

    // Support offered: the answer, the groups and the sessions.
    blocks.push(heading(MessageHeading::SupportOffered));
    let mut support = Vec::new();
    if f.referred_on.is_some() {
        support.push(("Our answer".to_string(), answer_words(f.answer.as_ref())));
    }
    if !f.groups.is_empty() {
        support.push(("Groups".into(), f.groups.join(", ")));
    }
    support.push((
        "Sessions".into(),
        format!(
            "came to {} of the {} sessions on their register",
            f.attended.len(),
            f.sessions_offered
        ),
    ));
    blocks.push(Block::Facts(support));
    blocks.push(Block::Gap);
    attended_block(f, &mut blocks);
    blocks.push(Block::Gap);
    // The playlist prescription, answered.
    if let Some(p) = &f.prescription {
        blocks.push(Block::Heading("The personal playlist you asked for".into()));
        let purposes: Vec<&str> = p.purposes.iter().map(|x| x.label()).collect();
        let mut facts = vec![(
            "Asked for".to_string(),
            format!(
                "{}{}",
                purposes.join(", "),
                if p.purpose_notes.trim().is_empty() {
                    String::new()
                } else {
                    format!(" ({})", p.purpose_notes.trim())
                }
            ),
        )];
        let now = p.history.last();
        facts.push((
            "Where it stands".into(),
            match now {
                Some(h) => format!("{} ({})", p.status.label(), long_date(&h.changed_on)),
                None => p.status.label().into(),
            },
        ));
        facts.push((
            "So far".into(),
            p.history
                .iter()
                .map(|h| {
                    let mut line = format!("{}: {}", long_date(&h.changed_on), h.status.label());
                    if !h.note.trim().is_empty() {
                        line.push_str(&format!(" ({})", h.note.trim()));
                    }
                    line
                })
                .collect::<Vec<_>>()
                .join("; "),
        ));
        if let (Some(name), Some(n)) = (&p.playlist_name, f.prescribed_songs) {
            facts.push((
                "The playlist".into(),
                format!("{name}, {n} song{}", if n == 1 { "" } else { "s" }),
            ));
        }
        blocks.push(Block::Facts(facts));
        blocks.push(Block::Gap);
    }

    // Outcomes: the episode's pairing, every measure's first and latest, and
    // the therapist's summary.
    blocks.push(heading(MessageHeading::Outcomes));
    episode_blocks(f.episode.as_ref(), &mut blocks);
    blocks.push(Block::Paragraph(
        "Every measure taken, the first and the latest:".into(),
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

    blocks.push(Block::Gap);
    blocks.push(Block::Paragraph("Summary from the therapist:".into()));
    blocks.push(Block::Paragraph(if f.summary.trim().is_empty() {
        "(No summary written.)".into()
    } else {
        f.summary.clone()
    }));
    blocks.push(Block::Gap);

    // The codes, for the GP record.
    blocks.push(Block::Heading("SNOMED CT codes".into()));
    if f.codes.is_empty() {
        blocks.push(Block::Paragraph("None apply.".into()));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![
                Column {
                    align: Align::Left,
                    max_width: 110.0,
                },
                Column {
                    align: Align::Left,
                    max_width: 100.0,
                },
                Column {
                    align: Align::Left,
                    max_width: 260.0,
                },
            ],
            header: vec!["Heading".into(), "Code".into(), "Term".into()],
            rows: f
                .codes
                .iter()
                .map(|c| {
                    vec![
                        c.heading.label().to_string(),
                        c.code.clone(),
                        c.term.clone(),
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
        min_text_size: f.information_needs.min_text_size(),
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

/// The message back as a structured file for the link worker to file: the
/// four headings of the PRSB social prescribing standard and the SNOMED CT
/// codes that apply, each with the sources it was checked against.
pub fn to_json(f: &ReferrerFeedback) -> Result<Vec<u8>> {
    let value = serde_json::json!({
        "message": "Social prescribing message back to GP and referrer",
        "standard": "PRSB Social Prescribing Information Standard v1.1 (its four headings)",
        "producedAt": f.stamp.produced_at,
        "producedBy": f.stamp.produced_by,
        "producedWith": super::creator(),
        "sharedWithConsent": true,
        "person": {
            "name": f.full_name,
            "dateOfBirth": f.date_of_birth,
            "informationNeeds": f.information_needs,
            "informationNeedLabels": crate::labels::information_need_words(&f.information_needs),
        },
        "needsAndConcerns": {
            "referredBy": f.referred_by,
            "referralSource": f.referral_source,
            "referralSourceLabel": f.referral_source.map(|s| s.label()),
            "referralReceivedOn": f.referred_on,
            "reasons": f.reasons,
            "reasonLabels": f.reasons.iter().map(|r| r.label()).collect::<Vec<_>>(),
            "notes": f.reason_notes,
        },
        "supportOffered": {
            "answer": f.answer.as_ref().map(|a| serde_json::json!({
                "status": a.status,
                "on": a.changed_on,
                "declineReason": a.decline_reason,
                "declineReasonLabel": a.decline_reason.map(|r| r.label()),
                "note": a.note,
                "inWords": answer_words(Some(a)),
            })),
            "groups": f.groups,
            "sessionsOffered": f.sessions_offered,
            "sessionsAttended": f.attended.len(),
            "attended": f.attended.iter().map(|a| serde_json::json!({
                "date": a.date,
                "group": a.group_name,
                "mark": a.mark,
            })).collect::<Vec<_>>(),
        },
        "outcomes": {
            "startAndEnd": f.episode.as_ref().map(|e| serde_json::json!({
                "measure": e.instrument_name,
                "measureKey": e.instrument_key,
                "rater": e.rater,
                "startOn": e.start_on,
                "endOn": e.end_on,
                "lines": e.lines.iter().map(|l| serde_json::json!({
                    "label": l.label,
                    "start": l.start,
                    "end": l.end,
                    "change": l.change,
                    "better": l.better,
                })).collect::<Vec<_>>(),
            })),
            "measures": f.measures,
            "summary": f.summary,
        },
        "codes": f.codes,
    });
    let mut out = serde_json::to_vec_pretty(&value).map_err(|e| {
        crate::error::CoreError::Report(format!("the JSON file could not be made ({e})"))
    })?;
    out.push(b'\n');
    Ok(out)
}
