//! The avoid rule, once: whether a piece of music is one a person must not
//! hear. The register, the setlist editor, the player's "ask first" and the
//! suggestions all ask [`matches`]; the screens only show its answer.
//!
//! An entry matches a track
//! - for a song chosen from the library: that track, or any track with the
//!   same title and artist (the same song imported twice);
//! - for a song typed by title (and artist, if given): a track with that
//!   title (and that artist);
//! - for an artist: any track by them, alone or with others ("Vera Lynn &
//!   The Mantovani Orchestra").
//!
//! Titles and artists are compared as words: case, accents, punctuation and
//! a leading "The" do not count, and neither does a title's bracketed part
//! ("Danny Boy (Remastered 2009)" is "Danny Boy").

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::model::{AvoidEntry, AvoidKind};

/// Lowercase words of letters and digits, accents folded, single-spaced,
/// without a leading "the".
pub fn normalise(s: &str) -> String {
    let folded: String = s
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    words.join(" ")
}

/// A title without its bracketed parts ("(Live)", "[Remastered]"), normalised.
fn title_key(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut depth = 0u32;
    for c in title.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let key = normalise(&out);
    if key.is_empty() {
        normalise(title)
    } else {
        key
    }
}

/// The names in a track's artist field: the whole, and each one credited
/// with others ("A & B", "A, B", "A and B", "A feat. B", "A with B").
fn artist_names(artist: &str) -> Vec<String> {
    const JOINS: [&str; 6] = [" and ", " feat ", " featuring ", " ft ", " with ", " vs "];
    let mut names = vec![normalise(artist)];
    // "&", ",", "/" and ";" are not words, so they are split on before
    // normalising turns them into spaces; the joining words after.
    for piece in artist.split(['&', ',', '/', ';', '+']) {
        let mut parts = vec![format!(" {} ", normalise(piece))];
        for join in JOINS {
            parts = parts
                .iter()
                .flat_map(|p| p.split(join).map(|s| format!(" {} ", s.trim())))
                .collect();
        }
        names.extend(parts.iter().map(|p| normalise(p)));
    }
    names.retain(|n| !n.is_empty());
    names.sort();
    names.dedup();
    names
}

fn artist_matches(wanted: &str, artist: &str) -> bool {
    let wanted = normalise(wanted);
    !wanted.is_empty() && artist_names(artist).contains(&wanted)
}

/// Whether a song named as typed (`title`, and `artist` if known) is the
/// track with `track_title` and `track_artist`: the same title, and the same
/// artist (alone or credited with others) unless none was given. Also how a
/// favourite song named in a life story is found in the library.
pub fn same_song(title: &str, artist: &str, track_title: &str, track_artist: &str) -> bool {
    let wanted = title_key(title);
    if wanted.is_empty() || wanted != title_key(track_title) {
        return false;
    }
    artist.trim().is_empty()
        || artist_matches(artist, track_artist)
        || normalise(artist) == normalise(track_artist)
}

/// Whether `artist` (as typed) is the track's artist, or one of those
/// credited on it.
pub fn same_artist(artist: &str, track_artist: &str) -> bool {
    artist_matches(artist, track_artist)
}

/// Whether the track (`track_id`, `title`, `artist`) is one the entry says
/// to avoid. The one rule every screen's warning comes from.
pub fn matches(entry: &AvoidEntry, track_id: &str, title: &str, artist: &str) -> bool {
    match entry.kind {
        AvoidKind::Artist => artist_matches(&entry.artist, artist),
        AvoidKind::Song => {
            entry.track_id.as_deref() == Some(track_id)
                || same_song(&entry.title, &entry.artist, title, artist)
        }
    }
}
