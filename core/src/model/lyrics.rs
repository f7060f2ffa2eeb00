//! The words of songs, for sing-alongs: kept on a track with who holds their
//! rights, printed as a large-print song book and shown to a room a verse at
//! a time.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who holds the rights to a song's words. Words whose rights are not known
/// are kept but never printed or shown to a room until the therapist says
/// the practice may (by choosing one of the other two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum LyricsRights {
    /// Out of copyright (a traditional song, or its writers long dead).
    PublicDomain,
    /// Covered by the practice's licence (a church or venue licence, say).
    Licensed,
    /// Not known yet.
    Unknown,
}

impl LyricsRights {
    /// Whether words with these rights may be printed or shown to a room.
    pub fn may_show(self) -> bool {
        !matches!(self, LyricsRights::Unknown)
    }
}

/// A track's words, as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Lyrics {
    pub track_id: String,
    /// As typed: verses are separated by a blank line.
    pub words: String,
    pub rights: LyricsRights,
    /// Who wrote them, or whose licence covers them ("Harry Dacre, 1892").
    pub credit: String,
    /// Whether they may be printed or shown (the rights are known).
    pub may_show: bool,
    pub updated_at: String,
}

/// What the therapist types for a track's words. Empty words remove them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LyricsInput {
    #[serde(default)]
    pub words: String,
    pub rights: LyricsRights,
    #[serde(default)]
    pub credit: String,
}

/// One song of a song book: its words split into verses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SongbookSong {
    pub track_id: String,
    pub title: String,
    pub artist: String,
    /// The verses in order (the words split at blank lines), each its lines
    /// joined by "\n".
    pub verses: Vec<String>,
    /// The credit line printed at the song's foot ("Words: Harry Dacre,
    /// 1892. Public domain.").
    pub credit_line: String,
}

/// A song named in a song book's problems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SongRef {
    pub track_id: String,
    pub title: String,
    pub artist: String,
}

/// A playlist's songs whose words may be shown, in the playlist's order, and
/// what keeps the others out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Songbook {
    pub playlist_id: String,
    /// "Song book: Tuesday Singers" for a group's setlist; for a personal
    /// playlist only "Song book" (the book may be seen by the room).
    pub title: String,
    pub songs: Vec<SongbookSong>,
    /// Songs whose words are not in Refrain: left out of the book.
    pub without_words: Vec<SongRef>,
    /// Songs whose words are kept but whose rights are not known: nothing is
    /// printed or shown while there are any.
    pub unknown_rights: Vec<SongRef>,
}
