//! The PDF layout, checked on the real output: each document is rendered,
//! then read back with poppler's `pdfinfo` and `pdftotext` (poppler-utils),
//! so what is asserted is what a reader's viewer would show.

use std::path::Path;
use std::process::Command;

use refrain_pdf::{
    render, smallest_text_size, Align, BarChart, Block, Column, Document, Series, Table,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Runs a poppler tool, failing clearly when it is not installed.
fn poppler(tool: &str, args: &[&str], file: &Path) -> String {
    let output = Command::new(tool)
        .args(args)
        .arg(file)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("`{tool}` is needed for these tests (install poppler-utils): {e}")
        });
    assert!(
        output.status.success(),
        "{tool} failed on the rendered PDF: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("poppler writes UTF-8")
}

/// A rendered document, kept in a temporary file for the tools to read.
struct Rendered {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl Rendered {
    fn new(doc: &Document) -> Rendered {
        let bytes = render(doc).expect("the document renders");
        assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.pdf");
        std::fs::write(&path, bytes).unwrap();
        Rendered { _dir: dir, path }
    }

    fn info(&self) -> String {
        poppler("pdfinfo", &[], &self.path)
    }

    fn info_field(&self, field: &str) -> String {
        self.info()
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .unwrap_or_else(|| panic!("pdfinfo shows no {field}:\n{}", self.info()))
            .trim()
            .to_string()
    }

    fn page_count(&self) -> usize {
        self.info_field("Pages").parse().unwrap()
    }

    /// (width, height) in points.
    fn page_size(&self) -> (f64, f64, String) {
        let size = self.info_field("Page size");
        let mut numbers = size.split(' ').filter_map(|w| w.parse::<f64>().ok());
        let w = numbers.next().unwrap();
        let h = numbers.next().unwrap();
        (w, h, size)
    }

    /// Each page's text, laid out as on the page.
    fn pages(&self) -> Vec<String> {
        let text = poppler("pdftotext", &["-layout"], &self.path);
        let mut pages: Vec<String> = text.split('\x0c').map(str::to_string).collect();
        // pdftotext ends the last page with a form feed too.
        if pages.last().is_some_and(|p| p.trim().is_empty()) {
            pages.pop();
        }
        assert_eq!(pages.len(), self.page_count(), "one text page per PDF page");
        pages
    }

    /// The text in reading order (no layout), all pages together.
    fn raw_text(&self) -> String {
        poppler("pdftotext", &[], &self.path)
    }
}

fn doc(blocks: Vec<Block>) -> Document {
    Document {
        title: "Test report".into(),
        author: "Test Therapist".into(),
        creator: "Refrain test".into(),
        landscape: false,
        min_text_size: 0.0,
        running_head: vec!["Refrain test report".into(), "Second head line".into()],
        running_foot: "Confidential: produced for testing".into(),
        blocks,
    }
}

const CODES: [&str; 6] = ["P", "L", "LE", "A", "Ap", "W"];

fn names() -> Vec<String> {
    let first = [
        "Siobhán",
        "Zoë",
        "Łukasz",
        "Amara",
        "Bartholomew",
        "Chiamaka",
        "Dmitri",
        "Eilidh",
        "Francesca",
        "Gethin",
    ];
    let last = ["Ní Bhriain", "Okafor", "Wiśniewski"];
    let mut out = Vec::new();
    for l in last {
        for f in first {
            out.push(format!("{f} {l}"));
        }
    }
    out
}

fn dates() -> Vec<String> {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 7).unwrap();
    (0..50)
        .map(|w| {
            (start + chrono::Duration::weeks(w))
                .format("%d %b")
                .to_string()
        })
        .collect()
}

