//! Songs' words for sing-alongs: kept with who holds their rights, refused
//! for printing or showing while those rights are not known, and printed as
//! a large-print song book (read back with poppler's pdftotext).

use std::process::Command;

use refrain_core::error::CoreError;
use refrain_core::model::{
    AttendeeInput, AuditAction, AuditFilter, ExportFormat, Group, GroupInput, LyricsInput,
    LyricsRights, PlaylistKind, ReportRequest, Track,
};
use refrain_core::report;
use refrain_core::store::lyrics::verses;
use refrain_core::Store;

use crate::support::{playlist_of, store, track};

const DAISY: &str = "There is a flower within my heart,\nDaisy, Daisy!\n\n\
Daisy, Daisy, give me your answer, do!\nI'm half crazy, all for the love of you!\n";
const TIPPERARY: &str = "Up to mighty London came an Irishman one day.\n\n\
It's a long way to Tipperary,\nIt's a long way to go.\n";
const SUSANNA: &str = "I come from Alabama with my banjo on my knee,\n\n\
Oh! Susanna, don't you cry for me,\n";

fn words(words: &str, rights: LyricsRights, credit: &str) -> LyricsInput {
    LyricsInput {
        words: words.into(),
        rights,
        credit: credit.into(),
    }
}

fn no_progress() -> impl FnMut(u32, u32, &str) {
    |_, _, _| {}
}

/// Each page's text, as pdftotext reads it.
fn pages(bytes: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: scripts/setup.sh installs it");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The height of every word pdftotext finds (-bbox), in points: a little
/// more than the size the word is set at.
fn word_heights(bytes: &[u8]) -> Vec<f64> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let attr = |name: &str| -> f64 {
                let start = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let rest = &l[start..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            };
            attr("yMax") - attr("yMin")
        })
        .collect()
}

