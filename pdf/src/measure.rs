//! Step 1: fonts, measuring text exactly as krilla will shape it, and line
//! breaking.

use std::cell::RefCell;
use std::collections::HashMap;

use krilla::text::Font;
use textwrap::core::Fragment;

use crate::*;

pub(crate) static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The two faces, for measuring (rustybuzz) and drawing (krilla).
pub(crate) struct Fonts {
    pub(crate) regular: rustybuzz::Face<'static>,
    pub(crate) bold: rustybuzz::Face<'static>,
    pub(crate) krilla_regular: Font,
    pub(crate) krilla_bold: Font,
    /// Width at 1 pt of text already measured: registers repeat "P" a lot.
    pub(crate) widths: RefCell<HashMap<(Weight, String), f32>>,
    /// The sizes this document sets its text in.
    pub(crate) ty: Typography,
}

impl Fonts {
    pub(crate) fn load(ty: Typography) -> Result<Self, PdfError> {
        let broken = || PdfError("the built-in font could not be read".into());
        Ok(Fonts {
            regular: rustybuzz::Face::from_slice(REGULAR_TTF, 0).ok_or_else(broken)?,
            bold: rustybuzz::Face::from_slice(BOLD_TTF, 0).ok_or_else(broken)?,
            krilla_regular: Font::new(REGULAR_TTF.into(), 0).ok_or_else(broken)?,
            krilla_bold: Font::new(BOLD_TTF.into(), 0).ok_or_else(broken)?,
            widths: RefCell::new(HashMap::new()),
            ty,
        })
    }

    pub(crate) fn face(&self, weight: Weight) -> &rustybuzz::Face<'static> {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    pub(crate) fn krilla(&self, weight: Weight) -> Font {
        match weight {
            Weight::Regular => self.krilla_regular.clone(),
            Weight::Bold => self.krilla_bold.clone(),
        }
    }

    /// Shapes `text` as krilla's `draw_text` does (one run, direction and
    /// script guessed, no features).
    pub(crate) fn shape(&self, weight: Weight, text: &str) -> rustybuzz::GlyphBuffer {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        rustybuzz::shape(self.face(weight), &[], buffer)
    }

    pub(crate) fn units_per_em(&self, weight: Weight) -> f32 {
        self.face(weight).units_per_em().max(1) as f32
    }

    /// The printed width of `text` in `style`, in points.
    pub(crate) fn width(&self, style: Style, text: &str) -> f32 {
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
    pub(crate) fn clusters(&self, style: Style, text: &str) -> Vec<(usize, f32)> {
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
    pub(crate) fn baseline(&self, style: Style) -> f32 {
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
pub(crate) struct Piece {
    pub(crate) text: String,
    pub(crate) width: f64,
    /// The width of the space after it; zero inside a broken word.
    pub(crate) space: f64,
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
pub(crate) fn clean(text: &str) -> String {
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
pub(crate) fn wrap(fonts: &Fonts, style: Style, text: &str, width: f32) -> Vec<String> {
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
pub(crate) fn break_word(
    fonts: &Fonts,
    style: Style,
    word: &str,
    width: f32,
    space: f64,
) -> Vec<Piece> {
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
pub(crate) fn wrap_at_most(
    fonts: &Fonts,
    style: Style,
    text: &str,
    width: f32,
    max: usize,
) -> Vec<String> {
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