/// A 30-person register over 50 sessions with three totals columns and a
/// totals row: 54 columns, far wider than a landscape page.
fn register() -> Table {
    let names = names();
    let dates = dates();
    let mut columns = vec![Column {
        align: Align::Left,
        max_width: 160.0,
    }];
    columns.extend(dates.iter().map(|_| Column {
        align: Align::Centre,
        max_width: 44.0, // "04 Mar" in bold fits on one line
    }));
    columns.extend((0..3).map(|_| Column {
        align: Align::Right,
        max_width: 60.0,
    }));
    let mut header = vec!["Name".to_string()];
    header.extend(dates.iter().cloned());
    header.extend(["Present", "Absent", "Rate"].map(String::from));
    let mut rows: Vec<Vec<String>> = names
        .iter()
        .enumerate()
        .map(|(r, name)| {
            let mut row = vec![name.clone()];
            row.extend((0..50).map(|c| CODES[(r * 7 + c) % 6].to_string()));
            row.extend([
                format!("{}", 20 + r),
                format!("{}", 30 - r),
                format!("{}%", 40 + r),
            ]);
            row
        })
        .collect();
    let mut total = vec!["Total".to_string()];
    total.extend((0..50).map(|c| format!("{}", c % 30)));
    total.extend(["1035", "465", "69%"].map(String::from));
    rows.push(total);
    Table {
        columns,
        header,
        rows,
        bold_last_rows: 1,
        key_columns: 1,
    }
}

fn chart() -> BarChart {
    BarChart {
        title: "Wellbeing before and after the programme".into(),
        categories: vec![
            "Feeling optimistic about the future".into(),
            "Feeling useful".into(),
            "Feeling relaxed".into(),
            "Dealing with problems well".into(),
            "Thinking clearly".into(),
        ],
        series: vec![
            Series {
                name: "Before".into(),
                values: vec![Some(2.4), Some(3.0), Some(2.25), None, Some(3.5)],
            },
            Series {
                name: "After".into(),
                values: vec![Some(3.6), Some(4.0), Some(3.75), Some(3.1), None],
            },
        ],
        axis_max: 5.0,
        value_suffix: String::new(),
    }
}

/// Words of the form `w0042x`: easy to find again in extracted text.
fn numbered_words(prefix: char, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}{i:04}x")).collect()
}

