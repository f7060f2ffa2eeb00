//! The crash-safety harness's writer (`core/tests/crash.rs`, see
//! `docs/crash-safety.md`): opens the store in a data folder exactly as the app
//! does and does a therapist's work on it through the public `Store` API, for
//! ever, until it is killed.
//!
//! Usage: `refrain-crash-writer <data dir> <seed>`
//!
//! Sessions of a group, one after another: registers marked, UCL umbrella
//! scores before and after typed into the quick-entry grid (partial sets, then
//! complete ones, the odd correction), notes drafted as autosave does (the text
//! growing a few words at a time), most of them signed and some amended. On an
//! existing store (after a kill) it picks up where the store says it was.
//!
//! Before each change it prints `try <what>`; after the call has returned `Ok`
//! (and only then: that is "reported as saved") it prints one line saying what
//! is now saved, and flushes:
//!
//! ```text
//! practitioner <id>
//! group <id>
//! person <id>
//! member <membership id> <group id> <person id>
//! session <id> <group id> <date>
//! mark <session id> <person id> <present|late|left_early|absent|apologies>
//! score <set id> <session id> <person id> <before|after> <item=value,...>
//! draft <note id> <session id> <person id|-> <length in bytes> <fnv-1a 64 hex>
//! signed <note id>
//! amend <amendment id> <note id> <length in bytes> <fnv-1a 64 hex>
//! refused <code> <what>
//! ```
//!
//! A refusal (the core saying no, which this writer tries not to provoke) is
//! reported and skipped; any other error ends the process with status 1.
//!
//! Team sharing (`core/tests/sync_crash.rs`): with `REFRAIN_CRASH_SYNC_FOLDER`
//! and `REFRAIN_CRASH_SYNC_KEYS` set, the writer also syncs with that folder
//! after about one change in five and prints `synced`. With `--apply` first
//! (`refrain-crash-writer --apply <data dir> <folder> <keys>`) it only
//! applies what is in the folder, over and over, printing `applied <n>`.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use chrono::{Duration, NaiveDate};
use refrain_core::model::*;
use refrain_core::outcomes::{builtin, Rater, Response, UCL_UMBRELLA_GENERIC};
use refrain_core::{CoreError, Store};

const GROUP_PREFIX: &str = "Crash Group ";
const MEMBERS: usize = 8;
const HCPC: &str = "AS12345";
/// The first session of each group; sessions follow weekly until today.
const FIRST_SESSION: &str = "2000-01-06";
const JOINED_ON: &str = "1999-12-01";

const NAMES: [&str; 16] = [
    "Margaret Ellis",
    "Arthur Bennett",
    "Doreen Walsh",
    "Stanley Price",
    "Joan Hughes",
    "Harold Carter",
    "Irene Wood",
    "Frank Morris",
    "Edna Cooper",
    "Leonard Ward",
    "Vera Kelly",
    "Dennis Murphy",
    "Betty Foster",
    "Ronald Gray",
    "Gladys Reed",
    "Walter Bell",
];

const WORDS: [&str; 40] = [
    "sang",
    "hummed",
    "tapped",
    "smiled",
    "the",
    "chorus",
    "of",
    "Daisy",
    "Bell",
    "along",
    "with",
    "others",
    "and",
    "joined",
    "in",
    "clapping",
    "rhythm",
    "on",
    "the",
    "drum",
    "eye",
    "contact",
    "improved",
    "during",
    "call",
    "and",
    "response",
    "seemed",
    "settled",
    "after",
    "a",
    "quiet",
    "start",
    "requested",
    "Moon",
    "River",
    "again",
    "reminisced",
    "about",
    "dancing",
];

/// FNV-1a, 64 bits: the harness checks note texts by it.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SplitMix64: small, seeded, good enough to choose what to do next.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// In `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn mark_word(mark: Mark) -> &'static str {
    match mark {
        Mark::Present => "present",
        Mark::Late => "late",
        Mark::LeftEarly => "left_early",
        Mark::Absent => "absent",
        Mark::Apologies => "apologies",
    }
}

