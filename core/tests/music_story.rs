//! A person's music life story and the music they must not hear: kept like a
//! clinical record, and the avoid rule flagged wherever music is chosen.

use chrono::Datelike;
use refrain_core::avoid;
use refrain_core::model::{
    AttendeeInput, AuditAction, AuditFilter, AvoidEntry, AvoidFlag, AvoidInput, AvoidKind, Group,
    GroupInput, Mark, MusicStoryInput, PlaylistKind, PractitionerInput,
};
use refrain_core::store::today;
use refrain_core::Store;

use crate::support::{playlist_of, session_on, store, track};

fn person(store: &mut Store, name: &str, dob: &str) -> String {
    store
        .create_attendee(&AttendeeInput {
            full_name: name.into(),
            date_of_birth: dob.into(),
            ..Default::default()
        })
        .unwrap()
        .id
}

/// Each flag as (song, whose list, why), in order.
fn title_whose_why(flags: &[AvoidFlag]) -> Vec<(&str, &str, &str)> {
    flags
        .iter()
        .map(|f| {
            (
                f.track_title.as_str(),
                f.attendee_name.as_str(),
                f.entry.why.as_str(),
            )
        })
        .collect()
}

/// A group with only its name.
fn new_group(store: &mut Store, name: &str) -> Group {
    store
        .create_group(&GroupInput {
            name: name.into(),
            ..Default::default()
        })
        .unwrap()
}

fn entry(kind: AvoidKind, track_id: Option<&str>, title: &str, artist: &str) -> AvoidEntry {
    AvoidEntry {
        id: "v".into(),
        attendee_id: "a".into(),
        kind,
        track_id: track_id.map(str::to_string),
        title: title.into(),
        artist: artist.into(),
        why: "why".into(),
        created_at: String::new(),
    }
}

fn song(title: &str, artist: &str, why: &str) -> AvoidInput {
    AvoidInput {
        kind: AvoidKind::Song,
        track_id: None,
        title: title.into(),
        artist: artist.into(),
        why: why.into(),
    }
}

fn artist(name: &str, why: &str) -> AvoidInput {
    AvoidInput {
        kind: AvoidKind::Artist,
        track_id: None,
        title: String::new(),
        artist: name.into(),
        why: why.into(),
    }
}

#[test]
fn the_avoid_rule_matches_by_track_by_artist_and_by_title_and_artist_as_typed() {
    // By track: that track, whatever its title says.
    let by_track = entry(AvoidKind::Song, Some("T1"), "Danny Boy", "Bing Crosby");
    assert!(avoid::matches(&by_track, "T1", "Londonderry Air", ""));
    // ...and the same song imported again under another id.
    assert!(avoid::matches(&by_track, "T2", "Danny Boy", "Bing Crosby"));
    assert!(!avoid::matches(&by_track, "T3", "Danny Boy", "Jim Reeves"));

    // As typed: case, accents, punctuation, a leading "The" and a bracketed
    // part of the title do not count.
    let typed = entry(AvoidKind::Song, None, "la vie en rose", "Edith Piaf");
    assert!(avoid::matches(
        &typed,
        "X",
        "La Vie en Rose (Remastered 2009)",
        "Édith Piaf"
    ));
    assert!(avoid::matches(
        &typed,
        "X",
        "La vie en rose",
        "Édith Piaf & Les Compagnons"
    ));
    assert!(!avoid::matches(
        &typed,
        "X",
        "La vie en rose",
        "Louis Armstrong"
    ));
    assert!(!avoid::matches(
        &typed,
        "X",
        "Non, je ne regrette rien",
        "Édith Piaf"
    ));
    // A title typed without an artist: whoever sings it.
    let any_singer = entry(AvoidKind::Song, None, "Danny Boy", "");
    assert!(avoid::matches(&any_singer, "X", "DANNY BOY", "Jim Reeves"));
    assert!(!avoid::matches(&any_singer, "X", "Danny", "Jim Reeves"));

    // By artist: alone or credited with others, but not a name inside another.
    let crooner = entry(AvoidKind::Artist, None, "", "The Ink Spots");
    assert!(avoid::matches(&crooner, "X", "Java Jive", "Ink Spots"));
    assert!(avoid::matches(
        &crooner,
        "X",
        "Into Each Life",
        "Ella Fitzgerald and the Ink Spots"
    ));
    assert!(avoid::matches(
        &crooner,
        "X",
        "Song",
        "Ella Fitzgerald feat. The Ink Spots"
    ));
    let lynn = entry(AvoidKind::Artist, None, "", "Vera Lynn");
    assert!(avoid::matches(
        &lynn,
        "X",
        "We'll Meet Again",
        "Vera Lynn, Mantovani"
    ));
    assert!(!avoid::matches(&lynn, "X", "Tell Laura", "Lynn Anderson"));
    assert!(!avoid::matches(
        &entry(AvoidKind::Artist, None, "", "Lynn"),
        "X",
        "S",
        "Vera Lynn"
    ));
}

