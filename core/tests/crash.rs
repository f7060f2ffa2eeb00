//! Crash safety: a writer process (`src/bin/refrain-crash-writer.rs`) does a
//! therapist's work on one store and is killed with SIGKILL at a random moment,
//! round after round on the same data folder. After each kill the database
//! must pass `PRAGMA integrity_check` and `PRAGMA foreign_key_check`, every
//! write the writer had reported as saved must be there as reported, and the
//! store must open as the app would open it. See `docs/crash-safety.md`.
//!
//! `REFRAIN_CRASH_KILLS` sets the number of kills (25 by default, for CI; the
//! full run is 500); `REFRAIN_CRASH_SEED` replays a run's choices (how long
//! each writer runs, and its own seed). The moment of each kill still depends
//! on the machine, so a replay is close to the original, not identical.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use refrain_core::store::DB_FILE;
use refrain_core::vault::StoreKey;
use refrain_core::Store;
use rusqlite::Connection;

const WRITER: &str = env!("CARGO_BIN_EXE_refrain-crash-writer");
const HCPC: &str = "AS12345";

/// FNV-1a, 64 bits, as the writer reports note texts.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SplitMix64, seeded: which durations, which writer seeds.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Score {
    session: String,
    person: String,
    timing: String,
    /// `item=value`, sorted.
    answers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
struct Text {
    len: usize,
    hash: u64,
}

/// Everything the writer has reported as saved, the latest report for each
/// thing that can change.
#[derive(Default)]
struct Expected {
    practitioners: HashSet<String>,
    groups: HashSet<String>,
    people: HashSet<String>,
    /// membership id -> (group, person)
    members: HashMap<String, (String, String)>,
    /// session id -> (group, date)
    sessions: HashMap<String, (String, String)>,
    /// (session, person) -> mark
    marks: HashMap<(String, String), String>,
    /// set id -> score
    scores: HashMap<String, Score>,
    /// (session, person, timing) -> set id
    score_ids: HashMap<(String, String, String), String>,
    /// note id -> latest draft
    drafts: HashMap<String, Text>,
    /// (session, person or `-`) -> note id
    note_ids: HashMap<(String, String), String>,
    signed: HashSet<String>,
    /// amendment id -> (note id, text)
    amendments: HashMap<String, (String, Text)>,
    /// Lines reporting a saved write, over every round.
    reported: u64,
    refusals: u64,
}

fn text(len: &str, hash: &str) -> Text {
    Text {
        len: len.parse().expect("a length"),
        hash: u64::from_str_radix(hash, 16).expect("a hash"),
    }
}

fn sorted_answers(list: &str) -> Vec<String> {
    let mut v: Vec<String> = list
        .split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    v.sort();
    v
}

impl Expected {
    /// Takes in one round's complete lines; returns the write that had begun
    /// and not been reported when the writer was killed (`try …`), if any.
    fn take(&mut self, lines: &[&str]) -> Option<Vec<String>> {
        let mut pending = None;
        for line in lines {
            let f: Vec<&str> = line.split(' ').collect();
            let s = |i: usize| f[i].to_string();
            match f[0] {
                "try" => {
                    pending = Some(f[1..].iter().map(|x| x.to_string()).collect());
                    continue;
                }
                "refused" => self.refusals += 1,
                "practitioner" => {
                    self.practitioners.insert(s(1));
                }
                "group" => {
                    self.groups.insert(s(1));
                }
                "person" => {
                    self.people.insert(s(1));
                }
                "member" => {
                    self.members.insert(s(1), (s(2), s(3)));
                }
                "session" => {
                    self.sessions.insert(s(1), (s(2), s(3)));
                }
                "mark" => {
                    self.marks.insert((s(1), s(2)), s(3));
                }
                "score" => {
                    let score = Score {
                        session: s(2),
                        person: s(3),
                        timing: s(4),
                        answers: sorted_answers(f.get(5).copied().unwrap_or("")),
                    };
                    self.score_ids.insert((s(2), s(3), s(4)), s(1));
                    self.scores.insert(s(1), score);
                }
                "draft" => {
                    self.note_ids.insert((s(2), s(3)), s(1));
                    self.drafts.insert(s(1), text(f[4], f[5]));
                }
                "signed" => {
                    self.signed.insert(s(1));
                }
                "amend" => {
                    self.amendments.insert(s(1), (s(2), text(f[3], f[4])));
                }
                other => panic!("the writer said something unknown: {other:?} in {line:?}"),
            }
            if f[0] != "refused" {
                self.reported += 1;
            }
            pending = None;
        }
        pending
    }

