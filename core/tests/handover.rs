//! The hand-over pack: a personal playlist written to a folder for the
//! family or the care home. The files here are stand-ins (the core copies
//! bytes and never decodes); the audio crate's tests decode a real pack.

use std::path::{Path, PathBuf};
use std::process::Command;

use refrain_core::handover::{self, HandoverPack};
use refrain_core::model::*;
use refrain_core::store::today;
use refrain_core::Store;
use tempfile::TempDir;

use crate::support::{playlist_of, store};

const NAME: &str = "Margaret Hughes";

/// A track whose library file holds `bytes` bytes.
fn track(store: &mut Store, title: &str, artist: &str, bytes: usize) -> Track {
    let hash = blake3::hash(format!("{title}|{artist}").as_bytes())
        .to_hex()
        .to_string();
    let file_name = format!("{hash}.mp3");
    let library = store.library_dir();
    std::fs::create_dir_all(&library).unwrap();
    let body: Vec<u8> = title.bytes().cycle().take(bytes).collect();
    std::fs::write(library.join(&file_name), body).unwrap();
    store
        .add_track(&NewTrack {
            title: title.into(),
            artist: artist.into(),
            album: String::new(),
            year: Some(1961),
            duration_ms: Some(163_000),
            sample_rate: Some(44_100),
            channels: Some(2),
            format: "mp3".into(),
            original_name: format!("{title}.mp3"),
            content_hash: hash,
            file_name,
            size_bytes: bytes as u64,
        })
        .unwrap()
        .0
}

struct Setup {
    _dir: TempDir,
    store: Store,
    person: String,
    playlist: Playlist,
    tracks: Vec<Track>,
}