#[test]
fn the_life_story_gives_the_reminiscence_years_from_the_date_of_birth_or_a_year_alone() {
    let (_dir, mut store) = store();
    let dolly = person(&mut store, "Dolores Byrne", "1941-05-02");
    let story = store.music_story(&dolly).unwrap();
    assert_eq!(story.birth_year, Some(1941));
    assert!(story.birth_year_from_date_of_birth);
    assert_eq!(
        (story.reminiscence_from, story.reminiscence_to),
        (Some(1951), Some(1971))
    );
    assert_eq!(story.updated_at, None, "nothing recorded yet");

    // A year that disagrees with the date of birth is refused beside the
    // field, and nothing is written.
    let err = store
        .save_music_story(
            &dolly,
            &MusicStoryInput {
                birth_year: "1938".into(),
                places: "Cork".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("invalid", Some("birthYear")));
    assert!(err.to_string().contains("1941"), "{err}");
    assert_eq!(store.music_story(&dolly).unwrap().updated_at, None);

    // Only a year known.
    let sid = person(&mut store, "Sidney Okoro", "");
    for bad in ["41", "nineteen", "1849", &(today().year() + 1).to_string()] {
        let err = store
            .save_music_story(
                &sid,
                &MusicStoryInput {
                    birth_year: bad.into(),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("birthYear"), "{bad}");
    }
    let story = store
        .save_music_story(
            &sid,
            &MusicStoryInput {
                birth_year: " 1936 ".into(),
                places: "Grew up in Lagos; moved to Leeds in 1958".into(),
                languages: "Yoruba, English".into(),
                music_meant: "Played trumpet in a highlife band; danced every Saturday".into(),
                favourite_genres: "Highlife, jazz".into(),
                favourite_artists: "E.T. Mensah, Louis Armstrong".into(),
                favourite_songs: "All for You\nWhat a Wonderful World".into(),
                how_they_listen: "Speaker, loud; hearing aids in; his daughter presses play".into(),
            },
        )
        .unwrap();
    assert_eq!(story.birth_year, Some(1936));
    assert!(!story.birth_year_from_date_of_birth);
    assert_eq!(
        (story.reminiscence_from, story.reminiscence_to),
        (Some(1946), Some(1966))
    );
    assert_eq!(story.favourite_songs, "All for You\nWhat a Wonderful World");
    assert!(story.updated_at.is_some());
    assert_eq!(store.music_story(&sid).unwrap(), story);
}

#[test]
fn the_avoid_list_needs_a_reason_and_is_one_persons_own() {
    let (_dir, mut store) = store();
    let dolly = person(&mut store, "Dolores Byrne", "1941-05-02");
    let arthur = person(&mut store, "Arthur Bennett", "");
    let danny = track(&mut store, "Danny Boy", "Bing Crosby", Some(1941));

    let err = store
        .add_avoid(&dolly, &song("Danny Boy", "", "  "))
        .unwrap_err();
    assert_eq!(err.field(), Some("why"));
    let err = store
        .add_avoid(&dolly, &song("", "Bing", "sad"))
        .unwrap_err();
    assert_eq!(err.field(), Some("title"));
    let err = store.add_avoid(&dolly, &artist(" ", "sad")).unwrap_err();
    assert_eq!(err.field(), Some("artist"));
    assert!(store.music_story(&dolly).unwrap().avoid.is_empty());

    let story = store
        .add_avoid(
            &dolly,
            &AvoidInput {
                kind: AvoidKind::Song,
                track_id: Some(danny.id.clone()),
                title: String::new(),
                artist: String::new(),
                why: "Sung at her husband's funeral".into(),
            },
        )
        .unwrap();
    // The track's title and artist are kept with the entry.
    assert_eq!(story.avoid.len(), 1);
    assert_eq!(story.avoid[0].title, "Danny Boy");
    assert_eq!(story.avoid[0].artist, "Bing Crosby");
    assert_eq!(story.avoid[0].track_id.as_deref(), Some(danny.id.as_str()));
    // Once is enough.
    let err = store
        .add_avoid(&dolly, &song("danny boy", "Bing Crosby", "again"))
        .unwrap_err();
    assert_eq!(err.code(), "conflict");

    let story = store
        .add_avoid(&dolly, &artist("Al Bowlly", "Crooners upset her"))
        .unwrap();
    assert_eq!(story.avoid.len(), 2);
    // Nothing of Dolores's list is on Arthur's story.
    assert!(store.music_story(&arthur).unwrap().avoid.is_empty());

    // Taking one off keeps the others.
    let story = store.remove_avoid(&story.avoid[0].id).unwrap();
    assert_eq!(story.avoid.len(), 1);
    assert_eq!(story.avoid[0].artist, "Al Bowlly");
    let err = store.remove_avoid("no-such-entry").unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[test]
fn the_story_is_audited_exported_and_erased_with_the_person() {
    let (dir, mut store) = store();
    let p = store
        .create_practitioner(&PractitionerInput {
            name: "Sam Okafor".into(),
            hcpc_number: "AS12345".into(),
        })
        .unwrap();
    store.set_actor(Some(p.id.clone()));
    let dolly = person(&mut store, "Dolores Byrne", "1941-05-02");
    store
        .save_music_story(
            &dolly,
            &MusicStoryInput {
                places: "Grew up in Cobh".into(),
                favourite_songs: "The Isle of Innisfree".into(),
                ..Default::default()
            },
        )
        .unwrap();
    store
        .save_music_story(
            &dolly,
            &MusicStoryInput {
                places: "Grew up in Cobh, lived in Kilburn".into(),
                favourite_songs: "The Isle of Innisfree".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let story = store
        .add_avoid(
            &dolly,
            &song("Danny Boy", "", "Sung at her husband's funeral"),
        )
        .unwrap();
    store.remove_avoid(&story.avoid[0].id).unwrap();
    store
        .add_avoid(&dolly, &artist("Al Bowlly", "Crooners upset her"))
        .unwrap();

    // Audited: who did what to which record, never the words.
    let trail = store.person_audit(&dolly).unwrap();
    let actions = |what: &str| -> Vec<AuditAction> {
        trail
            .iter()
            .filter(|e| e.what == what)
            .map(|e| e.action)
            .collect()
    };
    assert_eq!(
        actions("music life story"),
        [AuditAction::Created, AuditAction::Changed]
    );
    assert_eq!(
        actions("music to avoid"),
        [
            AuditAction::Created,
            AuditAction::Archived,
            AuditAction::Created
        ]
    );
    assert!(trail
        .iter()
        .all(|e| e.practitioner_name.as_deref() == Some("Sam Okafor")));
    let log = store
        .audit_log(&AuditFilter {
            record_id: None,
            practitioner_id: None,
            limit: 1000,
        })
        .unwrap();
    let text = format!("{log:?}").to_lowercase();
    for secret in ["cobh", "danny", "funeral", "bowlly"] {
        assert!(!text.contains(secret), "{secret} in the audit log");
    }

    // In the subject access export (the list as it stands now).
    let sar = store.subject_access(&dolly).unwrap();
    assert_eq!(sar.music_story.places, "Grew up in Cobh, lived in Kilburn");
    assert_eq!(sar.music_story.avoid.len(), 1);
    assert_eq!(sar.music_story.avoid[0].why, "Crooners upset her");
    let pdf = refrain_core::report::subject_access::document(&sar);
    let words = format!("{:?}", pdf.blocks);
    assert!(words.contains("Music life story"));
    assert!(words.contains("anything by Al Bowlly, because: Crooners upset her"));

    // Erased with the person: the rows go, and nothing can be added again.
    let erasure = store.erase_attendee(&dolly, "Asked in writing").unwrap();
    assert!(
        erasure.removed.contains(&"1 music life story".to_string()),
        "{:?}",
        erasure.removed
    );
    assert!(
        erasure
            .removed
            .contains(&"2 songs or artists to avoid".to_string()),
        "{:?}",
        erasure.removed
    );
    assert_eq!(store.music_story(&dolly).unwrap_err().code(), "conflict");
    let err = store
        .add_avoid(&dolly, &artist("Al Bowlly", "again"))
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    let err = store
        .save_music_story(&dolly, &MusicStoryInput::default())
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(refrain_core::store::DB_FILE)).unwrap();
    let left: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM music_story) + (SELECT count(*) FROM music_avoid)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn music_someone_must_avoid_is_flagged_for_the_session_the_setlist_and_before_playing() {
    let (_dir, mut store) = store();
    let group = new_group(&mut store, "Thursday Singing for the Brain");
    let other_group = new_group(&mut store, "Monday Drop-in");
    let dolly = person(&mut store, "Dolores Byrne", "1941-05-02");
    let arthur = person(&mut store, "Arthur Bennett", "1938-01-01");
    let eve = person(&mut store, "Eve Carter", "1945-01-01");
    let joined = "2020-01-01";
    store.add_member(&group.id, &dolly, joined).unwrap();
    store.add_member(&group.id, &arthur, joined).unwrap();
    store.add_member(&other_group.id, &eve, joined).unwrap();

    let danny = track(&mut store, "Danny Boy", "Bing Crosby", Some(1941));
    let danny_live = track(&mut store, "Danny Boy (Live)", "Bing Crosby", Some(1950));
    let bowlly = track(
        &mut store,
        "Midnight, the Stars and You",
        "Al Bowlly & Ray Noble",
        None,
    );
    let meet = track(&mut store, "We'll Meet Again", "Vera Lynn", Some(1939));
    let setlist = playlist_of(
        &mut store,
        PlaylistKind::Setlist,
        &group.id,
        "Spring",
        &[&meet, &danny, &bowlly],
    );
    store
        .add_avoid(
            &dolly,
            &song("Danny Boy", "Bing Crosby", "Sung at her husband's funeral"),
        )
        .unwrap();
    store
        .add_avoid(&arthur, &artist("Al Bowlly", "Brings back the war"))
        .unwrap();
    // Eve is not in this group: her list is never consulted for it.
    store
        .add_avoid(
            &eve,
            &song("We'll Meet Again", "", "Her brother didn't come back"),
        )
        .unwrap();

    // The setlist editor: whose, and why, in the setlist's order.
    let flags = store.playlist_avoid_flags(&setlist.id).unwrap();
    let seen = title_whose_why(&flags);
    assert_eq!(
        seen,
        [
            (
                "Danny Boy",
                "Dolores Byrne",
                "Sung at her husband's funeral"
            ),
            (
                "Midnight, the Stars and You",
                "Arthur Bennett",
                "Brings back the war"
            ),
        ]
    );

    // The register: the session's music against who may be in the room.
    let day = refrain_core::validate::fmt_date(today());
    let session = session_on(&mut store, &group, &day);
    store
        .attach_setlist(&session.id, Some(&setlist.id))
        .unwrap();
    let flags = store.session_avoid_flags(&session.id).unwrap();
    assert_eq!(flags.len(), 2);
    // Arthur sends apologies: his list no longer matters today.
    store
        .set_mark(&session.id, &arthur, Some(Mark::Apologies))
        .unwrap();
    let flags = store.session_avoid_flags(&session.id).unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].attendee_id, dolly);

    // Before playing from the library: against today's sessions.
    let flags = store
        .play_avoid_flags(&[danny_live.id.clone(), meet.id.clone()], None)
        .unwrap();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].track_id, danny_live.id);
    assert_eq!(flags[0].attendee_name, "Dolores Byrne");
    let flags = store
        .play_avoid_flags(std::slice::from_ref(&danny.id), Some(&session.id))
        .unwrap();
    assert_eq!(flags.len(), 1);

    // Playing the setlist from the register asks first; from its third
    // track on, only what is still to come counts.
    let flags = store
        .playlist_play_avoid_flags(&setlist.id, 0, Some(&session.id))
        .unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].track_id, danny.id);
    assert!(store
        .playlist_play_avoid_flags(&setlist.id, 2, Some(&session.id))
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .playlist_play_avoid_flags("no-such-list", 0, None)
            .unwrap_err()
            .code(),
        "not_found"
    );

    // A personal playlist being made for Arthur: his own list, and those of
    // the people in his group (it may be played in the room).
    let his = playlist_of(
        &mut store,
        PlaylistKind::Personal,
        &arthur,
        "Arthur's songs",
        &[&bowlly, &danny, &meet],
    );
    let flags = store.playlist_avoid_flags(&his.id).unwrap();
    let whose: Vec<(&str, &str)> = flags
        .iter()
        .map(|f| (f.track_title.as_str(), f.attendee_name.as_str()))
        .collect();
    assert_eq!(
        whose,
        [
            ("Midnight, the Stars and You", "Arthur Bennett"),
            ("Danny Boy", "Dolores Byrne")
        ]
    );
}

