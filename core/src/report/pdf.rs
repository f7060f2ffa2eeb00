//! PDF reports with a real page layout: running head and foot, headings,
//! wrapped paragraphs, label/value facts, tables that page down and slice
//! across, and bar charts.
//!
//! The report code describes a [`Document`] as a list of [`Block`]s and calls
//! [`render`]. Nothing here knows about therapy, registers or funders.
//!
//! The work is done in three steps, each in its own section below:
//!
//! 1. **Measure.** Text is shaped with rustybuzz exactly as krilla will shape
//!    it when drawing (same font, same call, no features), so every width is
//!    the width that will be printed. Lines are broken with textwrap's
//!    first-fit algorithm over those widths; a word wider than a whole line is
//!    broken between characters, and only then. Each block is prepared once:
//!    its lines wrapped, a table's column widths and slices worked out, a
//!    chart's geometry fixed.
//! 2. **Lay out.** The prepared blocks are poured into A4 pages as positioned
//!    items (text runs, rectangles, rules) in points, y growing downwards.
//!    Headings keep with what follows, table rows never split (unless one row
//!    alone is taller than a page, when it continues line by line rather than
//!    being cut off), table headers repeat on every page, charts stay whole.
//!    Since the whole document is laid out before anything is drawn, "Page N
//!    of M" knows M.
//! 3. **Draw.** Each page's items are drawn with krilla, which embeds and
//!    subsets the fonts. The PDF is tagged for screen readers: headings,
//!    paragraphs, tables (header and data cells, in reading order even when a
//!    table is sliced across pages) and charts as figures with a text
//!    description. Running heads, feet, page numbers, shading, rules and
//!    repeated header or key cells are marked as artifacts so they are not
//!    read out again.
//!
//! The fonts are DejaVu Sans and DejaVu Sans Bold (embedded in the binary),
//! which cover accented Latin names (Siobhán, Zoë, Łukasz) and common symbols.
//! Text needing other scripts prints as empty boxes rather than failing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::num::NonZeroU16;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, Node, SpanTag, TableHeaderScope, Tag, TagGroup,
    TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::SerializeSettings;
use textwrap::core::Fragment;

use crate::CoreError;

// ---------------------------------------------------------------------------
// The public description of a document
// ---------------------------------------------------------------------------

/// A report to be printed: its metadata, what repeats on every page, and its
/// content in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The PDF's metadata title (shown by viewers in the title bar).
    pub title: String,
    /// Metadata author: who produced the report.
    pub author: String,
    /// A4 landscape (842 x 595 pt) when true, A4 portrait otherwise.
    pub landscape: bool,
    /// Lines printed at the top of every page; the first in bold and larger.
    /// Each line wraps to the page width (at most three printed lines each).
    pub running_head: Vec<String>,
    /// Printed at the bottom left of every page; the bottom right says
    /// "Page N of M".
    pub running_foot: String,
    /// The content, in reading order.
    pub blocks: Vec<Block>,
}

/// One piece of content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Bold and larger; never left alone at the bottom of a page.
    Heading(String),
    /// Wrapped text; "\n" starts a new line. Splits across pages between lines.
    Paragraph(String),
    /// Label/value lines such as "Period: 1 Jan 2026 to 31 Mar 2026". Labels
    /// are bold and get a colon unless they end with one; values line up in a
    /// column and wrap within it. One fact is kept on one page when it fits.
    Facts(Vec<(String, String)>),
    /// A table; see [`Table`].
    Table(Table),
    /// A bar chart; see [`BarChart`]. Never split across pages.
    Chart(BarChart),
    /// Vertical space (none at the top of a page).
    Gap,
    /// Start a new page (unless the current page is still empty).
    PageBreak,
}

/// A table. The number of columns is the most of `columns`, `header` and
/// any row; a column without a [`Column`] is left aligned and at most 200 pt
/// wide, and a missing cell is empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// How each column is aligned and how wide it may grow.
    pub columns: Vec<Column>,
    /// Header cells (bold, shaded), repeated at the top of every page the
    /// table continues on. Empty for a table without a header row.
    pub header: Vec<String>,
    /// The body rows. Cells may contain "\n".
    pub rows: Vec<Vec<String>>,
    /// The last N rows are totals: bold, with a rule above.
    pub bold_last_rows: usize,
    /// When all the columns do not fit the page width, the table is printed
    /// in slices of columns one after the other ("Part 2 of 3 across"), and
    /// the first `key_columns` columns (names, say) repeat in every slice.
    /// Ignored when the key columns alone would take more than half the width.
    pub key_columns: usize,
}

/// How one table column is printed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// Alignment of the header and every cell.
    pub align: Align,
    /// The widest the column may be, in points (padding included). The column
    /// is as wide as its widest content, up to this; longer cells wrap. Zero,
    /// negative or not finite: no limit other than the page.
    pub max_width: f32,
}

/// Horizontal alignment in a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Centre,
    Right,
}

/// A grouped bar chart: one group per category, one bar per series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BarChart {
    pub title: String,
    /// One group of bars each (an outcome measure item, say). Labels wrap
    /// under their group (at most four lines).
    pub categories: Vec<String>,
    /// "Before" and "After", say: one bar per category each, and a legend.
    pub series: Vec<Series>,
    /// The scale runs from 0 to this, with a few labelled gridlines. Zero,
    /// negative or not finite: the largest value (or 1) is used.
    pub axis_max: f64,
    /// Printed after each bar's value, e.g. "" or "%".
    pub value_suffix: String,
}

/// One series of a bar chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub name: String,
    /// One per category. `None` (or a missing or non-finite value): no bar,
    /// and "no data" is printed under the category. Negative values draw no
    /// bar but still print their value; values above the axis are drawn to
    /// its top.
    pub values: Vec<Option<f64>>,
}

/// Lays out and draws `doc`, returning the bytes of a tagged PDF.
pub fn render(doc: &Document) -> Result<Vec<u8>, CoreError> {
    let fonts = Fonts::load()?;
    let laid_out = lay_out(doc, &fonts);
    draw(doc, &fonts, &laid_out)
}

// ---------------------------------------------------------------------------
// Typography: sizes, spacing and colours in one place
// ---------------------------------------------------------------------------

const A4_SHORT: f32 = 595.276;
const A4_LONG: f32 = 841.89;
const MARGIN_X: f32 = 36.0;
const MARGIN_TOP: f32 = 28.0;
const MARGIN_BOTTOM: f32 = 24.0;

const BODY: Style = Style::new(Weight::Regular, 10.0, 1.3);
const HEADING: Style = Style::new(Weight::Bold, 13.0, 1.25);
const FACT_LABEL: Style = Style::new(Weight::Bold, 10.0, 1.3);
const HEAD_FIRST: Style = Style::new(Weight::Bold, 12.0, 1.25);
const HEAD_OTHER: Style = Style::new(Weight::Regular, 9.0, 1.25);
const FOOT: Style = Style::new(Weight::Regular, 8.0, 1.25);
const CELL: Style = Style::new(Weight::Regular, 9.0, 1.2);
const CELL_BOLD: Style = Style::new(Weight::Bold, 9.0, 1.2);
const SLICE_NOTE: Style = Style::new(Weight::Regular, 8.0, 1.3);
const CHART_TITLE: Style = Style::new(Weight::Bold, 11.0, 1.25);
const CHART_TEXT: Style = Style::new(Weight::Regular, 8.0, 1.2);
const CHART_SMALL: Style = Style::new(Weight::Regular, 7.0, 1.2);

