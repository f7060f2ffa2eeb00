//! Step 2: the prepared blocks poured into A4 pages as positioned items.

use krilla::tagging::ArtifactType;

use crate::measure::*;
use crate::*;

/// Where a drawn thing belongs in the tagged structure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mark {
    /// Real content, read out as part of the structure leaf with this index.
    Content(usize),
    /// Decoration or repetition: not read out.
    Artifact(ArtifactType),
}

pub(crate) const LAYOUT: Mark = Mark::Artifact(ArtifactType::Layout);

/// One positioned thing on a page. Coordinates are points from the top-left.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
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
pub(crate) enum Role {
    Heading,
    Paragraph,
    HeaderCell,
    Cell,
    /// A chart, with its description for screen readers.
    Figure(String),
}

/// The document's logical structure, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StructNode {
    Leaf(usize),
    Table {
        header: Option<Vec<usize>>,
        rows: Vec<Vec<usize>>,
    },
}

#[derive(Debug, Default)]
pub(crate) struct Structure {
    pub(crate) roles: Vec<Role>,
    pub(crate) nodes: Vec<StructNode>,
}

impl Structure {
    pub(crate) fn leaf(&mut self, role: Role) -> usize {
        self.roles.push(role);
        self.roles.len() - 1
    }
}

/// The page frame: where the running head and foot go and the body between.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) left: f32,
    pub(crate) text_width: f32,
    /// Running head lines with their style, baseline positions included.
    pub(crate) head: Vec<Item>,
    pub(crate) head_rule_y: f32,
    pub(crate) body_top: f32,
    pub(crate) body_bottom: f32,
    pub(crate) foot_rule_y: f32,
    pub(crate) foot: Vec<Item>,
    /// Baseline of the first foot line, where "Page N of M" goes too.
    pub(crate) foot_baseline: f32,
}

