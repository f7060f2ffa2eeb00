//! The attendance register of one group over a period: people down the side,
//! sessions across, each mark, totals per person and per session and the
//! attendance rate. As CSV, Excel (frozen header, totals in bold) and PDF
//! (A4 landscape, paged, header repeated, the group, venue and period on
//! every page).

use rust_xlsxwriter::{DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::{csv_failed, percent, period, spreadsheet_text, stamp_line, xlsx_failed};
use crate::error::Result;
use crate::model::{RegisterCell, RegisterReport, RegisterSession, SessionStatus};
use refrain_pdf::{self as pdf, Align, Block, Column, Document, Table};

/// A cell in words, as the CSV and Excel files hold it.
pub fn cell_word(cell: &RegisterCell) -> String {
    match cell {
        RegisterCell::NotMember | RegisterCell::Planned => String::new(),
        RegisterCell::Cancelled => "cancelled".into(),
        RegisterCell::NotMarked => "not marked".into(),
        RegisterCell::Marked {
            mark,
            walk_in: false,
        } => mark.word(),
        RegisterCell::Marked {
            mark: crate::model::Mark::Present,
            walk_in: true,
        } => "walk-in".into(),
        RegisterCell::Marked {
            mark,
            walk_in: true,
        } => format!("walk-in, {}", mark.word()),
    }
}

/// A cell as a short code, for the PDF (see [`LEGEND`]).
pub fn cell_code(cell: &RegisterCell) -> String {
    match cell {
        RegisterCell::NotMember | RegisterCell::Planned => String::new(),
        RegisterCell::Cancelled => "–".into(),
        RegisterCell::NotMarked => "?".into(),
        RegisterCell::Marked {
            mark,
            walk_in: false,
        } => mark.code().into(),
        RegisterCell::Marked {
            mark: crate::model::Mark::Present,
            walk_in: true,
        } => "W".into(),
        RegisterCell::Marked {
            mark,
            walk_in: true,
        } => format!("W {}", mark.code()),
    }
}

pub const LEGEND: &str = "P present · L late · LE left early · A absent · Ap apologies · \
    W walk-in (not a member that day) · ? not marked · – session cancelled · \
    blank: not a member then, or not yet held. Rates count held sessions only.";

/// A session's column heading in the CSV and Excel files.
pub fn column_label(s: &RegisterSession) -> String {
    match s.status {
        SessionStatus::Cancelled => format!("{} (cancelled)", s.date),
        SessionStatus::Planned => format!("{} (not held)", s.date),
        SessionStatus::Held => s.date.clone(),
    }
}

fn held(s: &RegisterSession) -> bool {
    s.status == SessionStatus::Held
}

/// A per-session total for each column: the number for a held session,
/// nothing for a planned or cancelled one.
fn per_session<'a>(
    r: &'a RegisterReport,
    count: impl Fn(&RegisterSession) -> u32 + 'a,
) -> impl Iterator<Item = String> + 'a {
    r.sessions.iter().map(move |s| {
        if held(s) {
            count(s).to_string()
        } else {
            String::new()
        }
    })
}

/// The rows of the register's table as text, header first, totals last:
/// what the CSV holds below its heading lines.
pub fn table_rows(r: &RegisterReport) -> Vec<Vec<String>> {
    let mut out = Vec::with_capacity(r.people.len() + 3);
    let mut header = vec!["Person".to_string()];
    header.extend(r.sessions.iter().map(column_label));
    header.extend([
        "Attended".into(),
        "Expected".into(),
        "Attendance rate (%)".into(),
    ]);
    out.push(header);
    for p in &r.people {
        let mut row = vec![spreadsheet_text(&p.full_name)];
        row.extend(p.cells.iter().map(cell_word));
        row.extend([
            p.attended.to_string(),
            p.expected.to_string(),
            percent(p.rate),
        ]);
        out.push(row);
    }
    let mut came = vec!["Attended (per session)".to_string()];
    came.extend(per_session(r, |s| s.attended));
    came.extend([
        r.attended.to_string(),
        r.expected.to_string(),
        percent(r.rate),
    ]);
    out.push(came);
    let mut expected = vec!["Expected (per session)".to_string()];
    expected.extend(per_session(r, |s| s.expected));
    out.push(expected);
    out
}

