//! A busy practice's decade of records: are the screens' queries fast, and how
//! big is the store?
//!
//!     cargo bench -p refrain-core --bench decade [-- --regenerate] [-- --explain] [-- --proposed]
//!     cargo bench -p refrain-core --bench decade -- --reports
//!     cargo bench -p refrain-core --bench decade -- --sync
//!
//! The dataset (see decade/generate.rs) is generated once into
//! target/refrain-bench/decade-v2/ and reused while its schema version matches
//! this build and it was laid out around a date less than 14 days ago (the
//! data's "now" is the day it was generated). `--regenerate` (or
//! REFRAIN_BENCH_REGENERATE=1) forces a new one.
//!
//! Each screen's calls go through the public `Store` API on a freshly opened
//! store. Results are printed as a table and written to
//! target/refrain-bench/decade-results.json. `--reports` times the report
//! exports instead (decade/reports.rs), written to
//! target/refrain-bench/decade-reports.json. See docs/benchmarks.md.

#[path = "decade/explain.rs"]
mod explain;
#[path = "decade/generate.rs"]
mod generate;
#[path = "decade/reports.rs"]
mod reports;
#[path = "decade/sync.rs"]
mod sync;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use refrain_core::model::Mark;
use refrain_core::store::{today, DB_FILE, SCHEMA_VERSION};
use refrain_core::Store;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::{json, Value};

/// Bump when the generator changes, so old caches are not reused.
const DATASET: &str = "decade-v2";
/// The goal for every screen's call.
const GOAL_MS: f64 = 5.0;
/// A cached dataset laid out around an older date is regenerated: by then its
/// planned weeks have run out and "today" no longer looks like a working week.
const MAX_AGE_DAYS: i64 = 14;