fn setup() -> Setup {
    let (dir, mut store) = store();
    let person = store
        .create_attendee(&AttendeeInput {
            full_name: NAME.into(),
            date_of_birth: "1941-05-02".into(),
            phone: "07700 900123".into(),
            notes: "Lives with her daughter".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let tracks = vec![
        track(&mut store, "Moon River", "Andy Williams", 40_000),
        track(&mut store, "Que Sera, Sera", "Doris Day", 30_000),
        track(&mut store, "Non, je ne regrette rien", "Édith Piaf", 20_000),
        // Every character FAT32 refuses, and a title far too long.
        track(
            &mut store,
            "What? <Now> \"Here\" | Now: A/B\\C * and a title that goes on and on well past what any small player's screen could show",
            "The Band",
            10_000,
        ),
    ];
    let refs: Vec<&Track> = tracks.iter().collect();
    let playlist = playlist_of(
        &mut store,
        PlaylistKind::Personal,
        &person,
        "Calm songs",
        &refs,
    );
    Setup {
        _dir: dir,
        store,
        person,
        playlist,
        tracks,
    }
}

fn plan(playlist: &Playlist, print_name: bool) -> HandoverInput {
    HandoverInput {
        playlist_id: playlist.id.clone(),
        print_name,
        when_to_play: "Half an hour before her bath, in the evening".into(),
        how_long: "About 12 minutes".into(),
        helps_with: "Feeling calm before bathing".into(),
        if_upset: "Stop the music, sit with her, and tell the therapist".into(),
        contact: "Sam Okafor, music therapist, 01632 960 555".into(),
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn pdf_text(file: &Path, args: &[&str]) -> String {
    let out = Command::new("pdftotext")
        .args(args)
        .args(["-enc", "UTF-8"])
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: scripts/setup.sh installs it");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

fn write(store: &Store, input: &HandoverInput, to: &Path) -> (HandoverPack, PathBuf) {
    let pack = handover::prepare(store, input).unwrap();
    let done = pack.write_to(to).unwrap();
    (pack, PathBuf::from(done.folder))
}

#[test]
fn a_pack_holds_the_songs_in_order_under_plain_names_a_playlist_and_the_large_print_sheet() {
    let s = setup();
    let stick = tempfile::tempdir().unwrap();
    let (_pack, folder) = write(&s.store, &plan(&s.playlist, false), stick.path());

    // Nothing but the pack's own folder was written in the chosen place.
    assert_eq!(listing(stick.path()), [handover::FOLDER_NAME]);
    assert_eq!(folder, stick.path().join(handover::FOLDER_NAME));
    let names = listing(&folder);
    assert_eq!(
        names,
        [
            "01 Moon River - Andy Williams.mp3",
            "02 Que Sera, Sera - Doris Day.mp3",
            "03 Non, je ne regrette rien - Edith Piaf.mp3",
            &listing(&folder)[3],
            handover::PDF_NAME,
            handover::M3U_NAME,
        ]
    );
    // The awkward one: numbered, no character FAT32 or exFAT refuses, cut
    // to a length any player shows, still an MP3.
    let awkward = &names[3];
    assert!(
        awkward.starts_with("04 What Now 'Here' - Now- A-B-C and a title"),
        "{awkward}"
    );
    assert!(awkward.ends_with(".mp3"), "{awkward}");
    assert!(
        awkward.chars().count() <= handover::MAX_FILE_NAME,
        "{awkward}"
    );
    assert!(
        !awkward
            .chars()
            .any(|c| "<>:\"/\\|?*".contains(c) || c.is_control()),
        "{awkward}"
    );
    // Each file is the library's copy, byte for byte, in the playlist's order.
    for (name, t) in names.iter().zip(&s.tracks) {
        assert_eq!(
            std::fs::read(folder.join(name)).unwrap(),
            std::fs::read(s.store.track_path(&t.id).unwrap()).unwrap(),
            "{name}"
        );
    }
    // The M3U lists the songs in order by relative paths that resolve.
    let m3u = std::fs::read_to_string(folder.join(handover::M3U_NAME)).unwrap();
    assert!(m3u.starts_with("#EXTM3U\n"));
    let listed: Vec<&str> = m3u
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(listed, names[..4]);
    for l in &listed {
        assert!(Path::new(l).is_relative());
        assert!(folder.join(l).is_file(), "{l} resolves");
    }
    assert!(m3u.contains("#EXTINF:163,Andy Williams - Moon River\n"));

    // The sheet: the songs in order, the plan, who to contact.
    let text = pdf_text(&folder.join(handover::PDF_NAME), &[]);
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s:?} in\n{text}"));
    assert!(at("1. Moon River") < at("2. Que Sera, Sera"));
    assert!(at("2. Que Sera, Sera") < at("3. Non, je ne regrette rien"));
    assert!(at("by Édith Piaf") > at("3. Non"));
    for words in [
        "Half an hour before her bath",
        "About 12 minutes",
        "Feeling calm before bathing",
        "Stop the music, sit with her",
        "Sam Okafor, music therapist, 01632 960 555",
    ] {
        at(words);
    }
    // No other personal data: not her name (unless asked), birth date,
    // phone or notes.
    for private in [NAME, "Margaret", "1941", "07700", "daughter"] {
        assert!(!text.contains(private), "{private} printed:\n{text}");
        assert!(!m3u.contains(private), "{private} in the playlist");
    }
}

#[test]
fn names_in_any_script_become_plain_ascii_files_and_playlist_lines() {
    let (_dir, mut store) = store();
    let person = store
        .create_attendee(&AttendeeInput {
            full_name: NAME.into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let tracks = [
        track(&mut store, "Smørrebrød", "Æsop & Søren", 1_000),
        track(&mut store, "Weiße Weihnacht", "Großes Orchester", 1_000),
        track(&mut store, "Подмосковные вечера", "Владимир Трошин", 1_000),
        track(
            &mut store,
            "Τα παιδιά του Πειραιά",
            "Μελίνα Μερκούρη",
            1_000,
        ),
        track(&mut store, "Non, je ne regrette rien", "Édith Piaf", 1_000),
    ];
    let refs: Vec<&Track> = tracks.iter().collect();
    let playlist = playlist_of(&mut store, PlaylistKind::Personal, &person, "Songs", &refs);
    let stick = tempfile::tempdir().unwrap();
    let (_pack, folder) = write(&store, &plan(&playlist, false), stick.path());
    let names = listing(&folder);
    assert_eq!(
        names[..5],
        [
            "01 Smorrebrod - AEsop & Soren.mp3",
            "02 Weisse Weihnacht - Grosses Orchester.mp3",
            "03 Podmoskovnye vechera - Vladimir Troshin.mp3",
            "04 Ta paidia tou Peiraia - Melina Merkoure.mp3",
            "05 Non, je ne regrette rien - Edith Piaf.mp3",
        ]
    );
    // The playlist: every byte plain ASCII, the titles spelt the same way,
    // its paths resolving.
    let m3u = std::fs::read(folder.join(handover::M3U_NAME)).unwrap();
    assert!(m3u.is_ascii(), "{}", String::from_utf8_lossy(&m3u));
    let m3u = String::from_utf8(m3u).unwrap();
    assert!(m3u.contains("#EXTINF:163,Edith Piaf - Non, je ne regrette rien\n"));
    assert!(m3u.contains("#EXTINF:163,Vladimir Troshin - Podmoskovnye vechera\n"));
    for l in m3u.lines().filter(|l| !l.starts_with('#')) {
        assert!(folder.join(l).is_file(), "{l} resolves");
    }
    // Nothing else was written.
    assert_eq!(names.len(), 7, "{names:?}");
    // The sheet keeps the names as they are written.
    let text = pdf_text(&folder.join(handover::PDF_NAME), &[]);
    for words in ["Smørrebrød", "Подмосковные вечера", "by Édith Piaf"] {
        assert!(text.contains(words), "{words} in\n{text}");
    }
}

#[test]
fn the_sheet_says_how_to_share_information_with_them_and_nothing_else() {
    let mut s = setup();
    // The sheet without any need recorded says nothing of them.
    let stick = tempfile::tempdir().unwrap();
    let (_pack, folder) = write(&s.store, &plan(&s.playlist, false), stick.path());
    let text = pdf_text(&folder.join(handover::PDF_NAME), &[]);
    assert!(!text.contains("How to share information"), "{text}");
    assert_eq!(
        handover::plan(&s.store, &s.playlist.id)
            .unwrap()
            .information_needs,
        InformationNeeds::default()
    );

    let mut input = AttendeeInput {
        full_name: NAME.into(),
        date_of_birth: "1941-05-02".into(),
        phone: "07700 900123".into(),
        notes: "Lives with her daughter".into(),
        ..Default::default()
    };
    input.information_needs = InformationNeeds {
        large_print: true,
        contact_via_carer: true,
        interpreter: true,
        interpreter_language: "Polish".into(),
        hearing_loop: true,
        ..Default::default()
    };
    s.store.update_attendee(&s.person, &input).unwrap();
    // Offered with the plan, for the hand-over form's sign.
    let offered = handover::plan(&s.store, &s.playlist.id).unwrap();
    assert!(offered.information_needs.contact_via_carer);
    assert_eq!(offered.information_needs.interpreter_language, "Polish");

    let stick = tempfile::tempdir().unwrap();
    let (_pack, folder) = write(&s.store, &plan(&s.playlist, false), stick.path());
    let text = pdf_text(&folder.join(handover::PDF_NAME), &[]);
    let at = |w: &str| text.find(w).unwrap_or_else(|| panic!("{w:?} in\n{text}"));
    // Under "Who to contact", after the therapist's own words.
    assert!(at("Who to contact") < at("Sam Okafor"));
    assert!(at("Sam Okafor") < at("How to share information with them"));
    for words in [
        "Needs information in large print",
        "Contact through their carer",
        "Needs an interpreter: Polish",
        "Uses a hearing loop",
    ] {
        assert!(at(words) > at("How to share information with them"));
    }
    assert!(!text.contains("easy read"), "{text}");
    // Still nothing else of her record.
    for private in [NAME, "Margaret", "1941", "07700", "daughter"] {
        assert!(!text.contains(private), "{private} printed:\n{text}");
    }
}

#[test]
fn the_sheet_is_large_print_in_a_sans_serif_face() {
    let s = setup();
    let pack = handover::prepare(&s.store, &plan(&s.playlist, true)).unwrap();
    // The layout's own measurement: nothing under 16 pt.
    let smallest = refrain_pdf::smallest_text_size(pack.document())
        .unwrap()
        .unwrap();
    assert!(smallest >= 16.0, "smallest text {smallest} pt");

    let stick = tempfile::tempdir().unwrap();
    let folder = PathBuf::from(pack.write_to(stick.path()).unwrap().folder);
    let file = folder.join(handover::PDF_NAME);
    // And as printed: poppler gives each word a box as tall as its font
    // size; every one is 16 pt or more, the foot and page numbers included.
    let boxes = pdf_text(&file, &["-bbox"]);
    let mut words = 0;
    for line in boxes
        .lines()
        .filter(|l| l.trim_start().starts_with("<word"))
    {
        let num = |key: &str| -> f32 {
            let i = line.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
            line[i..].split('"').next().unwrap().parse().unwrap()
        };
        let height = num("yMax") - num("yMin");
        assert!(height >= 16.0, "a word printed {height} pt tall: {line}");
        words += 1;
    }
    assert!(words > 30, "{words} words");
    // The face is sans serif (DejaVu Sans), embedded.
    let fonts = Command::new("pdffonts").arg(&file).output().unwrap();
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    let faces: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!faces.is_empty(), "{fonts}");
    assert!(faces.iter().all(|l| l.contains("DejaVuSans")), "{fonts}");
    // Asked for, her name heads the sheet.
    let text = pdf_text(&file, &[]);
    assert!(text.contains(&format!("Music for {NAME}")), "{text}");
}

#[test]
fn what_each_song_reminds_them_of_comes_from_the_playlist_or_the_listening_log() {
    let mut s = setup();
    let moon = &s.tracks[0];
    let entry = s.playlist.entries[1].id.clone();
    s.store
        .log_listening(&ListeningInput {
            attendee_id: s.person.clone(),
            track_id: moon.id.clone(),
            heard_on: String::new(),
            place: ListeningPlace::Session,
            response: Some(5),
            distress: false,
            note: "Her first dance with Tom".into(),
            session_id: None,
        })
        .unwrap();
    s.store
        .set_entry_note(&entry, "Singing in the kitchen with her mother")
        .unwrap();
    let pack = handover::prepare(&s.store, &plan(&s.playlist, false)).unwrap();
    let stick = tempfile::tempdir().unwrap();
    let folder = PathBuf::from(pack.write_to(stick.path()).unwrap().folder);
    let text = pdf_text(&folder.join(handover::PDF_NAME), &[]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Reminds them of: Her first dance with Tom"),
        "{flat}"
    );
    assert!(
        flat.contains("Reminds them of: Singing in the kitchen with her mother"),
        "{flat}"
    );
    assert!(
        flat.find("first dance").unwrap() < flat.find("kitchen").unwrap(),
        "in the songs' order"
    );
}

#[test]
fn a_pack_that_does_not_fit_is_refused_before_anything_is_copied() {
    let s = setup();
    let pack = handover::prepare(&s.store, &plan(&s.playlist, false)).unwrap();
    let stick = tempfile::tempdir().unwrap();
    let needed = pack.needed_bytes(4096);
    assert!(needed > 100_000, "the songs alone are 100 KB: {needed}");
    let err = pack
        .write_checked(stick.path(), |_| Ok((needed - 1, 4096)))
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("doesn't fit"), "{msg}");
    assert!(msg.contains(&handover::size_words(needed)), "{msg}");
    assert!(msg.contains("Nothing was written"), "{msg}");
    assert!(listing(stick.path()).is_empty(), "nothing written");
    // Exactly enough room: written.
    pack.write_checked(stick.path(), |_| Ok((needed, 4096)))
        .unwrap();
    assert_eq!(listing(stick.path()), [handover::FOLDER_NAME]);
    // A second pack goes beside the first, never over it.
    pack.write_to(stick.path()).unwrap();
    assert_eq!(
        listing(stick.path()),
        [
            handover::FOLDER_NAME.to_string(),
            format!("{} 2", handover::FOLDER_NAME)
        ]
    );
}

#[test]
fn a_missing_or_unreadable_song_is_named_and_nothing_is_written() {
    let s = setup();
    let que_sera = &s.tracks[1];
    let file = s.store.track_path(&que_sera.id).unwrap();
    std::fs::remove_file(&file).unwrap();
    let err = handover::prepare(&s.store, &plan(&s.playlist, false)).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("\u{201c}Que Sera, Sera\u{201d} by Doris Day is missing"),
        "{msg}"
    );
    assert!(msg.contains("the pack was not written"), "{msg}");

    // A file that vanishes after the pack was prepared: whatever was
    // copied is cleaned away.
    std::fs::write(&file, b"back again").unwrap();
    let pack = handover::prepare(&s.store, &plan(&s.playlist, false)).unwrap();
    let piaf = s.store.track_path(&s.tracks[2].id).unwrap();
    std::fs::remove_file(&piaf).unwrap();
    let stick = tempfile::tempdir().unwrap();
    let err = pack.write_to(stick.path()).unwrap_err();
    assert!(err.to_string().contains("Nothing was left there"), "{err}");
    assert!(
        listing(stick.path()).is_empty(),
        "{:?}",
        listing(stick.path())
    );
}

#[test]
fn the_plan_is_offered_from_the_prescription_and_the_sheet_needs_what_to_do_if_upset() {
    use refrain_core::model::PrescriptionPurpose as P;
    let mut s = setup();
    let received = refrain_core::validate::fmt_date(today() - chrono::Duration::days(5));
    let r = s
        .store
        .add_referral(&ReferralInput {
            attendee_id: s.person.clone(),
            source: ReferralSource::GpLinkWorker,
            referrer_name: "Priya Shah".into(),
            referrer_organisation: "Northside PCN".into(),
            received_on: received.clone(),
            reasons: vec![ReferralReason::DementiaOrMemoryLoss],
            reason_notes: String::new(),
        })
        .unwrap();
    let r = s
        .store
        .prescribe_playlist(
            &r.id,
            &PrescriptionInput {
                purposes: vec![P::Calm],
                purpose_notes: "Before her bath at 7 pm".into(),
                requested_on: received,
                ..Default::default()
            },
        )
        .unwrap();
    s.store
        .set_prescription_playlist(&r.prescription.unwrap().id, Some(&s.playlist.id))
        .unwrap();
    let offered = handover::plan(&s.store, &s.playlist.id).unwrap();
    assert_eq!(
        offered.helps_with,
        "Calm before a hard time of day: Before her bath at 7 pm"
    );
    // Four songs of 2:43.
    assert_eq!(offered.how_long, "About 11 minutes (4 songs)");

    for (field, input) in [
        (
            "ifUpset",
            HandoverInput {
                if_upset: " ".into(),
                ..plan(&s.playlist, false)
            },
        ),
        (
            "contact",
            HandoverInput {
                contact: String::new(),
                ..plan(&s.playlist, false)
            },
        ),
    ] {
        let err = handover::prepare(&s.store, &input).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
    // A group's setlist is not one person's music.
    let group = s
        .store
        .create_group(&GroupInput {
            name: "Singing for the Brain".into(),
            ..Default::default()
        })
        .unwrap();
    let setlist = playlist_of(
        &mut s.store,
        PlaylistKind::Setlist,
        &group.id,
        "Tuesday",
        &[],
    );
    let err = handover::prepare(&s.store, &plan(&setlist, false)).unwrap_err();
    assert_eq!(err.code(), "conflict");
}
