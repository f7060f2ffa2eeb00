//! `--reports`: a year's attendance register for every group, exported as CSV
//! and as Excel on the decade dataset, timed side by side with the sqlite3
//! command-line tool writing the same marks as CSV.
//!
//! Each round runs our CSV export, the sqlite3 tool and our Excel export in
//! turn (ours and sqlite3 swap places every other round), so all three see
//! the same machine. Ours is timed as the app makes an export from its open
//! store: `report::make` and the bytes written to a file (without the fsync
//! `report::export` adds). sqlite3 is timed from starting the process to its
//! exit, so it pays for starting up and opening the file; the store's own
//! opening is timed apart.
//!
//! The goal (from the issue): our CSV within 1.25 times sqlite3's time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use refrain_core::model::{ExportFormat, ReportRequest};
use refrain_core::report::{self, register};
use refrain_core::Store;
use rusqlite::{params, Connection, OpenFlags};
use serde_json::{json, Value};

use super::Res;

/// Rounds timed (after one round not counted).
const ROUNDS: usize = 11;
/// The goal: our CSV's median within this many times sqlite3's.
const GOAL_RATIO: f64 = 1.25;
const SQLITE3: &str = "sqlite3";

/// The sqlite3 tool's query: every mark in the period's sessions, one row
/// each, by group, date and person: the facts the register holds.
fn sqlite3_query(from: &str, to: &str) -> String {
    format!(
        "SELECT g.name AS \"Group\", s.date AS \"Date\", p.full_name AS \"Person\", \
                a.mark AS \"Mark\", a.walk_in AS \"Walk-in\"
           FROM practice_group g
           JOIN session s ON s.group_id = g.id
           JOIN attendance a ON a.session_id = s.id
           JOIN attendee p ON p.id = a.attendee_id
          WHERE s.date >= '{from}' AND s.date <= '{to}' AND s.archived_at IS NULL
          ORDER BY g.name COLLATE NOCASE, g.id, s.date, s.start_time,
                   p.full_name COLLATE NOCASE, p.id;"
    )
}

struct Timed {
    what: &'static str,
    bytes: u64,
    first: Duration,
    samples: Vec<Duration>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Timed {
    fn new(what: &'static str) -> Self {
        Timed {
            what,
            bytes: 0,
            first: Duration::ZERO,
            samples: Vec::new(),
        }
    }
    fn record(&mut self, round: usize, d: Duration) {
        if round == 0 {
            self.first = d;
        } else {
            self.samples.push(d);
        }
    }
    fn sorted(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self.samples.iter().copied().map(ms).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        v
    }
    fn median(&self) -> f64 {
        let v = self.sorted();
        let n = v.len();
        if n == 0 {
            f64::NAN
        } else if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }
    fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }
    fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }
    fn json(&self) -> Value {
        json!({
            "what": self.what,
            "bytes": self.bytes,
            "rounds": self.samples.len(),
            "firstMs": ms(self.first),
            "minMs": self.min(),
            "medianMs": self.median(),
            "maxMs": self.max(),
        })
    }
}

/// The last whole calendar year before `today`.
fn last_year(today: NaiveDate) -> (String, String) {
    let y = today.year() - 1;
    (format!("{y}-01-01"), format!("{y}-12-31"))
}