struct Opts {
    regenerate: bool,
    explain: bool,
    proposed: bool,
    reports: bool,
    sync: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let opts = Opts {
        regenerate: flag("--regenerate")
            || std::env::var("REFRAIN_BENCH_REGENERATE").is_ok_and(|v| !v.is_empty() && v != "0"),
        explain: flag("--explain"),
        proposed: flag("--proposed"),
        reports: flag("--reports"),
        sync: flag("--sync"),
    };
    // A child of `--reports`, measuring one export's peak memory.
    if let Some(i) = args.iter().position(|a| a == "--report-peak") {
        let format = args.get(i + 1).map_or("", String::as_str);
        let dir = bench_dir().join(DATASET);
        if let Err(e) = reports::peak_child(&dir, today(), format) {
            eprintln!("decade bench failed: {e}");
            std::process::exit(1);
        }
        return;
    }
    if let Err(e) = run(&opts) {
        eprintln!("decade bench failed: {e}");
        std::process::exit(1);
    }
}

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn run(opts: &Opts) -> Res<()> {
    let out_dir = bench_dir();
    let dir = out_dir.join(DATASET);
    let today = today();

    let generation = ensure_dataset(&dir, today, opts.regenerate)?;
    let db = dir.join(DB_FILE);
    let (targets, counts) = {
        let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        (Targets::find(&conn, today)?, generate::counts(&conn)?)
    };
    let size_before = store_size(&db);

    println!(
        "Refrain decade bench: {} (schema v{SCHEMA_VERSION}), today {today}, {} cores",
        db.display(),
        cores()
    );
    match &generation {
        Generation::Fresh(s) => println!("Generated the dataset in {s:.1} s."),
        Generation::Cached { anchor, seconds } => println!(
            "Reused the dataset generated on {anchor} (took {seconds:.1} s); --regenerate to rebuild."
        ),
    }
    println!();
    println!(
        "Rows: {}",
        counts
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // `--sync` and `--reports` write their results beside the dataset's
    // description and the machine's.
    let write_results = |file: &str, key: &str, value: Value| -> Res<()> {
        let results = json!({
            "dataset": DATASET,
            "date": today.to_string(),
            "schemaVersion": SCHEMA_VERSION,
            "machine": machine(&out_dir),
            "rows": counts.iter().map(|(t, n)| (t.clone(), json!(n))).collect::<serde_json::Map<_, _>>(),
            key: value,
        });
        let json_path = out_dir.join(file);
        std::fs::write(&json_path, serde_json::to_string_pretty(&results)?)?;
        println!("Results written to {}", json_path.display());
        Ok(())
    };
    if opts.sync {
        println!();
        return write_results("decade-sync.json", "sync", sync::run(&dir, &out_dir)?);
    }
    if opts.reports {
        println!();
        let value = reports::run(&dir, &db, &out_dir, today)?;
        return write_results("decade-reports.json", "reports", value);
    }
    println!("{}", targets.describe());
    println!();

    let mut store = Store::open_in_dir(&dir)?;
    let (cases, peak) = screens(&mut store, &targets, today)?;
    drop(store);

    print_table(&cases);
    println!();
    println!(
        "Store on disk: {:.1} MB (db {:.1} MB + wal {:.1} MB) before the run; at most {:.1} MB (wal {:.1} MB) during {} writes.",
        mb(size_before.0 + size_before.1),
        mb(size_before.0),
        mb(size_before.1),
        mb(peak.0 + peak.1),
        mb(peak.1),
        cases
            .iter()
            .filter(|c| c.write)
            .map(|c| c.samples.len())
            .sum::<usize>(),
    );

    let results = json!({
        "dataset": DATASET,
        "date": today.to_string(),
        "schemaVersion": SCHEMA_VERSION,
        "goalMs": GOAL_MS,
        "machine": machine(&out_dir),
        "generation": match &generation {
            Generation::Fresh(s) => json!({"seconds": s, "thisRun": true}),
            Generation::Cached { anchor, seconds } =>
                json!({"seconds": seconds, "thisRun": false, "anchor": anchor}),
        },
        "rows": counts.iter().map(|(t, n)| (t.clone(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "sizeBytes": {
            "db": size_before.0, "wal": size_before.1,
            "peakDuringWrites": {"db": peak.0, "wal": peak.1},
        },
        "targets": targets.json(),
        "results": cases.iter().map(Case::json).collect::<Vec<_>>(),
    });
    let json_path = out_dir.join("decade-results.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&results)?)?;
    println!("Results written to {}", json_path.display());

    if opts.explain {
        let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        // Statements that write name the audit log's function in their triggers.
        refrain_core::store::register_sql_functions(&conn)?;
        println!();
        explain::run(&conn, &targets, today)?;
    }
    if opts.proposed {
        let copy = proposed(&out_dir, &dir, &targets, today, &cases)?;
        if opts.explain {
            let conn = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            refrain_core::store::register_sql_functions(&conn)?;
            println!();
            println!("With the proposed indexes:");
            explain::run(&conn, &targets, today)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The dataset

enum Generation {
    Fresh(f64),
    Cached { anchor: String, seconds: f64 },
}

fn bench_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp; the bench keeps its files beside it.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(|p| p.join("refrain-bench"))
        .unwrap_or_else(|| PathBuf::from("target/refrain-bench"))
}

fn ensure_dataset(dir: &Path, today: NaiveDate, force: bool) -> Res<Generation> {
    let meta_path = dir.join("meta.json");
    if !force {
        if let Some(why_not) = reuse_verdict(&meta_path, today) {
            if dir.exists() {
                println!("Regenerating the dataset: {why_not}.");
            }
        } else {
            let meta: Value = serde_json::from_str(&std::fs::read_to_string(&meta_path)?)?;
            return Ok(Generation::Cached {
                anchor: meta["anchor"].as_str().unwrap_or("?").to_string(),
                seconds: meta["seconds"].as_f64().unwrap_or(0.0),
            });
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    println!("Generating the decade dataset in {} ...", dir.display());
    // The app's own open: creates the file and runs every migration.
    drop(Store::open_in_dir(dir)?);
    let generated = generate::generate(&dir.join(DB_FILE), today)?;
    // Check it as the app's health check would (integrity and foreign keys).
    let check = Store::open_in_dir(dir)?.check()?;
    if !check.integrity_ok {
        return Err(format!("generated store fails its check: {:?}", check.problems).into());
    }
    let meta = json!({
        "dataset": DATASET,
        "schemaVersion": SCHEMA_VERSION,
        "seed": format!("{:#x}", generate::SEED),
        "anchor": today.to_string(),
        "seconds": generated.seconds,
    });
    std::fs::write(&meta_path, serde_json::to_string_pretty(&meta)?)?;
    Ok(Generation::Fresh(generated.seconds))
}

/// None when the cached dataset can be reused, else why not.
fn reuse_verdict(meta_path: &Path, today: NaiveDate) -> Option<String> {
    let Ok(text) = std::fs::read_to_string(meta_path) else {
        return Some("there is none yet".into());
    };
    let meta: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(_) => return Some("its meta.json is unreadable".into()),
    };
    if meta["dataset"] != DATASET {
        return Some("it was made by another version of the generator".into());
    }
    if meta["schemaVersion"].as_u64() != Some(u64::from(SCHEMA_VERSION)) {
        return Some(format!(
            "its schema version {} is not this build's {SCHEMA_VERSION}",
            meta["schemaVersion"]
        ));
    }
    let anchor = meta["anchor"]
        .as_str()
        .and_then(|s| s.parse::<NaiveDate>().ok());
    match anchor {
        Some(a) if (today - a).num_days().abs() < MAX_AGE_DAYS => {
            if meta_path.with_file_name(DB_FILE).exists() {
                None
            } else {
                Some("its database file is missing".into())
            }
        }
        _ => Some(format!(
            "it was laid out around a date {MAX_AGE_DAYS}+ days from today"
        )),
    }
}

/// The records each screen is timed on.
pub struct Targets {
    pub group_id: String,
    pub group_name: String,
    pub group_memberships: i64,
    pub attendee_id: String,
    pub attendee_marks: i64,
    pub session_id: String,
    pub session_date: String,
    pub session_marks: i64,
    pub search: &'static str,
    /// The practitioner who writes and signs the notes.
    pub practitioner_id: String,
    /// A recent session whose group note is a draft (the target session when
    /// its note is not signed yet), for the autosave.
    pub draft_session_id: String,
    pub draft_session_date: String,
    pub note_common: &'static str,
    pub note_rare: &'static str,
}

impl Targets {
    fn find(conn: &Connection, today: NaiveDate) -> Res<Self> {
        let (group_id, group_name, group_memberships) = conn.query_row(
            "SELECT g.id, g.name, count(*) FROM practice_group g
               JOIN membership m ON m.group_id = g.id
              WHERE g.archived_at IS NULL
              GROUP BY g.id ORDER BY count(*) DESC, g.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let (attendee_id, attendee_marks) = conn.query_row(
            "SELECT t.attendee_id, count(*) FROM attendance t
               JOIN attendee a ON a.id = t.attendee_id
              WHERE a.archived_at IS NULL
              GROUP BY t.attendee_id ORDER BY count(*) DESC, t.attendee_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (session_id, session_date, session_marks): (String, String, i64) = conn
            .query_row(
                "SELECT s.id, s.date,
                        (SELECT count(*) FROM attendance a WHERE a.session_id = s.id) AS n
                   FROM session s JOIN practice_group g ON g.id = s.group_id
                  WHERE g.archived_at IS NULL AND s.status = 'held'
                    AND s.date < ?1 AND s.date >= date(?1, '-14 days')
                  ORDER BY abs(n - 20),
                           (SELECT count(*) FROM note x WHERE x.session_id = s.id) DESC,
                           s.date DESC, s.id LIMIT 1",
                [today.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or("no held session in the last two weeks")?;
        let practitioner_id: String =
            conn.query_row("SELECT id FROM practitioner ORDER BY id LIMIT 1", [], |r| {
                r.get(0)
            })?;
        // The target session if its group note is unsigned, else the most
        // recent held session whose group note is (or would be) a draft.
        let (draft_session_id, draft_session_date) = conn
            .query_row(
                "SELECT s.id, s.date FROM session s
                   JOIN practice_group g ON g.id = s.group_id
                   LEFT JOIN note n ON n.session_id = s.id AND n.attendee_id IS NULL
                  WHERE g.archived_at IS NULL AND s.archived_at IS NULL AND s.status = 'held'
                    AND s.date < ?1 AND n.signed_at IS NULL
                  ORDER BY s.id = ?2 DESC, n.id IS NULL, s.date DESC, s.id LIMIT 1",
                [today.to_string(), session_id.clone()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or("no held session with an unsigned group note")?;
        Ok(Targets {
            group_id,
            group_name,
            group_memberships,
            attendee_id,
            attendee_marks,
            session_id,
            session_date,
            session_marks,
            search: "son",
            practitioner_id,
            draft_session_id,
            draft_session_date,
            note_common: generate::COMMON_WORD,
            note_rare: generate::RARE_WORD,
        })
    }

    fn describe(&self) -> String {
        format!(
            "Targets: group “{}” ({} memberships ever); the attendee with the longest history \
             ({} marks); a session on {} with {} marks; search term “{}”; notes searched for \
             “{}” and “{}”; the draft group note autosaved is the session's on {}.",
            self.group_name,
            self.group_memberships,
            self.attendee_marks,
            self.session_date,
            self.session_marks,
            self.search,
            self.note_common,
            self.note_rare,
            self.draft_session_date,
        )
    }

    fn json(&self) -> Value {
        json!({
            "group": {"id": self.group_id, "name": self.group_name, "memberships": self.group_memberships},
            "attendee": {"id": self.attendee_id, "marks": self.attendee_marks},
            "session": {"id": self.session_id, "date": self.session_date, "marks": self.session_marks},
            "search": self.search,
            "noteSearch": [self.note_common, self.note_rare],
            "draftNoteSession": {"id": self.draft_session_id, "date": self.draft_session_date},
        })
    }
}

// ---------------------------------------------------------------------------
// Timing

pub struct Case {
    pub screen: &'static str,
    pub call: String,
    /// Rows the call returned (summed over a screen's lists).
    pub rows: usize,
    pub write: bool,
    /// The very first call on the freshly opened store (statements not yet
    /// prepared, SQLite's page cache empty, the OS's file cache as it was).
    pub first: Duration,
    pub samples: Vec<Duration>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Case {
    fn sorted(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self.samples.iter().copied().map(ms).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        v
    }
    fn min(&self) -> f64 {
        self.sorted()[0]
    }
    fn median(&self) -> f64 {
        let v = self.sorted();
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }
    fn p95(&self) -> f64 {
        let v = self.sorted();
        v[((v.len() as f64 * 0.95).ceil() as usize).clamp(1, v.len()) - 1]
    }
    fn max(&self) -> f64 {
        *self.sorted().last().unwrap()
    }
    fn meets_goal(&self) -> bool {
        self.median() < GOAL_MS && self.p95() < GOAL_MS
    }
    fn json(&self) -> Value {
        json!({
            "screen": self.screen,
            "call": self.call,
            "rows": self.rows,
            "write": self.write,
            "iterations": self.samples.len(),
            "firstMs": ms(self.first),
            "minMs": self.min(),
            "medianMs": self.median(),
            "p95Ms": self.p95(),
            "maxMs": self.max(),
            "meetsGoal": self.meets_goal(),
        })
    }
}

const WARMUP: usize = 10;
const ITERS: usize = 200;
/// Fewer iterations for calls slower than this (ms), to keep the run short.
const SLOW_MS: f64 = 20.0;

fn time<T>(
    screen: &'static str,
    call: String,
    mut f: impl FnMut() -> refrain_core::Result<T>,
    rows: impl Fn(&T) -> usize,
) -> Res<Case> {
    let t = Instant::now();
    let out = f()?;
    let first = t.elapsed();
    let n_rows = rows(&out);
    let mut slowest = Duration::ZERO;
    for _ in 1..WARMUP {
        let t = Instant::now();
        f()?;
        slowest = slowest.max(t.elapsed());
    }
    let iters = if ms(slowest) > SLOW_MS { 50 } else { ITERS };
    let mut samples = Vec::with_capacity(iters);
    for _ in 0..iters {
        let t = Instant::now();
        let out = f()?;
        samples.push(t.elapsed());
        std::hint::black_box(out);
    }
    Ok(Case {
        screen,
        call,
        rows: n_rows,
        write: false,
        first,
        samples,
    })
}

/// Every screen's calls, then the write; also the store's peak (db, wal) size
/// seen during the writes.
fn screens(store: &mut Store, t: &Targets, today: NaiveDate) -> Res<(Vec<Case>, (u64, u64))> {
    let mut cases = Vec::new();
    cases.push(time(
        "Today",
        format!("sessions_in_week({today})"),
        || store.sessions_in_week(today),
        Vec::len,
    )?);
    cases.push(time(
        "Groups",
        "list_groups(false)".into(),
        || store.list_groups(false),
        Vec::len,
    )?);
    cases.push(time(
        "Group detail",
        "group_detail(busiest group)".into(),
        || store.group_detail(&t.group_id),
        |d| d.members.len() + d.former_members.len() + d.upcoming.len() + d.past.len(),
    )?);
    cases.push(time(
        "Attendees",
        "search_attendees(\"\", false)".into(),
        || store.search_attendees("", false),
        Vec::len,
    )?);
    cases.push(time(
        "Attendees",
        format!("search_attendees(\"{}\", false)", t.search),
        || store.search_attendees(t.search, false),
        Vec::len,
    )?);
    cases.push(time(
        "Attendee detail",
        "attendee_detail(longest history)".into(),
        || store.attendee_detail(&t.attendee_id),
        |d| d.referrals.len() + d.memberships.len() + d.attendance.len(),
    )?);
    cases.push(time(
        "Register",
        format!("register({} marks)", t.session_marks),
        || store.register(&t.session_id),
        |r| r.entries.len(),
    )?);
    cases.push(time(
        "Register",
        "session_notes".into(),
        || store.session_notes(&t.session_id),
        |n| usize::from(n.group_note.is_some()) + n.person_notes.len(),
    )?);
    cases.push(time(
        "Attendee detail",
        "person_notes(longest history)".into(),
        || store.person_notes(&t.attendee_id),
        Vec::len,
    )?);
    for word in [t.note_common, t.note_rare] {
        cases.push(time(
            "Notes search",
            format!("search_notes(\"{word}\")"),
            || store.search_notes(word, Some(&t.practitioner_id)),
            Vec::len,
        )?);
    }

    // The write: change one member's mark and back, each call its own
    // transaction, committed to disk (WAL, synchronous = FULL) before it returns.
    let register = store.register(&t.session_id)?;
    let entry = register
        .entries
        .iter()
        .find(|e| !e.walk_in && matches!(e.mark, Some(Mark::Present)))
        .or_else(|| {
            register
                .entries
                .iter()
                .find(|e| !e.walk_in && e.mark.is_some())
        })
        .ok_or("no marked member on the register")?;
    let (person, original) = (entry.attendee_id.clone(), entry.mark.unwrap());
    let other = if original == Mark::Late {
        Mark::Present
    } else {
        Mark::Late
    };
    let mut i = 0usize;
    let mut peak = (0u64, 0u64);
    let db = store.path().to_path_buf();
    let mut case = time(
        "Register",
        "set_mark (write + fsync)".into(),
        || {
            i += 1;
            let mark = if i % 2 == 1 { other } else { original };
            let r = store.set_mark(&t.session_id, &person, Some(mark));
            let s = store_size(&db);
            peak = (peak.0.max(s.0), peak.1.max(s.1));
            r
        },
        |r| r.entries.len(),
    )?;
    if i % 2 == 1 {
        store.set_mark(&t.session_id, &person, Some(original))?;
    }
    case.write = true;
    cases.push(case);

    // The autosave: a draft group note saved as the therapist types, each
    // save its own transaction (the note row and its search-index row),
    // committed to disk before it returns. The body alternates between the
    // draft as it was and a longer one, so every save changes the text.
    let before = store
        .session_notes(&t.draft_session_id)?
        .group_note
        .map(|n| n.body);
    let original = before.clone().unwrap_or_else(|| {
        "Warm-up with the hello song and gentle stretches; everyone joined in.".into()
    });
    let edited = format!("{original} Good energy today, lots of requests for Beatles songs.");
    let mut i = 0usize;
    let mut case = time(
        "Register",
        "save_note_draft (write + fsync)".into(),
        || {
            i += 1;
            let body = if i % 2 == 1 { &edited } else { &original };
            let r =
                store.save_note_draft(&t.draft_session_id, None, body, Some(&t.practitioner_id));
            let s = store_size(&db);
            peak = (peak.0.max(s.0), peak.1.max(s.1));
            r
        },
        |n| usize::from(!n.body.is_empty()),
    )?;
    if i % 2 == 1 && before.is_some() {
        store.save_note_draft(
            &t.draft_session_id,
            None,
            &original,
            Some(&t.practitioner_id),
        )?;
    }
    case.write = true;
    cases.push(case);
    Ok((cases, peak))
}

fn print_table(cases: &[Case]) {
    println!(
        "{:<16} {:<34} {:>5} {:>5} {:>8} {:>8} {:>8} {:>8} {:>8}  goal <{GOAL_MS} ms",
        "screen", "call", "rows", "iters", "first", "min", "median", "p95", "max"
    );
    println!("{}", "-".repeat(124));
    for c in cases {
        println!(
            "{:<16} {:<34} {:>5} {:>5} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2}  {}",
            c.screen,
            c.call,
            c.rows,
            c.samples.len(),
            ms(c.first),
            c.min(),
            c.median(),
            c.p95(),
            c.max(),
            if c.meets_goal() { "ok" } else { "MISSES" }
        );
    }
    println!("(times in ms)");
}

// ---------------------------------------------------------------------------
// Size, machine

/// (db, wal) bytes now.
fn store_size(db: &Path) -> (u64, u64) {
    let len = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    (len(db.to_path_buf()), len(PathBuf::from(wal)))
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn machine(dir: &Path) -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    // The filesystem the store sits on (the fsync in set_mark depends on it).
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let disk = std::fs::read_to_string("/proc/mounts").ok().and_then(|m| {
        m.lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (f.len() >= 3 && dir.starts_with(f[1]))
                    .then(|| (f[1].len(), format!("{} ({}) on {}", f[0], f[2], f[1])))
            })
            .max_by_key(|(n, _)| *n)
            .map(|(_, d)| d)
    });
    json!({
        "cores": cores(),
        "cpu": cpu,
        "os": std::env::consts::OS,
        "disk": disk,
    })
}

// ---------------------------------------------------------------------------
// --proposed: the same screens on a copy of the store with the index changes
// proposed in docs/benchmarks.md applied.

/// Returns the copy's database file.
fn proposed(
    out_dir: &Path,
    dir: &Path,
    t: &Targets,
    today: NaiveDate,
    before: &[Case],
) -> Res<PathBuf> {
    let copy = out_dir.join(format!("{DATASET}-proposed"));
    if copy.exists() {
        std::fs::remove_dir_all(&copy)?;
    }
    std::fs::create_dir_all(&copy)?;
    std::fs::copy(dir.join(DB_FILE), copy.join(DB_FILE))?;
    {
        let conn = Connection::open(copy.join(DB_FILE))?;
        conn.execute_batch(&explain::proposed_ddl())?;
        conn.execute_batch("ANALYZE;")?;
    }
    println!();
    println!("With the proposed indexes ({}):", copy.display());
    println!("{}", explain::proposed_ddl().trim());
    println!();
    let mut store = Store::open_in_dir(&copy)?;
    let (after, _) = screens(&mut store, t, today)?;
    drop(store);
    print_table(&after);
    println!();
    println!(
        "{:<16} {:<34} {:>12} {:>12}",
        "screen", "call", "median now", "proposed"
    );
    for (b, a) in before.iter().zip(&after) {
        println!(
            "{:<16} {:<34} {:>12.2} {:>12.2}",
            b.screen,
            b.call,
            b.median(),
            a.median()
        );
    }
    let size = store_size(&copy.join(DB_FILE));
    println!(
        "Store with the proposed indexes: {:.1} MB",
        mb(size.0 + size.1)
    );
    Ok(copy.join(DB_FILE))
}