fn tokens_like(text: &str, prefix: char) -> Vec<String> {
    text.split_whitespace()
        .filter(|t| {
            t.len() == 6
                && t.starts_with(prefix)
                && t.ends_with('x')
                && t[1..5].chars().all(|c| c.is_ascii_digit())
        })
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------
// Page size and metadata
// ---------------------------------------------------------------------------

#[test]
fn portrait_and_landscape_are_a4() {
    let mut d = doc(vec![Block::Paragraph("Hello".into())]);
    let (w, h, size) = Rendered::new(&d).page_size();
    assert!(size.contains("(A4)"), "{size}");
    assert!(w < h, "portrait is taller than wide: {size}");
    assert!((w - 595.0).abs() < 1.0 && (h - 842.0).abs() < 1.0, "{size}");

    d.landscape = true;
    let (w, h, size) = Rendered::new(&d).page_size();
    assert!(size.contains("(A4)"), "{size}");
    assert!(w > h, "landscape is wider than tall: {size}");
    assert!((w - 842.0).abs() < 1.0 && (h - 595.0).abs() < 1.0, "{size}");
}

#[test]
fn metadata_and_tagging_are_set() {
    let mut d = doc(vec![
        Block::Heading("Summary".into()),
        Block::Paragraph("Text".into()),
        Block::Table(register()),
        Block::Chart(chart()),
    ]);
    d.title = "Programme summary: Zoë's group".into();
    d.author = "Siobhán Murphy".into();
    let r = Rendered::new(&d);
    assert_eq!(r.info_field("Title"), "Programme summary: Zoë's group");
    assert_eq!(r.info_field("Author"), "Siobhán Murphy");
    assert_eq!(
        r.info_field("Tagged"),
        "yes",
        "a tagged PDF for screen readers"
    );
}

// ---------------------------------------------------------------------------
// The wide register
// ---------------------------------------------------------------------------

#[test]
fn a_wide_register_is_sliced_across_and_paged_down() {
    let table = register();
    let names = names();
    let dates = dates();
    let mut d = doc(vec![
        Block::Heading("Attendance register".into()),
        Block::Table(table),
    ]);
    d.landscape = true;
    d.running_head = vec![
        "Attendance register: Tuesday singing group".into(),
        "1 Jan 2026 to 31 Dec 2026".into(),
    ];
    let r = Rendered::new(&d);
    let pages = r.pages();
    let total = pages.len();

    // Every page: running head, foot and the right "Page N of M".
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("Attendance register: Tuesday singing group"),
            "page {} lacks the running head:\n{page}",
            i + 1
        );
        assert!(
            page.contains("Confidential: produced for testing"),
            "page {}",
            i + 1
        );
        let number = format!("Page {} of {}", i + 1, total);
        assert!(
            page.contains(&number),
            "page {} lacks '{number}':\n{page}",
            i + 1
        );
    }

    // Which slice each page belongs to, from the note "Part k of S across".
    let slice_of = |page: &str| -> (usize, usize) {
        let at = page
            .find("Part ")
            .expect("every register page names its slice");
        let words: Vec<&str> = page[at..].split_whitespace().take(5).collect();
        assert_eq!(words[2], "of", "{words:?}");
        (words[1].parse().unwrap(), words[3].parse().unwrap())
    };
    let slices: Vec<(usize, usize)> = pages.iter().map(|p| slice_of(p)).collect();
    let count = slices[0].1;
    assert!(
        count >= 2,
        "54 columns cannot fit one landscape page: {count} slice(s)"
    );
    assert!(slices.iter().all(|s| s.1 == count));
    // Slices come in order, each on its own pages, and each slice needs two
    // pages (31 rows of about 16 pt do not fit the 480 pt or so of body).
    let order: Vec<usize> = slices.iter().map(|s| s.0).collect();
    let mut expected = Vec::new();
    for k in 1..=count {
        expected.extend([k, k]);
    }
    assert_eq!(order, expected, "pages per slice");
    assert_eq!(total, 2 * count);

    let mut dates_seen: Vec<String> = Vec::new();
    for k in 1..=count {
        let slice_pages: Vec<&String> = pages
            .iter()
            .zip(&slices)
            .filter(|(_, s)| s.0 == k)
            .map(|(p, _)| p)
            .collect();

        // The header repeats on every page of the slice, with the same dates.
        let dates_on = |page: &str| -> Vec<String> {
            let header = page
                .lines()
                .find(|l| l.trim_start().starts_with("Name "))
                .unwrap_or_else(|| panic!("no header row on a page of slice {k}:\n{page}"));
            dates
                .iter()
                .filter(|d| header.contains(d.as_str()))
                .cloned()
                .collect()
        };
        let slice_dates = dates_on(slice_pages[0]);
        assert!(!slice_dates.is_empty(), "slice {k} has dates");
        for page in &slice_pages {
            assert_eq!(dates_on(page), slice_dates, "slice {k}'s header repeats");
        }
        let has_totals = slice_pages[0]
            .lines()
            .any(|l| l.trim_start().starts_with("Name ") && l.contains("Present"));
        dates_seen.extend(slice_dates.iter().cloned());

        // Every person (and the totals row) once per slice, in order, each
        // row with exactly one cell per column of the slice: nothing merged
        // into a neighbour, nothing lost.
        let expected_cells = slice_dates.len() + if has_totals { 3 } else { 0 };
        let mut seen: Vec<String> = Vec::new();
        for page in &slice_pages {
            for line in page.lines() {
                let line = line.trim_start();
                let Some(name) = names
                    .iter()
                    .chain(std::iter::once(&"Total".to_string()))
                    .find(|n| line.starts_with(n.as_str()))
                    .cloned()
                else {
                    continue;
                };
                let cells = line[name.len()..].split_whitespace().count();
                assert_eq!(
                    cells, expected_cells,
                    "row '{name}' in slice {k} has {cells} cells: {line}"
                );
                seen.push(name);
            }
        }
        let mut want = names.clone();
        want.push("Total".into());
        assert_eq!(seen, want, "the rows of slice {k}");
    }
    // Each date in exactly one slice.
    assert_eq!(
        dates_seen, dates,
        "every date once, in order, across the slices"
    );
}