#[test]
fn playing_a_playlist_outside_a_session_asks_about_the_people_it_is_made_for() {
    // No session today at all: playing from the playlist's own page (no
    // session given) still checks the person it is for and their group.
    let (_dir, mut store) = store();
    let group = new_group(&mut store, "Thursday Singing for the Brain");
    let margaret = person(&mut store, "Margaret Hughes", "1940-03-03");
    let dolly = person(&mut store, "Dolores Byrne", "1941-05-02");
    let eve = person(&mut store, "Eve Carter", "1945-01-01");
    store
        .add_member(&group.id, &margaret, "2020-01-01")
        .unwrap();
    store.add_member(&group.id, &dolly, "2020-01-01").unwrap();
    let danny = track(&mut store, "Danny Boy", "Bing Crosby", Some(1941));
    let meet = track(&mut store, "We'll Meet Again", "Vera Lynn", Some(1939));
    let moon = track(&mut store, "Moon River", "Andy Williams", Some(1962));
    store
        .add_avoid(
            &margaret,
            &song("Danny Boy", "", "Sung at her son's funeral"),
        )
        .unwrap();
    store
        .add_avoid(&dolly, &artist("Vera Lynn", "Brings back the war"))
        .unwrap();
    // Eve is in no group with Margaret: her list is never consulted.
    store
        .add_avoid(&eve, &song("Moon River", "", "Her late husband's song"))
        .unwrap();

    // Margaret's own playlist: her own avoid list, and Dolly's (in her group).
    let hers = playlist_of(
        &mut store,
        PlaylistKind::Personal,
        &margaret,
        "Margaret's songs",
        &[&moon, &danny, &meet],
    );
    let flags = store.playlist_play_avoid_flags(&hers.id, 0, None).unwrap();
    let whose = title_whose_why(&flags);
    assert_eq!(
        whose,
        [
            ("Danny Boy", "Margaret Hughes", "Sung at her son's funeral"),
            ("We'll Meet Again", "Dolores Byrne", "Brings back the war"),
        ]
    );
    // From the third song on, only what is still to come counts.
    let flags = store.playlist_play_avoid_flags(&hers.id, 2, None).unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].track_id, meet.id);
    // Going back from there to Danny Boy (Previous) asks about it, against
    // the same people; as a lone song, with no one in a room today, nobody.
    let flags = store
        .going_back_avoid_flags(&danny.id, Some(&hers.id), None)
        .unwrap();
    assert_eq!(
        title_whose_why(&flags),
        [("Danny Boy", "Margaret Hughes", "Sung at her son's funeral")]
    );
    assert!(store
        .going_back_avoid_flags(&moon.id, Some(&hers.id), None)
        .unwrap()
        .is_empty());
    assert!(store
        .going_back_avoid_flags(&danny.id, None, None)
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .going_back_avoid_flags("no-such-track", Some(&hers.id), None)
            .unwrap_err()
            .code(),
        "not_found"
    );

    // A group's setlist on a day without a session: its members.
    let setlist = playlist_of(
        &mut store,
        PlaylistKind::Setlist,
        &group.id,
        "Spring",
        &[&danny, &moon],
    );
    let flags = store
        .playlist_play_avoid_flags(&setlist.id, 0, None)
        .unwrap();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].attendee_id, margaret);
    assert_eq!(flags[0].track_id, danny.id);

    // With a session given, the people in that room are the ones asked
    // about (the register knows who is there).
    let day = refrain_core::validate::fmt_date(today());
    let session = session_on(&mut store, &group, &day);
    store
        .set_mark(&session.id, &margaret, Some(Mark::Apologies))
        .unwrap();
    assert!(store
        .playlist_play_avoid_flags(&setlist.id, 0, Some(&session.id))
        .unwrap()
        .is_empty());
}

