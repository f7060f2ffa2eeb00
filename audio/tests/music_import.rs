//! The music library and playlists, through the core's public API, with real
//! audio files (the committed fixtures) copied into temporary folders.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use refrain_audio::music_import;
use refrain_core::model::*;
use refrain_core::Store;
use tempfile::TempDir;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .map(|e| {
                    music_import::AUDIO_EXTENSIONS
                        .contains(&e.to_string_lossy().to_lowercase().as_str())
                })
                .unwrap_or(false)
        })
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "expected a fixture per format in {}",
        dir.display()
    );
    files
}

fn store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(&dir.path().join("data")).unwrap();
    (dir, store)
}

fn import(store: &mut Store, paths: &[PathBuf]) -> ImportReport {
    let library = store.library_dir();
    let never = AtomicBool::new(false);
    music_import::import(paths, &library, &never, |_| {}, |p| store.add_track(p)).unwrap()
}

/// A folder as a therapist's USB stick might hold it: every fixture, a copy
/// of one under another name, a text file posing as an MP3, a truncated FLAC
/// and a file that isn't music at all in a subfolder.
fn usb_stick(root: &Path) -> PathBuf {
    let stick = root.join("stick");
    std::fs::create_dir_all(stick.join("More songs")).unwrap();
    for f in fixtures() {
        std::fs::copy(&f, stick.join(f.file_name().unwrap())).unwrap();
    }
    let first = &fixtures()[0];
    let ext = first.extension().unwrap().to_string_lossy().into_owned();
    std::fs::copy(first, stick.join(format!("Copy of the first song.{ext}"))).unwrap();
    std::fs::write(stick.join("Shopping list.mp3"), "eggs, milk, tea bags\n").unwrap();
    let flac = fixtures()
        .into_iter()
        .find(|p| p.extension().unwrap() == "flac")
        .unwrap();
    let bytes = std::fs::read(&flac).unwrap();
    std::fs::write(
        stick.join("More songs/Broken.flac"),
        &bytes[..bytes.len().min(60)],
    )
    .unwrap();
    std::fs::write(stick.join("More songs/notes.txt"), "not music").unwrap();
    stick
}

#[test]
fn a_file_cut_short_is_added_at_its_full_length_and_flagged_as_maybe_damaged() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (_dir, mut store) = store();
    // The first 20 KB of a 1.1 MB FLAC of 12 s (fixtures' make.sh).
    let cut = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio/damaged/que-sera-cut.flac");
    assert_eq!(std::fs::metadata(&cut).unwrap().len(), 20_480);
    let report = import(&mut store, &[cut]);
    assert_eq!(report.refused, [], "accepted");
    assert_eq!(report.imported.len(), 1);
    let track = &report.imported[0];
    assert_eq!(track.title, "Que Sera, Sera");
    // Listed at the length its header gives.
    assert_eq!(track.duration_ms, Some(12_000));
    // And flagged: only a fifth of a second is there.
    assert_eq!(report.may_be_damaged.len(), 1);
    let flag = &report.may_be_damaged[0];
    assert_eq!(flag.track_id, track.id);
    assert_eq!(flag.listed_ms, 12_000);
    assert!((150..=260).contains(&flag.readable_ms), "{flag:?}");
    assert_eq!(
        flag.message,
        "que-sera-cut.flac may be damaged: only 0:00.2 could be read (it says 0:12)."
    );
    assert_eq!(music_import::length_words(12_000), "0:12");
    assert_eq!(music_import::length_words(185_400), "3:05");
    assert_eq!(music_import::length_words(0), "0:00.0");
}