#[test]
fn a_long_narrow_table_repeats_its_header_on_every_page() {
    let rows: Vec<Vec<String>> = (0..120)
        .map(|i| vec![format!("r{i:04}x"), format!("{}", i * 3)])
        .collect();
    let r = Rendered::new(&doc(vec![Block::Table(Table {
        columns: vec![],
        header: vec!["Reference".into(), "Minutes".into()],
        rows,
        bold_last_rows: 0,
        key_columns: 0,
    })]));
    let pages = r.pages();
    assert!(pages.len() >= 2, "120 rows need more than a page");
    for (i, page) in pages.iter().enumerate() {
        let header = page
            .lines()
            .position(|l| l.contains("Reference") && l.contains("Minutes"));
        let first_row = page.lines().position(|l| !tokens_like(l, 'r').is_empty());
        assert!(
            header.is_some() && header < first_row,
            "page {} has its header above its rows",
            i + 1
        );
        assert!(
            !page.contains("Part 1 of"),
            "a table that fits across is not sliced"
        );
    }
    let all = tokens_like(&pages.join("\n"), 'r');
    assert_eq!(all, numbered_words('r', 120), "every row once, in order");
}

// ---------------------------------------------------------------------------
// Wrapping
// ---------------------------------------------------------------------------

#[test]
fn long_cells_and_paragraphs_keep_every_word_in_order() {
    let cell_words = numbered_words('c', 90);
    let para_words = numbered_words('p', 1430); // about 10,000 characters
    let paragraph = para_words.join(" ");
    assert!(paragraph.len() >= 10_000);
    let r = Rendered::new(&doc(vec![
        Block::Table(Table {
            columns: vec![
                Column {
                    align: Align::Left,
                    max_width: 80.0,
                },
                Column {
                    align: Align::Left,
                    max_width: 150.0,
                },
            ],
            header: vec!["Session".into(), "Note".into()],
            rows: vec![vec!["Week 1".into(), cell_words.join(" ")]],
            bold_last_rows: 0,
            key_columns: 0,
        }),
        Block::Paragraph(paragraph),
    ]));
    let pages = r.pages();
    assert!(pages.len() >= 3, "10,000 characters run over pages");
    let text = pages.join("\n");
    assert_eq!(tokens_like(&text, 'c'), cell_words, "the long cell's words");
    assert_eq!(tokens_like(&text, 'p'), para_words, "the paragraph's words");

    // The cell really wrapped within its 150 pt column (a word is about
    // 33 pt wide): many lines, none holding more than four of its words.
    let cell_lines: Vec<usize> = text
        .lines()
        .map(|l| tokens_like(l, 'c').len())
        .filter(|&n| n > 0)
        .collect();
    assert!(cell_lines.len() >= 20, "{cell_lines:?}");
    assert!(cell_lines.iter().all(|&n| n <= 4), "{cell_lines:?}");
}

#[test]
fn words_wider_than_a_line_are_broken_not_lost() {
    let word: String = "Abcdefghijklmnopqrstuvwxyz".repeat(12);
    let r = Rendered::new(&doc(vec![
        Block::Paragraph(format!("Before {word} after")),
        Block::Table(Table {
            columns: vec![Column {
                align: Align::Right,
                max_width: 60.0,
            }],
            header: vec![],
            rows: vec![vec![format!("Xy{word}")]],
            bold_last_rows: 0,
            key_columns: 0,
        }),
    ]));
    let squashed: String = r.raw_text().split_whitespace().collect();
    assert!(
        squashed.contains(&format!("Before{word}after")),
        "{squashed}"
    );
    assert!(squashed.contains(&format!("Xy{word}")), "{squashed}");
    // It really was broken: no single line holds it.
    assert!(!r.raw_text().lines().any(|l| l.contains(&word)));
}

