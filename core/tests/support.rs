//! Fixtures shared by the core's tests.

use refrain_core::model::{
    Group, NewTrack, Playlist, PlaylistInput, PlaylistKind, Session, SessionInput, Track,
};
use refrain_core::Store;
use tempfile::TempDir;

/// A new, empty store in its own temporary folder (kept as long as the
/// `TempDir` lives).
pub fn store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    (dir, store)
}

/// A session of `group` on `date` (`YYYY-MM-DD`), 10:30 to 12:00.
pub fn session_on(store: &mut Store, group: &Group, date: &str) -> Session {
    store
        .create_session(&SessionInput {
            group_id: group.id.clone(),
            date: date.into(),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap()
}

/// A track in the library (its file is not there: the store only records
/// it), with a content hash made from its title and artist.
pub fn track(store: &mut Store, title: &str, artist: &str, year: Option<i32>) -> Track {
    let hash: String = format!("{title}|{artist}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    store
        .add_track(&NewTrack {
            title: title.into(),
            artist: artist.into(),
            album: String::new(),
            year,
            duration_ms: Some(60_000),
            sample_rate: Some(48_000),
            channels: Some(2),
            format: "ogg".into(),
            original_name: format!("{title}.ogg"),
            content_hash: hash.clone(),
            file_name: format!("{hash}.ogg"),
            size_bytes: 1000,
        })
        .unwrap()
        .0
}

/// A playlist of `kind` for a group or a person, holding `tracks` in order.
pub fn playlist_of(
    store: &mut Store,
    kind: PlaylistKind,
    owner: &str,
    name: &str,
    tracks: &[&Track],
) -> Playlist {
    let (group_id, attendee_id) = match kind {
        PlaylistKind::Setlist => (Some(owner.to_string()), None),
        PlaylistKind::Personal => (None, Some(owner.to_string())),
    };
    let list = store
        .create_playlist(
            kind,
            &PlaylistInput {
                name: name.into(),
                group_id,
                attendee_id,
            },
        )
        .unwrap();
    for t in tracks {
        store.add_to_playlist(&list.id, &t.id, "").unwrap();
    }
    store.playlist(&list.id).unwrap()
}