fn timing_word(timing: Timing) -> &'static str {
    match timing {
        Timing::Before => "before",
        Timing::After => "after",
        Timing::Intake => "intake",
        Timing::Review => "review",
        Timing::Discharge => "discharge",
    }
}

/// `-` for the session's group note.
fn who(person: &Option<String>) -> &str {
    person.as_deref().unwrap_or("-")
}

/// What a note should become, fixed by the session and person so that a
/// writer resuming after a kill carries on with the same plan.
struct NotePlan {
    length: usize,
    signed: bool,
    amendments: usize,
}

fn note_plan(session_id: &str, person: &Option<String>) -> NotePlan {
    let h = fnv1a(format!("{session_id}/{}", who(person)).as_bytes());
    NotePlan {
        length: 120 + (h % 1400) as usize,
        signed: (h >> 16) % 10 < 7,
        amendments: ((h >> 24) % 3) as usize,
    }
}

struct NoteState {
    id: String,
    body: String,
    signed: bool,
    amendments: Vec<String>,
}

/// The session being worked on, as the store says it is.
struct SessionState {
    id: String,
    date: NaiveDate,
    marks: HashMap<String, Mark>,
    /// (person, timing) -> (set id, answers as saved).
    sets: HashMap<(String, Timing), (String, Vec<Response>)>,
    /// Keyed by person; `None` is the group note.
    notes: HashMap<Option<String>, NoteState>,
}

enum Step {
    Mark(String, Mark),
    Score(String, Timing, Vec<Response>),
    Draft(Option<String>),
    Sign(Option<String>),
    Amend(Option<String>),
}

struct Writer {
    store: Store,
    /// The sync folder and space keys, when the writer also syncs.
    sync: Option<(PathBuf, refrain_core::sync::Keys)>,
    rng: Rng,
    out: std::io::StdoutLock<'static>,
    items: Vec<String>,
    practitioner: String,
    group: String,
    members: Vec<String>,
}

type Outcome<T> = std::result::Result<Option<T>, CoreError>;

impl Writer {
    fn say(&mut self, line: &str) {
        // The harness reads every line; if it has gone, so do we.
        if writeln!(self.out, "{line}")
            .and_then(|()| self.out.flush())
            .is_err()
        {
            std::process::exit(3);
        }
    }