    fn count(&self) -> usize {
        self.practitioners.len()
            + self.groups.len()
            + self.people.len()
            + self.members.len()
            + self.sessions.len()
            + self.marks.len()
            + self.scores.len()
            + self.drafts.len()
            + self.signed.len()
            + self.amendments.len()
    }
}

/// What the database holds, read with a plain connection.
struct Found {
    practitioners: HashSet<String>,
    groups: HashSet<String>,
    people: HashSet<String>,
    members: HashMap<String, (String, String)>,
    sessions: HashMap<String, (String, String)>,
    marks: HashMap<(String, String), String>,
    /// set id -> (session, person, timing, archived)
    sets: HashMap<String, (Option<String>, String, String, bool)>,
    answers: HashMap<String, Vec<String>>,
    /// note id -> (body, signed with the HCPC number)
    notes: HashMap<String, (String, bool)>,
    amendments: HashMap<String, (String, String)>,
}

fn rows<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let out = stmt.query_map([], f)?.collect();
    out
}

fn read_found(conn: &Connection) -> rusqlite::Result<Found> {
    let mut answers: HashMap<String, Vec<String>> = HashMap::new();
    for (set, item, value) in rows(
        conn,
        "SELECT score_set_id, item_key, value FROM score_answer",
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )? {
        answers
            .entry(set)
            .or_default()
            .push(format!("{item}={value}"));
    }
    for list in answers.values_mut() {
        list.sort();
    }
    Ok(Found {
        practitioners: rows(
            conn,
            &format!("SELECT id FROM practitioner WHERE hcpc_number = '{HCPC}'"),
            |r| r.get(0),
        )?
        .into_iter()
        .collect(),
        groups: rows(conn, "SELECT id FROM practice_group", |r| r.get(0))?
            .into_iter()
            .collect(),
        people: rows(conn, "SELECT id FROM attendee", |r| r.get(0))?
            .into_iter()
            .collect(),
        members: rows(
            conn,
            "SELECT id, group_id, attendee_id FROM membership",
            |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))),
        )?
        .into_iter()
        .collect(),
        sessions: rows(conn, "SELECT id, group_id, date FROM session", |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
        })?
        .into_iter()
        .collect(),
        marks: rows(
            conn,
            "SELECT session_id, attendee_id, mark FROM attendance",
            |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)),
        )?
        .into_iter()
        .collect(),
        sets: rows(
            conn,
            "SELECT id, session_id, attendee_id, timing, archived_at IS NOT NULL FROM score_set",
            |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))),
        )?
        .into_iter()
        .collect(),
        answers,
        notes: rows(
            conn,
            &format!("SELECT id, body, signed_at IS NOT NULL AND signer_hcpc = '{HCPC}' FROM note"),
            |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))),
        )?
        .into_iter()
        .collect(),
        amendments: rows(conn, "SELECT id, note_id, body FROM note_amendment", |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
        })?
        .into_iter()
        .collect(),
    })
}

/// Whether `body` begins with the text reported (its length and hash).
fn begins_with(body: &str, t: &Text) -> bool {
    body.len() >= t.len && fnv1a(&body.as_bytes()[..t.len]) == t.hash
}

fn is_exactly(body: &str, t: &Text) -> bool {
    body.len() == t.len && fnv1a(body.as_bytes()) == t.hash
}