const BLOCK_GAP: f32 = 8.0;
const GAP_BLOCK: f32 = 12.0;
const HEADING_GAP_BEFORE: f32 = 14.0;
const HEADING_GAP_AFTER: f32 = 4.0;
const FACT_COLUMN_GAP: f32 = 8.0;
const CELL_PAD_X: f32 = 3.0;
const CELL_PAD_Y: f32 = 2.5;
const MIN_COLUMN: f32 = 14.0;
const DEFAULT_COLUMN_MAX: f32 = 200.0;
const PLOT_HEIGHT: f32 = 150.0;
const MAX_HEAD_LINES: usize = 3;
const MAX_CATEGORY_LINES: usize = 4;

const INK: Colour = Colour(0, 0, 0);
const SOFT_INK: Colour = Colour(70, 70, 70);
const RULE: Colour = Colour(120, 120, 120);
const GRID: Colour = Colour(185, 185, 185);
const HEADER_SHADE: Colour = Colour(222, 222, 222);
const ZEBRA: Colour = Colour(244, 244, 244);

/// Bar fills: different hues for colour printers and screens, and clearly
/// different lightness (dark, light, mid, ...) so they differ in black and
/// white too. Bars also get a thin dark outline so the palest shows on paper.
const SERIES_FILLS: [Colour; 6] = [
    Colour(31, 73, 125),   // dark blue
    Colour(244, 177, 77),  // light orange
    Colour(120, 120, 120), // mid grey
    Colour(190, 215, 238), // pale blue
    Colour(128, 40, 60),   // dark red
    Colour(214, 214, 214), // pale grey
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Colour(u8, u8, u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Weight {
    Regular,
    Bold,
}

/// A font weight and size, and the line height as a multiple of the size.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Style {
    weight: Weight,
    size: f32,
    leading: f32,
}

impl Style {
    const fn new(weight: Weight, size: f32, leading: f32) -> Self {
        Style {
            weight,
            size,
            leading,
        }
    }

    fn line_height(&self) -> f32 {
        self.size * self.leading
    }

    fn with_size(self, size: f32) -> Self {
        Style { size, ..self }
    }
}

// ---------------------------------------------------------------------------
// Step 1a: fonts and measuring
// ---------------------------------------------------------------------------

static REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The two faces, for measuring (rustybuzz) and drawing (krilla).
struct Fonts {
    regular: rustybuzz::Face<'static>,
    bold: rustybuzz::Face<'static>,
    krilla_regular: Font,
    krilla_bold: Font,
    /// Width at 1 pt of text already measured: registers repeat "P" a lot.
    widths: RefCell<HashMap<(Weight, String), f32>>,
}

impl Fonts {
    fn load() -> Result<Self, CoreError> {
        let broken = || CoreError::Report("the built-in font could not be read".into());
        Ok(Fonts {
            regular: rustybuzz::Face::from_slice(REGULAR_TTF, 0).ok_or_else(broken)?,
            bold: rustybuzz::Face::from_slice(BOLD_TTF, 0).ok_or_else(broken)?,
            krilla_regular: Font::new(REGULAR_TTF.into(), 0).ok_or_else(broken)?,
            krilla_bold: Font::new(BOLD_TTF.into(), 0).ok_or_else(broken)?,
            widths: RefCell::new(HashMap::new()),
        })
    }

    fn face(&self, weight: Weight) -> &rustybuzz::Face<'static> {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    fn krilla(&self, weight: Weight) -> Font {
        match weight {
            Weight::Regular => self.krilla_regular.clone(),
            Weight::Bold => self.krilla_bold.clone(),
        }
    }

    /// Shapes `text` as krilla's `draw_text` does (one run, direction and
    /// script guessed, no features).
    fn shape(&self, weight: Weight, text: &str) -> rustybuzz::GlyphBuffer {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        rustybuzz::shape(self.face(weight), &[], buffer)
    }

    fn units_per_em(&self, weight: Weight) -> f32 {
        self.face(weight).units_per_em().max(1) as f32
    }

    /// The printed width of `text` in `style`, in points.
    fn width(&self, style: Style, text: &str) -> f32 {
        if text.is_empty() {
            return 0.0;
        }
        let key = (style.weight, text.to_string());
        if let Some(w) = self.widths.borrow().get(&key) {
            return w * style.size;
        }
        let shaped = self.shape(style.weight, text);
        let units: i64 = shaped
            .glyph_positions()
            .iter()
            .map(|p| i64::from(p.x_advance))
            .sum();
        let per_point = units as f32 / self.units_per_em(style.weight);
        self.widths.borrow_mut().insert(key, per_point);
        per_point * style.size
    }

    /// Where `text` may be broken between characters: the byte offset where
    /// each cluster starts and the cluster's width, in text order.
    fn clusters(&self, style: Style, text: &str) -> Vec<(usize, f32)> {
        let shaped = self.shape(style.weight, text);
        let scale = style.size / self.units_per_em(style.weight);
        let mut out: Vec<(usize, f32)> = Vec::new();
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            let start = info.cluster as usize;
            let w = pos.x_advance as f32 * scale;
            match out.iter_mut().find(|(s, _)| *s == start) {
                Some(c) => c.1 += w,
                None => out.push((start, w)),
            }
        }
        out.sort_by_key(|c| c.0);
        out
    }

    /// Distance from the top of a line box to its baseline, centring the
    /// font's ascent and descent in the box.
    fn baseline(&self, style: Style) -> f32 {
        let face = self.face(style.weight);
        let upem = self.units_per_em(style.weight);
        let ascent = f32::from(face.ascender()) / upem * style.size;
        let descent = -f32::from(face.descender()) / upem * style.size;
        (style.line_height() - ascent - descent) / 2.0 + ascent
    }
}

// ---------------------------------------------------------------------------
// Step 1b: line breaking
// ---------------------------------------------------------------------------

/// A word (or a piece of one too wide for a line) for textwrap.
#[derive(Debug)]
struct Piece {
    text: String,
    width: f64,
    /// The width of the space after it; zero inside a broken word.
    space: f64,
}

impl Fragment for Piece {
    fn width(&self) -> f64 {
        self.width
    }
    fn whitespace_width(&self) -> f64 {
        self.space
    }
    fn penalty_width(&self) -> f64 {
        0.0
    }
}

/// Tabs become spaces, Windows and old Mac line ends become "\n", and other
/// control characters (which would print as boxes) are dropped.
fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            '\n' => Some('\n'),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Breaks `text` into lines no wider than `width`: at each "\n", then
/// between words (first fit), and inside a word only when the word alone is
/// wider than a line. Always at least one line (empty text gives one empty
/// line); runs of spaces collapse to one.
fn wrap(fonts: &Fonts, style: Style, text: &str, width: f32) -> Vec<String> {
    let width = width.max(1.0);
    let space = f64::from(fonts.width(style, " "));
    let mut lines = Vec::new();
    for hard_line in clean(text).split('\n') {
        let mut pieces: Vec<Piece> = Vec::new();
        for word in hard_line.split(' ').filter(|w| !w.is_empty()) {
            let w = fonts.width(style, word);
            if w <= width {
                pieces.push(Piece {
                    text: word.to_string(),
                    width: f64::from(w),
                    space,
                });
            } else {
                pieces.extend(break_word(fonts, style, word, width, space));
            }
        }
        if pieces.is_empty() {
            lines.push(String::new());
            continue;
        }
        let wrapped = textwrap::wrap_algorithms::wrap_first_fit(&pieces, &[f64::from(width)]);
        let count = wrapped.len();
        for (n, line) in wrapped.into_iter().enumerate() {
            let mut s = String::new();
            for (i, p) in line.iter().enumerate() {
                s.push_str(&p.text);
                // A line broken at a space keeps it (invisible at the end of
                // the line), so text copied or read aloud has its word break.
                let last_of_line = i + 1 == line.len();
                if p.space > 0.0 && (!last_of_line || n + 1 < count) {
                    s.push(' ');
                }
            }
            lines.push(s);
        }
    }
    lines
}

