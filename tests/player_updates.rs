//! What the player's state events carry to the window: every change, but a
//! moving position only once per second shown (`music::WindowUpdates`).

use refrain_app::music::WindowUpdates;
use refrain_core::model::{PlayerState, PlayerStatus, Track};

fn song(id: &str) -> Track {
    Track {
        id: id.into(),
        title: format!("Song {id}"),
        artist: "Harry Dacre".into(),
        album: String::new(),
        year: None,
        duration_ms: Some(154_000),
        sample_rate: Some(44_100),
        channels: Some(2),
        format: "ogg".into(),
        original_name: format!("{id}.ogg"),
        tags: vec![],
        missing: false,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}

fn playing(position_ms: u32) -> PlayerState {
    PlayerState {
        status: PlayerStatus::Playing,
        track: Some(song("a")),
        position_ms,
        duration_ms: Some(154_000),
        volume: 0.8,
        looping: false,
        queue_index: Some(0),
        queue_length: 3,
        queue_name: "Thursday setlist".into(),
        message: None,
    }
}

/// The player's reports while playing: one every 200 ms.
#[test]
fn a_playing_song_reaches_the_window_once_a_second() {
    let mut updates = WindowUpdates::default();
    let sent: Vec<u32> = (0..=50)
        .map(|i| 40 + i * 200)
        .filter(|&ms| updates.wants(&playing(ms)))
        .collect();
    // The first report, then the first report of each new second.
    assert_eq!(
        sent,
        [40, 1040, 2040, 3040, 4040, 5040, 6040, 7040, 8040, 9040, 10040]
    );
}

#[test]
fn every_other_change_reaches_the_window_at_once() {
    let mut updates = WindowUpdates::default();
    assert!(updates.wants(&playing(1_000)));
    assert!(
        !updates.wants(&playing(1_200)),
        "same second, nothing else new"
    );

    let paused = PlayerState {
        status: PlayerStatus::Paused,
        ..playing(1_400)
    };
    assert!(updates.wants(&paused), "pause");
    assert!(!updates.wants(&paused.clone()), "the same state again");

    let changes = [
        PlayerState {
            volume: 0.5,
            ..paused.clone()
        },
        PlayerState {
            looping: true,
            ..paused.clone()
        },
        PlayerState {
            track: Some(song("b")),
            queue_index: Some(1),
            ..paused.clone()
        },
        PlayerState {
            message: Some("That file is missing.".into()),
            ..paused.clone()
        },
        PlayerState {
            status: PlayerStatus::NoOutput,
            ..paused.clone()
        },
    ];
    for (i, change) in changes.iter().enumerate() {
        assert!(updates.wants(change), "change {i} should be sent");
        assert!(updates.wants(&paused), "and back, {i}");
    }
    // A seek back within the same second is not shown; one to another second is.
    assert!(!updates.wants(&PlayerState {
        position_ms: 1_000,
        ..paused.clone()
    }));
    assert!(updates.wants(&PlayerState {
        position_ms: 90_000,
        ..paused.clone()
    }));
}