#[test]
fn suggestions_come_from_the_life_story_and_never_include_music_to_avoid() {
    let (_dir, mut store) = store();
    let dolly = person(&mut store, "Dolores Byrne", "1941-05-02");
    let arthur = person(&mut store, "Arthur Bennett", "");
    store
        .save_music_story(
            &dolly,
            &MusicStoryInput {
                favourite_songs: "We'll Meet Again - Vera Lynn\nLili Marlene\n\nMoon River – Andy Williams\nDanny Boy".into(),
                favourite_artists: "Vera Lynn, Al Bowlly".into(),
                favourite_genres: "Big Band; jazz".into(),
                ..Default::default()
            },
        )
        .unwrap();
    store
        .add_avoid(&dolly, &artist("Al Bowlly", "Crooners upset her"))
        .unwrap();
    store
        .add_avoid(
            &dolly,
            &song("Danny Boy", "Bing Crosby", "Her husband's funeral"),
        )
        .unwrap();
    // Arthur's list is his own: it takes nothing from Dolores's suggestions.
    store
        .add_avoid(&arthur, &artist("Vera Lynn", "The war"))
        .unwrap();

    track(&mut store, "We'll Meet Again", "Vera Lynn", Some(1939));
    track(
        &mut store,
        "The White Cliffs of Dover",
        "Vera Lynn",
        Some(1942),
    );
    track(
        &mut store,
        "Rock Around the Clock",
        "Bill Haley & His Comets",
        Some(1955),
    );
    let sera = track(&mut store, "Que Sera, Sera", "Doris Day", Some(1969));
    let mood = track(&mut store, "In the Mood", "Glenn Miller", Some(1939));
    store
        .set_track_tags(&mood.id, &["big band".to_string()])
        .unwrap();
    track(
        &mut store,
        "Midnight, the Stars and You",
        "Al Bowlly",
        Some(1957),
    );
    track(&mut store, "Wonderwall", "Oasis", Some(1995));
    let mine = playlist_of(
        &mut store,
        PlaylistKind::Personal,
        &dolly,
        "Dolly's songs",
        &[&sera],
    );

    let s = store.music_suggestions(&dolly).unwrap();
    let titles: Vec<&str> = s
        .suggestions
        .iter()
        .map(|x| x.track.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "We'll Meet Again",
            "The White Cliffs of Dover",
            "Rock Around the Clock",
            "Que Sera, Sera",
            "In the Mood"
        ]
    );
    assert_eq!(
        s.suggestions[0].reasons,
        [
            "Named as a favourite song",
            "By Vera Lynn, a favourite artist"
        ]
    );
    assert_eq!(s.suggestions[2].reasons, ["From 1955, when they were 14"]);
    assert_eq!(
        s.suggestions[4].reasons,
        ["Tagged big band, a favourite genre"]
    );
    assert!(s.suggestions[3].in_their_playlists);
    assert!(!s.suggestions[0].in_their_playlists);
    // Al Bowlly's song fits her years but is on her avoid list.
    assert_eq!(s.left_out_as_avoided, 1);
    // Named, not in the library: to find. "Danny Boy" is to be avoided, so
    // it is not looked for either.
    let to_find: Vec<(&str, &str)> = s
        .to_find
        .iter()
        .map(|n| (n.title.as_str(), n.artist.as_str()))
        .collect();
    assert_eq!(
        to_find,
        [("Lili Marlene", ""), ("Moon River", "Andy Williams")]
    );
    assert!(!mine.id.is_empty());

    // Once it is in the library, it is suggested rather than to find.
    track(&mut store, "Lili Marlene", "Lale Andersen", Some(1939));
    let s = store.music_suggestions(&dolly).unwrap();
    assert_eq!(s.to_find.len(), 1);
    assert_eq!(s.suggestions[1].track.title, "Lili Marlene");
}