/// Splits one over-long word into pieces that each fit `width`, between
/// shaped clusters (so accents stay on their letters). Only the last piece
/// is followed by a space.
fn break_word(fonts: &Fonts, style: Style, word: &str, width: f32, space: f64) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut start = 0usize;
    let mut acc = 0.0f32;
    for (offset, w) in fonts.clusters(style, word) {
        if acc + w > width && offset > start {
            pieces.push(Piece {
                text: word[start..offset].to_string(),
                width: f64::from(acc),
                space: 0.0,
            });
            start = offset;
            acc = 0.0;
        }
        acc += w;
    }
    pieces.push(Piece {
        text: word[start..].to_string(),
        width: f64::from(acc),
        space,
    });
    pieces
}

/// Like [`wrap`], but at most `max` lines; when cut short, the last line
/// ends with an ellipsis.
fn wrap_at_most(fonts: &Fonts, style: Style, text: &str, width: f32, max: usize) -> Vec<String> {
    let mut lines = wrap(fonts, style, text, width);
    if lines.len() > max {
        lines.truncate(max.max(1));
        if let Some(last) = lines.last_mut() {
            let mut s: String = last.trim_end().to_string();
            while !s.is_empty() && fonts.width(style, &format!("{s}…")) > width {
                s.pop();
            }
            *last = format!("{}…", s.trim_end());
        }
    }
    lines
}

// ---------------------------------------------------------------------------
// Step 2: layout into pages of positioned items
// ---------------------------------------------------------------------------

/// Where a drawn thing belongs in the tagged structure.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mark {
    /// Real content, read out as part of the structure leaf with this index.
    Content(usize),
    /// Decoration or repetition: not read out.
    Artifact(ArtifactType),
}

const LAYOUT: Mark = Mark::Artifact(ArtifactType::Layout);

/// One positioned thing on a page. Coordinates are points from the top-left.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// A single line of text; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        text: String,
        style: Style,
        colour: Colour,
        mark: Mark,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Colour,
        outline: Option<Colour>,
        mark: Mark,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        colour: Colour,
        mark: Mark,
    },
}

/// The role of a structure leaf (a run of content read out together).
#[derive(Debug, Clone, PartialEq)]
enum Role {
    Heading,
    Paragraph,
    HeaderCell,
    Cell,
    /// A chart, with its description for screen readers.
    Figure(String),
}

/// The document's logical structure, in reading order.
#[derive(Debug, Clone, PartialEq)]
enum StructNode {
    Leaf(usize),
    Table {
        header: Option<Vec<usize>>,
        rows: Vec<Vec<usize>>,
    },
}

#[derive(Debug, Default)]
struct Structure {
    roles: Vec<Role>,
    nodes: Vec<StructNode>,
}

impl Structure {
    fn leaf(&mut self, role: Role) -> usize {
        self.roles.push(role);
        self.roles.len() - 1
    }
}

/// The page frame: where the running head and foot go and the body between.
#[derive(Debug, Clone)]
struct Frame {
    width: f32,
    height: f32,
    left: f32,
    text_width: f32,
    /// Running head lines with their style, baseline positions included.
    head: Vec<Item>,
    head_rule_y: f32,
    body_top: f32,
    body_bottom: f32,
    foot_rule_y: f32,
    foot: Vec<Item>,
    /// Baseline of the first foot line, where "Page N of M" goes too.
    foot_baseline: f32,
}

impl Frame {
    fn new(doc: &Document, fonts: &Fonts) -> Frame {
        let (width, height) = if doc.landscape {
            (A4_LONG, A4_SHORT)
        } else {
            (A4_SHORT, A4_LONG)
        };
        let left = MARGIN_X;
        let text_width = width - 2.0 * MARGIN_X;
        let head_mark = Mark::Artifact(ArtifactType::Header);
        let foot_mark = Mark::Artifact(ArtifactType::Footer);

        let mut head = Vec::new();
        let mut y = MARGIN_TOP;
        for (i, line) in doc.running_head.iter().enumerate() {
            let style = if i == 0 { HEAD_FIRST } else { HEAD_OTHER };
            for text in wrap_at_most(fonts, style, line, text_width, MAX_HEAD_LINES) {
                head.push(Item::Text {
                    x: left,
                    y: y + fonts.baseline(style),
                    text,
                    style,
                    colour: INK,
                    mark: head_mark,
                });
                y += style.line_height();
            }
        }
        let head_rule_y = y + 3.0;
        let body_top = head_rule_y + 12.0;

        // The foot leaves room on the right for the longest page number.
        let number_room = fonts.width(FOOT, "Page 9999 of 9999") + 12.0;
        let foot_lines = wrap_at_most(
            fonts,
            FOOT,
            &doc.running_foot,
            text_width - number_room,
            MAX_HEAD_LINES,
        );
        let foot_height = foot_lines.len() as f32 * FOOT.line_height();
        let foot_top = height - MARGIN_BOTTOM - foot_height;
        let foot_rule_y = foot_top - 4.0;
        let foot_baseline = foot_top + fonts.baseline(FOOT);
        let foot = foot_lines
            .into_iter()
            .enumerate()
            .map(|(i, text)| Item::Text {
                x: left,
                y: foot_baseline + i as f32 * FOOT.line_height(),
                text,
                style: FOOT,
                colour: SOFT_INK,
                mark: foot_mark,
            })
            .collect();

        Frame {
            width,
            height,
            left,
            text_width,
            head,
            head_rule_y,
            body_top,
            body_bottom: foot_rule_y - 10.0,
            foot_rule_y,
            foot,
            foot_baseline,
        }
    }

    fn body_height(&self) -> f32 {
        self.body_bottom - self.body_top
    }
}

/// A block measured and broken into lines, ready to be placed.
enum Prepared {
    Heading { lines: Vec<String>, leaf: usize },
    Paragraph { lines: Vec<String>, leaf: usize },
    Facts(PreparedFacts),
    Table(PreparedTable),
    Chart(PreparedChart),
    Gap,
    PageBreak,
}

struct PreparedFacts {
    /// Where values start, from the left margin.
    value_x: f32,
    /// Per fact: label lines, value lines, structure leaf.
    rows: Vec<(Vec<String>, Vec<String>, usize)>,
}

struct PreparedTable {
    widths: Vec<f32>,
    aligns: Vec<Align>,
    /// Per column, the header cell's lines (None: no header row).
    header: Option<Vec<Vec<String>>>,
    /// Per row, per column, the cell's lines.
    rows: Vec<Vec<Vec<String>>>,
    /// Index of the first totals row (rows.len() when there are none).
    totals_from: usize,
    /// How many leading columns repeat in every slice.
    keys: usize,
    /// Column indices of each slice, key columns first.
    slices: Vec<Vec<usize>>,
    header_leaves: Vec<usize>,
    cell_leaves: Vec<Vec<usize>>,
}

struct PreparedChart {
    title: Vec<String>,
    /// Legend entries: series index, x offset from the left margin, and row.
    legend: Vec<(usize, f32, usize)>,
    legend_rows: usize,
    names: Vec<String>,
    categories: Vec<Vec<String>>,
    /// Per category, the "no data" note lines (may be empty).
    no_data: Vec<Vec<String>>,
    values: Vec<Vec<Option<f64>>>,
    axis_max: f64,
    ticks: Vec<f64>,
    axis_width: f32,
    suffix: String,
    /// Height of the category label area under the plot.
    labels_height: f32,
    height: f32,
    leaf: usize,
}

/// The result of layout: the frame and each page's body items.
struct LaidOut {
    frame: Frame,
    pages: Vec<Vec<Item>>,
    structure: Structure,
}

