//! PDF documents with a real page layout: running head and foot, headings,
//! wrapped paragraphs, label/value facts, tables that page down and slice
//! across, and bar charts.
//!
//! The report code describes a [`Document`] as a list of [`Block`]s and calls
//! [`render`]. Nothing here knows about therapy, registers or funders: this
//! crate must never depend on Refrain's core, its store or its reports.
//!
//! The work is done in three steps, each in its own module:
//!
//! 1. **Measure** (`measure.rs`). Text is shaped with rustybuzz exactly as krilla will shape
//!    it when drawing (same font, same call, no features), so every width is
//!    the width that will be printed. Lines are broken with textwrap's
//!    first-fit algorithm over those widths; a word wider than a whole line is
//!    broken between characters, and only then. Each block is prepared once:
//!    its lines wrapped, a table's column widths and slices worked out, a
//!    chart's geometry fixed.
//! 2. **Lay out** (`layout.rs`). The prepared blocks are poured into A4 pages as positioned
//!    items (text runs, rectangles, rules) in points, y growing downwards.
//!    Headings keep with what follows, table rows never split (unless one row
//!    alone is taller than a page, when it continues line by line rather than
//!    being cut off), table headers repeat on every page, charts stay whole.
//!    Since the whole document is laid out before anything is drawn, "Page N
//!    of M" knows M.
//! 3. **Draw** (`draw.rs`). Each page's items are drawn with krilla, which embeds and
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

mod draw;
mod layout;
mod measure;

use measure::Fonts;

/// Why a document could not be made into a PDF.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PdfError(pub String);

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
    /// Metadata creator: the program that made it (e.g. "Refrain 0.1.0").
    pub creator: String,
    /// A4 landscape (842 x 595 pt) when true, A4 portrait otherwise.
    pub landscape: bool,
    /// Large print: when above zero, every piece of text (running head and
    /// foot, tables and charts included) is set at this size or larger, and
    /// headings stay larger than body text. Zero: the standard sizes (10 pt
    /// body text).
    pub min_text_size: f32,
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
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::load(Typography::new(doc.min_text_size))?;
    let laid_out = layout::lay_out(doc, &fonts);
    draw::draw(doc, &fonts, &laid_out)
}

/// The smallest text size, in points, anywhere in `doc` as it will be
/// printed: running head and foot, page numbers, table cells, chart labels.
/// What a test checks a large-print document against. `None` for a
/// document with no text at all.
pub fn smallest_text_size(doc: &Document) -> Result<Option<f32>, PdfError> {
    let fonts = Fonts::load(Typography::new(doc.min_text_size))?;
    let laid_out = layout::lay_out(doc, &fonts);
    let frame = &laid_out.frame;
    // Every page carries the foot's page number.
    let mut smallest: Option<f32> = Some(fonts.ty.foot.size);
    let items = frame
        .head
        .iter()
        .chain(&frame.foot)
        .chain(laid_out.pages.iter().flatten());
    for item in items {
        if let layout::Item::Text { style, text, .. } = item {
            if !text.trim().is_empty() {
                smallest = Some(smallest.map_or(style.size, |s| s.min(style.size)));
            }
        }
    }
    Ok(smallest)
}

// ---------------------------------------------------------------------------
// Typography: sizes, spacing and colours in one place
// ---------------------------------------------------------------------------

pub(crate) const A4_SHORT: f32 = 595.276;
pub(crate) const A4_LONG: f32 = 841.89;
pub(crate) const MARGIN_X: f32 = 36.0;
pub(crate) const MARGIN_TOP: f32 = 28.0;
pub(crate) const MARGIN_BOTTOM: f32 = 24.0;

/// The standard sizes (pt). [`Typography::new`] lifts them for large print.
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

