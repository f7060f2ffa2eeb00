//! A programme's summary for a funder: any set of groups over a period.
//! Sessions planned, held and cancelled; unique participants; new referrals
//! by source and status; attendance and retention; wellbeing change before
//! and after, overall and per item, in points and percent, with charts; and
//! the therapist's own words. As PDF (A4 portrait) and Excel (a sheet each
//! for the figures, referrals and wellbeing, with native charts).

use rust_xlsxwriter::{Chart, ChartType, DocProperties, Format, FormatBorder, Workbook};

use super::{number, period, signed, stamp_line, xlsx_failed};
use crate::error::Result;
use crate::model::{ProgrammeSummary, ReferralTiming, WellbeingChange};
use refrain_pdf::{self as pdf, Align, BarChart, Block, Column, Document, Series, Table};

fn pct(rate: Option<f64>) -> String {
    rate.map(|r| format!("{r:.1}%"))
        .unwrap_or_else(|| "n/a".into())
}

/// The key figures as label/value pairs (the PDF's facts and the Excel
/// sheet's first rows).
pub fn key_figures(s: &ProgrammeSummary) -> Vec<(String, String)> {
    vec![
        ("Groups".into(), s.group_names.join(", ")),
        ("Period".into(), period(&s.from, &s.to)),
        ("Sessions planned".into(), s.sessions_planned.to_string()),
        ("Sessions held".into(), s.sessions_held.to_string()),
        (
            "Sessions cancelled".into(),
            s.sessions_cancelled.to_string(),
        ),
        (
            "Sessions not yet held".into(),
            s.sessions_not_yet_held.to_string(),
        ),
        (
            "Unique participants".into(),
            s.unique_participants.to_string(),
        ),
        (
            "Came to three or more sessions".into(),
            s.participants_three_or_more.to_string(),
        ),
        (
            "Attendance rate".into(),
            format!(
                "{} ({} of {} expected places)",
                pct(s.attendance_rate),
                s.attended,
                s.expected
            ),
        ),
        (
            "Retention".into(),
            format!(
                "{} ({} of {} members still members at the end)",
                pct(s.retention_rate),
                s.members_retained,
                s.members_in_period
            ),
        ),
        ("New referrals".into(), s.referrals_total.to_string()),
        answered_line(&s.referral_timing),
        first_session_line(&s.referral_timing),
    ]
}

fn days(median: Option<f64>) -> String {
    match median {
        Some(1.0) => "1 day".into(),
        Some(d) => format!("{} days", number(d)),
        None => "none yet".into(),
    }
}

/// "Answered within 14 days": how many of the period's referrals were
/// answered in time, the median wait, and how many are overdue now.
pub fn answered_line(t: &ReferralTiming) -> (String, String) {
    let mut text = format!(
        "{} of {} referrals; {} answered in all, median {} to an answer",
        t.answered_in_time,
        t.referrals,
        t.answered,
        days(t.median_days_to_answer)
    );
    if t.overdue > 0 {
        text.push_str(&format!("; {} waiting past the deadline now", t.overdue));
    }
    (format!("Answered within {} days", t.response_days), text)
}

/// "First session within 14 days": how many of the period's referrals had
/// their person at a first session in time, how many came at all, and the
/// median days from the referral to that first session.
pub fn first_session_line(t: &ReferralTiming) -> (String, String) {
    (
        format!("First session within {} days", t.response_days),
        format!(
            "{} of {} referrals; {} came to a session in all, median {} from the referral",
            t.came_in_time,
            t.referrals,
            t.came,
            days(t.median_days_to_first_session)
        ),
    )
}

fn measure_title(w: &WellbeingChange) -> String {
    format!(
        "{} ({}), {} person-sessions with answers before and after",
        w.instrument_name,
        w.rater.rated(),
        w.counted
    )
}

fn change_points(c: &Option<crate::outcomes::Change>) -> String {
    c.map(|c| signed(c.points)).unwrap_or_default()
}

fn change_percent(c: &Option<crate::outcomes::Change>) -> String {
    c.and_then(|c| c.percent)
        .map(|p| format!("{}%", signed(p)))
        .unwrap_or_default()
}

