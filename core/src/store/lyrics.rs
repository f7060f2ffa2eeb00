//! Songs' words for sing-alongs: kept on a track with who holds their rights,
//! gathered in a playlist's order for the song book and the words on a
//! second screen. Words whose rights are not known are never printed or
//! shown (`Store::songbook` refuses, naming the songs).

use rusqlite::{params, Connection, OptionalExtension};

use super::sql::now;
use super::Store;
use crate::error::{CoreError, Result};
use crate::labels::Labelled;
use crate::model::{
    Lyrics, LyricsInput, LyricsRights, PlaylistKind, SongRef, Songbook, SongbookSong,
};
use crate::validate;

/// The most a song's words may hold (a long ballad is a few thousand).
pub const MAX_WORDS: usize = 20_000;

/// A song's words split into verses at blank lines: each verse its lines,
/// trailing spaces dropped, joined by "\n"; no empty verses.
pub fn verses(words: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut verse: Vec<&str> = Vec::new();
    for line in words.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !verse.is_empty() {
                out.push(verse.join("\n"));
                verse.clear();
            }
        } else {
            verse.push(line);
        }
    }
    if !verse.is_empty() {
        out.push(verse.join("\n"));
    }
    out
}

/// The line printed at a song's foot: who wrote the words, and on what
/// terms they are used ("Words: Harry Dacre, 1892. Public domain.").
pub fn credit_line(credit: &str, rights: LyricsRights) -> String {
    let credit = credit.trim().trim_end_matches('.');
    if credit.is_empty() {
        format!("{}.", rights.label())
    } else {
        format!("Words: {credit}. {}.", rights.label())
    }
}

fn get(conn: &Connection, track_id: &str) -> Result<Option<Lyrics>> {
    Ok(conn
        .query_row(
            "SELECT track_id, words, rights, credit, updated_at FROM track_lyrics WHERE track_id = ?1",
            [track_id],
            |r| {
                let rights: LyricsRights = r.get(2)?;
                Ok(Lyrics {
                    track_id: r.get(0)?,
                    words: r.get(1)?,
                    rights,
                    credit: r.get(3)?,
                    may_show: rights.may_show(),
                    updated_at: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// "“Daisy Bell”", "“Daisy Bell” and “Oh Susanna”", "“A”, “B” and “C”".
fn song_list(songs: &[SongRef]) -> String {
    let names: Vec<String> = songs.iter().map(|s| format!("“{}”", s.title)).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

impl Store {
    /// A track's words, if it has any.
    pub fn track_lyrics(&self, track_id: &str) -> Result<Option<Lyrics>> {
        self.track(track_id)?;
        get(self.conn(), track_id)
    }

    /// Keeps a track's words and who holds their rights; empty words remove
    /// them (the audit log keeps that they were there).
    pub fn set_track_lyrics(
        &mut self,
        track_id: &str,
        input: &LyricsInput,
    ) -> Result<Option<Lyrics>> {
        let words = validate::long_text("words", "the words", &input.words)?;
        let words = words.replace("\r\n", "\n").replace('\r', "\n");
        if words.chars().count() > MAX_WORDS {
            return Err(CoreError::invalid(
                "words",
                format!("The words are too long to keep ({MAX_WORDS} characters at most)."),
            ));
        }
        let credit = validate::short_text("credit", "the credit", &input.credit)?;
        let words = words.trim_matches('\n').to_string();
        self.write(|tx| {
            let found: Option<String> = tx
                .query_row("SELECT id FROM track WHERE id = ?1", [track_id], |r| {
                    r.get(0)
                })
                .optional()?;
            if found.is_none() {
                return Err(CoreError::NotFound { what: "track" });
            }
            if words.trim().is_empty() {
                tx.execute("DELETE FROM track_lyrics WHERE track_id = ?1", [track_id])?;
                return Ok(None);
            }
            let ts = now();
            tx.execute(
                "INSERT INTO track_lyrics (track_id, words, rights, credit, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (track_id) DO UPDATE SET
                     words = excluded.words, rights = excluded.rights,
                     credit = excluded.credit, updated_at = excluded.updated_at",
                params![track_id, words, input.rights, credit, ts],
            )?;
            get(tx, track_id)
        })
    }

    /// A playlist's songs whose words may be shown, in its order, with the
    /// songs left out (no words) and those held back (rights not known).
    /// A song on the playlist twice is in the book once.
    pub fn songbook_contents(&self, playlist_id: &str) -> Result<Songbook> {
        let playlist = self.playlist(playlist_id)?;
        let title = match (playlist.kind, &playlist.group_id) {
            (PlaylistKind::Setlist, Some(_)) => format!("Song book: {}", playlist.name),
            _ => "Song book".to_string(),
        };
        let mut book = Songbook {
            playlist_id: playlist.id.clone(),
            title,
            songs: Vec::new(),
            without_words: Vec::new(),
            unknown_rights: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for entry in &playlist.entries {
            let t = &entry.track;
            if !seen.insert(t.id.clone()) {
                continue;
            }
            let song = SongRef {
                track_id: t.id.clone(),
                title: t.title.clone(),
                artist: t.artist.clone(),
            };
            match get(self.conn(), &t.id)? {
                None => book.without_words.push(song),
                Some(l) if !l.may_show => book.unknown_rights.push(song),
                Some(l) => book.songs.push(SongbookSong {
                    track_id: t.id.clone(),
                    title: t.title.clone(),
                    artist: t.artist.clone(),
                    verses: verses(&l.words),
                    credit_line: credit_line(&l.credit, l.rights),
                }),
            }
        }
        Ok(book)
    }

    /// The song book to print or show: refused, naming the songs, while any
    /// song's words have rights not known, and when no song has words.
    pub fn songbook(&self, playlist_id: &str) -> Result<Songbook> {
        let book = self.songbook_contents(playlist_id)?;
        if !book.unknown_rights.is_empty() {
            return Err(CoreError::Conflict(format!(
                "The words of {} can't be printed or shown yet: who holds their rights is not \
                 known. Say for each song whether its words are in the public domain or licensed \
                 by the practice (or take them out), and try again.",
                song_list(&book.unknown_rights),
            )));
        }
        if book.songs.is_empty() {
            return Err(CoreError::Conflict(
                "None of this playlist's songs has its words in Refrain yet. Add the words to a \
                 song in the Music screen first."
                    .into(),
            ));
        }
        Ok(book)
    }
}