#[test]
fn hard_line_breaks_are_kept() {
    let r = Rendered::new(&doc(vec![Block::Paragraph(
        "First line\nSecond line\n\nAfter a blank line".into(),
    )]));
    let page = &r.pages()[0];
    let lines: Vec<&str> = page.lines().map(str::trim).collect();
    let first = lines.iter().position(|l| *l == "First line").expect(page);
    assert_eq!(lines[first + 1], "Second line");
    assert_eq!(lines[first + 2], "");
    assert_eq!(lines[first + 3], "After a blank line");
}

// ---------------------------------------------------------------------------
// Names, facts, headings
// ---------------------------------------------------------------------------

#[test]
fn accented_names_survive_text_extraction() {
    let people = [
        "Siobhán Ó Súilleabháin",
        "Zoë Brontë",
        "Łukasz Żółkiewski",
        "François Lefèvre",
        "Øyvind Ærø",
        "Dvořák Šimon",
    ];
    let r = Rendered::new(&doc(vec![
        Block::Heading(format!("Feedback for {}", people[0])),
        Block::Facts(vec![("Referred by".into(), people[1].into())]),
        Block::Paragraph(format!("{} joined in March.", people[2])),
        Block::Table(Table {
            columns: vec![],
            header: vec!["Name".into()],
            rows: people[3..].iter().map(|p| vec![p.to_string()]).collect(),
            bold_last_rows: 0,
            key_columns: 0,
        }),
    ]));
    let text = r.raw_text();
    for person in people {
        assert!(text.contains(person), "{person} is not in:\n{text}");
    }
}

#[test]
fn facts_print_label_and_value_on_one_line() {
    let r = Rendered::new(&doc(vec![Block::Facts(vec![
        ("Period".into(), "1 Jan 2026 to 31 Mar 2026".into()),
        ("Group".into(), "Tuesday singing".into()),
    ])]));
    let page = &r.pages()[0];
    let period = page.lines().find(|l| l.contains("Period:")).expect(page);
    assert!(period.contains("1 Jan 2026 to 31 Mar 2026"), "{period}");
    let group = page.lines().find(|l| l.contains("Group:")).expect(page);
    assert!(group.contains("Tuesday singing"), "{group}");
}

#[test]
fn a_heading_is_never_left_at_the_foot_of_a_page() {
    // Fill the page almost to the bottom, then a heading and a paragraph.
    for filler in 40..60 {
        let mut blocks: Vec<Block> = (0..filler)
            .map(|i| Block::Paragraph(format!("Filler line {i}")))
            .collect();
        blocks.push(Block::Heading("Kept heading".into()));
        blocks.push(Block::Paragraph("q0001x follows its heading".into()));
        let r = Rendered::new(&doc(blocks));
        let pages = r.pages();
        let heading_page = pages
            .iter()
            .position(|p| p.contains("Kept heading"))
            .unwrap();
        let para_page = pages.iter().position(|p| p.contains("q0001x")).unwrap();
        assert_eq!(heading_page, para_page, "with {filler} filler paragraphs");
    }
}

// ---------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------

#[test]
fn a_chart_shows_its_title_legend_labels_and_values() {
    let r = Rendered::new(&doc(vec![
        Block::Paragraph("Before the chart".into()),
        Block::Chart(chart()),
    ]));
    let text = r.raw_text();
    let squashed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Wellbeing before and after the programme",
        "Before",
        "After",
        "Feeling useful",
        "Feeling relaxed",
        "Thinking clearly",
        "2.4",
        "3.75",
        "no data: Before",
        "no data: After",
    ] {
        assert!(squashed.contains(needle), "'{needle}' is not in:\n{text}");
    }
    // The long category label wrapped under its group but kept its words.
    for word in ["optimistic", "future", "Dealing", "problems"] {
        assert!(squashed.contains(word), "{word}");
    }
    // Gridline labels 0 to 5.
    let page = &r.pages()[0];
    for tick in ["0", "1", "2", "3", "4", "5"] {
        assert!(
            page.lines()
                .any(|l| l.trim() == tick || l.trim_start().starts_with(&format!("{tick} "))),
            "gridline {tick}:\n{page}"
        );
    }
}