impl Frame {
    pub(crate) fn new(doc: &Document, fonts: &Fonts) -> Frame {
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
            let style = if i == 0 {
                fonts.ty.head_first
            } else {
                fonts.ty.head_other
            };
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
        let number_room = fonts.width(fonts.ty.foot, "Page 9999 of 9999") + 12.0;
        let foot_lines = wrap_at_most(
            fonts,
            fonts.ty.foot,
            &doc.running_foot,
            text_width - number_room,
            MAX_HEAD_LINES,
        );
        let foot_height = foot_lines.len() as f32 * fonts.ty.foot.line_height();
        let foot_top = height - MARGIN_BOTTOM - foot_height;
        let foot_rule_y = foot_top - 4.0;
        let foot_baseline = foot_top + fonts.baseline(fonts.ty.foot);
        let foot = foot_lines
            .into_iter()
            .enumerate()
            .map(|(i, text)| Item::Text {
                x: left,
                y: foot_baseline + i as f32 * fonts.ty.foot.line_height(),
                text,
                style: fonts.ty.foot,
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

    pub(crate) fn body_height(&self) -> f32 {
        self.body_bottom - self.body_top
    }
}

/// A block measured and broken into lines, ready to be placed.
pub(crate) enum Prepared {
    Heading { lines: Vec<String>, leaf: usize },
    Paragraph { lines: Vec<String>, leaf: usize },
    Facts(PreparedFacts),
    Table(PreparedTable),
    Chart(PreparedChart),
    Gap,
    PageBreak,
}

pub(crate) struct PreparedFacts {
    /// Where values start, from the left margin.
    pub(crate) value_x: f32,
    /// Per fact: label lines, value lines, structure leaf.
    pub(crate) rows: Vec<(Vec<String>, Vec<String>, usize)>,
}

pub(crate) struct PreparedTable {
    pub(crate) widths: Vec<f32>,
    pub(crate) aligns: Vec<Align>,
    /// Per column, the header cell's lines (None: no header row).
    pub(crate) header: Option<Vec<Vec<String>>>,
    /// Per row, per column, the cell's lines.
    pub(crate) rows: Vec<Vec<Vec<String>>>,
    /// Index of the first totals row (rows.len() when there are none).
    pub(crate) totals_from: usize,
    /// How many leading columns repeat in every slice.
    pub(crate) keys: usize,
    /// Column indices of each slice, key columns first.
    pub(crate) slices: Vec<Vec<usize>>,
    pub(crate) header_leaves: Vec<usize>,
    pub(crate) cell_leaves: Vec<Vec<usize>>,
}

pub(crate) struct PreparedChart {
    pub(crate) title: Vec<String>,
    /// Legend entries: series index, x offset from the left margin, and row.
    pub(crate) legend: Vec<(usize, f32, usize)>,
    pub(crate) legend_rows: usize,
    pub(crate) names: Vec<String>,
    pub(crate) categories: Vec<Vec<String>>,
    /// Per category, the "no data" note lines (may be empty).
    pub(crate) no_data: Vec<Vec<String>>,
    pub(crate) values: Vec<Vec<Option<f64>>>,
    pub(crate) axis_max: f64,
    pub(crate) ticks: Vec<f64>,
    pub(crate) axis_width: f32,
    pub(crate) suffix: String,
    /// Height of the category label area under the plot.
    pub(crate) labels_height: f32,
    pub(crate) height: f32,
    pub(crate) leaf: usize,
}

/// The result of layout: the frame and each page's body items.
pub(crate) struct LaidOut {
    pub(crate) frame: Frame,
    pub(crate) pages: Vec<Vec<Item>>,
    pub(crate) structure: Structure,
}

pub(crate) fn lay_out(doc: &Document, fonts: &Fonts) -> LaidOut {
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

pub(crate) fn prepare(block: &Block, fonts: &Fonts, frame: &Frame, st: &mut Structure) -> Prepared {
    let width = frame.text_width;
    match block {
        Block::Heading(text) => {
            let leaf = st.leaf(Role::Heading);
            st.nodes.push(StructNode::Leaf(leaf));
            Prepared::Heading {
                lines: wrap(fonts, fonts.ty.heading, text, width),
                leaf,
            }
        }
        Block::Paragraph(text) => {
            let leaf = st.leaf(Role::Paragraph);
            st.nodes.push(StructNode::Leaf(leaf));
            Prepared::Paragraph {
                lines: wrap(fonts, fonts.ty.body, text, width),
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

pub(crate) fn fact_label(label: &str) -> String {
    let label = label.trim_end();
    if label.is_empty() || label.ends_with(':') {
        label.to_string()
    } else {
        format!("{label}:")
    }
}

pub(crate) fn prepare_facts(
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
        .map(|l| fonts.width(fonts.ty.fact_label, &l))
        .fold(0.0f32, f32::max);
    let label_width = widest.min(width * 0.35).max(1.0);
    let value_x = label_width + FACT_COLUMN_GAP;
    let rows = facts
        .iter()
        .map(|(label, value)| {
            let leaf = st.leaf(Role::Paragraph);
            st.nodes.push(StructNode::Leaf(leaf));
            (
                wrap(fonts, fonts.ty.fact_label, &fact_label(label), label_width),
                wrap(fonts, fonts.ty.body, value, width - value_x),
                leaf,
            )
        })
        .collect();
    PreparedFacts { value_x, rows }
}

/// Cell `c` of a row, empty when the row is short.
pub(crate) fn cell(row: &[String], c: usize) -> &str {
    row.get(c).map(String::as_str).unwrap_or("")
}

pub(crate) fn prepare_table(
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
    let row_style = |r: usize| {
        if r >= totals_from {
            fonts.ty.cell_bold
        } else {
            fonts.ty.cell
        }
    };
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
                measure(fonts.ty.cell_bold, cell(&table.header, c));
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
            .map(|c| wrap_cell(fonts.ty.cell_bold, cell(&table.header, c), c))
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
pub(crate) fn slice_columns(widths: &[f32], keys: usize, room: f32) -> Vec<Vec<usize>> {
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

pub(crate) fn prepare_chart(
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
        .map(|t| fonts.width(fonts.ty.chart_text, &number(*t)))
        .fold(0.0f32, f32::max)
        + 6.0;

    let title = wrap(fonts, fonts.ty.chart_title, &chart.title, width);
    let names: Vec<String> = chart
        .series
        .iter()
        .map(|s| wrap_at_most(fonts, fonts.ty.chart_text, &s.name, width - 14.0, 1).remove(0))
        .collect();
    // Legend: a swatch and a name per series, flowing onto more rows if need be.
    let mut legend = Vec::new();
    let (mut x, mut row) = (axis_width, 0usize);
    for (i, name) in names.iter().enumerate() {
        let w = 13.0 + fonts.width(fonts.ty.chart_text, name);
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
        .map(|c| {
            wrap_at_most(
                fonts,
                fonts.ty.chart_text,
                c,
                group_width - 4.0,
                MAX_CATEGORY_LINES,
            )
        })
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
            wrap_at_most(fonts, fonts.ty.chart_small, &note, group_width - 4.0, 2)
        })
        .collect();
    let labels_height = (0..ncat)
        .map(|c| {
            categories[c].len() as f32 * fonts.ty.chart_text.line_height()
                + no_data[c].len() as f32 * fonts.ty.chart_small.line_height()
        })
        .fold(0.0f32, f32::max)
        + 4.0;
    let height = title.len() as f32 * fonts.ty.chart_title.line_height()
        + 4.0
        + legend_rows as f32 * fonts.ty.chart_text.line_height()
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
pub(crate) fn describe_chart(chart: &BarChart, values: &[Vec<Option<f64>>]) -> String {
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
pub(crate) fn ticks(max: f64) -> Vec<f64> {
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
pub(crate) fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Places prepared blocks onto pages.
pub(crate) struct Cursor<'a> {
    pub(crate) fonts: &'a Fonts,
    pub(crate) frame: Frame,
    pub(crate) pages: Vec<Vec<Item>>,
    /// Top of the free space on the current page.
    pub(crate) y: f32,
}

impl Cursor<'_> {
    pub(crate) fn items(&mut self) -> &mut Vec<Item> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub(crate) fn push(&mut self, item: Item) {
        self.items().push(item);
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.frame.body_top;
    }

    pub(crate) fn at_top(&self) -> bool {
        self.y <= self.frame.body_top + 0.01
    }

    pub(crate) fn room(&self) -> f32 {
        self.frame.body_bottom - self.y
    }

    /// Moves to a new page unless `height` fits here (or the page is empty,
    /// when moving would not help).
    pub(crate) fn ensure(&mut self, height: f32) {
        if height > self.room() + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    /// Vertical space between blocks; none at the top of a page.
    pub(crate) fn space(&mut self, gap: f32) {
        if !self.at_top() {
            self.y += gap;
        }
    }

    pub(crate) fn text(
        &mut self,
        x: f32,
        top: f32,
        text: &str,
        style: Style,
        colour: Colour,
        mark: Mark,
    ) {
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

    pub(crate) fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32, colour: Colour) {
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

    pub(crate) fn place(&mut self, block: &Prepared, next: Option<&Prepared>, after_heading: bool) {
        let gap = if after_heading { 0.0 } else { BLOCK_GAP };
        match block {
            Prepared::Heading { lines, leaf } => {
                self.space(HEADING_GAP_BEFORE);
                let height =
                    lines.len() as f32 * self.fonts.ty.heading.line_height() + HEADING_GAP_AFTER;
                let with_next = next.map_or(0.0, |n| self.first_height(n));
                self.ensure((height + with_next).min(self.frame.body_height()));
                self.lines(
                    lines,
                    self.frame.left,
                    self.fonts.ty.heading,
                    Mark::Content(*leaf),
                );
                self.y += HEADING_GAP_AFTER;
            }
            Prepared::Paragraph { lines, leaf } => {
                self.space(gap);
                self.lines(
                    lines,
                    self.frame.left,
                    self.fonts.ty.body,
                    Mark::Content(*leaf),
                );
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
    pub(crate) fn first_height(&self, block: &Prepared) -> f32 {
        match block {
            Prepared::Heading { .. } | Prepared::Gap | Prepared::PageBreak => 0.0,
            Prepared::Paragraph { lines, .. } => {
                lines.len().min(2) as f32 * self.fonts.ty.body.line_height()
            }
            Prepared::Facts(f) => f.rows.first().map_or(0.0, |(l, v, _)| {
                l.len().max(v.len()) as f32 * self.fonts.ty.body.line_height()
            }),
            Prepared::Table(t) => {
                let Some(cols) = t.slices.first() else {
                    return 0.0;
                };
                let note = if t.slices.len() > 1 {
                    self.fonts.ty.slice_note.line_height()
                } else {
                    0.0
                };
                let header = t
                    .header
                    .as_ref()
                    .map_or(0.0, |h| row_height(&self.fonts.ty, h, cols));
                let first = t
                    .rows
                    .first()
                    .map_or(0.0, |r| row_height(&self.fonts.ty, r, cols));
                BLOCK_GAP + note + header + first
            }
            Prepared::Chart(c) => BLOCK_GAP + c.height,
        }
    }

    /// Lines of one style at `x`, moving to a new page between lines if need be.
    pub(crate) fn lines(&mut self, lines: &[String], x: f32, style: Style, mark: Mark) {
        for line in lines {
            self.ensure(style.line_height());
            let top = self.y;
            self.text(x, top, line, style, INK, mark);
            self.y += style.line_height();
        }
    }

    pub(crate) fn facts(&mut self, facts: &PreparedFacts) {
        let lh = self.fonts.ty.body.line_height();
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
                    self.text(left, top, l, self.fonts.ty.fact_label, INK, mark);
                }
                if let Some(v) = value.get(k) {
                    self.text(left + facts.value_x, top, v, self.fonts.ty.body, INK, mark);
                }
                self.y += lh;
            }
        }
    }

    pub(crate) fn table(&mut self, t: &PreparedTable, gap: f32) {
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
                self.fonts.ty.slice_note.line_height()
            } else {
                0.0
            };
            let header_h = t
                .header
                .as_ref()
                .map_or(0.0, |h| row_height(&self.fonts.ty, h, cols));
            let heights: Vec<f32> = t
                .rows
                .iter()
                .map(|r| row_height(&self.fonts.ty, r, cols))
                .collect();
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
    pub(crate) fn span(&self, t: &PreparedTable, cols: &[usize]) -> (f32, f32) {
        let w: f32 = cols.iter().map(|&c| t.widths[c]).sum();
        (self.frame.left, self.frame.left + w)
    }

    /// The slice note (when sliced) and the header row, at the top of a slice
    /// or of a page the slice continues on. Only the first drawing of each
    /// header cell is content; repeats are artifacts.
    pub(crate) fn table_top(
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
            self.text(left, top, &text, self.fonts.ty.slice_note, SOFT_INK, LAYOUT);
            self.y += self.fonts.ty.slice_note.line_height();
        }
        let Some(header) = &t.header else {
            return;
        };
        let h = row_height(&self.fonts.ty, header, cols);
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
        self.cells(
            t,
            cols,
            header,
            &marks,
            0..usize::MAX,
            self.fonts.ty.cell_bold,
            top,
        );
        self.grid(t, cols, top, h);
        self.rule(x1, x2, top, 0.8, RULE);
        self.rule(x1, x2, top + h, 0.8, RULE);
        self.y += h;
    }

    /// Lines `range` of row `r`'s cells in this slice, `h` high.
    pub(crate) fn row(
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
        let style = if r >= t.totals_from {
            self.fonts.ty.cell_bold
        } else {
            self.fonts.ty.cell
        };
        self.cells(t, cols, &t.rows[r], &marks, range, style, top);
        self.grid(t, cols, top, h);
        self.rule(x1, x2, top + h, 0.4, GRID);
        self.y += h;
    }

    /// A row taller than a whole page: printed a page's worth of lines at a
    /// time, with the header repeated, rather than cut off.
    pub(crate) fn tall_row(
        &mut self,
        t: &PreparedTable,
        si: usize,
        cols: &[usize],
        r: usize,
        note: Option<&str>,
    ) {
        let lh = self.fonts.ty.cell.line_height();
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
    pub(crate) fn cells(
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
    pub(crate) fn grid(&mut self, t: &PreparedTable, cols: &[usize], top: f32, h: f32) {
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

    pub(crate) fn chart(&mut self, c: &PreparedChart) {
        let mark = Mark::Content(c.leaf);
        let left = self.frame.left;
        let width = self.frame.text_width;
        let mut y = self.y;
        for line in &c.title {
            self.text(left, y, line, self.fonts.ty.chart_title, INK, mark);
            y += self.fonts.ty.chart_title.line_height();
        }
        y += 4.0;

        // Legend.
        let lh = self.fonts.ty.chart_text.line_height();
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
            self.text(
                left + x + 13.0,
                top,
                &c.names[s],
                self.fonts.ty.chart_text,
                INK,
                mark,
            );
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
            let w = self.fonts.width(self.fonts.ty.chart_text, &label);
            let top = gy - self.fonts.ty.chart_text.line_height() / 2.0;
            self.text(
                plot_left - 4.0 - w,
                top,
                &label,
                self.fonts.ty.chart_text,
                SOFT_INK,
                mark,
            );
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
                let mut style = self.fonts.ty.chart_small;
                let mut w = self.fonts.width(style, &label);
                if w > slot {
                    style =
                        style.with_size((style.size * slot / w).max(5.0).max(self.fonts.ty.min));
                    w = self.fonts.width(style, &label);
                }
                let top = plot_bottom - h - 1.5 - style.line_height();
                self.text(x + (bar - w) / 2.0, top, &label, style, INK, mark);
            }
            // Category label and any "no data" note under the group.
            let mut ly = plot_bottom + 4.0;
            for line in &c.categories[cat] {
                let w = self.fonts.width(self.fonts.ty.chart_text, line.trim_end());
                self.text(
                    group_left + (group - w) / 2.0,
                    ly,
                    line,
                    self.fonts.ty.chart_text,
                    INK,
                    mark,
                );
                ly += self.fonts.ty.chart_text.line_height();
            }
            for line in &c.no_data[cat] {
                let w = self.fonts.width(self.fonts.ty.chart_small, line.trim_end());
                let x = group_left + (group - w) / 2.0;
                self.text(x, ly, line, self.fonts.ty.chart_small, SOFT_INK, mark);
                ly += self.fonts.ty.chart_small.line_height();
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
pub(crate) fn slice_note(t: &PreparedTable, si: usize, cols: &[usize]) -> String {
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
pub(crate) fn row_height(ty: &Typography, cells: &[Vec<String>], cols: &[usize]) -> f32 {
    let lines = cols
        .iter()
        .map(|&c| cells[c].len())
        .max()
        .unwrap_or(1)
        .max(1);
    lines as f32 * ty.cell.line_height() + 2.0 * CELL_PAD_Y
}