/// Every text style of one document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Typography {
    pub(crate) body: Style,
    pub(crate) heading: Style,
    pub(crate) fact_label: Style,
    pub(crate) head_first: Style,
    pub(crate) head_other: Style,
    pub(crate) foot: Style,
    pub(crate) cell: Style,
    pub(crate) cell_bold: Style,
    pub(crate) slice_note: Style,
    pub(crate) chart_title: Style,
    pub(crate) chart_text: Style,
    pub(crate) chart_small: Style,
    /// The smallest size any text may be set in (0: no floor).
    pub(crate) min: f32,
}

impl Typography {
    /// The standard sizes, or for `min_text_size` > 0 large print: body
    /// text at that size, everything else raised by as much and never
    /// below it, so headings stay larger than the body.
    pub(crate) fn new(min_text_size: f32) -> Typography {
        let min = if min_text_size.is_finite() && min_text_size > 0.0 {
            min_text_size
        } else {
            0.0
        };
        let lift = (min - BODY.size).max(0.0);
        let at = |s: Style| s.with_size((s.size + lift).max(min));
        Typography {
            body: at(BODY),
            heading: at(HEADING),
            fact_label: at(FACT_LABEL),
            head_first: at(HEAD_FIRST),
            head_other: at(HEAD_OTHER),
            foot: at(FOOT),
            cell: at(CELL),
            cell_bold: at(CELL_BOLD),
            slice_note: at(SLICE_NOTE),
            chart_title: at(CHART_TITLE),
            chart_text: at(CHART_TEXT),
            chart_small: at(CHART_SMALL),
            min,
        }
    }
}

pub(crate) const BLOCK_GAP: f32 = 8.0;
pub(crate) const GAP_BLOCK: f32 = 12.0;
pub(crate) const HEADING_GAP_BEFORE: f32 = 14.0;
pub(crate) const HEADING_GAP_AFTER: f32 = 4.0;
pub(crate) const FACT_COLUMN_GAP: f32 = 8.0;
pub(crate) const CELL_PAD_X: f32 = 3.0;
pub(crate) const CELL_PAD_Y: f32 = 2.5;
pub(crate) const MIN_COLUMN: f32 = 14.0;
pub(crate) const DEFAULT_COLUMN_MAX: f32 = 200.0;
pub(crate) const PLOT_HEIGHT: f32 = 150.0;
pub(crate) const MAX_HEAD_LINES: usize = 3;
pub(crate) const MAX_CATEGORY_LINES: usize = 4;

pub(crate) const INK: Colour = Colour(0, 0, 0);
pub(crate) const SOFT_INK: Colour = Colour(70, 70, 70);
pub(crate) const RULE: Colour = Colour(120, 120, 120);
pub(crate) const GRID: Colour = Colour(185, 185, 185);
pub(crate) const HEADER_SHADE: Colour = Colour(222, 222, 222);
pub(crate) const ZEBRA: Colour = Colour(244, 244, 244);

/// Bar fills: different hues for colour printers and screens, and clearly
/// different lightness (dark, light, mid, ...) so they differ in black and
/// white too. Bars also get a thin dark outline so the palest shows on paper.
pub(crate) const SERIES_FILLS: [Colour; 6] = [
    Colour(31, 73, 125),   // dark blue
    Colour(244, 177, 77),  // light orange
    Colour(120, 120, 120), // mid grey
    Colour(190, 215, 238), // pale blue
    Colour(128, 40, 60),   // dark red
    Colour(214, 214, 214), // pale grey
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Colour(u8, u8, u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// A font weight and size, and the line height as a multiple of the size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub(crate) weight: Weight,
    pub(crate) size: f32,
    pub(crate) leading: f32,
}

impl Style {
    pub(crate) const fn new(weight: Weight, size: f32, leading: f32) -> Self {
        Style {
            weight,
            size,
            leading,
        }
    }

    pub(crate) fn line_height(&self) -> f32 {
        self.size * self.leading
    }

    pub(crate) fn with_size(self, size: f32) -> Self {
        Style { size, ..self }
    }
}