#[test]
fn a_chart_is_not_split_across_pages() {
    for filler in 30..60 {
        let mut blocks: Vec<Block> = (0..filler)
            .map(|i| Block::Paragraph(format!("Filler line {i}")))
            .collect();
        blocks.push(Block::Chart(chart()));
        let r = Rendered::new(&doc(blocks));
        let pages = r.pages();
        let title = pages
            .iter()
            .position(|p| p.contains("Wellbeing before and after"))
            .unwrap();
        let last_label = pages
            .iter()
            .position(|p| p.contains("Thinking clearly"))
            .unwrap();
        assert_eq!(title, last_label, "with {filler} filler paragraphs");
    }
}

// ---------------------------------------------------------------------------
// Edge cases: none may panic, and what is there is printed
// ---------------------------------------------------------------------------

#[test]
fn empty_and_odd_documents_render() {
    let empty = Document::default();
    let r = Rendered::new(&empty);
    assert_eq!(r.page_count(), 1);
    assert!(r.pages()[0].contains("Page 1 of 1"));

    let huge_cell = numbered_words('h', 1500).join(" ");
    let odd = Document {
        title: String::new(),
        author: String::new(),
        creator: String::new(),
        landscape: false,
        min_text_size: 0.0,
        running_head: vec![String::new(), "x".repeat(5000)],
        running_foot: "y ".repeat(3000),
        blocks: vec![
            Block::Heading(String::new()),
            Block::Paragraph(String::new()),
            Block::Paragraph("\n\n\t\r\n\u{7}".into()),
            Block::Facts(vec![]),
            Block::Facts(vec![(String::new(), String::new())]),
            Block::Table(Table::default()),
            Block::Table(Table {
                header: vec!["Only".into(), "a header".into()],
                ..Table::default()
            }),
            Block::Table(Table {
                columns: vec![Column {
                    align: Align::Centre,
                    max_width: f32::NAN,
                }],
                header: vec![],
                rows: vec![vec![], vec![String::new(), "wider row".into()]],
                bold_last_rows: 10,
                key_columns: 10,
            }),
            // One cell taller than a page: continued, not cut off.
            Block::Table(Table {
                columns: vec![],
                header: vec!["Key".into(), "Very long".into()],
                rows: vec![vec!["k".into(), huge_cell]],
                bold_last_rows: 0,
                key_columns: 1,
            }),
            Block::Chart(BarChart::default()),
            Block::Chart(BarChart {
                title: "No series".into(),
                categories: vec!["One".into()],
                series: vec![],
                axis_max: f64::NAN,
                value_suffix: "%".into(),
            }),
            Block::Chart(BarChart {
                title: "Odd values".into(),
                categories: (0..40).map(|i| format!("Category {i}")).collect(),
                series: vec![Series {
                    name: "Only".into(),
                    values: vec![Some(-3.0), Some(f64::INFINITY), Some(1e9), None],
                }],
                axis_max: 0.0,
                value_suffix: "%".into(),
            }),
            Block::Gap,
            Block::PageBreak,
            Block::PageBreak,
            Block::Gap,
        ],
    };
    let r = Rendered::new(&odd);
    let text = r.pages().join("\n");
    assert_eq!(
        tokens_like(&text, 'h'),
        numbered_words('h', 1500),
        "the tall cell whole"
    );
    assert!(text.contains("Only") && text.contains("a header"));
    assert!(text.contains("wider row"));
}

// ---------------------------------------------------------------------------
// A sample to look at
// ---------------------------------------------------------------------------

