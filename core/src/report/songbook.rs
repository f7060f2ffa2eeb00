//! A large-print song book for a sing-along: a song a page, the title as a
//! heading, the words verse by verse, and the words' credit at the song's
//! foot. Every piece of text is printed at 18 pt or larger. Only words whose
//! rights are known reach it (`Store::songbook` refuses the others).

use refrain_pdf::{self as pdf, Block, Document};

use crate::error::Result;
use crate::model::Songbook;

/// The smallest text in the song book, in points (large print).
pub const MIN_TEXT_PT: f32 = 18.0;

pub fn document(book: &Songbook) -> Document {
    let mut blocks = Vec::new();
    for (i, song) in book.songs.iter().enumerate() {
        if i > 0 {
            blocks.push(Block::PageBreak);
        }
        blocks.push(Block::Heading(song.title.clone()));
        if !song.artist.trim().is_empty() {
            blocks.push(Block::Paragraph(song.artist.clone()));
        }
        for verse in &song.verses {
            blocks.push(Block::Paragraph(verse.clone()));
        }
        blocks.push(Block::Gap);
        blocks.push(Block::Paragraph(song.credit_line.clone()));
    }
    Document {
        title: book.title.clone(),
        author: String::new(),
        creator: super::creator(),
        landscape: false,
        running_head: vec![book.title.clone()],
        running_foot: String::new(),
        blocks,
        min_text_size: MIN_TEXT_PT,
    }
}

pub fn to_pdf(book: &Songbook) -> Result<Vec<u8>> {
    Ok(pdf::render(&document(book))?)
}