#[derive(Default)]
struct Tally {
    /// Reported writes checked, summed over every round.
    checked: u64,
    /// Writes committed by the call the writer was killed in before it could
    /// report them (allowed: the app never said they were saved).
    unreported_committed: u64,
}

/// Checks every reported write against the database; returns what is lost.
/// The one write in flight at the kill (`pending`) may be found one step
/// further than its last report: it is then taken as the expected state.
fn verify(
    exp: &mut Expected,
    found: &Found,
    pending: Option<&[String]>,
    tally: &mut Tally,
) -> Vec<String> {
    let mut lost = Vec::new();
    let pending = pending.unwrap_or(&[]);
    let pending: Vec<&str> = pending.iter().map(String::as_str).collect();

    for id in &exp.practitioners {
        if !found.practitioners.contains(id) {
            lost.push(format!("practitioner {id} (with {HCPC}) is missing"));
        }
    }
    for id in &exp.groups {
        if !found.groups.contains(id) {
            lost.push(format!("group {id} is missing"));
        }
    }
    for id in &exp.people {
        if !found.people.contains(id) {
            lost.push(format!("person {id} is missing"));
        }
    }
    for (id, want) in &exp.members {
        if found.members.get(id) != Some(want) {
            lost.push(format!(
                "membership {id} {want:?}: found {:?}",
                found.members.get(id)
            ));
        }
    }
    for (id, want) in &exp.sessions {
        if found.sessions.get(id) != Some(want) {
            lost.push(format!(
                "session {id} {want:?}: found {:?}",
                found.sessions.get(id)
            ));
        }
    }

    for (key, want) in exp.marks.iter_mut() {
        let got = found.marks.get(key);
        if got == Some(want) {
            continue;
        }
        let in_flight = pending == ["mark", key.0.as_str(), key.1.as_str()];
        match got {
            Some(got) if in_flight => {
                *want = got.clone();
                tally.unreported_committed += 1;
            }
            _ => lost.push(format!(
                "mark {} {}: reported {want}, found {got:?}",
                key.0, key.1
            )),
        }
    }

    for (id, want) in exp.scores.iter_mut() {
        let Some((session, person, timing, archived)) = found.sets.get(id) else {
            lost.push(format!("score set {id} is missing"));
            continue;
        };
        if session.as_deref() != Some(want.session.as_str())
            || *person != want.person
            || *timing != want.timing
            || *archived
        {
            lost.push(format!(
                "score set {id}: reported {want:?}, found {session:?} {person} {timing} \
                 archived {archived}"
            ));
            continue;
        }
        let got = found.answers.get(id).cloned().unwrap_or_default();
        if got == want.answers {
            continue;
        }
        let in_flight = pending
            == [
                "score",
                want.session.as_str(),
                want.person.as_str(),
                want.timing.as_str(),
            ];
        if in_flight && !got.is_empty() {
            want.answers = got;
            tally.unreported_committed += 1;
        } else {
            lost.push(format!(
                "score set {id}: reported {:?}, found {got:?}",
                want.answers
            ));
        }
    }

    let in_flight_note = match pending.as_slice() {
        ["draft", session, person] => exp
            .note_ids
            .get(&(session.to_string(), person.to_string()))
            .cloned(),
        _ => None,
    };
    for (id, want) in exp.drafts.iter_mut() {
        let Some((body, _)) = found.notes.get(id) else {
            lost.push(format!("note {id} is missing"));
            continue;
        };
        if is_exactly(body, want) {
            continue;
        }
        if in_flight_note.as_ref() == Some(id) && begins_with(body, want) {
            *want = Text {
                len: body.len(),
                hash: fnv1a(body.as_bytes()),
            };
            tally.unreported_committed += 1;
        } else {
            lost.push(format!(
                "note {id}: reported a draft of {} bytes ({:016x}), found {} bytes{}",
                want.len,
                want.hash,
                body.len(),
                if begins_with(body, want) {
                    " beginning with it"
                } else {
                    " not beginning with it"
                }
            ));
        }
    }
    for id in &exp.signed {
        match found.notes.get(id) {
            Some((_, true)) => {}
            other => lost.push(format!("note {id} was reported signed, found {other:?}")),
        }
    }
    for (id, (note, want)) in &exp.amendments {
        match found.amendments.get(id) {
            Some((n, body)) if n == note && is_exactly(body, want) => {}
            other => lost.push(format!("amendment {id} of note {note}: found {other:?}")),
        }
    }
    tally.checked += exp.count() as u64;
    lost
}