/// Writes a typical report (facts, a paragraph, a chart, the register) to the
/// temporary directory as refrain-pdf-sample.pdf, to be looked at by eye,
/// e.g. after `pdftoppm -png -r 60`.
#[test]
fn sample_report_for_looking_at() {
    let d = Document {
        title: "Programme summary".into(),
        author: "Siobhán Murphy".into(),
        creator: "Refrain".into(),
        landscape: true,
        min_text_size: 0.0,
        running_head: vec![
            "Programme summary: Tuesday singing group".into(),
            "Northside Community Centre · 1 Jan 2026 to 31 Dec 2026".into(),
        ],
        running_foot: "Confidential. Produced by Refrain for the funder's annual review.".into(),
        blocks: vec![
            Block::Heading("Summary".into()),
            Block::Facts(vec![
                ("Period".into(), "1 Jan 2026 to 31 Dec 2026".into()),
                (
                    "Group".into(),
                    "Tuesday singing group (Zoë Brontë, Łukasz Nowak)".into(),
                ),
                (
                    "Sessions".into(),
                    "50 sessions, 30 people attended at least once".into(),
                ),
            ]),
            Block::Paragraph(
                "The group met weekly in term time. Attendance was steady through the \
                 spring and dipped in August, as in previous years. Wellbeing scores rose \
                 on every item where both a before and an after score were recorded.\n\
                 A second paragraph line after a hard break."
                    .into(),
            ),
            Block::Chart(chart()),
            Block::Heading("Attendance register".into()),
            Block::Table(register()),
        ],
    };
    let bytes = render(&d).expect("renders");
    let path = std::env::temp_dir().join("refrain-pdf-sample.pdf");
    std::fs::write(&path, bytes).unwrap();
}

/// Every kind of block at once, for the large-print checks.
fn everything() -> Vec<Block> {
    vec![
        Block::Heading("Songs for home".into()),
        Block::Paragraph("Play these in the afternoon, for about half an hour.".into()),
        Block::Facts(vec![(
            "Contact".into(),
            "Hall Lane Music, 0161 496 0000".into(),
        )]),
        Block::Table(register()),
        Block::Chart(chart()),
        Block::Gap,
        Block::PageBreak,
        Block::Paragraph("Last page.".into()),
    ]
}

/// The heights of the words pdftotext finds (its -bbox output), in points.
fn word_heights(r: &Rendered) -> Vec<f64> {
    let html = poppler("pdftotext", &["-bbox"], &r.path);
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let attr = |name: &str| -> f64 {
                let start = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let rest = &l[start..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            };
            attr("yMax") - attr("yMin")
        })
        .collect()
}

#[test]
fn large_print_sets_every_piece_of_text_at_the_size_asked_or_larger() {
    let standard = doc(everything());
    let mut large = doc(everything());
    large.min_text_size = 16.0;

    // The layout's own measurements: standard print has small table and
    // chart text; large print has nothing under 16 pt anywhere.
    let standard_smallest = smallest_text_size(&standard).unwrap().unwrap();
    assert!(standard_smallest < 10.0, "standard print is unchanged");
    assert!(smallest_text_size(&large).unwrap().unwrap() >= 16.0);

    // The printed result agrees: pdftotext's word boxes are as tall as the
    // font's ascent and descent, a little more than its size in points.
    let standard = Rendered::new(&standard);
    let large = Rendered::new(&large);
    let shortest = |r: &Rendered| word_heights(r).into_iter().fold(f64::MAX, f64::min);
    assert!(shortest(&standard) < 12.0, "{}", shortest(&standard));
    assert!(shortest(&large) >= 16.0, "{}", shortest(&large));

    // Nothing is lost by the bigger type: every name in the register is
    // still there, on more pages.
    // (A long name may wrap in a narrow column.)
    let text = large
        .raw_text()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for name in names() {
        assert!(text.contains(&name), "{name} is missing in large print");
    }
    assert!(large.page_count() > standard.page_count());
}
