//! The hand-over pack: a personal playlist's music written to a folder or a
//! USB stick for the family or the care home, for any player at all.
//!
//! In a new folder inside the one the therapist chose:
//!
//! - the songs' files, copied in order under plain numbered names that every
//!   player sorts right and every stick's file system accepts
//!   ("01 Moon River - Andy Williams.mp3");
//! - `Playlist.m3u`, the same order with relative paths, all plain ASCII
//!   (as its songs' names), so any player reads it;
//! - `About this music.pdf`, in large print: the songs in order (with what
//!   each reminds them of, when that was recorded), the usage plan and who to
//!   contact.
//!
//! Nothing else of the person goes in: their name only when asked, no date
//! of birth, no notes beyond what each song reminds them of. Nothing is
//! written anywhere but inside the chosen folder. The pack is made in two
//! steps: [`prepare`] reads the store (every file there and readable, the
//! PDF laid out), and [`HandoverPack::write_to`] checks the free space, then
//! copies into a hidden folder that is renamed into place at the end, so a
//! pack that does not fit, or fails half way, leaves nothing behind.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use refrain_pdf::{Block, Document};
use unicode_normalization::UnicodeNormalization;

use crate::error::{CoreError, Result};
use crate::model::{HandoverDone, HandoverInput, HandoverPlan, PlaylistKind};
use crate::report::{creator, long_date};
use crate::store::{today, Store};
use crate::{validate, Labelled};

/// The name of the pack's folder (then "… 2", "… 3" beside an earlier one).
pub const FOLDER_NAME: &str = "Music to play";
/// The playlist file in the pack.
pub const M3U_NAME: &str = "Playlist.m3u";
/// The large-print sheet in the pack.
pub const PDF_NAME: &str = "About this music.pdf";
/// The longest a song's file name may be, extension included: well inside
/// FAT32's and exFAT's 255, and short enough for a small player's screen.
pub const MAX_FILE_NAME: usize = 120;
/// Large print (RNIB's clear print guidance: 16 pt or larger).
pub const LARGE_PRINT: f32 = 16.0;
/// Room kept free on the destination beyond the pack itself (the file
/// system's own records of the new files).
const SPARE_BYTES: u64 = 256 * 1024;

/// One song of the pack.
#[derive(Debug, Clone)]
struct PackFile {
    source: PathBuf,
    name: String,
    bytes: u64,
}

/// A pack ready to be written: the library's files to copy under their new
/// names, the playlist and the PDF. Made by [`prepare`]; holds nothing of the
/// store, so it is written without it.
#[derive(Debug, Clone)]
pub struct HandoverPack {
    files: Vec<PackFile>,
    m3u: String,
    document: Document,
    pdf: Vec<u8>,
}

