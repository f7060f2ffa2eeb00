//! Step 3: drawing each page's items with krilla, and the tag tree that makes
//! the PDF readable by screen readers.

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
use krilla::text::TextDirection;
use krilla::SerializeSettings;

use crate::layout::*;
use crate::measure::*;
use crate::*;

pub(crate) fn report_error(e: impl std::fmt::Display) -> PdfError {
    PdfError(e.to_string())
}

pub(crate) fn draw(doc: &Document, fonts: &Fonts, laid_out: &LaidOut) -> Result<Vec<u8>, PdfError> {
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
        let w = fonts.width(fonts.ty.foot, &number);
        painter.item(&Item::Text {
            x: right - w,
            y: frame.foot_baseline,
            text: number,
            style: fonts.ty.foot,
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
        .creator(doc.creator.clone());
    if !doc.author.trim().is_empty() {
        metadata = metadata.authors(vec![doc.author.clone()]);
    }
    pdf.set_metadata(metadata);
    pdf.finish().map_err(|e| report_error(format!("{e:?}")))
}

/// Draws items on one page's surface, marking each as content (collecting
/// its identifier for the tag tree) or as an artifact.
pub(crate) struct Painter<'a, 'b> {
    pub(crate) fonts: &'a Fonts,
    pub(crate) surface: &'a mut Surface<'b>,
    pub(crate) ids: &'a mut Vec<Vec<Identifier>>,
    pub(crate) roles: &'a [Role],
}

impl Painter<'_, '_> {
    pub(crate) fn item(&mut self, item: &Item) {
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

    pub(crate) fn paint(&mut self, item: &Item) {
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

pub(crate) fn paint_colour(c: Colour) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

pub(crate) fn fill(c: Colour) -> Fill {
    Fill {
        paint: paint_colour(c),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

pub(crate) fn stroke(c: Colour, width: f32) -> Stroke {
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
pub(crate) fn tag_tree(structure: &Structure, ids: &mut [Vec<Identifier>]) -> TagTree {
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