#[test]
fn a_folder_import_reports_every_file_and_one_bad_file_stops_nothing() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (dir, mut store) = store();
    let stick = usb_stick(dir.path());
    let mut seen = Vec::new();
    let library_dir = store.library_dir();
    let never = AtomicBool::new(false);
    let report = music_import::import(
        std::slice::from_ref(&stick),
        &library_dir,
        &never,
        |p| seen.push(p),
        |p| store.add_track(p),
    )
    .unwrap();

    let n = fixtures().len();
    assert_eq!(report.imported.len(), n);
    assert_eq!(
        report.already_there.len(),
        1,
        "the renamed copy is the same music"
    );
    let mut refused: Vec<(&str, RefusalReason)> = report
        .refused
        .iter()
        .map(|r| (r.file_name.as_str(), r.reason))
        .collect();
    refused.sort_by_key(|r| r.0);
    assert_eq!(refused.len(), 2, "{:?}", report.refused);
    assert_eq!(refused[0].0, "Broken.flac");
    assert!(matches!(
        refused[0].1,
        RefusalReason::Corrupt | RefusalReason::NotAudio
    ));
    assert_eq!(refused[1], ("Shopping list.mp3", RefusalReason::NotAudio));
    assert_eq!(report.may_be_damaged, [], "whole files are not flagged");
    assert!(report.refused.iter().all(|r| !r.message.is_empty()));
    assert!(!report.cancelled);
    // notes.txt is not an audio file name, so a folder import passes over it.
    assert_eq!(seen.last().unwrap().done, seen.last().unwrap().total);
    assert_eq!(seen.last().unwrap().total as usize, n + 3);

    // Every track is in the library, under its content hash, once.
    let tracks = store.list_tracks("", "").unwrap();
    assert_eq!(tracks.len(), n);
    let copies: Vec<_> = std::fs::read_dir(&library_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(copies.len(), n, "{copies:?}");
    assert!(tracks
        .iter()
        .all(|t| !t.missing && t.duration_ms.unwrap_or(0) > 0));

    // The USB stick can go: the library keeps playing from its copies.
    std::fs::remove_dir_all(&stick).unwrap();
    for t in &tracks {
        assert!(store.track_path(&t.id).unwrap().is_file());
    }

    // Importing again adds nothing new.
    let again = import(&mut store, &fixtures());
    assert_eq!((again.imported.len(), again.already_there.len()), (0, n));
}

#[test]
fn a_track_whose_file_is_gone_is_shown_missing() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (_dir, mut store) = store();
    let report = import(&mut store, &fixtures()[..1]);
    let track = &report.imported[0];
    std::fs::remove_file(store.track_path(&track.id).unwrap()).unwrap();
    let listed = store.list_tracks("", "").unwrap();
    assert!(listed[0].missing);
    assert!(store.track(&track.id).unwrap().missing);
}

#[test]
fn a_cancelled_import_stops_between_files() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (_dir, mut store) = store();
    let library_dir = store.library_dir();
    let cancel = AtomicBool::new(false);
    let report = music_import::import(
        &fixtures(),
        &library_dir,
        &cancel,
        |p| {
            if p.done >= 1 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
        |p| store.add_track(p),
    )
    .unwrap();
    assert!(report.cancelled);
    assert!(report.imported.len() < fixtures().len());
    assert_eq!(
        store.list_tracks("", "").unwrap().len(),
        report.imported.len()
    );
}

#[test]
fn a_file_without_a_title_is_named_after_its_file() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (dir, mut store) = store();
    let wav = fixtures()
        .into_iter()
        .find(|p| p.extension().unwrap() == "wav")
        .unwrap();
    let renamed = dir.path().join("Pack Up Your Troubles.wav");
    std::fs::copy(&wav, &renamed).unwrap();
    let report = import(&mut store, &[renamed]);
    let t = &report.imported[0];
    assert!(!t.title.trim().is_empty());
    if refrain_audio::probe(&wav).unwrap().title.is_none() {
        assert_eq!(t.title, "Pack Up Your Troubles");
    }
}

#[test]
fn tracks_are_found_by_title_artist_and_tag() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (_dir, mut store) = store();
    let tracks = import(&mut store, &fixtures()).imported;
    let t = &tracks[0];
    let tagged = store
        .set_track_tags(
            &t.id,
            &[
                " Warm-up ".into(),
                "1950s".into(),
                "warm-up".into(),
                "".into(),
            ],
        )
        .unwrap();
    assert_eq!(tagged.tags, ["1950s", "warm-up"]);
    assert_eq!(store.list_tags().unwrap(), ["1950s", "warm-up"]);
    let by_tag = store.list_tracks("", "WARM-UP").unwrap();
    assert_eq!(by_tag.iter().map(|t| &t.id).collect::<Vec<_>>(), [&t.id]);
    let needle: String = t.title.chars().skip(1).take(4).collect();
    assert!(store
        .list_tracks(&needle.to_uppercase(), "")
        .unwrap()
        .iter()
        .any(|x| x.id == t.id));
    assert!(store
        .list_tracks("no such song anywhere", "")
        .unwrap()
        .is_empty());

    store.archive_track(&t.id).unwrap();
    assert!(store
        .list_tracks("", "")
        .unwrap()
        .iter()
        .all(|x| x.id != t.id));
    // Importing the same file again brings it back.
    let again = import(&mut store, &fixtures());
    assert!(again.already_there.iter().any(|x| x.id == t.id));
    assert!(store
        .list_tracks("", "")
        .unwrap()
        .iter()
        .any(|x| x.id == t.id));
}

