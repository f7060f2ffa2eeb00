//! Bringing music files into the library: look at each file, copy it into the
//! library folder under its content hash (so the same music is stored once and
//! keeps playing when the USB stick is gone), and record it. One bad file never
//! stops the rest; every refusal says why.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use refrain_core::model::{
    DamagedFile, ImportProgress, ImportReport, NewTrack, RefusalReason, RefusedFile, Track,
};
use refrain_core::Store;

use crate::{self as audio, AudioInfo};

/// Extensions of the formats Refrain plays, for filtering folders.
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "flac", "mp3", "ogg", "oga", "m4a", "mp4", "aac",
];

/// A file that has been looked at, hashed and copied into the library, ready
/// to be recorded.
#[derive(Debug, Clone)]
pub struct PreparedTrack {
    pub info: AudioInfo,
    pub content_hash: String,
    /// The copy's name in the library folder.
    pub file_name: String,
    pub original_name: String,
    pub size_bytes: u64,
}

impl PreparedTrack {
    /// The file's own title, or its name without the extension.
    pub fn title(&self) -> String {
        match self.info.title.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => t.to_string(),
            _ => Path::new(&self.original_name)
                .file_stem()
                .map(|s| s.to_string_lossy().trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| self.original_name.clone()),
        }
    }

    /// The plain record the store keeps for this file.
    pub fn record(&self) -> NewTrack {
        NewTrack {
            title: self.title(),
            artist: self.info.artist.clone().unwrap_or_default(),
            album: self.info.album.clone().unwrap_or_default(),
            year: self.info.year,
            duration_ms: self.info.duration_ms,
            sample_rate: self.info.sample_rate,
            channels: self.info.channels,
            format: self.info.format.to_string(),
            original_name: self.original_name.clone(),
            content_hash: self.content_hash.clone(),
            file_name: self.file_name.clone(),
            size_bytes: self.size_bytes,
        }
    }
}

/// A length as the library lists it ("0:12", "3:05"), with tenths under
/// ten seconds ("0:00.2") so that a sliver of music does not read as none.
pub fn length_words(ms: u32) -> String {
    if ms < 10_000 {
        let tenths = (ms + 50) / 100;
        format!("0:{:02}.{}", tenths / 10, tenths % 10)
    } else {
        let s = (ms + 500) / 1000;
        format!("{}:{:02}", s / 60, s % 60)
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy().starts_with('.'))
        .unwrap_or(false)
}

/// Expands folders (recursively) into their music files, in a stable order.
/// Files named directly are kept whatever their extension, so that a wrong
/// file gets a clear refusal rather than silence.
pub fn collect_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect_dir(path, &mut out, 0);
        } else {
            out.push(path.clone());
        }
    }
    out
}

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if is_hidden(&path) {
            continue;
        }
        if path.is_dir() {
            collect_dir(&path, out, depth + 1);
        } else if path
            .extension()
            .map(|e| AUDIO_EXTENSIONS.contains(&e.to_string_lossy().to_lowercase().as_str()))
            .unwrap_or(false)
        {
            out.push(path);
        }
    }
}

fn refused(path: &Path, reason: RefusalReason, message: impl Into<String>) -> RefusedFile {
    RefusedFile {
        file_name: file_name_of(path),
        reason,
        message: message.into(),
    }
}

/// Hashes a file's content (blake3, hex).
pub fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut hasher = blake3::Hasher::new();
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hasher.finalize().to_hex().to_string(), size))
}

