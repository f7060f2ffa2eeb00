//! Everything Refrain holds about one person, for a subject access request:
//! the record, referrals with their history, groups, attendance, outcome
//! scores, clinical notes with amendments, personal playlists, the music
//! life story with its avoid list, and the audit trail. As JSON (complete, for another system) and as a readable PDF.

use super::long_date;
use crate::error::{CoreError, Result};
use crate::model::{AuditAction, SubjectAccess};
use crate::outcomes::Scored;
use crate::Labelled;
use refrain_pdf::{self as pdf, Align, Block, Column, Document, Table};

/// The JSON file: every field, as Refrain holds it, pretty-printed.
pub fn to_json(s: &SubjectAccess) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(s)
        .map_err(|e| CoreError::Report(format!("the JSON file could not be made ({e})")))?;
    out.push(b'\n');
    Ok(out)
}

fn yes_no(c: &crate::model::Consent) -> String {
    match (&c.given, &c.date) {
        (true, Some(d)) => format!("yes (recorded {})", long_date(d)),
        (true, None) => "yes".into(),
        (false, Some(d)) => format!("no (recorded {})", long_date(d)),
        (false, None) => "no".into(),
    }
}

fn action_word(a: AuditAction) -> &'static str {
    match a {
        AuditAction::Created => "created",
        AuditAction::Changed => "changed",
        AuditAction::Archived => "archived",
        AuditAction::Signed => "signed",
        AuditAction::Amended => "amended",
        AuditAction::Removed => "removed",
    }
}

fn col(align: Align, max_width: f32) -> Column {
    Column { align, max_width }
}