fn lay_out(doc: &Document, fonts: &Fonts) -> LaidOut {
    let frame = Frame::new(doc, fonts);
    let mut structure = Structure::default();
    let prepared: Vec<Prepared> = doc
        .blocks
        .iter()
        .map(|b| prepare(b, fonts, &frame, &mut structure))
        .collect();
    let mut cursor = Cursor {
        fonts,
        y: frame.body_top,
        pages: vec![Vec::new()],
        frame,
    };
    let mut after_heading = false;
    for (i, block) in prepared.iter().enumerate() {
        cursor.place(block, prepared.get(i + 1), after_heading);
        after_heading = matches!(block, Prepared::Heading { .. });
    }
    // A page break at the very end would leave a blank last page.
    while cursor.pages.len() > 1 && cursor.pages.last().is_some_and(Vec::is_empty) {
        cursor.pages.pop();
    }
    LaidOut {
        frame: cursor.frame,
        pages: cursor.pages,
        structure,
    }
}

fn prepare(block: &Block, fonts: &Fonts, frame: &Frame, st: &mut Structure) -> Prepared {
    let width = frame.text_width;
    match block {
        Block::Heading(text) => {
            let leaf = st.leaf(Role::Heading);
            st.nodes.push(StructNode::Leaf(leaf));
            Prepared::Heading {
                lines: wrap(fonts, HEADING, text, width),
                leaf,
            }
        }
        Block::Paragraph(text) => {
            let leaf = st.leaf(Role::Paragraph);
            st.nodes.push(StructNode::Leaf(leaf));
            Prepared::Paragraph {
                lines: wrap(fonts, BODY, text, width),
                leaf,
            }
        }
        Block::Facts(facts) => Prepared::Facts(prepare_facts(facts, fonts, width, st)),
        Block::Table(table) => Prepared::Table(prepare_table(table, fonts, width, st)),
        Block::Chart(chart) => Prepared::Chart(prepare_chart(chart, fonts, frame, st)),
        Block::Gap => Prepared::Gap,
        Block::PageBreak => Prepared::PageBreak,
    }
}

fn fact_label(label: &str) -> String {
    let label = label.trim_end();
    if label.is_empty() || label.ends_with(':') {
        label.to_string()
    } else {
        format!("{label}:")
    }
}

fn prepare_facts(
    facts: &[(String, String)],
    fonts: &Fonts,
    width: f32,
    st: &mut Structure,
) -> PreparedFacts {
    let widest = facts
        .iter()
        .flat_map(|(l, _)| {
            clean(&fact_label(l))
                .split('\n')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .map(|l| fonts.width(FACT_LABEL, &l))
        .fold(0.0f32, f32::max);
    let label_width = widest.min(width * 0.35).max(1.0);
    let value_x = label_width + FACT_COLUMN_GAP;
    let rows = facts
        .iter()
        .map(|(label, value)| {
            let leaf = st.leaf(Role::Paragraph);
            st.nodes.push(StructNode::Leaf(leaf));
            (
                wrap(fonts, FACT_LABEL, &fact_label(label), label_width),
                wrap(fonts, BODY, value, width - value_x),
                leaf,
            )
        })
        .collect();
    PreparedFacts { value_x, rows }
}

/// Cell `c` of a row, empty when the row is short.
fn cell(row: &[String], c: usize) -> &str {
    row.get(c).map(String::as_str).unwrap_or("")
}

fn prepare_table(
    table: &Table,
    fonts: &Fonts,
    text_width: f32,
    st: &mut Structure,
) -> PreparedTable {
    let ncols = table
        .rows
        .iter()
        .map(Vec::len)
        .chain([table.columns.len(), table.header.len()])
        .max()
        .unwrap_or(0);
    let totals_from = table.rows.len() - table.bold_last_rows.min(table.rows.len());
    let row_style = |r: usize| if r >= totals_from { CELL_BOLD } else { CELL };
    let has_header = !table.header.is_empty();

    // Natural widths: the widest line of each column, header included,
    // capped at the column's maximum and the page.
    let column = |c: usize| table.columns.get(c).copied();
    let mut widths: Vec<f32> = (0..ncols)
        .map(|c| {
            let mut widest = 0.0f32;
            let mut measure = |style: Style, text: &str| {
                for line in clean(text).split('\n') {
                    widest = widest.max(fonts.width(style, line.trim()));
                }
            };
            if has_header {
                measure(CELL_BOLD, cell(&table.header, c));
            }
            for (r, row) in table.rows.iter().enumerate() {
                measure(row_style(r), cell(row, c));
            }
            let cap = match column(c).map(|col| col.max_width) {
                Some(m) if m.is_finite() && m > 0.0 => m,
                Some(_) => f32::INFINITY,
                None => DEFAULT_COLUMN_MAX,
            };
            (widest + 2.0 * CELL_PAD_X)
                .min(cap)
                .min(text_width)
                .max(MIN_COLUMN)
        })
        .collect();

    // Key columns repeat in every slice, so they must leave room for data.
    let mut keys = table.key_columns.min(ncols);
    let key_width: f32 = widths[..keys].iter().sum();
    if keys == ncols || key_width > text_width * 0.5 {
        keys = 0;
    }
    let key_width: f32 = widths[..keys].iter().sum();
    let room = text_width - key_width;
    for w in &mut widths[keys..] {
        *w = w.min(room);
    }

    let wrap_cell =
        |style: Style, text: &str, c: usize| wrap(fonts, style, text, widths[c] - 2.0 * CELL_PAD_X);
    let header = has_header.then(|| {
        (0..ncols)
            .map(|c| wrap_cell(CELL_BOLD, cell(&table.header, c), c))
            .collect()
    });
    let rows: Vec<Vec<Vec<String>>> = table
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            (0..ncols)
                .map(|c| wrap_cell(row_style(r), cell(row, c), c))
                .collect()
        })
        .collect();

    let slices = slice_columns(&widths, keys, room);

    let header_leaves: Vec<usize> = if has_header {
        (0..ncols).map(|_| st.leaf(Role::HeaderCell)).collect()
    } else {
        Vec::new()
    };
    let cell_leaves: Vec<Vec<usize>> = rows
        .iter()
        .map(|_| (0..ncols).map(|_| st.leaf(Role::Cell)).collect())
        .collect();
    if ncols > 0 {
        st.nodes.push(StructNode::Table {
            header: has_header.then(|| header_leaves.clone()),
            rows: cell_leaves.clone(),
        });
    }

    PreparedTable {
        aligns: (0..ncols)
            .map(|c| column(c).map_or(Align::Left, |col| col.align))
            .collect(),
        widths,
        header,
        rows,
        totals_from,
        keys,
        slices,
        header_leaves,
        cell_leaves,
    }
}