/// What the period holds: (groups with a session, sessions, marks).
fn scope(db: &Path, from: &str, to: &str) -> Res<(i64, i64, i64)> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(conn.query_row(
        "SELECT count(DISTINCT s.group_id), count(DISTINCT s.id),
                (SELECT count(*) FROM attendance a JOIN session t ON t.id = a.session_id
                  WHERE t.date >= ?1 AND t.date <= ?2 AND t.archived_at IS NULL)
           FROM session s WHERE s.date >= ?1 AND s.date <= ?2 AND s.archived_at IS NULL",
        params![from, to],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// Kilobytes from a line of /proc/self/status ("VmHWM:   123456 kB").
fn status_kb(field: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// `--report-peak csv|xlsx`: run in a process of its own by `run`, so that
/// memory the bench held before does not hide the export's. Opens the store,
/// makes the export once and prints the process's resident memory before it
/// and at its peak (kB).
pub fn peak_child(dir: &Path, today: NaiveDate, format: &str) -> Res<()> {
    let (from, to) = last_year(today);
    let format = match format {
        "csv" => ExportFormat::Csv,
        "xlsx" => ExportFormat::Xlsx,
        other => return Err(format!("--report-peak: unknown format {other}").into()),
    };
    let store = Store::open_in_dir(dir)?;
    let before = status_kb("VmRSS:").ok_or("no VmRSS in /proc/self/status")?;
    let bytes = report::make(
        &store,
        &ReportRequest::AllRegisters { from, to },
        format,
        &mut |_, _, _| {},
    )?;
    let peak = status_kb("VmHWM:").ok_or("no VmHWM in /proc/self/status")?;
    std::hint::black_box(bytes);
    println!("{before} {peak}");
    Ok(())
}

/// (resident memory once the store is open, peak) in MB of a process that
/// makes one export, from `peak_child`.
fn ours_peak(format: &str) -> Option<(f64, f64)> {
    let out = Command::new(std::env::current_exe().ok()?)
        .args(["--report-peak", format])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut kb = text.lines().last()?.split_whitespace();
    let before: f64 = kb.next()?.parse().ok()?;
    let peak: f64 = kb.next()?.parse().ok()?;
    out.status
        .success()
        .then_some((before / 1024.0, peak / 1024.0))
}

fn sqlite3_command(db: &Path, out: &Path, query: &str) -> Command {
    let mut c = Command::new(SQLITE3);
    c.arg("-readonly")
        .arg(db)
        .arg(".headers on")
        .arg(".mode csv")
        .arg(format!(".output '{}'", out.display()))
        .arg(query)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn run_sqlite3(db: &Path, out: &Path, query: &str) -> Res<Duration> {
    let t = Instant::now();
    let done = sqlite3_command(db, out, query).output()?;
    let took = t.elapsed();
    if !done.status.success() {
        return Err(format!(
            "sqlite3 failed: {}",
            String::from_utf8_lossy(&done.stderr).trim()
        )
        .into());
    }
    Ok(took)
}

/// sqlite3's peak resident memory (MB), from `/usr/bin/time -f %M` when it
/// is there.
fn sqlite3_peak(db: &Path, out: &Path, query: &str) -> Option<f64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let inner = sqlite3_command(db, out, query);
    let done = Command::new(time)
        .args(["-f", "%M"])
        .arg(inner.get_program())
        .args(inner.get_args())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    let kb: f64 = String::from_utf8_lossy(&done.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn sqlite3_version() -> Option<String> {
    let out = Command::new(SQLITE3).arg("-version").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap_or("?")
            .to_string()
    })
}

fn ours(store: &Store, request: &ReportRequest, format: ExportFormat, path: &Path) -> Res<u64> {
    let bytes = report::make(store, request, format, &mut |_, _, _| {})?;
    std::fs::write(path, &bytes)?;
    Ok(bytes.len() as u64)
}

fn lines_in(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

/// Runs the report exports and returns their results for the JSON file.
pub fn run(dir: &Path, db: &Path, out_dir: &Path, today: NaiveDate) -> Res<Value> {
    let (from, to) = last_year(today);
    let (groups, sessions, marks) = scope(db, &from, &to)?;
    let files: PathBuf = out_dir.join("reports");
    std::fs::create_dir_all(&files)?;
    let csv_path = files.join("registers.csv");
    let xlsx_path = files.join("registers.xlsx");
    let sqlite_path = files.join("sqlite3.csv");
    let query = sqlite3_query(&from, &to);
    let sqlite = sqlite3_version();

    println!(
        "Report exports: every group's register for {from} to {to}: {groups} groups, \
         {sessions} sessions, {marks} marks; {ROUNDS} timed rounds after one not counted."
    );
    match &sqlite {
        Some(v) => println!("sqlite3 tool: version {v}; the query it runs:\n{query}"),
        None => println!("sqlite3 tool: not found on PATH; its row is left out."),
    }
    println!();

    let t = Instant::now();
    let store = Store::open_in_dir(dir)?;
    let open = t.elapsed();
    let request = ReportRequest::AllRegisters {
        from: from.clone(),
        to: to.clone(),
    };

    let mut csv = Timed::new("ours: CSV (report::make + write)");
    let mut sq = Timed::new("sqlite3: marks as CSV (.mode csv)");
    let mut xlsx = Timed::new("ours: XLSX (report::make + write)");
    for round in 0..=ROUNDS {
        let sqlite_first = round % 2 == 1;
        if sqlite_first && sqlite.is_some() {
            sq.record(round, run_sqlite3(db, &sqlite_path, &query)?);
        }
        let t = Instant::now();
        csv.bytes = ours(&store, &request, ExportFormat::Csv, &csv_path)?;
        csv.record(round, t.elapsed());
        if !sqlite_first && sqlite.is_some() {
            sq.record(round, run_sqlite3(db, &sqlite_path, &query)?);
        }
        let t = Instant::now();
        xlsx.bytes = ours(&store, &request, ExportFormat::Xlsx, &xlsx_path)?;
        xlsx.record(round, t.elapsed());
    }
    sq.bytes = std::fs::metadata(&sqlite_path).map_or(0, |m| m.len());

    // Where our time goes: reading the registers, then laying each format out.
    let mut read = Timed::new("  of which: all_registers (read)");
    let mut lay_csv = Timed::new("  of which: CSV layout (to_csv)");
    let mut lay_xlsx = Timed::new("  of which: XLSX layout (to_xlsx_many)");
    for round in 0..=ROUNDS {
        let t = Instant::now();
        let registers = store.all_registers(&from, &to, &mut |_, _| {})?;
        read.record(round, t.elapsed());
        let t = Instant::now();
        let mut bytes = 0;
        for r in &registers {
            bytes += register::to_csv(r)?.len();
        }
        lay_csv.record(round, t.elapsed());
        lay_csv.bytes = bytes as u64;
        let t = Instant::now();
        lay_xlsx.bytes = register::to_xlsx_many(&registers)?.len() as u64;
        lay_xlsx.record(round, t.elapsed());
    }

    // Peak memory: each export once more, in a process of its own.
    let csv_peak = ours_peak("csv");
    let xlsx_peak = ours_peak("xlsx");
    let sqlite_peak = sqlite
        .as_ref()
        .and_then(|_| sqlite3_peak(db, &sqlite_path, &query));

    let all = [&csv, &sq, &xlsx, &read, &lay_csv, &lay_xlsx];
    println!(
        "{:<40} {:>10} {:>9} {:>9} {:>9} {:>9}",
        "export", "bytes", "first", "min", "median", "max"
    );
    println!("{}", "-".repeat(91));
    for c in all {
        if c.samples.is_empty() {
            continue;
        }
        println!(
            "{:<40} {:>10} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            c.what,
            c.bytes,
            ms(c.first),
            c.min(),
            c.median(),
            c.max()
        );
    }
    println!("(times in ms; opening the store took {:.1} ms)", ms(open));
    println!(
        "Rows: our CSV file {} lines (a heading and a table per group); sqlite3's {} lines \
         (a header and one row per mark).",
        lines_in(&csv_path),
        lines_in(&sqlite_path)
    );
    let ratio = (!sq.samples.is_empty()).then(|| csv.median() / sq.median());
    match ratio {
        Some(r) => println!(
            "CSV: ours {:.1} ms, sqlite3 {:.1} ms (medians): {r:.2}x, goal at most {GOAL_RATIO}x: {}",
            csv.median(),
            sq.median(),
            if r <= GOAL_RATIO { "ok" } else { "MISSES" }
        ),
        None => println!("CSV: no sqlite3 to compare with."),
    }
    let ours_mb = |m: Option<(f64, f64)>| {
        m.map_or("?".to_string(), |(b, p)| {
            format!("{p:.1} MB ({:.1} MB above the open store)", p - b)
        })
    };
    println!(
        "Peak resident memory of a process making one export: CSV {}, XLSX {}; the sqlite3 \
         tool {}.",
        ours_mb(csv_peak),
        ours_mb(xlsx_peak),
        sqlite_peak.map_or("?".to_string(), |m| format!("{m:.1} MB"))
    );
    println!("Files written to {}", files.display());

    Ok(json!({
        "from": from,
        "to": to,
        "groups": groups,
        "sessions": sessions,
        "marks": marks,
        "rounds": ROUNDS,
        "sqlite3": sqlite,
        "sqlite3Query": query,
        "openStoreMs": ms(open),
        "results": all.iter().map(|c| c.json()).collect::<Vec<_>>(),
        "csvRatio": ratio,
        "goalRatio": GOAL_RATIO,
        "meetsGoal": ratio.map(|r| r <= GOAL_RATIO),
        "peakMb": {
            "csv": csv_peak.map(|(b, p)| json!({"storeOpen": b, "peak": p})),
            "xlsx": xlsx_peak.map(|(b, p)| json!({"storeOpen": b, "peak": p})),
            "sqlite3": sqlite_peak,
        },
    }))
}
