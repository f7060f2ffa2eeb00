//! refrain-cli: Refrain's command-line companion for administrators, scripts
//! and benchmarks. It works on the same store as the app, through the same core.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use refrain_core::{paths, store::today, CoreError, Store};

#[derive(Parser)]
#[command(
    name = "refrain-cli",
    version,
    about = "Refrain's command-line companion"
)]
struct Cli {
    /// The data folder (default: $REFRAIN_DATA_DIR, else the app's data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the store (or bring an existing one up to date) and say where it is.
    Init,
    /// Load the sample groups, people and sessions into an empty store.
    SeedDemo {
        /// A folder of music to import as the sample library (e.g. assets/music).
        #[arg(long, value_name = "DIR")]
        music: Option<PathBuf>,
    },
    /// Import music files or folders into the library.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Check the store's integrity and report its schema version and contents.
    Check,
    /// List records.
    List {
        #[arg(value_enum)]
        what: ListWhat,
        /// For sessions: only this group's (by id); otherwise this week's.
        #[arg(long)]
        group: Option<String>,
        /// Include archived groups or people.
        #[arg(long)]
        archived: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ListWhat {
    Groups,
    Attendees,
    Sessions,
    Tracks,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("refrain-cli: {e}");
            ExitCode::from(2)
        }
    }
}

fn open(dir: Option<PathBuf>) -> Result<Store, CoreError> {
    let dir = dir
        .or_else(paths::data_dir)
        .ok_or_else(|| CoreError::Open("no data folder could be found; pass --data-dir".into()))?;
    Store::open_in_dir(&dir)
}

fn run(cli: Cli) -> Result<ExitCode, CoreError> {
    let mut store = open(cli.data_dir)?;
    match cli.command {
        Command::Init => {
            println!(
                "Refrain store ready at {} (schema version {})",
                store.path().display(),
                store.schema_version()?
            );
        }
        Command::SeedDemo { music } => {
            refrain_core::demo::seed(&mut store, today(), music.as_deref())?;
            println!("Sample data loaded into {}", store.path().display());
        }
        Command::Import { paths } => {
            let library = store.library_dir();
            let never = std::sync::atomic::AtomicBool::new(false);
            let report = refrain_core::library::import(
                &paths,
                &library,
                &never,
                |_| {},
                |p| store.add_track(p),
            )?;
            for t in &report.imported {
                println!("imported\t{}\t{}", t.original_name, t.title);
            }
            for t in &report.already_there {
                println!("already there\t{}\t{}", t.original_name, t.title);
            }
            for r in &report.refused {
                println!("refused\t{}\t{}", r.file_name, r.message);
            }
            println!(
                "{} imported, {} already there, {} refused",
                report.imported.len(),
                report.already_there.len(),
                report.refused.len()
            );
            if !report.refused.is_empty() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Check => {
            let report = store.check()?;
            println!("schema version: {}", report.schema_version);
            println!(
                "integrity: {}",
                if report.integrity_ok {
                    "ok"
                } else {
                    "PROBLEMS FOUND"
                }
            );
            for p in &report.problems {
                println!("  problem: {p}");
            }
            for (table, n) in &report.counts {
                println!("  {table}: {n}");
            }
            if !report.integrity_ok {
                return Ok(ExitCode::from(1));
            }
        }
        Command::List {
            what,
            group,
            archived,
            json,
        } => {
            let out = match what {
                ListWhat::Groups => {
                    let groups = store.list_groups(archived)?;
                    if json {
                        to_json(&groups)
                    } else {
                        groups
                            .iter()
                            .map(|g| {
                                format!(
                                    "{}\t{}\t{} members\tnext: {}{}",
                                    g.id,
                                    g.name,
                                    g.member_count,
                                    g.next_session.as_deref().unwrap_or("-"),
                                    if g.archived { "\t(archived)" } else { "" }
                                )
                            })
                            .collect()
                    }
                }
                ListWhat::Attendees => {
                    let people = store.search_attendees("", archived)?;
                    if json {
                        to_json(&people)
                    } else {
                        people
                            .iter()
                            .map(|p| format!("{}\t{}\t{}", p.id, p.full_name, p.groups.join(", ")))
                            .collect()
                    }
                }
                ListWhat::Sessions => {
                    let sessions = match group {
                        Some(g) => store.sessions_of_group(&g, 10_000)?,
                        None => store.sessions_in_week(today())?,
                    };
                    if json {
                        to_json(&sessions)
                    } else {
                        sessions
                            .iter()
                            .map(|s| {
                                format!(
                                    "{}\t{} {}-{}\t{}\t{:?}\t{}/{} attended",
                                    s.id,
                                    s.date,
                                    s.start_time,
                                    s.end_time,
                                    s.group_name,
                                    s.status,
                                    s.attended_count,
                                    s.marked_count
                                )
                            })
                            .collect()
                    }
                }
                ListWhat::Tracks => {
                    let tracks = store.list_tracks("", "")?;
                    if json {
                        to_json(&tracks)
                    } else {
                        tracks
                            .iter()
                            .map(|t| {
                                format!(
                                    "{}\t{}\t{}\t{}\t{}{}",
                                    t.id,
                                    t.title,
                                    t.artist,
                                    t.format,
                                    t.duration_ms
                                        .map(|ms| format!("{}:{:02}", ms / 60_000, ms / 1000 % 60))
                                        .unwrap_or_else(|| "-".into()),
                                    if t.missing { "\t(missing)" } else { "" }
                                )
                            })
                            .collect()
                    }
                }
            };
            for line in out {
                println!("{line}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn to_json<T: serde::Serialize>(v: &T) -> Vec<String> {
    vec![serde_json::to_string_pretty(v).unwrap_or_default()]
}