/// Splits the data columns (after the keys) into as few slices as fit in
/// `room`, then evens their widths out (the narrowest limit that still needs
/// no more slices), so the last slice is not a stub of two columns.
fn slice_columns(widths: &[f32], keys: usize, room: f32) -> Vec<Vec<usize>> {
    let data: Vec<usize> = (keys..widths.len()).collect();
    let greedy = |limit: f32| -> Vec<Vec<usize>> {
        let mut slices: Vec<Vec<usize>> = Vec::new();
        let mut used = f32::INFINITY;
        for &c in &data {
            if used + widths[c] > limit + 0.01 {
                slices.push(Vec::new());
                used = 0.0;
            }
            if let Some(s) = slices.last_mut() {
                s.push(c);
            }
            used += widths[c];
        }
        slices
    };
    let mut best = greedy(room);
    let count = best.len();
    if count > 1 {
        let mut lo = data.iter().map(|&c| widths[c]).fold(0.0f32, f32::max);
        let mut hi = room;
        for _ in 0..30 {
            let mid = (lo + hi) / 2.0;
            if greedy(mid).len() <= count {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        best = greedy(hi);
    }
    if best.is_empty() {
        best.push(Vec::new());
    }
    best.into_iter()
        .map(|s| (0..keys).chain(s).collect())
        .collect()
}

fn prepare_chart(
    chart: &BarChart,
    fonts: &Fonts,
    frame: &Frame,
    st: &mut Structure,
) -> PreparedChart {
    let width = frame.text_width;
    let ncat = chart.categories.len();
    let values: Vec<Vec<Option<f64>>> = chart
        .series
        .iter()
        .map(|s| {
            (0..ncat)
                .map(|c| s.values.get(c).copied().flatten().filter(|v| v.is_finite()))
                .collect()
        })
        .collect();
    let largest = values
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(0.0f64, f64::max);
    let axis_max = if chart.axis_max.is_finite() && chart.axis_max > 0.0 {
        chart.axis_max
    } else if largest > 0.0 {
        largest
    } else {
        1.0
    };
    let ticks = ticks(axis_max);
    let axis_width = ticks
        .iter()
        .map(|t| fonts.width(CHART_TEXT, &number(*t)))
        .fold(0.0f32, f32::max)
        + 6.0;

    let title = wrap(fonts, CHART_TITLE, &chart.title, width);
    let names: Vec<String> = chart
        .series
        .iter()
        .map(|s| wrap_at_most(fonts, CHART_TEXT, &s.name, width - 14.0, 1).remove(0))
        .collect();
    // Legend: a swatch and a name per series, flowing onto more rows if need be.
    let mut legend = Vec::new();
    let (mut x, mut row) = (axis_width, 0usize);
    for (i, name) in names.iter().enumerate() {
        let w = 13.0 + fonts.width(CHART_TEXT, name);
        if x + w > width && x > axis_width {
            x = axis_width;
            row += 1;
        }
        legend.push((i, x, row));
        x += w + 16.0;
    }
    let legend_rows = if names.is_empty() { 0 } else { row + 1 };

    let group_width = (width - axis_width) / ncat.max(1) as f32;
    let categories: Vec<Vec<String>> = chart
        .categories
        .iter()
        .map(|c| wrap_at_most(fonts, CHART_TEXT, c, group_width - 4.0, MAX_CATEGORY_LINES))
        .collect();
    let no_data: Vec<Vec<String>> = (0..ncat)
        .map(|c| {
            let missing: Vec<&str> = chart
                .series
                .iter()
                .zip(&values)
                .filter(|(_, v)| v[c].is_none())
                .map(|(s, _)| s.name.as_str())
                .collect();
            let note = if missing.is_empty() {
                return Vec::new();
            } else if missing.len() == chart.series.len() {
                "no data".to_string()
            } else {
                format!("no data: {}", missing.join(", "))
            };
            wrap_at_most(fonts, CHART_SMALL, &note, group_width - 4.0, 2)
        })
        .collect();
    let labels_height = (0..ncat)
        .map(|c| {
            categories[c].len() as f32 * CHART_TEXT.line_height()
                + no_data[c].len() as f32 * CHART_SMALL.line_height()
        })
        .fold(0.0f32, f32::max)
        + 4.0;
    let height = title.len() as f32 * CHART_TITLE.line_height()
        + 4.0
        + legend_rows as f32 * CHART_TEXT.line_height()
        + 14.0 // headroom for the top gridline's label and value labels
        + PLOT_HEIGHT
        + labels_height;

    let leaf = st.leaf(Role::Figure(describe_chart(chart, &values)));
    st.nodes.push(StructNode::Leaf(leaf));
    PreparedChart {
        title,
        legend,
        legend_rows,
        names,
        categories,
        no_data,
        values,
        axis_max,
        ticks,
        axis_width,
        suffix: chart.value_suffix.clone(),
        labels_height,
        height,
        leaf,
    }
}

/// The chart in words, for screen readers.
fn describe_chart(chart: &BarChart, values: &[Vec<Option<f64>>]) -> String {
    let mut s = format!("Bar chart: {}.", chart.title.trim());
    for (c, category) in chart.categories.iter().enumerate() {
        let parts: Vec<String> = chart
            .series
            .iter()
            .zip(values)
            .map(|(series, v)| match v[c] {
                Some(x) => format!("{} {}{}", series.name, number(x), chart.value_suffix),
                None => format!("{} no data", series.name),
            })
            .collect();
        s.push_str(&format!(" {}: {}.", category.trim(), parts.join(", ")));
    }
    s
}

/// Gridline values from 0 to `max`: a round step giving 3 to 8 intervals
/// that end exactly at `max` if there is one, else quarters of `max`.
fn ticks(max: f64) -> Vec<f64> {
    let magnitude = 10f64.powf(max.log10().floor() - 1.0);
    let mut best: Option<(f64, f64)> = None;
    for k in 0..3 {
        for base in [1.0, 2.0, 2.5, 5.0] {
            let step = base * magnitude * 10f64.powi(k);
            let n = max / step;
            if (n - n.round()).abs() < 1e-9 && (3.0..=8.0).contains(&n.round()) {
                let score = (n.round() - 5.0).abs();
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, step));
                }
            }
        }
    }
    let step = best.map_or(max / 4.0, |(_, step)| step);
    let n = (max / step).round() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// A value as printed: whole numbers plain, others to at most two decimals.
fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Places prepared blocks onto pages.
struct Cursor<'a> {
    fonts: &'a Fonts,
    frame: Frame,
    pages: Vec<Vec<Item>>,
    /// Top of the free space on the current page.
    y: f32,
}