pub fn document(s: &ProgrammeSummary) -> Document {
    let mut blocks = vec![Block::Facts(key_figures(s)), Block::Gap];

    if !s.narrative.trim().is_empty() {
        blocks.push(Block::Heading("In the therapist's words".into()));
        blocks.push(Block::Paragraph(s.narrative.clone()));
        blocks.push(Block::Gap);
    }

    blocks.push(Block::Heading(
        "New referrals, by source and status now".into(),
    ));
    if s.referrals.is_empty() {
        blocks.push(Block::Paragraph(
            "No referrals were received in the period.".into(),
        ));
    } else {
        let mut header = vec!["Source".to_string()];
        header.extend(s.referral_statuses.iter().cloned());
        header.push("Total".into());
        // Wide enough for "Completed" and "Withdrawn" on one line.
        let mut columns = vec![Column {
            align: Align::Left,
            max_width: 100.0,
        }];
        columns.extend((0..=s.referral_statuses.len()).map(|_| Column {
            align: Align::Right,
            max_width: 64.0,
        }));
        let mut rows: Vec<Vec<String>> = s
            .referrals
            .iter()
            .map(|r| {
                let mut row = vec![r.source.clone()];
                row.extend(r.by_status.iter().map(|n| n.to_string()));
                row.push(r.total.to_string());
                row
            })
            .collect();
        let mut total = vec!["Total".to_string()];
        for i in 0..s.referral_statuses.len() {
            total.push(
                s.referrals
                    .iter()
                    .map(|r| r.by_status[i])
                    .sum::<u32>()
                    .to_string(),
            );
        }
        total.push(s.referrals_total.to_string());
        rows.push(total);
        blocks.push(Block::Table(Table {
            columns,
            header,
            rows,
            bold_last_rows: 1,
            key_columns: 1,
        }));
    }
    blocks.push(Block::Gap);

    blocks.push(Block::Heading(
        "Referrals measured at the start and the end".into(),
    ));
    if s.episodes.is_empty() {
        blocks.push(Block::Paragraph(
            "No start measures were taken for the period's referrals.".into(),
        ));
    }
    for e in &s.episodes {
        blocks.push(Block::Paragraph(format!(
            "{} ({}): {} referrals measured at the start, {} at the start and the end.",
            e.instrument_name,
            e.rater.rated(),
            e.started,
            e.both
        )));
        if e.lines.is_empty() {
            continue;
        }
        blocks.push(Block::Table(Table {
            columns: vec![
                Column {
                    align: Align::Left,
                    max_width: 220.0,
                },
                Column {
                    align: Align::Right,
                    max_width: 80.0,
                },
                Column {
                    align: Align::Right,
                    max_width: 80.0,
                },
                Column {
                    align: Align::Right,
                    max_width: 90.0,
                },
            ],
            header: vec![
                "Question (mean of the pairs)".into(),
                "Start".into(),
                "End".into(),
                "Change".into(),
            ],
            rows: e
                .lines
                .iter()
                .map(|l| {
                    vec![
                        l.label.clone(),
                        l.start.map(number).unwrap_or_default(),
                        l.end.map(number).unwrap_or_default(),
                        super::referrer::change_words(l),
                    ]
                })
                .collect(),
            bold_last_rows: 0,
            key_columns: 1,
        }));
    }
    blocks.push(Block::Gap);

    blocks.push(Block::Heading("Wellbeing before and after sessions".into()));
    if s.wellbeing.is_empty() {
        blocks.push(Block::Paragraph(
            "No measures were taken before and after sessions in the period.".into(),
        ));
    }
    for w in &s.wellbeing {
        blocks.push(Block::Paragraph(measure_title(w)));
        blocks.push(Block::Table(Table {
            columns: vec![
                Column {
                    align: Align::Left,
                    max_width: 200.0,
                },
                Column {
                    align: Align::Right,
                    max_width: 60.0,
                },
                Column {
                    align: Align::Right,
                    max_width: 60.0,
                },
                Column {
                    align: Align::Right,
                    max_width: 70.0,
                },
                Column {
                    align: Align::Right,
                    max_width: 70.0,
                },
            ],
            header: vec![
                "Item".into(),
                "Before".into(),
                "After".into(),
                "Change (points)".into(),
                "Change (%)".into(),
            ],
            rows: w
                .lines
                .iter()
                .map(|l| {
                    vec![
                        l.label.clone(),
                        l.before.map(number).unwrap_or_default(),
                        l.after.map(number).unwrap_or_default(),
                        change_points(&l.change),
                        change_percent(&l.change),
                    ]
                })
                .collect(),
            bold_last_rows: 0,
            key_columns: 1,
        }));
        blocks.push(Block::Paragraph(format!(
            "Improved {}, the same {}, worse {} (person-sessions).",
            w.improved, w.same, w.worse
        )));
        blocks.push(Block::Chart(BarChart {
            title: format!("{}: mean before and after", w.instrument_name),
            categories: w.lines.iter().map(|l| l.label.clone()).collect(),
            series: vec![
                Series {
                    name: "Before".into(),
                    values: w.lines.iter().map(|l| l.before).collect(),
                },
                Series {
                    name: "After".into(),
                    values: w.lines.iter().map(|l| l.after).collect(),
                },
            ],
            axis_max: f64::from(w.scale_max),
            value_suffix: String::new(),
        }));
        blocks.push(Block::Gap);
    }

    blocks.push(Block::Heading("How these figures are counted".into()));
    blocks.push(Block::Paragraph(DEFINITIONS.into()));

    Document {
        title: format!("Programme summary: {}", period(&s.from, &s.to)),
        author: s.stamp.produced_by.clone(),
        creator: super::creator(),
        landscape: false,
        min_text_size: 0.0,
        running_head: vec![
            "Programme summary".into(),
            format!("{} · {}", s.group_names.join(", "), period(&s.from, &s.to)),
        ],
        running_foot: stamp_line(&s.stamp),
        blocks,
    }
}