fn group_and_person(store: &mut Store) -> (Group, Attendee) {
    let group = store
        .create_group(&GroupInput {
            name: "Thursday Singing".into(),
            weekday: Some(Weekday::Thursday),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap();
    let person = store
        .create_attendee(&AttendeeInput {
            full_name: "Margaret Ellis".into(),
            ..Default::default()
        })
        .unwrap();
    (group, person)
}

#[test]
fn setlists_keep_their_order_notes_and_sessions() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (_dir, mut store) = store();
    let tracks = import(&mut store, &fixtures()).imported;
    let (group, _) = group_and_person(&mut store);

    let err = store
        .create_playlist(
            PlaylistKind::Setlist,
            &PlaylistInput {
                name: "Warm-ups".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("groupId"));
    let err = store
        .create_playlist(
            PlaylistKind::Setlist,
            &PlaylistInput {
                name: " ".into(),
                group_id: Some(group.id.clone()),
                attendee_id: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("name"));

    let setlist = store
        .create_playlist(
            PlaylistKind::Setlist,
            &PlaylistInput {
                name: "Warm-ups".into(),
                group_id: Some(group.id.clone()),
                attendee_id: None,
            },
        )
        .unwrap();
    for (i, t) in tracks.iter().take(4).enumerate() {
        store
            .add_to_playlist(&setlist.id, &t.id, &format!("note {i}"))
            .unwrap();
    }
    let order = |p: &Playlist| p.entries.iter().map(|e| e.note.clone()).collect::<Vec<_>>();
    let p = store.playlist(&setlist.id).unwrap();
    assert_eq!(order(&p), ["note 0", "note 1", "note 2", "note 3"]);

    // Move the last to the top, then the top to past the end.
    let p = store.move_playlist_entry(&p.entries[3].id, 0).unwrap();
    assert_eq!(order(&p), ["note 3", "note 0", "note 1", "note 2"]);
    let p = store.move_playlist_entry(&p.entries[0].id, 99).unwrap();
    assert_eq!(order(&p), ["note 0", "note 1", "note 2", "note 3"]);
    let p = store.move_playlist_entry(&p.entries[1].id, 2).unwrap();
    assert_eq!(order(&p), ["note 0", "note 2", "note 1", "note 3"]);
    assert_eq!(
        p.entries.iter().map(|e| e.position).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );

    let p = store
        .set_entry_note(&p.entries[0].id, "Sings along, key of G")
        .unwrap();
    assert_eq!(p.entries[0].note, "Sings along, key of G");
    let p = store.remove_from_playlist(&p.entries[1].id).unwrap();
    assert_eq!(order(&p), ["Sings along, key of G", "note 1", "note 3"]);
    assert_eq!(
        p.entries.iter().map(|e| e.position).collect::<Vec<_>>(),
        [0, 1, 2]
    );

    // Attach to a session of the group; another group's setlist is refused.
    let session = store
        .create_session(&SessionInput {
            group_id: group.id.clone(),
            date: "2025-03-06".into(),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap();
    let s = store
        .attach_setlist(&session.id, Some(&setlist.id))
        .unwrap();
    assert_eq!(s.setlist_name.as_deref(), Some("Warm-ups"));
    let other = store
        .create_group(&GroupInput {
            name: "Drop-in".into(),
            ..Default::default()
        })
        .unwrap();
    let theirs = store
        .create_playlist(
            PlaylistKind::Setlist,
            &PlaylistInput {
                name: "Theirs".into(),
                group_id: Some(other.id.clone()),
                attendee_id: None,
            },
        )
        .unwrap();
    assert_eq!(
        store
            .attach_setlist(&session.id, Some(&theirs.id))
            .unwrap_err()
            .field(),
        Some("playlistId")
    );

    let listed = store
        .list_playlists(Some(PlaylistKind::Setlist), Some(&group.id), None)
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].track_count, 3);
    assert!(listed[0].duration_ms > 0);

    // Archiving the setlist lets go of it on the session.
    store.archive_playlist(&setlist.id).unwrap();
    assert_eq!(store.session(&session.id).unwrap().setlist_id, None);
    assert_eq!(store.playlist(&setlist.id).unwrap_err().code(), "not_found");
}

#[test]
fn a_person_has_their_own_playlists() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (_dir, mut store) = store();
    let tracks = import(&mut store, &fixtures()).imported;
    let (_, person) = group_and_person(&mut store);
    let err = store
        .create_playlist(
            PlaylistKind::Personal,
            &PlaylistInput {
                name: "Mine".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("attendeeId"));
    let mine = store
        .create_playlist(
            PlaylistKind::Personal,
            &PlaylistInput {
                name: "Peggy's songs".into(),
                group_id: None,
                attendee_id: Some(person.id.clone()),
            },
        )
        .unwrap();
    store
        .add_to_playlist(&mine.id, &tracks[1].id, "Her wedding song")
        .unwrap();
    let listed = store
        .list_playlists(Some(PlaylistKind::Personal), None, Some(&person.id))
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].attendee_name.as_deref(), Some("Margaret Ellis"));
    assert_eq!(
        store
            .list_playlists(Some(PlaylistKind::Setlist), None, None)
            .unwrap()
            .len(),
        0
    );
    let renamed = store
        .rename_playlist(&mine.id, "Peggy's favourites")
        .unwrap();
    assert_eq!(renamed.name, "Peggy's favourites");
    assert_eq!(renamed.entries[0].track.id, tracks[1].id);
}

#[test]
fn the_sample_data_brings_the_sample_music_a_setlist_and_a_personal_playlist() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (_dir, mut store) = store();
    let today = chrono::NaiveDate::from_ymd_opt(2025, 3, 12).unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/music");
    refrain_audio::music_import::seed_demo(&mut store, today, Some(&samples)).unwrap();

    // Every sample song, with the tags the generator wrote into it.
    let tracks = store.list_tracks("", "").unwrap();
    let mut titles: Vec<&str> = tracks.iter().map(|t| t.title.as_str()).collect();
    titles.sort();
    assert_eq!(
        titles,
        [
            "Daisy Bell (A Bicycle Built for Two)",
            "It's a Long Way to Tipperary",
            "My Bonnie Lies Over the Ocean",
            "Oh! Susanna"
        ]
    );
    let daisy = tracks
        .iter()
        .find(|t| t.title.starts_with("Daisy"))
        .unwrap();
    assert_eq!(
        (daisy.artist.as_str(), daisy.year, daisy.format.as_str()),
        ("Harry Dacre", Some(1892), "ogg")
    );
    let formats: std::collections::BTreeSet<&str> =
        tracks.iter().map(|t| t.format.as_str()).collect();
    assert_eq!(
        formats.into_iter().collect::<Vec<_>>(),
        ["flac", "ogg", "wav"]
    );

    // The singing group's setlist, in its planned order with notes, on every
    // coming session and on none of the past ones.
    let groups = store.list_groups(false).unwrap();
    let singing = groups
        .iter()
        .find(|g| g.name == "Thursday Singing for the Brain")
        .unwrap();
    let setlists = store
        .list_playlists(Some(PlaylistKind::Setlist), Some(&singing.id), None)
        .unwrap();
    assert_eq!(setlists.len(), 1);
    let setlist = store.playlist(&setlists[0].id).unwrap();
    assert!(setlist.entries[0].track.title.starts_with("Daisy Bell"));
    assert!(setlist.entries.iter().all(|e| !e.note.is_empty()));
    assert_eq!(setlist.entries.len(), 4);
    let sessions = store.sessions_of_group(&singing.id, 100).unwrap();
    assert!(sessions.iter().any(|s| s.date.as_str() >= "2025-03-12"));
    for s in &sessions {
        let expected = (s.date.as_str() >= "2025-03-12").then(|| setlist.id.clone());
        assert_eq!(s.setlist_id, expected, "session on {}", s.date);
    }

    // One member has their own playlist, shown on their page.
    let personal = store
        .list_playlists(Some(PlaylistKind::Personal), None, None)
        .unwrap();
    assert_eq!(personal.len(), 1);
    assert!(personal[0].track_count >= 1);
    assert!(personal[0].name.ends_with("'s songs"));
}