/// The usage plan offered before the therapist writes it: what the playlist
/// was prescribed for, and how long it plays.
pub fn plan(store: &Store, playlist_id: &str) -> Result<HandoverPlan> {
    let playlist = store.playlist(playlist_id)?;
    let total_ms: u64 = playlist
        .entries
        .iter()
        .filter_map(|e| e.track.duration_ms)
        .map(u64::from)
        .sum();
    let songs = playlist.entries.len();
    let how_long = if songs == 0 {
        String::new()
    } else {
        let minutes = total_ms.div_ceil(60_000);
        format!(
            "About {minutes} minute{} ({songs} song{})",
            if minutes == 1 { "" } else { "s" },
            if songs == 1 { "" } else { "s" }
        )
    };
    let mut helps_with = String::new();
    let prescription: Option<(String, String)> = {
        use rusqlite::OptionalExtension;
        store
            .conn()
            .query_row(
                "SELECT purposes, purpose_notes FROM playlist_prescription
                 WHERE playlist_id = ?1 ORDER BY created_at LIMIT 1",
                [playlist_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
    };
    if let Some((purposes, notes)) = prescription {
        let words: Vec<&str> = serde_json::from_str::<Vec<String>>(&purposes)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| crate::model::PrescriptionPurpose::from_db(p))
            .filter(|p| *p != crate::model::PrescriptionPurpose::Other)
            .map(|p| p.label())
            .collect();
        helps_with = words.join("; ");
        let notes = notes.trim();
        if !notes.is_empty() {
            if helps_with.is_empty() {
                helps_with = notes.to_string();
            } else {
                helps_with = format!("{helps_with}: {notes}");
            }
        }
    }
    let information_needs = match &playlist.attendee_id {
        Some(a) => store.attendee(a)?.information_needs,
        None => Default::default(),
    };
    Ok(HandoverPlan {
        helps_with,
        how_long,
        information_needs,
        folder: crate::paths::exports_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default(),
    })
}

/// Reads what the pack needs from the store and lays it out. Refused: a
/// setlist (a pack is one person's music), an empty playlist, a usage plan
/// without what to do if the music upsets them or who to contact, and a song
/// whose file is missing or can't be read (named in the message).
pub fn prepare(store: &Store, input: &HandoverInput) -> Result<HandoverPack> {
    let playlist = store.playlist(&input.playlist_id)?;
    let attendee_id = match (&playlist.kind, &playlist.attendee_id) {
        (PlaylistKind::Personal, Some(a)) => a.clone(),
        _ => {
            return Err(CoreError::Conflict(
                "Only a person's own playlist can be handed over.".into(),
            ))
        }
    };
    if playlist.entries.is_empty() {
        return Err(CoreError::Conflict(
            "This playlist has no songs yet: add some before handing it over.".into(),
        ));
    }
    let when = validate::long_text("whenToPlay", "when to play it", input.when_to_play.trim())?;
    let how_long = validate::long_text("howLong", "how long", input.how_long.trim())?;
    let helps = validate::long_text("helpsWith", "what it helps with", input.helps_with.trim())?;
    let if_upset = validate::long_text(
        "ifUpset",
        "what to do if it upsets them",
        input.if_upset.trim(),
    )?;
    if if_upset.is_empty() {
        return Err(CoreError::invalid(
            "ifUpset",
            "Please say what to do if the music upsets them.",
        ));
    }
    let contact = validate::long_text("contact", "who to contact", input.contact.trim())?;
    if contact.is_empty() {
        return Err(CoreError::invalid(
            "contact",
            "Please say who to contact with questions.",
        ));
    }
    let person = store.attendee(&attendee_id)?;

    // What each song reminds them of: the playlist's own note for it, else
    // the latest note in the listening log that was not about distress.
    let mut reminds: HashMap<String, String> = HashMap::new();
    for l in store.person_listening(&attendee_id)? {
        let note = l.note.trim();
        if !l.distress && !note.is_empty() {
            reminds
                .entry(l.track_id.clone())
                .or_insert(note.to_string());
        }
    }

    let width = playlist.entries.len().to_string().len().max(2);
    let mut files = Vec::with_capacity(playlist.entries.len());
    let mut m3u = String::from("#EXTM3U\n");
    let mut songs = Vec::new();
    for (i, entry) in playlist.entries.iter().enumerate() {
        let track = &entry.track;
        let source = store.track_path(&track.id)?;
        let song = song_words(&track.title, &track.artist);
        let bytes = readable(&source).map_err(|e| {
            CoreError::Conflict(format!(
                "The file for {song} {}, so the pack was not written. \
                 Take the song off the playlist or import it again, then try again.",
                match e.kind() {
                    io::ErrorKind::NotFound => "is missing from the music library",
                    io::ErrorKind::PermissionDenied => "can't be opened (not allowed)",
                    _ => "can't be read",
                }
            ))
        })?;
        let ext = source
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_else(|| track.format.clone());
        let name = file_name(i + 1, width, &track.title, &track.artist, &ext);
        let secs = track
            .duration_ms
            .map(|ms| i64::from(ms.div_ceil(1000)))
            .unwrap_or(-1);
        let label = if track.artist.trim().is_empty() {
            track.title.clone()
        } else {
            format!("{} - {}", track.artist, track.title)
        };
        m3u.push_str(&format!(
            "#EXTINF:{secs},{}\n{name}\n",
            one_line(&ascii(&label))
        ));
        let note = if entry.note.trim().is_empty() {
            reminds.get(&track.id).cloned().unwrap_or_default()
        } else {
            entry.note.trim().to_string()
        };
        songs.push((
            i + 1,
            track.title.clone(),
            track.artist.clone(),
            track.duration_ms,
            note,
        ));
        files.push(PackFile {
            source,
            name,
            bytes,
        });
    }

    let mut blocks = Vec::new();
    let title = if input.print_name {
        format!("Music for {}", person.full_name)
    } else {
        "Music to play".to_string()
    };
    blocks.push(Block::Heading(title.clone()));
    blocks.push(Block::Paragraph(format!(
        "{} song{} to play in this order. On the stick or in the folder, the songs' \
         names start with their number, so any music player plays them in order. \
         The file \"{M3U_NAME}\" plays them in order too.",
        songs.len(),
        if songs.len() == 1 { "" } else { "s" }
    )));
    blocks.push(Block::Heading("The songs".into()));
    for (n, title, artist, ms, note) in &songs {
        let mut text = format!("{n}. {title}");
        if !artist.trim().is_empty() {
            text.push_str(&format!("\nby {artist}"));
        }
        if let Some(ms) = ms {
            text.push_str(&format!(" ({})", minutes(*ms)));
        }
        if !note.is_empty() {
            text.push_str(&format!("\nReminds them of: {note}"));
        }
        blocks.push(Block::Paragraph(text));
    }
    blocks.push(Block::Heading("How to use this music".into()));
    let mut plan = Vec::new();
    for (label, value) in [
        ("When to play it", &when),
        ("How long", &how_long),
        ("What it helps with", &helps),
        ("If it upsets them", &if_upset),
    ] {
        if !value.is_empty() {
            plan.push((label.to_string(), value.clone()));
        }
    }
    blocks.push(Block::Facts(plan));
    blocks.push(Block::Heading("Who to contact".into()));
    blocks.push(Block::Paragraph(contact));
    // The Accessible Information Standard's flags, as the family or the care
    // home acts on them; nothing else of the person's record.
    let needs = crate::labels::information_need_sentences(&person.information_needs);
    if !needs.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "How to share information with them:\n{}",
            needs.join("\n")
        )));
    }
    let doc = Document {
        title,
        author: String::new(),
        creator: creator(),
        landscape: false,
        running_head: Vec::new(),
        running_foot: format!("Made on {}", long_date(&today_text())),
        blocks,
        min_text_size: LARGE_PRINT,
    };
    let pdf = refrain_pdf::render(&doc)
        .map_err(|e| CoreError::Report(format!("the printed sheet could not be made ({e})")))?;
    Ok(HandoverPack {
        files,
        m3u,
        document: doc,
        pdf,
    })
}