    /// A refusal is reported and skipped (`Ok(None)`); any other error is
    /// returned to end the writer.
    fn done<T>(&mut self, what: &str, r: refrain_core::Result<T>) -> Outcome<T> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(e)
                if matches!(
                    e.code(),
                    "invalid" | "conflict" | "not_found" | "note_signed"
                ) =>
            {
                eprintln!("refused {what}: {e}");
                self.say(&format!("refused {} {what}", e.code()));
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn practitioner(&mut self) -> Outcome<String> {
        if let Some(p) = self
            .store
            .list_practitioners()?
            .into_iter()
            .find(|p| p.hcpc_number == HCPC)
        {
            return Ok(Some(p.id));
        }
        self.say("try practitioner");
        let r = self.store.create_practitioner(&PractitionerInput {
            name: "Alex Morgan".into(),
            hcpc_number: HCPC.into(),
        });
        let Some(p) = self.done("practitioner", r)? else {
            return Ok(None);
        };
        self.say(&format!("practitioner {}", p.id));
        Ok(Some(p.id))
    }

    /// The newest crash group, or a new one when there is none or `fresh`.
    fn group(&mut self, fresh: bool) -> Outcome<String> {
        let groups: Vec<(u32, String)> = self
            .store
            .list_groups(false)?
            .into_iter()
            .filter_map(|g| {
                let n = g.name.strip_prefix(GROUP_PREFIX)?.parse().ok()?;
                Some((n, g.id))
            })
            .collect();
        let newest = groups.iter().max().cloned();
        if let (Some((_, id)), false) = (&newest, fresh) {
            return Ok(Some(id.clone()));
        }
        let n = newest.map_or(1, |(n, _)| n + 1);
        self.say("try group");
        let r = self.store.create_group(&GroupInput {
            name: format!("{GROUP_PREFIX}{n}"),
            weekday: Some(Weekday::Thursday),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            facilitators: "Alex Morgan".into(),
            ..Default::default()
        });
        let Some(g) = self.done("group", r)? else {
            return Ok(None);
        };
        self.say(&format!("group {}", g.id));
        Ok(Some(g.id))
    }

    /// The group's current members, making up to [`MEMBERS`] of them.
    fn members(&mut self) -> Outcome<Vec<String>> {
        let mut members: Vec<String> = self
            .store
            .group_detail(&self.group)?
            .members
            .into_iter()
            .map(|m| m.attendee_id)
            .collect();
        while members.len() < MEMBERS {
            let name = NAMES[self.rng.below(NAMES.len())];
            self.say("try person");
            let r = self.store.create_attendee(&AttendeeInput {
                full_name: format!("{name} {}", self.rng.below(1000)),
                carer_name: "Jean".into(),
                access_needs: "Wheelchair user".into(),
                ..Default::default()
            });
            let Some(p) = self.done("person", r)? else {
                return Ok(None);
            };
            self.say(&format!("person {}", p.id));
            self.say(&format!("try member {} {}", self.group, p.id));
            let r = self.store.add_member(&self.group, &p.id, JOINED_ON);
            let Some(m) = self.done("member", r)? else {
                return Ok(None);
            };
            self.say(&format!("member {} {} {}", m.id, self.group, p.id));
            members.push(p.id);
        }
        Ok(Some(members))
    }

    /// The group's newest session, or its first.
    fn latest_session(&mut self) -> Outcome<SessionState> {
        match self.store.sessions_of_group(&self.group, 1)?.pop() {
            Some(s) => Ok(Some(self.load(&s.id, &s.date)?)),
            None => self.new_session(FIRST_SESSION.parse().expect("a date")),
        }
    }

    fn new_session(&mut self, date: NaiveDate) -> Outcome<SessionState> {
        let date_text = date.format("%Y-%m-%d").to_string();
        self.say(&format!("try session {} {date_text}", self.group));
        let r = self.store.create_session(&SessionInput {
            group_id: self.group.clone(),
            date: date_text.clone(),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        });
        let Some(s) = self.done("session", r)? else {
            return Ok(None);
        };
        self.say(&format!("session {} {} {date_text}", s.id, self.group));
        Ok(Some(self.load(&s.id, &s.date)?))
    }

    /// What the store holds for a session: marks, this writer's sets, notes.
    fn load(&self, session_id: &str, date: &str) -> refrain_core::Result<SessionState> {
        let marks = self
            .store
            .register(session_id)?
            .entries
            .into_iter()
            .filter_map(|e| Some((e.attendee_id, e.mark?)))
            .collect();
        let mut sets = HashMap::new();
        for row in self.store.score_sheet(session_id)?.rows {
            for set in row.sets {
                if set.instrument_key == UCL_UMBRELLA_GENERIC && set.rater == Rater::SelfReport {
                    sets.insert((row.attendee_id.clone(), set.timing), (set.id, set.answers));
                }
            }
        }
        let notes = self.store.session_notes(session_id)?;
        let notes = notes
            .group_note
            .into_iter()
            .chain(notes.person_notes)
            .map(|n| {
                (
                    n.attendee_id.clone(),
                    NoteState {
                        id: n.id,
                        body: n.body,
                        signed: n.signed.is_some(),
                        amendments: n.amendments.into_iter().map(|a| a.id).collect(),
                    },
                )
            })
            .collect();
        Ok(SessionState {
            id: session_id.to_string(),
            date: date.parse().expect("the store's dates are YYYY-MM-DD"),
            marks,
            sets,
            notes,
        })
    }

    /// Everything that could be done next in this session; empty when the
    /// session is finished.
    fn steps(&mut self, s: &SessionState) -> Vec<Step> {
        let mut steps = Vec::new();
        for p in &self.members {
            match s.marks.get(p) {
                None => {
                    let mark = match self.rng.below(100) {
                        0..=74 => Mark::Present,
                        75..=82 => Mark::Late,
                        83..=87 => Mark::LeftEarly,
                        88..=94 => Mark::Absent,
                        _ => Mark::Apologies,
                    };
                    steps.push(Step::Mark(p.clone(), mark));
                }
                // Now and then a mark is corrected (still there, so notes
                // and scores stay allowed).
                Some(&m) if m.attended() && self.rng.chance(2) => {
                    let to = if m == Mark::Present {
                        Mark::Late
                    } else {
                        Mark::Present
                    };
                    steps.push(Step::Mark(p.clone(), to));
                }
                _ => {}
            }
        }
        let attending: Vec<String> = self
            .members
            .iter()
            .filter(|p| s.marks.get(*p).is_some_and(|m| m.attended()))
            .cloned()
            .collect();
        for p in &attending {
            for timing in [Timing::Before, Timing::After] {
                let saved = s
                    .sets
                    .get(&(p.clone(), timing))
                    .map(|(_, a)| a.clone())
                    .unwrap_or_default();
                if saved.len() < self.items.len() {
                    // The grid: a few more digits typed, then saved.
                    let upto =
                        (saved.len() + 1 + self.rng.below(self.items.len())).min(self.items.len());
                    let mut answers = saved;
                    for key in &self.items[answers.len()..upto] {
                        answers.push(Response::new(key.clone(), 1 + self.rng.below(5) as i32));
                    }
                    steps.push(Step::Score(p.clone(), timing, answers));
                } else if self.rng.chance(2) {
                    // A correction: one answer changed.
                    let mut answers = saved;
                    let i = self.rng.below(answers.len());
                    answers[i].value = 1 + (answers[i].value % 5);
                    steps.push(Step::Score(p.clone(), timing, answers));
                }
            }
        }
        let people = std::iter::once(None).chain(attending.into_iter().map(Some));
        for person in people {
            let plan = note_plan(&s.id, &person);
            match s.notes.get(&person) {
                None => steps.push(Step::Draft(person)),
                Some(n) if !n.signed && n.body.len() < plan.length => {
                    steps.push(Step::Draft(person))
                }
                Some(n) if !n.signed && plan.signed => steps.push(Step::Sign(person)),
                Some(n) if n.signed && n.amendments.len() < plan.amendments => {
                    steps.push(Step::Amend(person))
                }
                _ => {}
            }
        }
        steps
    }

    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| WORDS[self.rng.below(WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Does one step; `Ok(())` also when the core refused it.
    fn step(&mut self, s: &mut SessionState, step: Step) -> refrain_core::Result<()> {
        match step {
            Step::Mark(p, mark) => {
                self.say(&format!("try mark {} {p}", s.id));
                let r = self.store.set_mark(&s.id, &p, Some(mark));
                if self.done("mark", r)?.is_some() {
                    self.say(&format!("mark {} {p} {}", s.id, mark_word(mark)));
                    s.marks.insert(p, mark);
                }
            }
            Step::Score(p, timing, answers) => {
                let t = timing_word(timing);
                self.say(&format!("try score {} {p} {t}", s.id));
                let r = self.store.record_scores(&ScoreSetInput {
                    attendee_id: p.clone(),
                    session_id: Some(s.id.clone()),
                    instrument_key: UCL_UMBRELLA_GENERIC.into(),
                    timing,
                    rater: Rater::SelfReport,
                    rater_name: String::new(),
                    taken_on: None,
                    answers,
                });
                if let Some(set) = self.done("score", r)? {
                    let answers = set
                        .answers
                        .iter()
                        .map(|a| format!("{}={}", a.item_key, a.value))
                        .collect::<Vec<_>>()
                        .join(",");
                    self.say(&format!("score {} {} {p} {t} {answers}", set.id, s.id));
                    s.sets.insert((p, timing), (set.id, set.answers));
                }
            }
            Step::Draft(person) => {
                let mut body = s
                    .notes
                    .get(&person)
                    .map(|n| n.body.clone())
                    .unwrap_or_default();
                let n = 2 + self.rng.below(10);
                let words = self.words(n);
                if !body.is_empty() {
                    body.push(' ');
                }
                body.push_str(&words);
                if self.rng.chance(30) {
                    body.push('.');
                }
                self.say(&format!("try draft {} {}", s.id, who(&person)));
                let r = self.store.save_note_draft(
                    &s.id,
                    person.as_deref(),
                    &body,
                    Some(&self.practitioner),
                );
                if let Some(note) = self.done("draft", r)? {
                    self.say(&format!(
                        "draft {} {} {} {} {:016x}",
                        note.id,
                        s.id,
                        who(&person),
                        note.body.len(),
                        fnv1a(note.body.as_bytes())
                    ));
                    s.notes.insert(
                        person,
                        NoteState {
                            id: note.id,
                            body: note.body,
                            signed: note.signed.is_some(),
                            amendments: Vec::new(),
                        },
                    );
                }
            }
            Step::Sign(person) => {
                let id = s.notes[&person].id.clone();
                self.say(&format!("try sign {id}"));
                let r = self.store.sign_note(&id, &self.practitioner);
                if let Some(note) = self.done("sign", r)? {
                    if note.signed.is_some() {
                        self.say(&format!("signed {id}"));
                    }
                    s.notes.get_mut(&person).expect("the note").signed = note.signed.is_some();
                }
            }
            Step::Amend(person) => {
                let id = s.notes[&person].id.clone();
                let n = 3 + self.rng.below(12);
                let body = format!("Correction: {}.", self.words(n));
                self.say(&format!("try amend {id}"));
                let r = self.store.amend_note(
                    &id,
                    &self.practitioner,
                    &body,
                    "Wrong song title recorded",
                );
                if let Some(note) = self.done("amend", r)? {
                    let known = &s.notes[&person].amendments;
                    let new: Vec<&Amendment> = note
                        .amendments
                        .iter()
                        .filter(|a| !known.contains(&a.id))
                        .collect();
                    for a in &new {
                        self.say(&format!(
                            "amend {} {id} {} {:016x}",
                            a.id,
                            a.body.len(),
                            fnv1a(a.body.as_bytes())
                        ));
                    }
                    s.notes.get_mut(&person).expect("the note").amendments =
                        note.amendments.into_iter().map(|a| a.id).collect();
                }
            }
        }
        Ok(())
    }

    /// Works session after session, for ever. Returns only on an error that is
    /// not a refusal (or when the core keeps refusing the set-up).
    fn run(&mut self) -> refrain_core::Result<()> {
        let mut session = self
            .latest_session()?
            .ok_or_else(|| CoreError::Conflict("the first session was refused".into()))?;
        let mut idle = 0;
        loop {
            let mut steps = self.steps(&session);
            if steps.is_empty() {
                let next = session.date + Duration::days(7);
                if next > refrain_core::store::today() {
                    // This group's weekly sessions have reached today: a new
                    // group starts again from the first date.
                    let Some(g) = self.group(true)? else { continue };
                    self.group = g;
                    let Some(m) = self.members()? else { continue };
                    self.members = m;
                    if let Some(s) = self.latest_session()? {
                        session = s;
                    }
                } else if let Some(s) = self.new_session(next)? {
                    session = s;
                }
                idle += 1;
                if idle > 1000 {
                    return Err(CoreError::Conflict(
                        "no work left that the core accepts".into(),
                    ));
                }
                continue;
            }
            idle = 0;
            let step = steps.swap_remove(self.rng.below(steps.len()));
            self.step(&mut session, step)?;
            if self.sync.is_some() && self.rng.chance(20) {
                let (folder, keys) = self.sync.as_ref().expect("checked");
                self.store.sync_folder(folder, keys)?;
                self.say("synced");
            }
        }
    }
}

fn fail(e: CoreError) -> ! {
    eprintln!("refrain-crash-writer: {e} ({})", e.code());
    std::process::exit(1);
}

fn store_key() -> refrain_core::vault::StoreKey {
    std::env::var("REFRAIN_CRASH_STORE_KEY")
        .ok()
        .and_then(|hex| refrain_core::vault::StoreKey::from_hex(&hex))
        .unwrap_or_else(|| {
            eprintln!("REFRAIN_CRASH_STORE_KEY must hold the store key in hex");
            std::process::exit(2);
        })
}

/// `--apply <data dir> <folder> <keys>`: applies what arrives, for ever.
fn apply_forever(mut args: impl Iterator<Item = String>) -> ! {
    let (Some(dir), Some(folder), Some(keys)) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: refrain-crash-writer --apply <data dir> <folder> <keys>");
        std::process::exit(2);
    };
    let keys = refrain_core::sync::Keys::from_dir(&PathBuf::from(keys)).unwrap_or_else(|e| fail(e));
    let mut store =
        Store::open_in_dir_keyed(&PathBuf::from(dir), &store_key()).unwrap_or_else(|e| fail(e));
    let mut out = std::io::stdout().lock();
    loop {
        let report = store
            .sync_folder(&PathBuf::from(&folder), &keys)
            .unwrap_or_else(|e| fail(e));
        if writeln!(out, "applied {}", report.files_applied)
            .and_then(|()| out.flush())
            .is_err()
        {
            std::process::exit(3);
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().is_some_and(|a| a == "--apply") {
        args.next();
        apply_forever(args);
    }
    let (Some(dir), Some(seed)) = (args.next(), args.next()) else {
        eprintln!("usage: refrain-crash-writer <data dir> <seed>");
        std::process::exit(2);
    };
    let Ok(seed) = seed.parse::<u64>() else {
        eprintln!("the seed must be a whole number");
        std::process::exit(2);
    };
    // Exactly as the app opens its store: encrypted, with the store key the
    // harness hands over (hex) in REFRAIN_CRASH_STORE_KEY.
    let key = store_key();
    let sync = match (
        std::env::var_os("REFRAIN_CRASH_SYNC_FOLDER"),
        std::env::var_os("REFRAIN_CRASH_SYNC_KEYS"),
    ) {
        (Some(folder), Some(keys)) => Some((
            PathBuf::from(folder),
            refrain_core::sync::Keys::from_dir(&PathBuf::from(keys)).unwrap_or_else(|e| fail(e)),
        )),
        _ => None,
    };
    let store = Store::open_in_dir_keyed(&PathBuf::from(dir), &key).unwrap_or_else(|e| fail(e));
    let items = builtin(UCL_UMBRELLA_GENERIC)
        .expect("the UCL generic umbrella is built in")
        .items
        .into_iter()
        .map(|i| i.key)
        .collect();
    let mut w = Writer {
        store,
        sync,
        rng: Rng(seed),
        out: std::io::stdout().lock(),
        items,
        practitioner: String::new(),
        group: String::new(),
        members: Vec::new(),
    };
    let setup = |w: &mut Writer| -> refrain_core::Result<()> {
        let refused = || CoreError::Conflict("the set-up was refused".into());
        w.practitioner = w.practitioner()?.ok_or_else(refused)?;
        w.group = w.group(false)?.ok_or_else(refused)?;
        w.members = w.members()?.ok_or_else(refused)?;
        Ok(())
    };
    if let Err(e) = setup(&mut w).and_then(|()| w.run()) {
        fail(e);
    }
}