/// Copies the database and its WAL as the kill left them, so the checks below
/// never checkpoint or tidy the real files: the next writer recovers them
/// itself, as the app would on its next start.
fn snapshot(data: &Path, check: &Path) {
    if check.exists() {
        std::fs::remove_dir_all(check).unwrap();
    }
    std::fs::create_dir_all(check).unwrap();
    for suffix in ["", "-wal"] {
        let from = data.join(format!("{DB_FILE}{suffix}"));
        if from.exists() {
            std::fs::copy(&from, check.join(format!("{DB_FILE}{suffix}"))).unwrap();
        }
    }
}

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check`: what is wrong.
fn integrity(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut problems: Vec<String> = rows(conn, "PRAGMA integrity_check", |r| r.get(0))?
        .into_iter()
        .filter(|r: &String| r != "ok")
        .collect();
    problems.extend(rows(conn, "PRAGMA foreign_key_check", |r| {
        Ok(format!(
            "foreign key: {} row {:?} points to a missing {}",
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?
        ))
    })?);
    Ok(problems)
}

fn reader(mut from: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = from.read_to_end(&mut buf);
        buf
    })
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, not {v:?}"))
    })
}

/// Why a round failed.
enum Failure {
    Integrity(String),
    Lost(u64, String),
    Other(String),
}

/// One writer, started on `data`, killed after `run_for`, and everything
/// checked. Returns the new writes reported and the write in flight.
fn round(
    data: &Path,
    check: &Path,
    run_for: Duration,
    writer_seed: u64,
    exp: &mut Expected,
    tally: &mut Tally,
    key: &StoreKey,
) -> Result<(u64, Option<Vec<String>>), Failure> {
    let mut child: Child = Command::new(WRITER)
        .arg(data)
        .arg(writer_seed.to_string())
        .env("REFRAIN_CRASH_STORE_KEY", &*key.to_hex())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the writer starts");
    let out = reader(child.stdout.take().unwrap());
    let err = reader(child.stderr.take().unwrap());
    std::thread::sleep(run_for);
    let exited = child.try_wait().unwrap();
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let out = out.join().unwrap();
    let err = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
    if let Some(status) = exited {
        return Err(Failure::Other(format!(
            "the writer stopped by itself ({status}) before the kill:\n{err}"
        )));
    }

    // Only whole lines: the kill may cut the last one short.
    let out = String::from_utf8(out).expect("the writer writes UTF-8");
    let complete = match out.rfind('\n') {
        Some(end) => &out[..end],
        None => "",
    };
    let lines: Vec<&str> = complete.lines().filter(|l| !l.is_empty()).collect();
    let before = exp.reported;
    let pending = exp.take(&lines);
    let new_writes = exp.reported - before;

    snapshot(data, check);
    let conn = Connection::open(check.join(DB_FILE)).unwrap();
    key.apply(&conn).unwrap();
    let problems =
        integrity(&conn).unwrap_or_else(|e| vec![format!("the checks could not run: {e}")]);
    if !problems.is_empty() {
        return Err(Failure::Integrity(format!("{problems:?}")));
    }
    if exp.count() > 0 {
        let found = read_found(&conn)
            .map_err(|e| Failure::Other(format!("the saved writes could not be read: {e}")))?;
        let lost = verify(exp, &found, pending.as_deref(), tally);
        if !lost.is_empty() {
            return Err(Failure::Lost(
                lost.len() as u64,
                format!(
                    "{} saved writes lost (in flight at the kill: {pending:?}):\n{}",
                    lost.len(),
                    lost.join("\n")
                ),
            ));
        }
    }
    drop(conn);
    // As the app would open it on its next start.
    Store::open_keyed(&check.join(DB_FILE), key)
        .map_err(|e| Failure::Other(format!("the store does not open after the kill: {e}")))?;
    Ok((new_writes, pending))
}

#[test]
fn saved_writes_survive_sigkill() {
    let kills = env_u64("REFRAIN_CRASH_KILLS").unwrap_or(25);
    let seed = env_u64("REFRAIN_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
    });
    let base = std::env::temp_dir().join(format!("refrain-crash-{seed}-{}", std::process::id()));
    let data = base.join("data");
    let check = base.join("check");
    if base.exists() {
        std::fs::remove_dir_all(&base).unwrap();
    }
    println!("crash harness: {kills} kills, REFRAIN_CRASH_SEED={seed}");
    // The store is encrypted, as the app's is.
    let key = StoreKey::generate().unwrap();

    let started = Instant::now();
    let mut rng = Rng(seed);
    let mut exp = Expected::default();
    let mut tally = Tally::default();
    let mut integrity_failures = 0u64;
    let mut lost_writes = 0u64;
    let mut done = 0u64;
    let mut failed: Option<String> = None;
    for n in 1..=kills {
        let run_for = Duration::from_millis(5 + rng.next() % 296);
        let writer_seed = rng.next();
        match round(
            &data,
            &check,
            run_for,
            writer_seed,
            &mut exp,
            &mut tally,
            &key,
        ) {
            Ok((new_writes, pending)) => println!(
                "round {n}: ran {} ms, {new_writes} writes reported, in flight at the kill: {}",
                run_for.as_millis(),
                pending.map_or("nothing".into(), |p| p.join(" "))
            ),
            Err(f) => {
                let what = match f {
                    Failure::Integrity(what) => {
                        integrity_failures += 1;
                        format!("integrity: {what}")
                    }
                    Failure::Lost(n, what) => {
                        lost_writes += n;
                        what
                    }
                    Failure::Other(what) => what,
                };
                failed = Some(format!(
                    "round {n} (writer ran {} ms, writer seed {writer_seed}): {what}",
                    run_for.as_millis()
                ));
            }
        }
        done = n;
        if failed.is_some() {
            break;
        }
    }
    let elapsed = started.elapsed();
    let summary = format!(
        "crash harness: {done} kills in {:.1} s, REFRAIN_CRASH_SEED={seed}\n\
         integrity failures: {integrity_failures}\n\
         lost saved writes: {lost_writes}\n\
         saved writes reported: {} ({} distinct records, each re-checked after every later \
         kill: {} checks)\n\
         writes committed when killed, before being reported (allowed): {}\n\
         refusals from the core: {}",
        elapsed.as_secs_f64(),
        exp.reported,
        exp.count(),
        tally.checked,
        tally.unreported_committed,
        exp.refusals,
    );
    println!("{summary}");
    if let Some(what) = failed {
        panic!(
            "crash harness failed; replay with REFRAIN_CRASH_SEED={seed}\n{what}\n\
             the data folder is kept for inspection: {}",
            base.display()
        );
    }

    // The app's next start, on the real folder.
    let store = Store::open_in_dir_keyed(&data, &key).expect("the store opens after the last kill");
    let report = store.check().unwrap();
    assert!(report.integrity_ok, "{:?}", report.problems);
    let counts: Vec<String> = report
        .counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    drop(store);
    println!("store after the last kill: {}", counts.join(", "));
    assert!(exp.reported > 0, "the writer never reported a saved write");
    std::fs::remove_dir_all(&base).unwrap();
}