fn today_text() -> String {
    validate::fmt_date(today())
}

/// "3:05".
fn minutes(ms: u32) -> String {
    let s = ms.div_ceil(1000);
    format!("{}:{:02}", s / 60, s % 60)
}

/// "“Moon River” by Andy Williams", for messages.
fn song_words(title: &str, artist: &str) -> String {
    if artist.trim().is_empty() {
        format!("\u{201c}{title}\u{201d}")
    } else {
        format!("\u{201c}{title}\u{201d} by {artist}")
    }
}

/// The file's size, once it has been opened for reading.
fn readable(path: &Path) -> io::Result<u64> {
    let f = File::open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(io::ErrorKind::NotFound, "not a file"));
    }
    Ok(meta.len())
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A song's file name in the pack: "01 Moon River - Andy Williams.mp3".
/// Plain ASCII ("Edith Piaf" for "Édith Piaf", "Sondre" for "Søndre"),
/// characters FAT32 and exFAT refuse
/// (`< > : " / \ | ? *` and control characters) are left out or replaced,
/// and the name is cut to [`MAX_FILE_NAME`] characters at a word.
pub fn file_name(number: usize, width: usize, title: &str, artist: &str, ext: &str) -> String {
    let title = safe(title);
    let artist = safe(artist);
    let mut stem = if title.is_empty() {
        "Song".to_string()
    } else {
        title
    };
    if !artist.is_empty() {
        stem = format!("{stem} - {artist}");
    }
    let prefix = format!("{number:0width$} ");
    let ext = safe(ext).replace(' ', "");
    let suffix = if ext.is_empty() {
        String::new()
    } else {
        format!(".{ext}")
    };
    let room = MAX_FILE_NAME.saturating_sub(prefix.chars().count() + suffix.chars().count());
    if stem.chars().count() > room {
        let cut: String = stem.chars().take(room).collect();
        let at_word = cut
            .rfind(' ')
            .filter(|i| *i > room / 2)
            .unwrap_or(cut.len());
        stem = cut[..at_word].to_string();
    }
    let stem = stem.trim_end_matches([' ', '.', '-']).to_string();
    format!("{prefix}{stem}{suffix}")
}

/// Plain ASCII: accents folded ("Edith"), other letters and scripts spelt
/// in Latin letters ("o" for "ø", "ss" for "ß", "ae" for "æ", "Bei Jing"
/// for "北京"), by `deunicode`'s tables; what has no spelling is left out.
fn ascii(s: &str) -> String {
    let composed: String = s.nfc().collect();
    deunicode::deunicode_with_tofu(&composed, "")
        .chars()
        .filter(|c| c.is_ascii())
        .collect()
}

/// Text made safe for a FAT32 or exFAT file name, and for a simple player
/// that reads names byte by byte: plain ASCII (see [`ascii`]), without the
/// characters those file systems refuse.
fn safe(s: &str) -> String {
    let folded: String = ascii(s)
        .chars()
        .map(|c| match c {
            ':' | '/' | '\\' | '|' => '-',
            '"' => '\'',
            '<' | '>' | '?' | '*' => ' ',
            c if c.is_ascii_control() => ' ',
            c => c,
        })
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    words
        .join(" ")
        .trim_matches(|c: char| c == '.' || c == ' ')
        .to_string()
}