/// Copies `from` to `dir/name` safely: into a temporary file, synced, then
/// renamed into place, so the library never holds half a file.
fn copy_into(from: &Path, dir: &Path, name: &str) -> io::Result<()> {
    let target = dir.join(name);
    if target.is_file() {
        return Ok(());
    }
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{name}.part"));
    {
        let mut src = File::open(from)?;
        let mut dst = File::create(&tmp)?;
        io::copy(&mut src, &mut dst)?;
        dst.flush()?;
        dst.sync_all()?;
    }
    fs::rename(&tmp, &target).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Looks at one file and copies it into the library folder.
pub fn prepare(path: &Path, library_dir: &Path) -> std::result::Result<PreparedTrack, RefusedFile> {
    if !path.is_file() {
        return Err(refused(
            path,
            RefusalReason::Unreadable,
            "The file could not be found or opened.",
        ));
    }
    let info = audio::probe(path).map_err(|e| {
        refused(
            path,
            e.refusal_reason().unwrap_or(RefusalReason::Unreadable),
            e.to_string(),
        )
    })?;
    let (hash, size) = hash_file(path).map_err(|e| {
        refused(
            path,
            RefusalReason::Unreadable,
            format!("The file could not be read: {e}"),
        )
    })?;
    let file_name = format!("{hash}.{}", info.format);
    copy_into(path, library_dir, &file_name).map_err(|e| {
        refused(
            path,
            RefusalReason::Unreadable,
            format!("The file could not be copied into the library: {e}"),
        )
    })?;
    Ok(PreparedTrack {
        info,
        content_hash: hash,
        file_name,
        original_name: file_name_of(path),
        size_bytes: size,
    })
}

/// Imports files and folders: each file is looked at and copied (the slow
/// part, done without holding the store), then recorded through `add`.
/// `progress` is called before every file and once at the end; `cancel`
/// stops the import between files.
pub fn import<E>(
    paths: &[PathBuf],
    library_dir: &Path,
    cancel: &AtomicBool,
    mut progress: impl FnMut(ImportProgress),
    mut add: impl FnMut(&NewTrack) -> std::result::Result<(Track, bool), E>,
) -> std::result::Result<ImportReport, E> {
    let files = collect_files(paths);
    let total = files.len() as u32;
    let mut report = ImportReport::default();
    for (i, file) in files.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            report.cancelled = true;
            break;
        }
        progress(ImportProgress {
            done: i as u32,
            total,
            current: file_name_of(file),
        });
        match prepare(file, library_dir) {
            Ok(prepared) => {
                let (track, new) = add(&prepared.record())?;
                if let (Some(readable), Some(listed)) =
                    (prepared.info.readable_ms, prepared.info.duration_ms)
                {
                    report.may_be_damaged.push(DamagedFile {
                        file_name: prepared.original_name.clone(),
                        track_id: track.id.clone(),
                        listed_ms: listed,
                        readable_ms: readable,
                        message: format!(
                            "{} may be damaged: only {} could be read (it says {}).",
                            prepared.original_name,
                            length_words(readable),
                            length_words(listed)
                        ),
                    });
                }
                if new {
                    report.imported.push(track);
                } else {
                    report.already_there.push(track);
                }
            }
            Err(refusal) => report.refused.push(refusal),
        }
    }
    let done = if report.cancelled {
        (report.imported.len() + report.already_there.len() + report.refused.len()) as u32
    } else {
        total
    };
    progress(ImportProgress {
        done,
        total,
        current: String::new(),
    });
    Ok(report)
}

/// Loads the sample data into an empty store ([`refrain_core::demo::seed`])
/// and, when `sample_music` is given, imports the sample tracks from it and
/// gives them a setlist and a personal playlist
/// ([`refrain_core::demo::seed_music`]). A track that cannot be read is left
/// out, never fatal.
pub fn seed_demo(
    store: &mut Store,
    today: NaiveDate,
    sample_music: Option<&Path>,
) -> refrain_core::Result<()> {
    refrain_core::demo::seed(store, today)?;
    let Some(dir) = sample_music else {
        return Ok(());
    };
    let library = store.library_dir();
    let never = AtomicBool::new(false);
    let report = import(
        &[dir.to_path_buf()],
        &library,
        &never,
        |_| {},
        |t| store.add_track(t),
    )?;
    let tracks = report
        .imported
        .into_iter()
        .chain(report.already_there)
        .collect();
    refrain_core::demo::seed_music(store, today, tracks)
}