fn referral(store: &mut Store, attendee: &str, received_on: &str) -> refrain_core::model::Referral {
    store
        .add_referral(&refrain_core::model::ReferralInput {
            attendee_id: attendee.into(),
            source: refrain_core::model::ReferralSource::GpLinkWorker,
            referrer_name: "Priya Shah".into(),
            referrer_organisation: "Northside PCN".into(),
            received_on: received_on.into(),
            reasons: vec![refrain_core::model::ReferralReason::DementiaOrMemoryLoss],
            reason_notes: String::new(),
        })
        .unwrap()
}

#[test]
fn a_playlist_prescription_is_tracked_waits_on_today_and_is_answered_in_the_feedback() {
    use refrain_core::model::{
        PrescriptionInput, PrescriptionPurpose as P, PrescriptionStatus as S,
    };
    let (dir, mut store) = store();
    let day = |n: i64| refrain_core::validate::fmt_date(today() - chrono::Duration::days(n));
    let dolly = store
        .create_attendee(&AttendeeInput {
            full_name: "Dolores Byrne".into(),
            consent_share_outcomes: refrain_core::model::Consent {
                given: true,
                date: None,
            },
            ..Default::default()
        })
        .unwrap()
        .id;
    let arthur = person(&mut store, "Arthur Bennett", "");
    let r = referral(&mut store, &dolly, &day(10));
    let ask = |purposes: Vec<P>, notes: &str, on: String| PrescriptionInput {
        purposes,
        purpose_notes: notes.into(),
        known_story: "Loved Irish ballads; sang in a church choir".into(),
        avoid_notes: "Nothing by Bing Crosby (her husband's funeral)".into(),
        requested_on: on,
    };

    for (input, field) in [
        (ask(vec![], "", day(9)), "purposes"),
        (ask(vec![P::Other], " ", day(9)), "purposeNotes"),
        (ask(vec![P::Calm], "", day(11)), "requestedOn"),
        (ask(vec![P::Calm], "", day(-1)), "requestedOn"),
    ] {
        let err = store.prescribe_playlist(&r.id, &input).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
    assert!(store.waiting_prescriptions().unwrap().is_empty());

    let r = store
        .prescribe_playlist(
            &r.id,
            &ask(vec![P::Sleep, P::Calm], "Before her bath at 7 pm", day(9)),
        )
        .unwrap();
    let p = r.prescription.clone().unwrap();
    assert_eq!(p.purposes, [P::Calm, P::Sleep]);
    assert_eq!(p.status, S::Requested);
    assert_eq!(p.history.len(), 1);
    assert_eq!(p.history[0].changed_on, day(9));
    let err = store
        .prescribe_playlist(&r.id, &ask(vec![P::Mood], "", day(9)))
        .unwrap_err();
    assert_eq!(err.code(), "conflict");

    // Waiting on Today, with who asked and for how long.
    let waiting = store.waiting_prescriptions().unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].attendee_name, "Dolores Byrne");
    assert_eq!(waiting[0].referred_by, "Priya Shah, Northside PCN");
    assert_eq!(waiting[0].days_waiting, 9);

    // Being built: still waiting. Its playlist must be hers.
    store
        .set_prescription_status(&p.id, S::BeingBuilt, &day(5), "Met her daughter")
        .unwrap();
    assert_eq!(store.waiting_prescriptions().unwrap().len(), 1);
    let his = playlist_of(&mut store, PlaylistKind::Personal, &arthur, "Arthur's", &[]);
    let err = store
        .set_prescription_playlist(&p.id, Some(&his.id))
        .unwrap_err();
    assert_eq!(err.field(), Some("playlistId"));
    let t = track(
        &mut store,
        "The Isle of Innisfree",
        "Bing Crosby",
        Some(1952),
    );
    let hers = playlist_of(
        &mut store,
        PlaylistKind::Personal,
        &dolly,
        "Dolly at bedtime",
        &[&t],
    );
    let r = store
        .set_prescription_playlist(&p.id, Some(&hers.id))
        .unwrap();
    assert_eq!(
        r.prescription.as_ref().unwrap().playlist_name.as_deref(),
        Some("Dolly at bedtime")
    );

    let err = store
        .set_prescription_status(&p.id, S::BeingBuilt, &day(4), "")
        .unwrap_err();
    assert_eq!(err.field(), Some("status"));
    let err = store
        .set_prescription_status(&p.id, S::Tried, &day(10), "")
        .unwrap_err();
    assert_eq!(err.field(), Some("changedOn"));
    store
        .set_prescription_status(&p.id, S::HandedOver, &day(1), "USB stick to her daughter")
        .unwrap();
    assert!(store.waiting_prescriptions().unwrap().is_empty());

    // Answered in the referrer's feedback.
    let f = store.referrer_feedback(&dolly, "Settling well.").unwrap();
    let fp = f.prescription.as_ref().unwrap();
    assert_eq!(fp.status, S::HandedOver);
    assert_eq!(
        fp.history.iter().map(|h| h.status).collect::<Vec<_>>(),
        [S::Requested, S::BeingBuilt, S::HandedOver]
    );
    assert_eq!(f.prescribed_songs, Some(1));
    let doc = format!("{:?}", refrain_core::report::referrer::document(&f).blocks);
    assert!(doc.contains("The personal playlist you asked for"), "{doc}");
    assert!(doc.contains("Calm before a hard time of day, Sleep (Before her bath at 7 pm)"));
    assert!(doc.contains("Handed over"));
    assert!(doc.contains("USB stick to her daughter"));
    assert!(doc.contains("Dolly at bedtime, 1 song"));

    // Audited, and erased with the person.
    let trail = store.person_audit(&dolly).unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.what == "playlist prescription status")
            .count(),
        3
    );
    assert!(trail.iter().any(|e| e.what == "playlist prescription"));
    store.erase_attendee(&dolly, "Asked in writing").unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(refrain_core::store::DB_FILE)).unwrap();
    let left: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM playlist_prescription)
                  + (SELECT count(*) FROM prescription_status_change)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn the_listening_log_orders_a_playlist_and_a_distressing_song_goes_onto_the_avoid_list() {
    use refrain_core::model::{ListeningInput, ListeningPlace};
    let (dir, mut store) = store();
    let dolly = person(&mut store, "Dolores Byrne", "1941-05-02");
    let a = track(&mut store, "Isle of Innisfree", "Bing Crosby", Some(1952));
    let b = track(&mut store, "Danny Boy", "Jim Reeves", Some(1959));
    let c = track(
        &mut store,
        "She Moved Through the Fair",
        "Mary O'Hara",
        Some(1956),
    );
    let d = track(&mut store, "Galway Bay", "Bing Crosby", Some(1949));
    let list = playlist_of(
        &mut store,
        PlaylistKind::Personal,
        &dolly,
        "Dolly's",
        &[&a, &b, &c, &d],
    );
    let log = |store: &mut Store, t: &str, response: Option<u8>, distress: bool, place| {
        store.log_listening(&ListeningInput {
            attendee_id: dolly.clone(),
            track_id: t.into(),
            heard_on: String::new(),
            place,
            response,
            distress,
            note: String::new(),
            session_id: None,
        })
    };

    // Nothing said, or off the scale: refused beside the response.
    let err = log(&mut store, &a.id, None, false, ListeningPlace::Session).unwrap_err();
    assert_eq!(err.field(), Some("response"));
    let err = log(&mut store, &a.id, Some(6), false, ListeningPlace::Session).unwrap_err();
    assert_eq!(err.field(), Some("response"));

    log(&mut store, &a.id, Some(2), false, ListeningPlace::Session).unwrap();
    log(&mut store, &a.id, Some(3), false, ListeningPlace::Home).unwrap();
    log(&mut store, &c.id, Some(5), false, ListeningPlace::Session).unwrap();
    let upset = log(&mut store, &b.id, Some(1), true, ListeningPlace::Home).unwrap();
    assert!(upset.distress);
    assert_eq!(upset.heard_on, refrain_core::validate::fmt_date(today()));

    let r = store.playlist_responses(&list.id).unwrap();
    assert_eq!(r[0].times, 2);
    assert_eq!(r[0].average_response, Some(2.5));
    assert_eq!(r[1].distressed, 1);
    assert_eq!(r[3].times, 0);

    // Best first, the untried after, the distressing last.
    let ordered = store.order_playlist_by_response(&list.id).unwrap();
    let titles: Vec<&str> = ordered
        .entries
        .iter()
        .map(|e| e.track.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "She Moved Through the Fair",
            "Isle of Innisfree",
            "Galway Bay",
            "Danny Boy"
        ]
    );

    // The distressing song: off the playlist and onto her avoid list at once.
    let entry = ordered.entries[3].id.clone();
    let err = store.avoid_after_distress(&entry, " ").unwrap_err();
    assert_eq!(err.field(), Some("why"));
    assert_eq!(
        store.playlist(&list.id).unwrap().entries.len(),
        4,
        "nothing half done"
    );
    let after = store
        .avoid_after_distress(&entry, "Cried at it at home")
        .unwrap();
    assert_eq!(after.entries.len(), 3);
    let story = store.music_story(&dolly).unwrap();
    assert_eq!(story.avoid.len(), 1);
    assert_eq!(story.avoid[0].track_id.as_deref(), Some(b.id.as_str()));
    assert_eq!(story.avoid[0].why, "Cried at it at home");

    // A review date: on Today from that day, not before; cleared, gone.
    let day = |n: i64| refrain_core::validate::fmt_date(today() + chrono::Duration::days(n));
    let err = store
        .set_playlist_review(&list.id, "31/02/2026")
        .unwrap_err();
    assert_eq!(err.field(), Some("reviewOn"));
    let set = store.set_playlist_review(&list.id, &day(3)).unwrap();
    assert_eq!(set.review_on, Some(day(3)));
    assert!(store.reviews_due().unwrap().is_empty());
    store.set_playlist_review(&list.id, &day(0)).unwrap();
    let due = store.reviews_due().unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].playlist_name.as_str(), due[0].attendee_name.as_str()),
        ("Dolly's", "Dolores Byrne")
    );
    store.set_playlist_review(&list.id, "").unwrap();
    assert!(store.reviews_due().unwrap().is_empty());
    store.set_playlist_review(&list.id, &day(-2)).unwrap();

    // Kept like the rest of her record.
    let sar = store.subject_access(&dolly).unwrap();
    assert_eq!(sar.listening.len(), 4);
    let doc = format!(
        "{:?}",
        refrain_core::report::subject_access::document(&sar).blocks
    );
    assert!(doc.contains("5: A specific memory"), "{doc}");
    assert!(store
        .person_audit(&dolly)
        .unwrap()
        .iter()
        .any(|e| e.what == "listening log entry"));
    assert_eq!(store.reviews_due().unwrap().len(), 1);
    let erasure = store.erase_attendee(&dolly, "Asked").unwrap();
    assert!(erasure
        .removed
        .contains(&"4 entries in the listening log".to_string()));
    assert!(store.reviews_due().unwrap().is_empty());
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(refrain_core::store::DB_FILE)).unwrap();
    let left: i64 = conn
        .query_row("SELECT count(*) FROM listening", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn a_saved_playlist_prescription_can_be_changed_and_the_change_is_audited() {
    use refrain_core::model::{
        PrescriptionInput, PrescriptionPurpose as P, PrescriptionStatus as S,
    };
    let (_dir, mut store) = store();
    let day = |n: i64| refrain_core::validate::fmt_date(today() - chrono::Duration::days(n));
    let dolly = person(&mut store, "Dolores Byrne", "");
    let r = referral(&mut store, &dolly, &day(10));
    let asked = PrescriptionInput {
        purposes: vec![P::Sleep],
        purpose_notes: "At bedtime".into(),
        known_story: String::new(),
        avoid_notes: String::new(),
        requested_on: day(9),
    };
    let r = store.prescribe_playlist(&r.id, &asked).unwrap();
    let id = r.prescription.unwrap().id;
    store
        .set_prescription_status(&id, S::BeingBuilt, &day(3), "Met her daughter")
        .unwrap();

    let changes = |store: &Store| {
        store
            .person_audit(&dolly)
            .unwrap()
            .iter()
            .filter(|e| e.what == "playlist prescription" && e.action == AuditAction::Changed)
            .count()
    };
    let before = changes(&store);

    // What the link worker said more on the phone.
    let told = PrescriptionInput {
        purposes: vec![P::Calm, P::Connection],
        purpose_notes: "Before her bath at 7 pm; her grandson visits on Sundays".into(),
        known_story: "Sang in a church choir".into(),
        avoid_notes: "Nothing by Bing Crosby (her husband's funeral)".into(),
        // The date requested is not changed by an edit.
        requested_on: day(1),
    };
    let r = store.update_prescription(&id, &told).unwrap();
    let p = r.prescription.unwrap();
    assert_eq!(p.purposes, [P::Calm, P::Connection]);
    assert_eq!(p.purpose_notes, told.purpose_notes);
    assert_eq!(p.known_story, "Sang in a church choir");
    assert_eq!(p.avoid_notes, told.avoid_notes);
    // Its status and history stay as they were.
    assert_eq!(p.status, S::BeingBuilt);
    assert_eq!(
        p.history
            .iter()
            .map(|h| (h.status, h.changed_on.clone()))
            .collect::<Vec<_>>(),
        [(S::Requested, day(9)), (S::BeingBuilt, day(3))]
    );

    // The same checks as when it was first saved; a refused change keeps
    // what was there.
    for (input, field) in [
        (
            PrescriptionInput {
                purposes: vec![],
                ..told.clone()
            },
            "purposes",
        ),
        (
            PrescriptionInput {
                purposes: vec![P::Other],
                purpose_notes: " ".into(),
                ..told.clone()
            },
            "purposeNotes",
        ),
    ] {
        let err = store.update_prescription(&id, &input).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
    let referral_now = store.attendee_detail(&dolly).unwrap().referrals;
    let kept = referral_now[0].prescription.as_ref().unwrap();
    assert_eq!(kept.purposes, [P::Calm, P::Connection]);
    assert!(store.update_prescription("nope", &told).is_err());

    // Audited: the change, once (the refused ones wrote nothing).
    assert_eq!(changes(&store), before + 1);

    // Not once the person is erased.
    store.erase_attendee(&dolly, "Asked in writing").unwrap();
    assert!(store.update_prescription(&id, &told).is_err());
}

#[test]
fn a_song_that_upset_someone_on_the_register_is_dated_by_the_session_and_offered_off_their_playlist(
) {
    use refrain_core::model::{ListeningInput, ListeningPlace};
    let (_dir, mut store) = store();
    let group = new_group(&mut store, "Thursday Singing for the Brain");
    let dolly = person(&mut store, "Dolores Byrne", "1941-05-02");
    let eve = person(&mut store, "Eve Carter", "1945-01-01");
    store.add_member(&group.id, &dolly, "2020-01-01").unwrap();
    let danny = track(&mut store, "Danny Boy", "Bing Crosby", Some(1941));
    let moon = track(&mut store, "Moon River", "Andy Williams", Some(1962));
    let hers = playlist_of(
        &mut store,
        PlaylistKind::Personal,
        &dolly,
        "Dolly's songs",
        &[&moon, &danny],
    );
    let bedtime = playlist_of(
        &mut store,
        PlaylistKind::Personal,
        &dolly,
        "Dolly at bedtime",
        &[&danny],
    );
    playlist_of(
        &mut store,
        PlaylistKind::Personal,
        &dolly,
        "Dolly's hymns",
        &[&moon],
    );

    let day = |d: i64| refrain_core::validate::fmt_date(today() - chrono::Duration::days(d));
    let last_week = session_on(&mut store, &group, &day(7));
    let next_week = session_on(&mut store, &group, &day(-7));
    let upset_in = |store: &mut Store, session: &str, who: &str| {
        store.log_listening(&ListeningInput {
            attendee_id: who.into(),
            track_id: danny.id.clone(),
            heard_on: String::new(),
            place: ListeningPlace::Home,
            response: None,
            distress: true,
            note: String::new(),
            session_id: Some(session.into()),
        })
    };

    // Recorded afterwards from last week's register: on that session's day,
    // in a session, whatever today is.
    let logged = upset_in(&mut store, &last_week.id, &dolly).unwrap();
    assert_eq!(logged.heard_on, day(7));
    assert_eq!(logged.place, ListeningPlace::Session);
    // Not before the session has happened, not for someone not on its
    // register, and not on a cancelled session's register.
    let err = upset_in(&mut store, &next_week.id, &dolly).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("hasn't come yet"), "{err}");
    let err = upset_in(&mut store, &last_week.id, &eve).unwrap_err();
    assert!(err.to_string().contains("isn't on this register"), "{err}");
    store.cancel_session(&last_week.id, "Snow").unwrap();
    let err = upset_in(&mut store, &last_week.id, &dolly).unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert_eq!(store.person_listening(&dolly).unwrap().len(), 1);

    // Offered off her own playlists that hold it, and onto her avoid list.
    let holding: Vec<String> = store
        .own_playlists_with_track(&dolly, &danny.id)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(holding, ["Dolly at bedtime", "Dolly's songs"]);
    let err = store
        .after_distress(&dolly, &danny.id, None, false)
        .unwrap_err();
    assert_eq!(err.field(), Some("why"));
    let taken_off = store
        .after_distress(&dolly, &danny.id, Some("It upset her in the session"), true)
        .unwrap();
    assert_eq!(taken_off.len(), 2);
    let titles = |store: &Store, id: &str| -> Vec<String> {
        store
            .playlist(id)
            .unwrap()
            .entries
            .into_iter()
            .map(|e| e.track.title)
            .collect()
    };
    assert_eq!(titles(&store, &hers.id), ["Moon River"]);
    assert!(titles(&store, &bedtime.id).is_empty());
    let story = store.music_story(&dolly).unwrap();
    assert_eq!(story.avoid.len(), 1);
    assert_eq!(story.avoid[0].track_id.as_deref(), Some(danny.id.as_str()));
    assert_eq!(story.avoid[0].why, "It upset her in the session");
    assert!(store
        .own_playlists_with_track(&dolly, &danny.id)
        .unwrap()
        .is_empty());
}
