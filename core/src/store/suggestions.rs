//! Help to build a person's playlist: library tracks their music life story
//! points to (songs they named, favourite artists, their reminiscence years,
//! favourite genres as tags), the named songs not in the library yet (the
//! "to find" list), and never anything on their avoid list.

use super::library::{track_from_row, TRACK_COLUMNS};
use super::Store;
use crate::avoid;
use crate::error::Result;
use crate::model::{MusicSuggestions, NamedSong, Suggestion, Track};

/// At most this many suggestions are given, best first.
pub const MAX_SUGGESTIONS: usize = 60;

/// The songs named in the favourite songs, one a line: "Title", or
/// "Title - Artist" (a hyphen, en or em dash between spaces).
pub fn named_songs(text: &str) -> Vec<NamedSong> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            for sep in [" - ", " – ", " — "] {
                if let Some((title, artist)) = line.rsplit_once(sep) {
                    if !title.trim().is_empty() && !artist.trim().is_empty() {
                        return NamedSong {
                            title: title.trim().to_string(),
                            artist: artist.trim().to_string(),
                        };
                    }
                }
            }
            NamedSong {
                title: line.to_string(),
                artist: String::new(),
            }
        })
        .collect()
}

/// Names in a list typed as "A, B; C" or one a line.
fn list(text: &str) -> Vec<String> {
    text.split([',', ';', '\n', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a named song is this track: as typed ("Title - Artist"), or the
/// whole line as a title (a title may hold a dash).
fn is_named(named: &NamedSong, t: &Track) -> bool {
    avoid::same_song(&named.title, &named.artist, &t.title, &t.artist)
        || (!named.artist.is_empty()
            && avoid::same_song(
                &format!("{} - {}", named.title, named.artist),
                "",
                &t.title,
                &t.artist,
            ))
}

impl Store {
    /// Suggestions from the library for a person, from their music life
    /// story, and the songs they named that are not in the library yet.
    pub fn music_suggestions(&self, attendee_id: &str) -> Result<MusicSuggestions> {
        let story = self.music_story(attendee_id)?;
        let library = self.library_dir();
        let tracks: Vec<Track> = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {TRACK_COLUMNS} FROM track t WHERE t.archived_at IS NULL
                 ORDER BY t.title COLLATE NOCASE, t.artist COLLATE NOCASE"
            ))?
            .query_map([], |r| track_from_row(r, 0, &library))?
            .collect::<rusqlite::Result<_>>()?;
        let theirs: Vec<String> = self
            .conn()
            .prepare_cached(
                "SELECT DISTINCT e.track_id FROM playlist_entry e JOIN playlist p ON p.id = e.playlist_id
                 WHERE p.attendee_id = ?1 AND p.archived_at IS NULL",
            )?
            .query_map([attendee_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;

        let named = named_songs(&story.favourite_songs);
        let artists = list(&story.favourite_artists);
        let genres: Vec<String> = list(&story.favourite_genres)
            .iter()
            .map(|g| avoid::normalise(g))
            .filter(|g| !g.is_empty())
            .collect();
        let avoided = |t: &Track| {
            story
                .avoid
                .iter()
                .any(|a| avoid::matches(a, &t.id, &t.title, &t.artist))
        };

        let mut scored: Vec<(u32, Suggestion)> = Vec::new();
        let mut left_out = 0u32;
        for t in &tracks {
            let mut score = 0;
            let mut reasons = Vec::new();
            if named.iter().any(|n| is_named(n, t)) {
                score += 100;
                reasons.push("Named as a favourite song".to_string());
            }
            if let Some(a) = artists.iter().find(|a| avoid::same_artist(a, &t.artist)) {
                score += 20;
                reasons.push(format!("By {a}, a favourite artist"));
            }
            if let (Some(year), Some(born), Some(from), Some(to)) = (
                t.year,
                story.birth_year,
                story.reminiscence_from,
                story.reminiscence_to,
            ) {
                if (from..=to).contains(&year) {
                    let age = year - born;
                    // Recall peaks in the teens (personal-music reference).
                    score += if (13..=19).contains(&age) { 15 } else { 10 };
                    reasons.push(format!("From {year}, when they were {age}"));
                }
            }
            if let Some(tag) = t
                .tags
                .iter()
                .find(|tag| genres.contains(&avoid::normalise(tag)))
            {
                score += 5;
                reasons.push(format!("Tagged {tag}, a favourite genre"));
            }
            if score == 0 {
                continue;
            }
            if avoided(t) {
                left_out += 1;
                continue;
            }
            scored.push((
                score,
                Suggestion {
                    in_their_playlists: theirs.contains(&t.id),
                    track: t.clone(),
                    reasons,
                },
            ));
        }
        // Best first; ties by year, then as the library lists them.
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0).then(
                a.1.track
                    .year
                    .unwrap_or(i32::MAX)
                    .cmp(&b.1.track.year.unwrap_or(i32::MAX)),
            )
        });
        scored.truncate(MAX_SUGGESTIONS);

        // Named songs not in the library, unless they are to be avoided.
        let to_find = named
            .into_iter()
            .filter(|n| !tracks.iter().any(|t| is_named(n, t)))
            .filter(|n| {
                !story.avoid.iter().any(|a| match a.kind {
                    crate::model::AvoidKind::Artist => {
                        !n.artist.is_empty() && avoid::same_artist(&a.artist, &n.artist)
                    }
                    crate::model::AvoidKind::Song => {
                        avoid::same_song(&a.title, &a.artist, &n.title, &n.artist)
                            || avoid::same_song(&n.title, "", &a.title, &a.artist)
                    }
                })
            })
            .collect();

        Ok(MusicSuggestions {
            attendee_id: attendee_id.to_string(),
            suggestions: scored.into_iter().map(|(_, s)| s).collect(),
            to_find,
            left_out_as_avoided: left_out,
        })
    }
}