/// "45.2 MB".
pub fn size_words(bytes: u64) -> String {
    const MB: f64 = 1_000_000.0;
    if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1000).max(1))
    } else if bytes < 1_000_000_000 {
        format!("{:.1} MB", bytes as f64 / MB)
    } else {
        format!("{:.2} GB", bytes as f64 / (MB * 1000.0))
    }
}

impl HandoverPack {
    /// The songs' names in the pack, in order.
    pub fn file_names(&self) -> Vec<String> {
        self.files.iter().map(|f| f.name.clone()).collect()
    }

    /// The playlist file's text.
    pub fn m3u(&self) -> &str {
        &self.m3u
    }

    /// The large-print sheet as laid out (for its measurements).
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// The large-print sheet.
    pub fn pdf(&self) -> &[u8] {
        &self.pdf
    }

    /// The bytes the pack takes on a file system that gives files whole
    /// blocks of `block` bytes.
    pub fn needed_bytes(&self, block: u64) -> u64 {
        let block = block.max(1);
        let round = |n: u64| n.div_ceil(block) * block;
        self.files.iter().map(|f| round(f.bytes)).sum::<u64>()
            + round(self.m3u.len() as u64)
            + round(self.pdf.len() as u64)
            + round(1)
            + SPARE_BYTES
    }

    /// Writes the pack into a new folder inside `folder`, refusing before
    /// anything is copied when the destination has too little free space.
    pub fn write_to(&self, folder: &Path) -> Result<HandoverDone> {
        self.write_checked(folder, |p| {
            let stats = fs4::statvfs(p)?;
            Ok((stats.available_space(), stats.allocation_granularity()))
        })
    }

    /// [`HandoverPack::write_to`] with the free space (and the file system's
    /// block size) measured by `space` rather than asked of the system.
    pub fn write_checked(
        &self,
        folder: &Path,
        space: impl Fn(&Path) -> io::Result<(u64, u64)>,
    ) -> Result<HandoverDone> {
        // The reports folder, offered until another is chosen, is made on
        // first use; any other folder must be there already.
        if crate::paths::exports_dir().as_deref() == Some(folder) {
            fs::create_dir_all(folder).map_err(|e| {
                CoreError::Conflict(format!(
                    "The folder {} could not be made ({e}). Nothing was written.",
                    folder.display()
                ))
            })?;
        }
        let meta = fs::metadata(folder).map_err(|_| {
            CoreError::invalid(
                "folder",
                "That folder can't be found. Is the USB stick still plugged in?",
            )
        })?;
        if !meta.is_dir() {
            return Err(CoreError::invalid("folder", "Please choose a folder."));
        }
        let (free, block) = space(folder).map_err(|e| {
            CoreError::Conflict(format!(
                "Refrain could not tell how much room there is in {} ({e}). Nothing was written.",
                folder.display()
            ))
        })?;
        let needed = self.needed_bytes(block);
        if needed > free {
            return Err(CoreError::Conflict(format!(
                "The music doesn't fit: it needs {} and only {} is free there. \
                 Nothing was written. Choose a bigger USB stick, or make room on it.",
                size_words(needed),
                size_words(free)
            )));
        }

        let target = free_folder(folder);
        let tmp = folder.join(format!(".refrain-pack-{}", uuid::Uuid::now_v7()));
        let written = self.write_into(&tmp).and_then(|()| {
            fs::rename(&tmp, &target)?;
            if let Ok(d) = File::open(folder) {
                let _ = d.sync_all();
            }
            Ok(())
        });
        if let Err(e) = written {
            let _ = fs::remove_dir_all(&tmp);
            return Err(if e.raw_os_error() == Some(28) {
                CoreError::DiskFull
            } else {
                CoreError::Conflict(format!(
                    "The music could not be written to {} ({e}). Nothing was left there.",
                    folder.display()
                ))
            });
        }
        Ok(HandoverDone {
            folder: target.display().to_string(),
            songs: self.files.len() as u32,
            bytes: self.files.iter().map(|f| f.bytes).sum::<u64>()
                + self.m3u.len() as u64
                + self.pdf.len() as u64,
        })
    }

    fn write_into(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir(dir)?;
        for f in &self.files {
            let to = dir.join(&f.name);
            let mut from = File::open(&f.source)?;
            let mut out = File::create(&to)?;
            io::copy(&mut from, &mut out)?;
            out.sync_all()?;
        }
        for (name, bytes) in [(M3U_NAME, self.m3u.as_bytes()), (PDF_NAME, &self.pdf[..])] {
            let mut out = File::create(dir.join(name))?;
            out.write_all(bytes)?;
            out.sync_all()?;
        }
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// "Music to play", else "Music to play 2", "Music to play 3"... in `folder`.
fn free_folder(folder: &Path) -> PathBuf {
    let first = folder.join(FOLDER_NAME);
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| folder.join(format!("{FOLDER_NAME} {n}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}