/// The heading lines every format starts with.
fn heading(r: &RegisterReport) -> Vec<[String; 2]> {
    vec![
        ["Attendance register".into(), r.group_name.clone()],
        ["Venue".into(), r.venue.clone()],
        ["Period".into(), period(&r.from, &r.to)],
        ["Produced".into(), super::stamp_text(&r.stamp)],
    ]
}

/// The register as CSV (UTF-8 with a byte-order mark, so that Excel shows
/// accented names rightly): the heading lines, a blank line, then the table.
pub fn to_csv(r: &RegisterReport) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64 * (r.people.len() + 8) * (r.sessions.len() + 4));
    out.extend_from_slice("\u{feff}".as_bytes());
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    for [k, v] in heading(r) {
        w.write_record([k, spreadsheet_text(&v)])
            .map_err(csv_failed)?;
    }
    // A truly empty line between the heading and the table.
    let mut out = w.into_inner().map_err(csv_failed)?;
    out.extend_from_slice(b"\r\n");
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    for row in table_rows(r) {
        w.write_record(&row).map_err(csv_failed)?;
    }
    w.into_inner().map_err(csv_failed)
}

/// Several registers (say, every group's) as one CSV file: each in turn,
/// with a blank line between, and one byte-order mark at the start.
pub fn to_csv_many(registers: &[RegisterReport]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for (i, r) in registers.iter().enumerate() {
        let one = to_csv(r)?;
        if i == 0 {
            out.extend_from_slice(&one);
        } else {
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&one["\u{feff}".len()..]);
        }
    }
    Ok(out)
}

/// Where the register's table starts in the Excel sheet (0-based row).
pub const XLSX_HEADER_ROW: u32 = 5;