impl Cursor<'_> {
    fn items(&mut self) -> &mut Vec<Item> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn push(&mut self, item: Item) {
        self.items().push(item);
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.frame.body_top;
    }

    fn at_top(&self) -> bool {
        self.y <= self.frame.body_top + 0.01
    }

    fn room(&self) -> f32 {
        self.frame.body_bottom - self.y
    }

    /// Moves to a new page unless `height` fits here (or the page is empty,
    /// when moving would not help).
    fn ensure(&mut self, height: f32) {
        if height > self.room() + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    /// Vertical space between blocks; none at the top of a page.
    fn space(&mut self, gap: f32) {
        if !self.at_top() {
            self.y += gap;
        }
    }

    fn text(&mut self, x: f32, top: f32, text: &str, style: Style, colour: Colour, mark: Mark) {
        let y = top + self.fonts.baseline(style);
        self.push(Item::Text {
            x,
            y,
            text: text.to_string(),
            style,
            colour,
            mark,
        });
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32, colour: Colour) {
        self.push(Item::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            colour,
            mark: LAYOUT,
        });
    }

    fn place(&mut self, block: &Prepared, next: Option<&Prepared>, after_heading: bool) {
        let gap = if after_heading { 0.0 } else { BLOCK_GAP };
        match block {
            Prepared::Heading { lines, leaf } => {
                self.space(HEADING_GAP_BEFORE);
                let height = lines.len() as f32 * HEADING.line_height() + HEADING_GAP_AFTER;
                let with_next = next.map_or(0.0, |n| self.first_height(n));
                self.ensure((height + with_next).min(self.frame.body_height()));
                self.lines(lines, self.frame.left, HEADING, Mark::Content(*leaf));
                self.y += HEADING_GAP_AFTER;
            }
            Prepared::Paragraph { lines, leaf } => {
                self.space(gap);
                self.lines(lines, self.frame.left, BODY, Mark::Content(*leaf));
            }
            Prepared::Facts(facts) => {
                self.space(gap);
                self.facts(facts);
            }
            Prepared::Table(table) => self.table(table, gap),
            Prepared::Chart(chart) => {
                self.space(gap.max(BLOCK_GAP));
                self.ensure(chart.height);
                self.chart(chart);
            }
            Prepared::Gap => self.space(GAP_BLOCK),
            Prepared::PageBreak => {
                if !self.at_top() {
                    self.new_page();
                }
            }
        }
    }

    /// The height of the part of `block` a heading must stay with.
    fn first_height(&self, block: &Prepared) -> f32 {
        match block {
            Prepared::Heading { .. } | Prepared::Gap | Prepared::PageBreak => 0.0,
            Prepared::Paragraph { lines, .. } => lines.len().min(2) as f32 * BODY.line_height(),
            Prepared::Facts(f) => f.rows.first().map_or(0.0, |(l, v, _)| {
                l.len().max(v.len()) as f32 * BODY.line_height()
            }),
            Prepared::Table(t) => {
                let Some(cols) = t.slices.first() else {
                    return 0.0;
                };
                let note = if t.slices.len() > 1 {
                    SLICE_NOTE.line_height()
                } else {
                    0.0
                };
                let header = t.header.as_ref().map_or(0.0, |h| row_height(h, cols));
                let first = t.rows.first().map_or(0.0, |r| row_height(r, cols));
                BLOCK_GAP + note + header + first
            }
            Prepared::Chart(c) => BLOCK_GAP + c.height,
        }
    }

    /// Lines of one style at `x`, moving to a new page between lines if need be.
    fn lines(&mut self, lines: &[String], x: f32, style: Style, mark: Mark) {
        for line in lines {
            self.ensure(style.line_height());
            let top = self.y;
            self.text(x, top, line, style, INK, mark);
            self.y += style.line_height();
        }
    }

    fn facts(&mut self, facts: &PreparedFacts) {
        let lh = BODY.line_height();
        for (i, (label, value, leaf)) in facts.rows.iter().enumerate() {
            if i > 0 {
                self.y += 2.0;
            }
            let n = label.len().max(value.len());
            let height = n as f32 * lh;
            if height <= self.frame.body_height() {
                self.ensure(height);
            }
            let mark = Mark::Content(*leaf);
            for k in 0..n {
                self.ensure(lh);
                let top = self.y;
                let left = self.frame.left;
                if let Some(l) = label.get(k) {
                    self.text(left, top, l, FACT_LABEL, INK, mark);
                }
                if let Some(v) = value.get(k) {
                    self.text(left + facts.value_x, top, v, BODY, INK, mark);
                }
                self.y += lh;
            }
        }
    }

    fn table(&mut self, t: &PreparedTable, gap: f32) {
        if t.widths.is_empty() {
            return;
        }
        let count = t.slices.len();
        let mut slice_start_page = self.pages.len();
        for (si, cols) in t.slices.iter().enumerate() {
            // A slice that took more than a page is followed by the next one
            // on a fresh page, so the slices' pages can be laid side by side.
            if si > 0 && self.pages.len() > slice_start_page {
                self.new_page();
            }
            let note = (count > 1).then(|| slice_note(t, si, cols));
            let note_h = if note.is_some() {
                SLICE_NOTE.line_height()
            } else {
                0.0
            };
            let header_h = t.header.as_ref().map_or(0.0, |h| row_height(h, cols));
            let heights: Vec<f32> = t.rows.iter().map(|r| row_height(r, cols)).collect();
            let fixed = note_h + header_h;
            let page_room = self.frame.body_height() - fixed;

            self.space(if si == 0 { gap } else { BLOCK_GAP * 1.5 });
            let first = heights.first().map_or(0.0, |h| h.min(page_room));
            self.ensure(fixed + first);
            slice_start_page = self.pages.len();
            self.table_top(t, si, cols, note.as_deref(), false);

            for (r, &h) in heights.iter().enumerate() {
                if h > self.room() + 0.01 && h <= page_room {
                    self.new_page();
                    self.table_top(t, si, cols, note.as_deref(), true);
                }
                if r == t.totals_from {
                    let (x1, x2) = self.span(t, cols);
                    let y = self.y;
                    self.rule(x1, x2, y, 1.0, INK);
                }
                if h <= self.room() + 0.01 {
                    self.row(t, si, cols, r, 0..usize::MAX, h);
                } else {
                    self.tall_row(t, si, cols, r, note.as_deref());
                }
            }
        }
    }

    /// The left and right edges of a slice.
    fn span(&self, t: &PreparedTable, cols: &[usize]) -> (f32, f32) {
        let w: f32 = cols.iter().map(|&c| t.widths[c]).sum();
        (self.frame.left, self.frame.left + w)
    }

    /// The slice note (when sliced) and the header row, at the top of a slice
    /// or of a page the slice continues on. Only the first drawing of each
    /// header cell is content; repeats are artifacts.
    fn table_top(
        &mut self,
        t: &PreparedTable,
        si: usize,
        cols: &[usize],
        note: Option<&str>,
        continued: bool,
    ) {
        if let Some(note) = note {
            let text = if continued {
                format!("{note} (continued)")
            } else {
                note.to_string()
            };
            let (left, top) = (self.frame.left, self.y);
            self.text(left, top, &text, SLICE_NOTE, SOFT_INK, LAYOUT);
            self.y += SLICE_NOTE.line_height();
        }
        let Some(header) = &t.header else {
            return;
        };
        let h = row_height(header, cols);
        let (x1, x2) = self.span(t, cols);
        let top = self.y;
        self.push(Item::Rect {
            x: x1,
            y: top,
            w: x2 - x1,
            h,
            fill: HEADER_SHADE,
            outline: None,
            mark: LAYOUT,
        });
        let marks: Vec<Mark> = cols
            .iter()
            .map(|&c| {
                if continued || (si > 0 && c < t.keys) {
                    Mark::Artifact(ArtifactType::PaginationOther)
                } else {
                    Mark::Content(t.header_leaves[c])
                }
            })
            .collect();
        self.cells(t, cols, header, &marks, 0..usize::MAX, CELL_BOLD, top);
        self.grid(t, cols, top, h);
        self.rule(x1, x2, top, 0.8, RULE);
        self.rule(x1, x2, top + h, 0.8, RULE);
        self.y += h;
    }

    /// Lines `range` of row `r`'s cells in this slice, `h` high.
    fn row(
        &mut self,
        t: &PreparedTable,
        si: usize,
        cols: &[usize],
        r: usize,
        range: std::ops::Range<usize>,
        h: f32,
    ) {
        let (x1, x2) = self.span(t, cols);
        let top = self.y;
        if r % 2 == 1 && r < t.totals_from {
            self.push(Item::Rect {
                x: x1,
                y: top,
                w: x2 - x1,
                h,
                fill: ZEBRA,
                outline: None,
                mark: LAYOUT,
            });
        }
        let marks: Vec<Mark> = cols
            .iter()
            .map(|&c| {
                if si > 0 && c < t.keys {
                    Mark::Artifact(ArtifactType::PaginationOther)
                } else {
                    Mark::Content(t.cell_leaves[r][c])
                }
            })
            .collect();
        let style = if r >= t.totals_from { CELL_BOLD } else { CELL };
        self.cells(t, cols, &t.rows[r], &marks, range, style, top);
        self.grid(t, cols, top, h);
        self.rule(x1, x2, top + h, 0.4, GRID);
        self.y += h;
    }

    /// A row taller than a whole page: printed a page's worth of lines at a
    /// time, with the header repeated, rather than cut off.
    fn tall_row(
        &mut self,
        t: &PreparedTable,
        si: usize,
        cols: &[usize],
        r: usize,
        note: Option<&str>,
    ) {
        let lh = CELL.line_height();
        let total = cols.iter().map(|&c| t.rows[r][c].len()).max().unwrap_or(1);
        let mut start = 0;
        while start < total {
            let mut n = ((self.room() - 2.0 * CELL_PAD_Y) / lh).floor().max(0.0) as usize;
            if n == 0 {
                if self.at_top() {
                    n = 1;
                } else {
                    self.new_page();
                    self.table_top(t, si, cols, note, true);
                    continue;
                }
            }
            let end = (start + n).min(total);
            let h = (end - start) as f32 * lh + 2.0 * CELL_PAD_Y;
            self.row(t, si, cols, r, start..end, h);
            start = end;
            if start < total {
                self.new_page();
                self.table_top(t, si, cols, note, true);
            }
        }
    }

    /// The text of one row's cells (lines in `range` only).
    #[allow(clippy::too_many_arguments)]
    fn cells(
        &mut self,
        t: &PreparedTable,
        cols: &[usize],
        cells: &[Vec<String>],
        marks: &[Mark],
        range: std::ops::Range<usize>,
        style: Style,
        top: f32,
    ) {
        let lh = style.line_height();
        let mut x = self.frame.left;
        for (k, &c) in cols.iter().enumerate() {
            let inner = t.widths[c] - 2.0 * CELL_PAD_X;
            let lines = &cells[c];
            let end = range.end.min(lines.len());
            let start = range.start.min(end);
            for (i, line) in lines[start..end].iter().enumerate() {
                let w = self.fonts.width(style, line.trim_end());
                let dx = match t.aligns[c] {
                    Align::Left => 0.0,
                    Align::Centre => (inner - w) / 2.0,
                    Align::Right => inner - w,
                };
                let line_top = top + CELL_PAD_Y + i as f32 * lh;
                self.text(x + CELL_PAD_X + dx, line_top, line, style, INK, marks[k]);
            }
            x += t.widths[c];
        }
    }

    /// Vertical rules between and around the cells of a row.
    fn grid(&mut self, t: &PreparedTable, cols: &[usize], top: f32, h: f32) {
        let mut x = self.frame.left;
        for (k, &c) in cols.iter().enumerate() {
            let colour = if k == t.keys && t.keys > 0 {
                RULE
            } else {
                GRID
            };
            self.push(Item::Line {
                x1: x,
                y1: top,
                x2: x,
                y2: top + h,
                width: 0.4,
                colour,
                mark: LAYOUT,
            });
            x += t.widths[c];
        }
        self.push(Item::Line {
            x1: x,
            y1: top,
            x2: x,
            y2: top + h,
            width: 0.4,
            colour: GRID,
            mark: LAYOUT,
        });
    }

    fn chart(&mut self, c: &PreparedChart) {
        let mark = Mark::Content(c.leaf);
        let left = self.frame.left;
        let width = self.frame.text_width;
        let mut y = self.y;
        for line in &c.title {
            self.text(left, y, line, CHART_TITLE, INK, mark);
            y += CHART_TITLE.line_height();
        }
        y += 4.0;

        // Legend.
        let lh = CHART_TEXT.line_height();
        for &(s, x, row) in &c.legend {
            let top = y + row as f32 * lh;
            self.push(Item::Rect {
                x: left + x,
                y: top + (lh - 9.0) / 2.0,
                w: 9.0,
                h: 9.0,
                fill: SERIES_FILLS[s % SERIES_FILLS.len()],
                outline: Some(INK),
                mark,
            });
            self.text(left + x + 13.0, top, &c.names[s], CHART_TEXT, INK, mark);
        }
        y += c.legend_rows as f32 * lh + 14.0;

        // Gridlines and their labels.
        let plot_left = left + c.axis_width;
        let plot_width = width - c.axis_width;
        let plot_bottom = y + PLOT_HEIGHT;
        let scale = |v: f64| (v / c.axis_max).clamp(0.0, 1.0) as f32 * PLOT_HEIGHT;
        for &t in &c.ticks {
            let gy = plot_bottom - scale(t);
            let label = number(t);
            let w = self.fonts.width(CHART_TEXT, &label);
            let top = gy - CHART_TEXT.line_height() / 2.0;
            self.text(plot_left - 4.0 - w, top, &label, CHART_TEXT, SOFT_INK, mark);
            if t > 0.0 {
                self.push(Item::Line {
                    x1: plot_left,
                    y1: gy,
                    x2: plot_left + plot_width,
                    y2: gy,
                    width: 0.4,
                    colour: GRID,
                    mark: LAYOUT,
                });
            }
        }

        // Bars, with their values above.
        let ncat = c.categories.len().max(1);
        let nseries = c.values.len().max(1);
        let group = plot_width / ncat as f32;
        let bar = (group * 0.75 / nseries as f32).min(40.0);
        let slot = (group / nseries as f32).min(bar + 8.0);
        for cat in 0..c.categories.len() {
            let group_left = plot_left + cat as f32 * group;
            let bars_left = group_left + (group - bar * nseries as f32) / 2.0;
            for (s, values) in c.values.iter().enumerate() {
                let Some(v) = values[cat] else { continue };
                let x = bars_left + s as f32 * bar;
                let h = scale(v);
                if h > 0.0 {
                    self.push(Item::Rect {
                        x,
                        y: plot_bottom - h,
                        w: bar,
                        h,
                        fill: SERIES_FILLS[s % SERIES_FILLS.len()],
                        outline: Some(INK),
                        mark,
                    });
                }
                let label = format!("{}{}", number(v), c.suffix);
                let mut style = CHART_SMALL;
                let mut w = self.fonts.width(style, &label);
                if w > slot {
                    style = style.with_size((style.size * slot / w).max(5.0));
                    w = self.fonts.width(style, &label);
                }
                let top = plot_bottom - h - 1.5 - style.line_height();
                self.text(x + (bar - w) / 2.0, top, &label, style, INK, mark);
            }
            // Category label and any "no data" note under the group.
            let mut ly = plot_bottom + 4.0;
            for line in &c.categories[cat] {
                let w = self.fonts.width(CHART_TEXT, line.trim_end());
                self.text(
                    group_left + (group - w) / 2.0,
                    ly,
                    line,
                    CHART_TEXT,
                    INK,
                    mark,
                );
                ly += CHART_TEXT.line_height();
            }
            for line in &c.no_data[cat] {
                let w = self.fonts.width(CHART_SMALL, line.trim_end());
                let x = group_left + (group - w) / 2.0;
                self.text(x, ly, line, CHART_SMALL, SOFT_INK, mark);
                ly += CHART_SMALL.line_height();
            }
        }
        // The baseline over the bars' feet.
        self.push(Item::Line {
            x1: plot_left,
            y1: plot_bottom,
            x2: plot_left + plot_width,
            y2: plot_bottom,
            width: 0.8,
            colour: INK,
            mark: LAYOUT,
        });
        self.y = plot_bottom + c.labels_height;
    }
}

