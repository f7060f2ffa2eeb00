//! A hand-over pack of real music: every song copied into the pack decodes,
//! whole, to the length the library lists, in the playlist's order (FLAC,
//! Ogg Vorbis, AAC and Apple Lossless in MP4, MP3, WAV).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use refrain_audio::{music_import, probe, TrackDecoder};
use refrain_core::handover;
use refrain_core::model::*;
use refrain_core::Store;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio");
    let mut files: Vec<PathBuf> = [
        "daisy-bell.flac",
        "frere-jacques.ogg",
        "harvest-moon.m4a",
        // Apple Lossless (ALAC) in MP4, as iTunes libraries hold it.
        "moon-river.m4a",
        "tipperary.mp3",
        "untitled-tone.wav",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect();
    files.reverse();
    files
}

#[test]
fn every_song_in_a_pack_decodes_to_its_full_length_in_the_playlists_order() {
    let _shared = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_dir(&dir.path().join("data")).unwrap();
    let library = store.library_dir();
    let never = AtomicBool::new(false);
    let report = music_import::import(
        &fixtures(),
        &library,
        &never,
        |_| {},
        |p| store.add_track(p),
    )
    .unwrap();
    assert_eq!(report.imported.len(), 6, "{report:?}");
    let person = store
        .create_attendee(&AttendeeInput {
            full_name: "Margaret Hughes".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let playlist = store
        .create_playlist(
            PlaylistKind::Personal,
            &PlaylistInput {
                name: "Evening".into(),
                group_id: None,
                attendee_id: Some(person),
            },
        )
        .unwrap();
    // The playlist's own order, not the import's.
    let mut tracks = report.imported.clone();
    tracks.sort_by(|a, b| b.title.cmp(&a.title));
    for t in &tracks {
        store.add_to_playlist(&playlist.id, &t.id, "").unwrap();
    }
    let pack = handover::prepare(
        &store,
        &HandoverInput {
            playlist_id: playlist.id.clone(),
            if_upset: "Stop the music".into(),
            contact: "Sam, 01632 960 555".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let stick = tempfile::tempdir().unwrap();
    let folder = PathBuf::from(pack.write_to(stick.path()).unwrap().folder);

    let m3u = std::fs::read_to_string(folder.join(handover::M3U_NAME)).unwrap();
    let listed: Vec<&str> = m3u.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(listed.len(), tracks.len());
    for (i, (name, t)) in listed.iter().zip(&tracks).enumerate() {
        assert!(name.starts_with(&format!("{:02} ", i + 1)), "{name}");
        let file = folder.join(name);
        // The same music, tags and all.
        let info = probe(&file).unwrap();
        assert_eq!(
            info.title.as_deref().unwrap_or(""),
            if t.title == "untitled-tone" {
                ""
            } else {
                &t.title
            },
            "{name}"
        );
        // Decoded to its end, without an error, to the length listed.
        let mut d = TrackDecoder::open(&file).unwrap();
        let rate = f64::from(d.sample_rate_hz());
        let ch = usize::from(d.channel_count());
        let samples = d.by_ref().count();
        assert!(d.error().is_none(), "{name}: {:?}", d.error());
        let ms = (samples / ch) as f64 * 1000.0 / rate;
        let listed_ms = f64::from(t.duration_ms.unwrap());
        // AAC in MP4 keeps its encoder's priming (about 45 ms more).
        assert!(
            (ms - listed_ms).abs() <= 50.0,
            "{name}: decoded {ms:.0} ms, listed {listed_ms} ms"
        );
        assert!(ms >= 990.0, "{name}: {ms:.0} ms");
    }
}