#[test]
fn a_tracks_words_are_kept_with_their_rights_changed_removed_and_audited() {
    let (_dir, mut store) = store();
    let daisy = track(&mut store, "Daisy Bell", "Harry Dacre", Some(1892));
    assert_eq!(store.track_lyrics(&daisy.id).unwrap(), None);

    let kept = store
        .set_track_lyrics(
            &daisy.id,
            &words(
                &format!("\n{}", DAISY.replace('\n', "\r\n")),
                LyricsRights::Unknown,
                "",
            ),
        )
        .unwrap()
        .unwrap();
    assert_eq!(kept.rights, LyricsRights::Unknown);
    assert!(
        !kept.may_show,
        "words with rights not known may not be shown"
    );
    // Line ends as typed on any system are kept as plain new lines, and the
    // blank lines around the words are dropped.
    assert_eq!(kept.words, DAISY.trim_end());
    assert_eq!(store.track_lyrics(&daisy.id).unwrap(), Some(kept.clone()));

    let changed = store
        .set_track_lyrics(
            &daisy.id,
            &words(DAISY, LyricsRights::PublicDomain, " Harry Dacre, 1892 "),
        )
        .unwrap()
        .unwrap();
    assert!(changed.may_show);
    assert_eq!(changed.credit, "Harry Dacre, 1892");

    // Bad input is refused beside its field, and nothing changes.
    let err = store
        .set_track_lyrics(
            &daisy.id,
            &words(&"la ".repeat(10_000), LyricsRights::Licensed, ""),
        )
        .unwrap_err();
    assert!(
        matches!(err, CoreError::Invalid { field: "words", .. }),
        "{err:?}"
    );
    let err = store
        .set_track_lyrics(&daisy.id, &words(DAISY, LyricsRights::Licensed, "a\u{7}b"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            CoreError::Invalid {
                field: "credit",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(store.track_lyrics(&daisy.id).unwrap(), Some(changed));
    let err = store
        .set_track_lyrics("track-nothing", &words(DAISY, LyricsRights::Licensed, ""))
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound { what: "track" }));

    // Empty words take them out.
    assert_eq!(
        store
            .set_track_lyrics(&daisy.id, &words("  \n ", LyricsRights::Unknown, ""))
            .unwrap(),
        None
    );
    assert_eq!(store.track_lyrics(&daisy.id).unwrap(), None);

    let history: Vec<AuditAction> = store
        .audit_log(&AuditFilter {
            record_id: Some(daisy.id.clone()),
            practitioner_id: None,
            limit: 100,
        })
        .unwrap()
        .into_iter()
        .filter(|e| e.record_table == "track_lyrics")
        .map(|e| e.action)
        .collect();
    assert_eq!(history.len(), 3, "{history:?}");
    assert!(history.contains(&AuditAction::Created));
    assert!(history.contains(&AuditAction::Changed));
    assert!(history.contains(&AuditAction::Removed));
}

#[test]
fn verses_are_split_at_blank_lines() {
    assert_eq!(
        verses("One\ntwo  \n\n \n\nThree\n\n"),
        vec!["One\ntwo".to_string(), "Three".to_string()]
    );
    assert!(verses("\n  \n").is_empty());
}

/// A sing-along group and four songs for its setlist.
fn singers_and_songs(store: &mut Store) -> (Group, [Track; 4]) {
    let group = store
        .create_group(&GroupInput {
            name: "Tuesday Singers".into(),
            ..Default::default()
        })
        .unwrap();
    let songs = [
        track(store, "Daisy Bell", "Harry Dacre", None),
        track(store, "A Long Way to Tipperary", "Jack Judge", None),
        track(store, "Oh Susanna", "Stephen Foster", None),
        track(store, "My Bonnie", "Traditional", None),
    ];
    (group, songs)
}

#[test]
fn words_whose_rights_are_not_known_are_neither_printed_nor_shown_until_the_therapist_says_so() {
    let (dir, mut store) = store();
    let (group, [daisy, tipperary, susanna, _]) = singers_and_songs(&mut store);
    let list = playlist_of(
        &mut store,
        PlaylistKind::Setlist,
        &group.id,
        "Tuesday",
        &[&daisy, &tipperary, &susanna],
    );
    store
        .set_track_lyrics(&daisy.id, &words(DAISY, LyricsRights::PublicDomain, ""))
        .unwrap();
    store
        .set_track_lyrics(&tipperary.id, &words(TIPPERARY, LyricsRights::Unknown, ""))
        .unwrap();
    store
        .set_track_lyrics(&susanna.id, &words(SUSANNA, LyricsRights::Unknown, ""))
        .unwrap();

    // What is held back, and why, for the screens.
    let contents = store.songbook_contents(&list.id).unwrap();
    assert_eq!(contents.songs.len(), 1);
    let held: Vec<&str> = contents
        .unknown_rights
        .iter()
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(held, ["A Long Way to Tipperary", "Oh Susanna"]);

    // Neither shown (the words on a second screen) nor printed; the refusal
    // names each song.
    let err = store.songbook(&list.id).unwrap_err();
    assert!(matches!(err, CoreError::Conflict(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("“A Long Way to Tipperary” and “Oh Susanna”"),
        "{message}"
    );
    assert!(!message.contains("Daisy"), "{message}");
    let request = ReportRequest::SongBook {
        playlist_id: list.id.clone(),
    };
    let target = dir.path().join("Song book.pdf");
    let err = report::export(
        &store,
        &request,
        ExportFormat::Pdf,
        &target,
        &mut no_progress(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("Oh Susanna"));
    assert!(!target.exists(), "nothing is written when refused");

    // Once the therapist says the practice may (or takes the words out),
    // the book is made.
    store
        .set_track_lyrics(
            &tipperary.id,
            &words(TIPPERARY, LyricsRights::Licensed, "Jack Judge"),
        )
        .unwrap();
    store
        .set_track_lyrics(&susanna.id, &words("", LyricsRights::Unknown, ""))
        .unwrap();
    let book = store.songbook(&list.id).unwrap();
    let titles: Vec<&str> = book.songs.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Daisy Bell", "A Long Way to Tipperary"]);
    assert_eq!(book.without_words[0].title, "Oh Susanna");
    report::export(
        &store,
        &request,
        ExportFormat::Pdf,
        &target,
        &mut no_progress(),
    )
    .unwrap();
    assert!(target.exists());

    // A song book only comes as a PDF.
    assert!(report::make(&store, &request, ExportFormat::Csv, &mut no_progress()).is_err());
}

#[test]
fn a_playlist_with_no_words_at_all_gets_no_empty_song_book() {
    let (_dir, mut store) = store();
    let person = store
        .create_attendee(&AttendeeInput {
            full_name: "Margaret Ellis".into(),
            ..Default::default()
        })
        .unwrap();
    let daisy = track(&mut store, "Daisy Bell", "Harry Dacre", None);
    let list = playlist_of(
        &mut store,
        PlaylistKind::Personal,
        &person.id,
        "Margaret's songs",
        &[&daisy],
    );
    let err = store.songbook(&list.id).unwrap_err();
    assert!(
        err.to_string().contains("None of this playlist's songs"),
        "{err}"
    );

    // A personal playlist's book does not carry its name (it may be seen by
    // the room).
    store
        .set_track_lyrics(&daisy.id, &words(DAISY, LyricsRights::PublicDomain, ""))
        .unwrap();
    assert_eq!(store.songbook(&list.id).unwrap().title, "Song book");
}

#[test]
fn the_song_book_is_large_print_a_song_a_page_in_the_setlists_order_with_each_credit() {
    let (_dir, mut store) = store();
    let (group, [daisy, tipperary, susanna, bonnie]) = singers_and_songs(&mut store);
    // Not alphabetical, and one song with no words kept.
    let list = playlist_of(
        &mut store,
        PlaylistKind::Setlist,
        &group.id,
        "Tuesday",
        &[&tipperary, &bonnie, &susanna, &daisy],
    );
    store
        .set_track_lyrics(
            &daisy.id,
            &words(DAISY, LyricsRights::PublicDomain, "Harry Dacre, 1892"),
        )
        .unwrap();
    store
        .set_track_lyrics(
            &tipperary.id,
            &words(
                TIPPERARY,
                LyricsRights::Licensed,
                "Jack Judge and Harry Williams",
            ),
        )
        .unwrap();
    store
        .set_track_lyrics(&susanna.id, &words(SUSANNA, LyricsRights::PublicDomain, ""))
        .unwrap();

    let request = ReportRequest::SongBook {
        playlist_id: list.id.clone(),
    };
    assert_eq!(
        report::suggested_file_name(&store, &request, ExportFormat::Pdf).unwrap(),
        "Song book Tuesday.pdf"
    );
    let bytes = report::make(&store, &request, ExportFormat::Pdf, &mut no_progress()).unwrap();
    let pages = pages(&bytes);
    assert_eq!(pages.len(), 3, "a song a page: {pages:#?}");
    let expect = [
        (
            "A Long Way to Tipperary",
            "Words: Jack Judge and Harry Williams. Licensed by the practice.",
        ),
        ("Oh Susanna", "Public domain."),
        ("Daisy Bell", "Words: Harry Dacre, 1892. Public domain."),
    ];
    for (page, (title, credit)) in pages.iter().zip(expect) {
        let flat = page.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(title), "{title} on its own page: {flat}");
        assert!(flat.contains(credit), "{credit} at {title}'s foot: {flat}");
        // The credit comes after the words.
        let last_verse = match title {
            "Daisy Bell" => "all for the love of you!",
            "Oh Susanna" => "don't you cry for me,",
            _ => "It's a long way to go.",
        };
        assert!(flat.find(last_verse).unwrap() < flat.find(credit).unwrap());
        for (other, _) in expect.iter().filter(|(t, _)| *t != title) {
            assert!(
                !flat.contains(other),
                "{other} is not on {title}'s page: {flat}"
            );
        }
    }
    assert!(
        !pages.concat().contains("My Bonnie"),
        "a song without words is left out"
    );

    // Large print: the layout's own sizes, and the printed word boxes.
    let book = store.songbook(&list.id).unwrap();
    let doc = report::songbook::document(&book);
    assert!(refrain_pdf::smallest_text_size(&doc).unwrap().unwrap() >= 18.0);
    let shortest = word_heights(&bytes).into_iter().fold(f64::MAX, f64::min);
    assert!(
        shortest >= 18.0,
        "the smallest word printed is {shortest} pt tall"
    );
}