/// The note above a table slice: "Part 2 of 3 across: columns 07 Jan to 18 Mar".
fn slice_note(t: &PreparedTable, si: usize, cols: &[usize]) -> String {
    let data: Vec<usize> = cols.iter().copied().filter(|&c| c >= t.keys).collect();
    let name = |c: usize| -> String {
        t.header
            .as_ref()
            .map(|h| {
                let words: Vec<&str> = h[c].iter().map(|l| l.trim()).collect();
                words.join(" ").trim().to_string()
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("{}", c + 1))
    };
    let range = match (data.first(), data.last()) {
        (Some(&a), Some(&b)) if a != b => format!(": columns {} to {}", name(a), name(b)),
        (Some(&a), _) => format!(": column {}", name(a)),
        _ => String::new(),
    };
    format!("Part {} of {} across{}", si + 1, t.slices.len(), range)
}

/// The height of a row (or header) in a slice: its tallest cell.
fn row_height(cells: &[Vec<String>], cols: &[usize]) -> f32 {
    let lines = cols
        .iter()
        .map(|&c| cells[c].len())
        .max()
        .unwrap_or(1)
        .max(1);
    lines as f32 * CELL.line_height() + 2.0 * CELL_PAD_Y
}

// ---------------------------------------------------------------------------
// Step 3: drawing with krilla, and the tag tree
// ---------------------------------------------------------------------------

fn report_error(e: impl std::fmt::Display) -> CoreError {
    CoreError::Report(e.to_string())
}

fn draw(doc: &Document, fonts: &Fonts, laid_out: &LaidOut) -> Result<Vec<u8>, CoreError> {
    let frame = &laid_out.frame;
    let settings = SerializeSettings {
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    let mut pdf = krilla::Document::new_with(settings);
    let mut ids: Vec<Vec<Identifier>> = vec![Vec::new(); laid_out.structure.roles.len()];
    let total = laid_out.pages.len();
    let page_settings = PageSettings::from_wh(frame.width, frame.height)
        .ok_or_else(|| report_error("the page size is not valid"))?;

    for (index, items) in laid_out.pages.iter().enumerate() {
        let mut page = pdf.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        let mut painter = Painter {
            fonts,
            surface: &mut surface,
            ids: &mut ids,
            roles: &laid_out.structure.roles,
        };

        for item in &frame.head {
            painter.item(item);
        }
        let right = frame.left + frame.text_width;
        painter.item(&Item::Line {
            x1: frame.left,
            y1: frame.head_rule_y,
            x2: right,
            y2: frame.head_rule_y,
            width: 0.6,
            colour: RULE,
            mark: Mark::Artifact(ArtifactType::Header),
        });
        painter.item(&Item::Line {
            x1: frame.left,
            y1: frame.foot_rule_y,
            x2: right,
            y2: frame.foot_rule_y,
            width: 0.6,
            colour: RULE,
            mark: Mark::Artifact(ArtifactType::Footer),
        });
        for item in &frame.foot {
            painter.item(item);
        }
        let number = format!("Page {} of {}", index + 1, total);
        let w = fonts.width(FOOT, &number);
        painter.item(&Item::Text {
            x: right - w,
            y: frame.foot_baseline,
            text: number,
            style: FOOT,
            colour: SOFT_INK,
            mark: Mark::Artifact(ArtifactType::Footer),
        });

        for item in items {
            painter.item(item);
        }
        surface.finish();
        page.finish();
    }

    pdf.set_tag_tree(tag_tree(&laid_out.structure, &mut ids));
    let mut metadata = Metadata::new()
        .title(doc.title.clone())
        .language("en-GB".to_string())
        .creator(format!("Refrain {}", crate::VERSION));
    if !doc.author.trim().is_empty() {
        metadata = metadata.authors(vec![doc.author.clone()]);
    }
    pdf.set_metadata(metadata);
    pdf.finish().map_err(|e| report_error(format!("{e:?}")))
}

/// Draws items on one page's surface, marking each as content (collecting
/// its identifier for the tag tree) or as an artifact.
struct Painter<'a, 'b> {
    fonts: &'a Fonts,
    surface: &'a mut Surface<'b>,
    ids: &'a mut Vec<Vec<Identifier>>,
    roles: &'a [Role],
}

impl Painter<'_, '_> {
    fn item(&mut self, item: &Item) {
        let (mark, is_text) = match item {
            Item::Text { mark, text, .. } => {
                // Empty artifact text draws nothing; empty content (an empty
                // cell) is still marked so its cell exists for screen readers.
                if text.is_empty() && matches!(mark, Mark::Artifact(_)) {
                    return;
                }
                (*mark, true)
            }
            Item::Rect { mark, .. } | Item::Line { mark, .. } => (*mark, false),
        };
        match mark {
            Mark::Artifact(kind) => {
                self.surface
                    .start_tagged(ContentTag::Artifact(Artifact::with_kind(kind)));
            }
            Mark::Content(leaf) => {
                let figure = matches!(self.roles.get(leaf), Some(Role::Figure(_)));
                let tag = if is_text && !figure {
                    ContentTag::Span(SpanTag::empty())
                } else {
                    ContentTag::Other
                };
                let id = self.surface.start_tagged(tag);
                if let Some(list) = self.ids.get_mut(leaf) {
                    list.push(id);
                }
            }
        }
        self.paint(item);
        self.surface.end_tagged();
    }

    fn paint(&mut self, item: &Item) {
        match item {
            Item::Text {
                x,
                y,
                text,
                style,
                colour,
                ..
            } => {
                if text.is_empty() {
                    return;
                }
                self.surface.set_stroke(None);
                self.surface.set_fill(Some(fill(*colour)));
                self.surface.draw_text(
                    Point::from_xy(*x, *y),
                    self.fonts.krilla(style.weight),
                    style.size,
                    text,
                    false,
                    TextDirection::Auto,
                );
            }
            Item::Rect {
                x,
                y,
                w,
                h,
                fill: colour,
                outline,
                ..
            } => {
                let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) else {
                    return;
                };
                let mut pb = PathBuilder::new();
                pb.push_rect(rect);
                let Some(path) = pb.finish() else { return };
                self.surface.set_fill(Some(fill(*colour)));
                self.surface.set_stroke(outline.map(|c| stroke(c, 0.5)));
                self.surface.draw_path(&path);
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                colour,
                ..
            } => {
                let mut pb = PathBuilder::new();
                pb.move_to(*x1, *y1);
                pb.line_to(*x2, *y2);
                let Some(path) = pb.finish() else { return };
                self.surface.set_fill(None);
                self.surface.set_stroke(Some(stroke(*colour, *width)));
                self.surface.draw_path(&path);
            }
        }
    }
}

fn paint_colour(c: Colour) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

fn fill(c: Colour) -> Fill {
    Fill {
        paint: paint_colour(c),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn stroke(c: Colour, width: f32) -> Stroke {
    Stroke {
        paint: paint_colour(c),
        width,
        ..Stroke::default()
    }
}

/// The tag tree in reading order, from the structure and the identifiers
/// collected while drawing. Leaves that drew nothing are left out (krilla
/// drops empty groups anyway), except table cells, which always have an
/// identifier since empty cells are marked too.
fn tag_tree(structure: &Structure, ids: &mut [Vec<Identifier>]) -> TagTree {
    let mut take = |leaf: usize| -> Option<TagGroup> {
        let children: Vec<Node> = std::mem::take(&mut ids[leaf])
            .into_iter()
            .map(Node::Leaf)
            .collect();
        if children.is_empty() {
            return None;
        }
        let group = match &structure.roles[leaf] {
            Role::Heading => TagGroup::with_children(Tag::Hn(NonZeroU16::MIN, None), children),
            Role::Paragraph => TagGroup::with_children(Tag::P, children),
            Role::HeaderCell => {
                TagGroup::with_children(Tag::TH(TableHeaderScope::Column), children)
            }
            Role::Cell => TagGroup::with_children(Tag::TD, children),
            Role::Figure(alt) => TagGroup::with_children(Tag::Figure(Some(alt.clone())), children),
        };
        Some(group)
    };
    let mut tree = TagTree::new().with_lang(Some("en-GB".to_string()));
    for node in &structure.nodes {
        match node {
            StructNode::Leaf(leaf) => {
                if let Some(group) = take(*leaf) {
                    tree.push(group);
                }
            }
            StructNode::Table { header, rows } => {
                let mut table = TagGroup::new(Tag::Table);
                for row in header.iter().chain(rows) {
                    let mut tr = TagGroup::new(Tag::TR);
                    for &leaf in row {
                        if let Some(cell) = take(leaf) {
                            tr.push(cell);
                        }
                    }
                    if !tr.children.is_empty() {
                        table.push(tr);
                    }
                }
                if !table.children.is_empty() {
                    tree.push(table);
                }
            }
        }
    }
    tree
}