/// Writes the register onto `ws` (used for one group's file and for the
/// every-group workbook).
pub fn write_sheet(ws: &mut Worksheet, r: &RegisterReport) -> Result<()> {
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_background_color("#E8E8E8")
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let total = Format::new().set_bold().set_border_top(FormatBorder::Thin);
    let centre = Format::new().set_align(FormatAlign::Center);
    let one_dp = Format::new().set_num_format("0.0");
    let total_dp = Format::new()
        .set_bold()
        .set_border_top(FormatBorder::Thin)
        .set_num_format("0.0");

    for (i, [k, v]) in heading(r).into_iter().enumerate() {
        let row = i as u32;
        if i == 0 {
            ws.write_string_with_format(row, 0, format!("{k}: {v}"), &title)
                .map_err(xlsx_failed)?;
        } else {
            ws.write_string_with_format(row, 0, k, &bold)
                .map_err(xlsx_failed)?;
            ws.write_string(row, 1, v).map_err(xlsx_failed)?;
        }
    }

    let h = XLSX_HEADER_ROW;
    let n = r.sessions.len() as u16;
    ws.write_string_with_format(h, 0, "Person", &head)
        .map_err(xlsx_failed)?;
    for (i, s) in r.sessions.iter().enumerate() {
        ws.write_string_with_format(h, 1 + i as u16, column_label(s), &head)
            .map_err(xlsx_failed)?;
    }
    for (j, label) in ["Attended", "Expected", "Attendance rate (%)"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(h, 1 + n + j as u16, *label, &head)
            .map_err(xlsx_failed)?;
    }

    let mut row = h + 1;
    for p in &r.people {
        ws.write_string(row, 0, &p.full_name).map_err(xlsx_failed)?;
        for (i, c) in p.cells.iter().enumerate() {
            let word = cell_word(c);
            if !word.is_empty() {
                ws.write_string_with_format(row, 1 + i as u16, word, &centre)
                    .map_err(xlsx_failed)?;
            }
        }
        ws.write_number(row, 1 + n, f64::from(p.attended))
            .map_err(xlsx_failed)?;
        ws.write_number(row, 2 + n, f64::from(p.expected))
            .map_err(xlsx_failed)?;
        if let Some(rate) = p.rate {
            ws.write_number_with_format(row, 3 + n, round1(rate), &one_dp)
                .map_err(xlsx_failed)?;
        }
        row += 1;
    }

    ws.write_string_with_format(row, 0, "Attended (per session)", &total)
        .map_err(xlsx_failed)?;
    ws.write_string_with_format(row + 1, 0, "Expected (per session)", &bold)
        .map_err(xlsx_failed)?;
    for (i, s) in r.sessions.iter().enumerate() {
        let col = 1 + i as u16;
        if held(s) {
            ws.write_number_with_format(row, col, f64::from(s.attended), &total)
                .map_err(xlsx_failed)?;
            ws.write_number_with_format(row + 1, col, f64::from(s.expected), &bold)
                .map_err(xlsx_failed)?;
        } else {
            ws.write_blank(row, col, &total).map_err(xlsx_failed)?;
        }
    }
    ws.write_number_with_format(row, 1 + n, f64::from(r.attended), &total)
        .map_err(xlsx_failed)?;
    ws.write_number_with_format(row, 2 + n, f64::from(r.expected), &total)
        .map_err(xlsx_failed)?;
    match r.rate {
        Some(rate) => ws
            .write_number_with_format(row, 3 + n, round1(rate), &total_dp)
            .map_err(xlsx_failed)?,
        None => ws.write_blank(row, 3 + n, &total).map_err(xlsx_failed)?,
    };

    ws.set_column_width(0, 28).map_err(xlsx_failed)?;
    for i in 0..n {
        ws.set_column_width(1 + i, 12).map_err(xlsx_failed)?;
    }
    ws.set_column_width(1 + n, 10).map_err(xlsx_failed)?;
    ws.set_column_width(2 + n, 10).map_err(xlsx_failed)?;
    ws.set_column_width(3 + n, 12).map_err(xlsx_failed)?;
    ws.set_row_height(h, 32).map_err(xlsx_failed)?;
    // The header row and the names stay in view while scrolling.
    ws.set_freeze_panes(h + 1, 1).map_err(xlsx_failed)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_repeat_rows(h, h).map_err(xlsx_failed)?;
    ws.set_repeat_columns(0, 0).map_err(xlsx_failed)?;
    Ok(())
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// An Excel sheet name from a group's name: at most 31 characters, none of
/// `[]:*?/\`, and unique within the workbook.
pub fn sheet_name(name: &str, taken: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let clean = clean.trim().trim_matches('\'').trim();
    let base: String = if clean.is_empty() {
        "Group".into()
    } else {
        clean.chars().take(31).collect()
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
        let suffix = format!(" ({n})");
        candidate = base
            .chars()
            .take(31 - suffix.chars().count())
            .collect::<String>()
            + &suffix;
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// The register as an Excel workbook of one sheet.
pub fn to_xlsx(r: &RegisterReport) -> Result<Vec<u8>> {
    to_xlsx_many(std::slice::from_ref(r))
}

/// Several registers (say, every group's) as one workbook, a sheet each.
pub fn to_xlsx_many(registers: &[RegisterReport]) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    if let Some(first) = registers.first() {
        let title = if registers.len() == 1 {
            format!("Attendance register: {}", first.group_name)
        } else {
            "Attendance registers".to_string()
        };
        wb.set_properties(
            &DocProperties::new()
                .set_title(&title)
                .set_author(&first.stamp.produced_by)
                .set_comment(stamp_line(&first.stamp)),
        );
    }
    let mut taken = Vec::new();
    for r in registers {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&r.group_name, &mut taken))
            .map_err(xlsx_failed)?;
        write_sheet(ws, r)?;
    }
    if registers.is_empty() {
        wb.add_worksheet()
            .write_string(0, 0, "No groups to report.")
            .map_err(xlsx_failed)?;
    }
    wb.save_to_buffer().map_err(xlsx_failed)
}