pub const DEFINITIONS: &str = "Sessions planned: every session in the period, whatever became \
    of it. Attendance rate: places taken (present, late or left early) out of places expected \
    (members on the day, and walk-ins) in held sessions. Retention: people who were members at \
    any time in the period and were still members on its last day. New referrals: received in \
    the period, for people in these groups or not yet in any group, by the status each has now. \
    Answered: a referral's first acceptance, decline, start or completion, counted up to the day \
    the report is made; days are counted from the day it was received; the deadline is the \
    practice's. First session: the first of these groups' held sessions the person came to on or \
    after the day the referral was received, in time when within the same deadline. Start and end: the practice's measure taken at \
    intake on or after the day a referral was received, and the latest taken at discharge after \
    it by the same rater; the means are over the referrals with both. \
    Wellbeing: each person-session with complete answers before and after counts once; \
    self-ratings and ratings by others are never mixed; change is after minus before, and as a \
    percentage of before.";

pub fn to_pdf(s: &ProgrammeSummary) -> Result<Vec<u8>> {
    Ok(pdf::render(&document(s))?)
}

/// The summary as an Excel workbook: "Summary" (key figures, the narrative,
/// how figures are counted), "Referrals", "Wellbeing" with a column chart
/// per measure, and "Start and end" (the referrals' episodes).
pub fn to_xlsx(s: &ProgrammeSummary) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Programme summary: {}", period(&s.from, &s.to)))
            .set_author(&s.stamp.produced_by)
            .set_comment(stamp_line(&s.stamp)),
    );
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_background_color("#E8E8E8")
        .set_border_bottom(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap();
    let one_dp = Format::new().set_num_format("0.0");
    let two_dp = Format::new().set_num_format("0.00");

    // Summary.
    let ws = wb.add_worksheet();
    ws.set_name("Summary").map_err(xlsx_failed)?;
    ws.write_string_with_format(0, 0, "Programme summary", &title)
        .map_err(xlsx_failed)?;
    ws.write_string(1, 0, stamp_line(&s.stamp))
        .map_err(xlsx_failed)?;
    let numbers: Vec<(&str, Option<f64>)> = vec![
        ("Sessions planned", Some(f64::from(s.sessions_planned))),
        ("Sessions held", Some(f64::from(s.sessions_held))),
        ("Sessions cancelled", Some(f64::from(s.sessions_cancelled))),
        (
            "Sessions not yet held",
            Some(f64::from(s.sessions_not_yet_held)),
        ),
        (
            "Unique participants",
            Some(f64::from(s.unique_participants)),
        ),
        (
            "Came to three or more sessions",
            Some(f64::from(s.participants_three_or_more)),
        ),
        ("Places taken", Some(f64::from(s.attended))),
        ("Places expected", Some(f64::from(s.expected))),
        ("Attendance rate (%)", s.attendance_rate),
        (
            "Members in the period",
            Some(f64::from(s.members_in_period)),
        ),
        (
            "Still members at the end",
            Some(f64::from(s.members_retained)),
        ),
        ("Retention (%)", s.retention_rate),
        ("New referrals", Some(f64::from(s.referrals_total))),
        (
            "Referrals answered",
            Some(f64::from(s.referral_timing.answered)),
        ),
        (
            "Referrals answered within the deadline",
            Some(f64::from(s.referral_timing.answered_in_time)),
        ),
        (
            "Deadline for an answer (days)",
            Some(f64::from(s.referral_timing.response_days)),
        ),
        (
            "Median days to an answer",
            s.referral_timing.median_days_to_answer,
        ),
        (
            "Referrals waiting past the deadline now",
            Some(f64::from(s.referral_timing.overdue)),
        ),
        (
            "Referrals whose person came to a session",
            Some(f64::from(s.referral_timing.came)),
        ),
        (
            "Referrals whose person came within the deadline",
            Some(f64::from(s.referral_timing.came_in_time)),
        ),
        (
            "Median days from referral to first session",
            s.referral_timing.median_days_to_first_session,
        ),
    ];
    let mut row = 3u32;
    ws.write_string_with_format(row, 0, "Groups", &bold)
        .map_err(xlsx_failed)?;
    ws.write_string(row, 1, s.group_names.join(", "))
        .map_err(xlsx_failed)?;
    row += 1;
    ws.write_string_with_format(row, 0, "Period", &bold)
        .map_err(xlsx_failed)?;
    ws.write_string(row, 1, period(&s.from, &s.to))
        .map_err(xlsx_failed)?;
    row += 1;
    for (label, value) in numbers {
        ws.write_string_with_format(row, 0, label, &bold)
            .map_err(xlsx_failed)?;
        match value {
            Some(v) if label.ends_with("(%)") => {
                ws.write_number_with_format(row, 1, (v * 10.0).round() / 10.0, &one_dp)
                    .map_err(xlsx_failed)?;
            }
            Some(v) => {
                ws.write_number(row, 1, v).map_err(xlsx_failed)?;
            }
            None => {
                ws.write_string(row, 1, "n/a").map_err(xlsx_failed)?;
            }
        }
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "In the therapist's words", &bold)
        .map_err(xlsx_failed)?;
    ws.write_string_with_format(row, 1, &s.narrative, &wrap)
        .map_err(xlsx_failed)?;
    row += 2;
    ws.write_string_with_format(row, 0, "How these figures are counted", &bold)
        .map_err(xlsx_failed)?;
    ws.write_string_with_format(row, 1, DEFINITIONS, &wrap)
        .map_err(xlsx_failed)?;
    ws.set_column_width(0, 32).map_err(xlsx_failed)?;
    ws.set_column_width(1, 90).map_err(xlsx_failed)?;

    // Referrals.
    let ws = wb.add_worksheet();
    ws.set_name("Referrals").map_err(xlsx_failed)?;
    ws.write_string_with_format(0, 0, "Source", &head)
        .map_err(xlsx_failed)?;
    for (i, st) in s.referral_statuses.iter().enumerate() {
        ws.write_string_with_format(0, 1 + i as u16, st, &head)
            .map_err(xlsx_failed)?;
    }
    let tcol = 1 + s.referral_statuses.len() as u16;
    ws.write_string_with_format(0, tcol, "Total", &head)
        .map_err(xlsx_failed)?;
    for (r, count) in s.referrals.iter().enumerate() {
        let row = 1 + r as u32;
        ws.write_string(row, 0, &count.source)
            .map_err(xlsx_failed)?;
        for (i, n) in count.by_status.iter().enumerate() {
            ws.write_number(row, 1 + i as u16, f64::from(*n))
                .map_err(xlsx_failed)?;
        }
        ws.write_number(row, tcol, f64::from(count.total))
            .map_err(xlsx_failed)?;
    }
    let trow = 1 + s.referrals.len() as u32;
    ws.write_string_with_format(trow, 0, "Total", &bold)
        .map_err(xlsx_failed)?;
    for i in 0..s.referral_statuses.len() {
        let sum: u32 = s.referrals.iter().map(|r| r.by_status[i]).sum();
        ws.write_number_with_format(trow, 1 + i as u16, f64::from(sum), &bold)
            .map_err(xlsx_failed)?;
    }
    ws.write_number_with_format(trow, tcol, f64::from(s.referrals_total), &bold)
        .map_err(xlsx_failed)?;
    ws.set_column_width(0, 24).map_err(xlsx_failed)?;
    ws.set_freeze_panes(1, 1).map_err(xlsx_failed)?;

    // Wellbeing: a table per measure, with its chart beside it.
    let ws = wb.add_worksheet();
    ws.set_name("Wellbeing").map_err(xlsx_failed)?;
    let mut row = 0u32;
    if s.wellbeing.is_empty() {
        ws.write_string(
            0,
            0,
            "No measures were taken before and after sessions in the period.",
        )
        .map_err(xlsx_failed)?;
    }
    for w in &s.wellbeing {
        ws.write_string_with_format(row, 0, measure_title(w), &bold)
            .map_err(xlsx_failed)?;
        row += 1;
        let first = row;
        for (c, h) in ["Item", "Before", "After", "Change (points)", "Change (%)"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(row, c as u16, *h, &head)
                .map_err(xlsx_failed)?;
        }
        for l in &w.lines {
            row += 1;
            ws.write_string(row, 0, &l.label).map_err(xlsx_failed)?;
            let cells = [
                l.before,
                l.after,
                l.change.map(|c| c.points),
                l.change.and_then(|c| c.percent),
            ];
            for (i, v) in cells.iter().enumerate() {
                if let Some(v) = v {
                    let f = if i == 3 { &one_dp } else { &two_dp };
                    let v = if i == 3 {
                        (v * 10.0).round() / 10.0
                    } else {
                        (v * 100.0).round() / 100.0
                    };
                    ws.write_number_with_format(row, 1 + i as u16, v, f)
                        .map_err(xlsx_failed)?;
                }
            }
        }
        let last = row;
        let mut chart = Chart::new(ChartType::Column);
        chart
            .title()
            .set_name(format!("{}: before and after", w.instrument_name).as_str());
        chart
            .add_series()
            .set_name(("Wellbeing", first, 1))
            .set_categories(("Wellbeing", first + 1, 0, last, 0))
            .set_values(("Wellbeing", first + 1, 1, last, 1));
        chart
            .add_series()
            .set_name(("Wellbeing", first, 2))
            .set_categories(("Wellbeing", first + 1, 0, last, 0))
            .set_values(("Wellbeing", first + 1, 2, last, 2));
        chart
            .y_axis()
            .set_min(f64::from(w.scale_min.min(0)))
            .set_max(f64::from(w.scale_max));
        ws.insert_chart(first - 1, 6, &chart).map_err(xlsx_failed)?;
        row = (last + 2).max(first + 16);
    }
    ws.set_column_width(0, 40).map_err(xlsx_failed)?;
    for c in 1..5 {
        ws.set_column_width(c, 14).map_err(xlsx_failed)?;
    }

    // Start and end: the referrals' episodes, a table per measure and rater.
    let ws = wb.add_worksheet();
    ws.set_name("Start and end").map_err(xlsx_failed)?;
    let mut row = 0u32;
    if s.episodes.is_empty() {
        ws.write_string(
            0,
            0,
            "No start measures were taken for the period's referrals.",
        )
        .map_err(xlsx_failed)?;
    }
    for e in &s.episodes {
        ws.write_string_with_format(
            row,
            0,
            format!(
                "{} ({}): {} referrals measured at the start, {} at the start and the end",
                e.instrument_name,
                e.rater.rated(),
                e.started,
                e.both
            ),
            &bold,
        )
        .map_err(xlsx_failed)?;
        row += 1;
        for (c, h) in ["Question (mean of the pairs)", "Start", "End", "Change"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(row, c as u16, *h, &head)
                .map_err(xlsx_failed)?;
        }
        for l in &e.lines {
            row += 1;
            ws.write_string(row, 0, &l.label).map_err(xlsx_failed)?;
            for (i, v) in [l.start, l.end, l.change].iter().enumerate() {
                if let Some(v) = v {
                    ws.write_number_with_format(
                        row,
                        1 + i as u16,
                        (v * 100.0).round() / 100.0,
                        &two_dp,
                    )
                    .map_err(xlsx_failed)?;
                }
            }
        }
        row += 2;
    }
    ws.set_column_width(0, 60).map_err(xlsx_failed)?;
    for c in 1..4 {
        ws.set_column_width(c, 14).map_err(xlsx_failed)?;
    }

    wb.save_to_buffer().map_err(xlsx_failed)
}