pub fn document(s: &SubjectAccess) -> Document {
    let a = &s.attendee;
    let mut blocks = vec![
        Block::Paragraph(format!(
            "This is everything Refrain holds about {} on this computer, as of {}.",
            a.full_name, s.stamp.produced_at
        )),
        Block::Gap,
        Block::Heading("Their record".into()),
    ];
    let mut facts = vec![("Full name".to_string(), a.full_name.clone())];
    let optional = [
        ("Preferred name", a.preferred_name.clone()),
        (
            "Date of birth",
            a.date_of_birth
                .as_deref()
                .map(long_date)
                .unwrap_or_default(),
        ),
        ("Phone", a.phone.clone()),
        ("Email", a.email.clone()),
        ("Carer or companion", a.carer_name.clone()),
        ("Access needs", a.access_needs.clone()),
        ("Communication needs", a.communication_needs.clone()),
        (
            "Communication and information needs (flags)",
            crate::labels::information_need_words(&a.information_needs).join(", "),
        ),
        ("Notes", a.notes.clone()),
    ];
    for (k, v) in optional {
        facts.push((k.into(), if v.is_empty() { "(none)".into() } else { v }));
    }
    facts.push((
        "Consent to take part".into(),
        yes_no(&a.consent_participation),
    ));
    facts.push((
        "Consent to photos and recordings".into(),
        yes_no(&a.consent_media),
    ));
    facts.push((
        "Consent to share outcomes with the referrer".into(),
        yes_no(&a.consent_share_outcomes),
    ));
    facts.push(("Record created".into(), a.created_at.clone()));
    facts.push(("Last changed".into(), a.updated_at.clone()));
    blocks.push(Block::Facts(facts));

    blocks.push(Block::Heading("Referrals".into()));
    if s.referrals.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    }
    for r in &s.referrals {
        let reasons: Vec<&str> = r.reasons.iter().map(|x| x.label()).collect();
        let mut facts = vec![
            ("Received".to_string(), long_date(&r.received_on)),
            ("From".into(), r.source.label().into()),
            (
                "Referrer".into(),
                [r.referrer_name.as_str(), r.referrer_organisation.as_str()]
                    .iter()
                    .filter(|x| !x.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("Reasons".into(), reasons.join(", ")),
        ];
        if !r.reason_notes.is_empty() {
            facts.push(("About the reasons".into(), r.reason_notes.clone()));
        }
        let history: Vec<String> = r
            .history
            .iter()
            .map(|h| {
                let mut line = format!("{}: {}", long_date(&h.changed_on), h.status.label());
                if !h.note.is_empty() {
                    line.push_str(&format!(" ({})", h.note));
                }
                line
            })
            .collect();
        facts.push(("Status history".into(), history.join("; ")));
        if let Some(p) = &r.prescription {
            let purposes: Vec<&str> = p.purposes.iter().map(|x| x.label()).collect();
            facts.push(("Playlist prescription".into(), purposes.join(", ")));
            for (k, v) in [
                ("What it is for", &p.purpose_notes),
                ("What the referrer knows", &p.known_story),
                ("What the referrer says to avoid", &p.avoid_notes),
            ] {
                if !v.trim().is_empty() {
                    facts.push((k.into(), v.clone()));
                }
            }
            let steps: Vec<String> = p
                .history
                .iter()
                .map(|h| {
                    let mut line = format!("{}: {}", long_date(&h.changed_on), h.status.label());
                    if !h.note.is_empty() {
                        line.push_str(&format!(" ({})", h.note));
                    }
                    line
                })
                .collect();
            facts.push(("Prescription history".into(), steps.join("; ")));
        }
        blocks.push(Block::Facts(facts));
        blocks.push(Block::Gap);
    }

    blocks.push(Block::Heading("Groups".into()));
    if s.memberships.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![
                col(Align::Left, 220.0),
                col(Align::Left, 110.0),
                col(Align::Left, 110.0),
            ],
            header: vec!["Group".into(), "Joined".into(), "Left".into()],
            rows: s
                .memberships
                .iter()
                .map(|m| {
                    vec![
                        m.group_name.clone(),
                        long_date(&m.joined_on),
                        m.left_on.as_deref().map(long_date).unwrap_or_default(),
                    ]
                })
                .collect(),
            bold_last_rows: 0,
            key_columns: 1,
        }));
    }

    blocks.push(Block::Heading("Attendance".into()));
    if s.attendance.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![
                col(Align::Left, 100.0),
                col(Align::Left, 200.0),
                col(Align::Left, 80.0),
                col(Align::Left, 70.0),
                col(Align::Left, 60.0),
            ],
            header: vec![
                "Date".into(),
                "Group".into(),
                "Mark".into(),
                "Carer came".into(),
                "Walk-in".into(),
            ],
            rows: s
                .attendance
                .iter()
                .map(|e| {
                    vec![
                        long_date(&e.date),
                        e.group_name.clone(),
                        e.mark.word(),
                        if e.carer_present { "yes" } else { "" }.into(),
                        if e.walk_in { "yes" } else { "" }.into(),
                    ]
                })
                .collect(),
            bold_last_rows: 0,
            key_columns: 1,
        }));
    }

    blocks.push(Block::Heading("Outcome measures".into()));
    let mut rows = Vec::new();
    for h in &s.outcomes.instruments {
        for set in &h.sets {
            let answers: Vec<String> = set
                .answers
                .iter()
                .map(|r| format!("{} {}", r.item_key, r.value))
                .collect();
            let score = match &set.scored {
                Scored::Complete { score } => match &score.result {
                    crate::outcomes::ScoreResult::MeanOfItems { mean } => {
                        format!("mean {}", super::number(*mean))
                    }
                    crate::outcomes::ScoreResult::SumWithMetric { raw, metric } => {
                        format!("{} (raw {raw})", super::number(*metric))
                    }
                    crate::outcomes::ScoreResult::ItemByItem { .. } => "item by item".into(),
                },
                Scored::Incomplete { .. } => "incomplete".into(),
            };
            rows.push(vec![
                long_date(&set.taken_on),
                format!(
                    "{} v{} ({}, {})",
                    h.instrument.name,
                    set.instrument_version,
                    set.timing.when(),
                    set.rater.rated()
                ),
                answers.join(", "),
                score,
            ]);
        }
    }
    if rows.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![
                col(Align::Left, 90.0),
                col(Align::Left, 190.0),
                col(Align::Left, 150.0),
                col(Align::Left, 90.0),
            ],
            header: vec![
                "Taken".into(),
                "Measure".into(),
                "Answers".into(),
                "Score".into(),
            ],
            rows,
            bold_last_rows: 0,
            key_columns: 1,
        }));
    }

    blocks.push(Block::Heading("Clinical notes".into()));
    if s.notes.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    }
    for n in &s.notes {
        let state = match &n.signed {
            Some(sig) => format!(
                "signed by {} (HCPC {}) at {}",
                sig.name, sig.hcpc_number, sig.at
            ),
            None => "draft, not signed".into(),
        };
        blocks.push(Block::Facts(vec![
            (
                "Session".into(),
                format!("{}, {}", long_date(&n.session_date), n.group_name),
            ),
            ("Note".into(), state),
        ]));
        blocks.push(Block::Paragraph(n.body.clone()));
        for m in &n.amendments {
            blocks.push(Block::Facts(vec![(
                "Amendment".into(),
                format!(
                    "by {} (HCPC {}) at {}, because: {}",
                    m.author.name, m.author.hcpc_number, m.author.at, m.reason
                ),
            )]));
            blocks.push(Block::Paragraph(m.body.clone()));
        }
        blocks.push(Block::Gap);
    }

    blocks.push(Block::Heading("Personal playlists".into()));
    blocks.push(Block::Paragraph(if s.playlists.is_empty() {
        "None.".into()
    } else {
        s.playlists.join(", ")
    }));

    blocks.push(Block::Heading("Music life story".into()));
    let m = &s.music_story;
    let mut facts = Vec::new();
    if let Some(year) = m.birth_year {
        facts.push(("Born in".to_string(), year.to_string()));
    }
    for (k, v) in [
        ("Where they grew up and lived", &m.places),
        ("Languages and heritage", &m.languages),
        ("What music meant to them", &m.music_meant),
        ("Favourite genres", &m.favourite_genres),
        ("Favourite artists", &m.favourite_artists),
        ("Favourite songs", &m.favourite_songs),
        ("How they like to listen", &m.how_they_listen),
    ] {
        if !v.trim().is_empty() {
            facts.push((k.to_string(), v.clone()));
        }
    }
    for a in &m.avoid {
        let what = match a.kind {
            crate::model::AvoidKind::Artist => format!("anything by {}", a.artist),
            crate::model::AvoidKind::Song if a.artist.is_empty() => {
                format!("\u{201c}{}\u{201d}", a.title)
            }
            crate::model::AvoidKind::Song => format!("\u{201c}{}\u{201d} ({})", a.title, a.artist),
        };
        facts.push((
            "To avoid".to_string(),
            format!("{what}, because: {}", a.why),
        ));
    }
    if facts.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    } else {
        blocks.push(Block::Facts(facts));
    }

    blocks.push(Block::Heading("How songs went for them".into()));
    if s.listening.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![
                col(Align::Left, 90.0),
                col(Align::Left, 150.0),
                col(Align::Left, 70.0),
                col(Align::Left, 210.0),
            ],
            header: vec![
                "Heard".into(),
                "Song".into(),
                "Where".into(),
                "Response".into(),
            ],
            rows: s
                .listening
                .iter()
                .map(|l| {
                    let mut how: Vec<String> = Vec::new();
                    if let Some(r) = l.response {
                        how.push(crate::labels::response_words(r));
                    }
                    if l.distress {
                        how.push("distress".into());
                    }
                    if !l.note.is_empty() {
                        how.push(l.note.clone());
                    }
                    vec![
                        long_date(&l.heard_on),
                        l.track_title.clone(),
                        l.place.label().into(),
                        how.join("; "),
                    ]
                })
                .collect(),
            bold_last_rows: 0,
            key_columns: 1,
        }));
    }

    blocks.push(Block::Heading("Every change to their records".into()));
    if s.audit.is_empty() {
        blocks.push(Block::Paragraph("None.".into()));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![
                col(Align::Left, 150.0),
                col(Align::Left, 140.0),
                col(Align::Left, 80.0),
                col(Align::Left, 150.0),
            ],
            header: vec![
                "When (UTC)".into(),
                "Record".into(),
                "What".into(),
                "By".into(),
            ],
            rows: s
                .audit
                .iter()
                .map(|e| {
                    vec![
                        e.at.clone(),
                        e.what.clone(),
                        action_word(e.action).into(),
                        e.practitioner_name
                            .clone()
                            .unwrap_or_else(|| "no one chosen".into()),
                    ]
                })
                .collect(),
            bold_last_rows: 0,
            key_columns: 1,
        }));
    }

    Document {
        title: format!("What Refrain holds about {}", a.full_name),
        author: s.stamp.produced_by.clone(),
        creator: super::creator(),
        landscape: false,
        min_text_size: a.information_needs.min_text_size(),
        running_head: vec![
            format!("What Refrain holds about {}", a.full_name),
            format!("Subject access · produced {}", s.stamp.produced_at),
        ],
        running_foot: format!("{} · {}", super::stamp_line(&s.stamp), super::CONFIDENTIAL),
        blocks,
    }
}

pub fn to_pdf(s: &SubjectAccess) -> Result<Vec<u8>> {
    Ok(pdf::render(&document(s))?)
}