/// A session's column heading in the PDF: "7 Jan", with the year when the
/// period crosses a year.
fn short_label(s: &RegisterSession, with_year: bool) -> String {
    let day = chrono::NaiveDate::parse_from_str(&s.date, "%Y-%m-%d").ok();
    let text = match day {
        Some(d) if with_year => d.format("%-d %b %y").to_string(),
        Some(d) => d.format("%-d %b").to_string(),
        None => s.date.clone(),
    };
    match s.status {
        SessionStatus::Cancelled => format!("{text} cancelled"),
        _ => text,
    }
}

/// The register as a PDF document (A4 landscape).
pub fn document(r: &RegisterReport) -> Document {
    let with_year = r.from.get(..4) != r.to.get(..4);
    let mut header = vec!["Person".to_string()];
    header.extend(r.sessions.iter().map(|s| short_label(s, with_year)));
    header.extend(["Came".into(), "Expected".into(), "Rate".into()]);

    let mut columns = vec![Column {
        align: Align::Left,
        max_width: 150.0,
    }];
    // Wide enough for "12 Mar" on one line (and "12 Mar 25" across years).
    columns.extend(r.sessions.iter().map(|_| Column {
        align: Align::Centre,
        max_width: if with_year { 58.0 } else { 46.0 },
    }));
    columns.extend((0..3).map(|_| Column {
        align: Align::Right,
        max_width: 60.0,
    }));

    let mut rows: Vec<Vec<String>> = r
        .people
        .iter()
        .map(|p| {
            let mut row = vec![p.full_name.clone()];
            row.extend(p.cells.iter().map(cell_code));
            row.extend([
                p.attended.to_string(),
                p.expected.to_string(),
                p.rate.map(|x| format!("{x:.1}%")).unwrap_or_default(),
            ]);
            row
        })
        .collect();
    let mut came = vec!["Came".to_string()];
    came.extend(per_session(r, |s| s.attended));
    came.extend([
        r.attended.to_string(),
        r.expected.to_string(),
        r.rate.map(|x| format!("{x:.1}%")).unwrap_or_default(),
    ]);
    let mut expected = vec!["Expected".to_string()];
    expected.extend(per_session(r, |s| s.expected));
    expected.extend([String::new(), String::new(), String::new()]);
    rows.push(came);
    rows.push(expected);

    let held_count = r.sessions.iter().filter(|s| held(s)).count();
    let cancelled = r
        .sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Cancelled)
        .count();
    Document {
        title: format!("Attendance register: {}", r.group_name),
        author: r.stamp.produced_by.clone(),
        creator: super::creator(),
        landscape: true,
        min_text_size: 0.0,
        running_head: vec![
            format!("Attendance register: {}", r.group_name),
            format!("{} · {}", r.venue, period(&r.from, &r.to)),
        ],
        running_foot: format!("{} · {}", stamp_line(&r.stamp), super::CONFIDENTIAL),
        blocks: vec![
            Block::Facts(vec![
                ("Group".into(), r.group_name.clone()),
                ("Venue".into(), r.venue.clone()),
                ("Period".into(), period(&r.from, &r.to)),
                (
                    "Sessions".into(),
                    format!(
                        "{} in the period: {held_count} held, {cancelled} cancelled",
                        r.sessions.len()
                    ),
                ),
                (
                    "Attendance".into(),
                    match r.rate {
                        Some(x) => {
                            format!("{} of {} expected places ({x:.1}%)", r.attended, r.expected)
                        }
                        None => "no sessions held in the period".into(),
                    },
                ),
                ("Produced".into(), super::stamp_text(&r.stamp)),
            ]),
            Block::Gap,
            Block::Table(Table {
                columns,
                header,
                rows,
                bold_last_rows: 2,
                key_columns: 1,
            }),
            Block::Gap,
            Block::Paragraph(LEGEND.into()),
        ],
    }
}

pub fn to_pdf(r: &RegisterReport) -> Result<Vec<u8>> {
    Ok(pdf::render(&document(r))?)
}
