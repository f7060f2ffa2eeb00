//! refrain-cli: Refrain's command-line companion for administrators, scripts
//! and benchmarks. It works on the same store as the app, through the same core.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use refrain_core::model::{ExportFormat, ReportRequest};
use refrain_core::store::backup::{self, BackupKind};
use refrain_core::vault::{self, KdfParams, StoreKey, VaultState};
use refrain_core::{paths, people_import, report, store::today, CoreError, Labelled, Store};

/// The passphrase for scripts; without it the CLI asks at the terminal.
const PASSPHRASE_ENV: &str = "REFRAIN_PASSPHRASE";

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
    /// Import people (and their referrals) from a spreadsheet: .csv, .txt or
    /// .xlsx. Shows the columns as guessed and every problem; with problems,
    /// nothing is imported unless --skip-bad-rows is given.
    ImportPeople {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Import the rows without problems and leave out the others.
        #[arg(long)]
        skip_bad_rows: bool,
        /// Only check the file and say what would be imported.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check the store's integrity, report its schema version and contents,
    /// and whether the newest backup is good.
    Check,
    /// Write a checked backup of the store (default: the backups folder).
    Backup {
        /// The folder to write it to.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Put a backup in place of the store (the current data is moved into
    /// backups/replaced-<time>/, not deleted).
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// List the backups in the backups folder, newest first.
    Backups,
    /// The audit log of one person's records (who changed what, and when),
    /// oldest first, as JSON.
    Audit {
        /// The person's id.
        #[arg(long, value_name = "ID")]
        person: String,
    },
    /// Make a report and save it (the format comes from --format, else the
    /// file's extension).
    Report {
        #[command(subcommand)]
        which: ReportWhich,
        /// The file to write (written whole or not at all).
        #[arg(long, short, global = true, value_name = "FILE")]
        out: Option<PathBuf>,
        /// csv, xlsx, pdf or json (default: from --out's extension).
        #[arg(long, global = true, value_enum)]
        format: Option<FormatArg>,
    },
    /// Erase one person's personal data on request. Past sessions keep an
    /// anonymous count of them; the reason is kept and logged.
    Erase {
        /// The person's id.
        #[arg(long, value_name = "ID")]
        person: String,
        /// Why (for example "asked in writing on 3 March").
        #[arg(long)]
        reason: String,
    },
    /// Run a team's hub on an always-on machine: Syncthing holding only the
    /// team's encrypted files, taking whatever the laptops named share with
    /// it. Needs no records of its own.
    Hub {
        /// Syncthing's home for the hub (its certificate and configuration).
        #[arg(long, value_name = "DIR")]
        home: PathBuf,
        /// Only make the hub's certificate and print its ID (for the
        /// office's Team screen), then stop.
        #[arg(long)]
        id: bool,
        /// Where the team's files are kept.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Where the hub listens (default: tcp://0.0.0.0:22000).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// A laptop of the team: its Syncthing ID, and `@address` if the hub
        /// should dial it; give --laptop again for each.
        #[arg(long = "laptop", value_name = "ID[@ADDR]")]
        laptops: Vec<String>,
        /// Stop after this many seconds (default: run until stopped).
        #[arg(long, value_name = "SECONDS")]
        seconds: Option<u64>,
        /// Stop once this file exists.
        #[arg(long, value_name = "FILE")]
        until_file: Option<PathBuf>,
    },
    /// Team sharing through a folder: write this laptop's changes as
    /// encrypted change files, apply what other laptops wrote, and say what
    /// happened. `sync status` shows where sharing stands; `sync new-key`
    /// makes a space's key file.
    Sync {
        #[command(subcommand)]
        action: Option<SyncAction>,
        /// The folder the team's laptops exchange files through (a Syncthing
        /// folder, a synced cloud folder, a USB stick).
        #[arg(long, value_name = "DIR", global = true)]
        folder: Option<PathBuf>,
        /// The folder of space key files (office.key, group-<id>.key), kept
        /// apart from the data folder.
        #[arg(long, value_name = "DIR", global = true)]
        keys: Option<PathBuf>,
    },
    /// A team of laptops: create one (at the office), invite and accept
    /// laptops, choose which groups each receives, remove a laptop, and
    /// share records through the team's folder with the keys the team
    /// hands over (no key files to carry).
    Team {
        #[command(subcommand)]
        action: TeamAction,
    },
    /// Write a snapshot of each shared space to the sync folder (a new laptop
    /// starts from it), replacing this laptop's older files there.
    Snapshot {
        #[arg(long, value_name = "DIR")]
        folder: PathBuf,
        #[arg(long, value_name = "DIR")]
        keys: PathBuf,
    },
    /// Mark one person on a session's register (as the register screen
    /// does), then print the register.
    Mark {
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long, value_name = "ID")]
        person: String,
        /// present, late, left-early, absent, apologies, or none to clear.
        #[arg(long = "as", value_name = "MARK")]
        mark: String,
    },
    /// A session's register, as JSON.
    Register {
        #[arg(long, value_name = "ID")]
        session: String,
    },
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

#[derive(Subcommand)]
enum SyncAction {
    /// This laptop's sharing: its spaces, what is waiting to be written, the
    /// files refused or kept for later, and the merge rules' decisions.
    Status {
        /// Print JSON instead of words.
        #[arg(long)]
        json: bool,
    },
    /// Make a new key file for a space in the --keys folder: `office`, or a
    /// group's space with --group.
    NewKey {
        /// The office's space.
        #[arg(long, conflicts_with = "group")]
        office: bool,
        /// A group's space, by the group's id.
        #[arg(long, value_name = "ID")]
        group: Option<String>,
    },
}

#[derive(Subcommand)]
enum TeamAction {
    /// Make this laptop the office of a new team.
    Create {
        /// The team's name (the charity's, say).
        #[arg(long)]
        name: String,
        /// This laptop's name, as the team will see it.
        #[arg(long)]
        laptop: String,
        /// Refrain's own Syncthing home, when it carries the team's files
        /// (`team carry`): its device ID goes into the team.
        #[arg(long, value_name = "DIR")]
        carrier_home: Option<PathBuf>,
    },
    /// Write the office's invitation for a laptop to join (carry it in
    /// person, on a USB stick).
    Invite {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Join the team of an invitation: prints the code to read to the office.
    Join {
        #[arg(long, value_name = "FILE")]
        invitation: PathBuf,
        /// This laptop's name, as the team will see it.
        #[arg(long)]
        laptop: String,
        /// Refrain's own Syncthing home, when it carries the team's files.
        #[arg(long, value_name = "DIR")]
        carrier_home: Option<PathBuf>,
    },
    /// Write this laptop's request to join to a file, for the office.
    Request {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Take a laptop's request to join from a file (office): it then waits
    /// to be accepted by its code.
    TakeRequest {
        #[arg(long, value_name = "DIR")]
        folder: PathBuf,
        #[arg(long, value_name = "FILE")]
        request: PathBuf,
    },
    /// Carry the team's files with Refrain's own Syncthing, syncing every
    /// second, for a while (or until stopped).
    Carry {
        /// The team's folder (Syncthing's folders are made in it).
        #[arg(long, value_name = "DIR")]
        folder: PathBuf,
        /// Syncthing's home (its certificate and configuration).
        #[arg(long, value_name = "DIR")]
        carrier_home: PathBuf,
        /// Where Syncthing listens (default: tcp://0.0.0.0:22000).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// Find the team's laptops on the local network (on by default).
        #[arg(long)]
        no_local_discovery: bool,
        /// Stop after this many seconds (default: run until stopped).
        #[arg(long, value_name = "SECONDS")]
        seconds: Option<u64>,
        /// Stop once this file exists (for scripts that end the run).
        #[arg(long, value_name = "FILE")]
        until_file: Option<PathBuf>,
    },
    /// The requests to join waiting in the team's folder (office).
    Requests {
        #[arg(long, value_name = "DIR")]
        folder: PathBuf,
    },
    /// Accept a laptop (office), by the code shown on its screen, giving it
    /// the groups named.
    Accept {
        #[arg(long, value_name = "DIR")]
        folder: PathBuf,
        /// The laptop's id, from `team requests`.
        #[arg(long, value_name = "ID")]
        laptop: String,
        /// The code shown on the laptop's screen.
        #[arg(long)]
        code: String,
        /// A group it receives; give --group again for each.
        #[arg(long = "group", value_name = "ID")]
        groups: Vec<String>,
        /// It receives everything (another office laptop).
        #[arg(long)]
        office: bool,
    },
    /// Share a group with one of the team's laptops.
    Share {
        #[arg(long, value_name = "ID")]
        laptop: String,
        #[arg(long, value_name = "ID")]
        group: String,
    },
    /// Stop sharing a group with a laptop (office): it removes its copy.
    Unshare {
        #[arg(long, value_name = "ID")]
        laptop: String,
        #[arg(long, value_name = "ID")]
        group: String,
    },
    /// Remove a laptop from the team (office): lost, or its therapist left.
    Remove {
        #[arg(long, value_name = "ID")]
        laptop: String,
    },
    /// The charity's always-on hub (office): its Syncthing device ID and
    /// address; both empty for none.
    Hub {
        #[arg(long, value_name = "DEVICE-ID", default_value = "")]
        id: String,
        #[arg(long, default_value = "")]
        address: String,
    },
    /// Hand over keys, take the keys given to this laptop, and share records
    /// through the team's folder.
    Sync {
        #[arg(long, value_name = "DIR")]
        folder: PathBuf,
    },
    /// This laptop's team: its laptops, what each receives, when each last
    /// made a change.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ReportWhich {
    /// One group's attendance register.
    Register {
        #[arg(long, value_name = "ID")]
        group: String,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: String,
    },
    /// Every group's register with a session in the period.
    AllRegisters {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// A funder's summary of one or more groups.
    Programme {
        /// A group's id; give --group again for each group.
        #[arg(long = "group", value_name = "ID", required = true)]
        groups: Vec<String>,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// The therapist's own words for the funder.
        #[arg(long, default_value = "")]
        narrative: String,
    },
    /// Feedback for a person's referrer (needs their consent).
    Feedback {
        #[arg(long, value_name = "ID")]
        person: String,
        /// The therapist's summary.
        #[arg(long, default_value = "")]
        summary: String,
    },
    /// Everything Refrain holds about one person.
    SubjectAccess {
        #[arg(long, value_name = "ID")]
        person: String,
    },
    /// The practice's groups as an Open Referral UK listing (JSON), for a
    /// social prescribing directory. Needs the practice's name.
    Directory,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Xlsx,
    Pdf,
    Json,
}

impl From<FormatArg> for ExportFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Csv => ExportFormat::Csv,
            FormatArg::Xlsx => ExportFormat::Xlsx,
            FormatArg::Pdf => ExportFormat::Pdf,
            FormatArg::Json => ExportFormat::Json,
        }
    }
}

fn report_request(which: ReportWhich) -> ReportRequest {
    match which {
        ReportWhich::Register { group, from, to } => ReportRequest::Register {
            group_id: group,
            from,
            to,
        },
        ReportWhich::AllRegisters { from, to } => ReportRequest::AllRegisters { from, to },
        ReportWhich::Programme {
            groups,
            from,
            to,
            narrative,
        } => ReportRequest::Programme {
            group_ids: groups,
            from,
            to,
            narrative,
        },
        ReportWhich::Feedback { person, summary } => ReportRequest::ReferrerFeedback {
            attendee_id: person,
            summary,
        },
        ReportWhich::SubjectAccess { person } => ReportRequest::SubjectAccess {
            attendee_id: person,
        },
        ReportWhich::Directory => ReportRequest::Directory {},
    }
}

fn export_report(
    store: &Store,
    which: ReportWhich,
    out: Option<PathBuf>,
    format: Option<FormatArg>,
) -> Result<(), CoreError> {
    let request = report_request(which);
    let from_extension = out
        .as_deref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .and_then(|e| match e.to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            "pdf" => Some(ExportFormat::Pdf),
            "json" => Some(ExportFormat::Json),
            _ => None,
        });
    let format = format
        .map(ExportFormat::from)
        .or(from_extension)
        .unwrap_or(report::formats(&request)[0]);
    let out = match out {
        Some(p) => p,
        None => PathBuf::from(report::suggested_file_name(store, &request, format)?),
    };
    let done = report::export(store, &request, format, &out, &mut |_, _, _| {})?;
    println!("Saved {} ({})", done.path, human_size(done.bytes));
    Ok(())
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

fn data_dir(dir: Option<PathBuf>) -> Result<PathBuf, CoreError> {
    dir.or_else(paths::data_dir)
        .ok_or_else(|| CoreError::Open("no data folder could be found; pass --data-dir".into()))
}

/// The passphrase: `$REFRAIN_PASSPHRASE`, else asked at the terminal.
fn passphrase(prompt: &str) -> Result<zeroize::Zeroizing<String>, CoreError> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(zeroize::Zeroizing::new(p));
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Err(CoreError::Open(format!(
            "the records are encrypted: set {PASSPHRASE_ENV} or run this at a terminal"
        )));
    }
    rpassword::prompt_password(prompt)
        .map(zeroize::Zeroizing::new)
        .map_err(CoreError::Io)
}

/// The store key for `data_dir`, unlocking (or, for a new folder, setting up
/// encryption) with the passphrase. `None` for a store from an earlier,
/// unencrypted Refrain, which the app encrypts when a passphrase is set.
fn key_for(data_dir: &Path) -> Result<Option<StoreKey>, CoreError> {
    match vault::state(data_dir)? {
        VaultState::Locked => Ok(Some(vault::unlock(data_dir, &passphrase("Passphrase: ")?)?)),
        VaultState::Unencrypted => {
            eprintln!(
                "refrain-cli: these records are not encrypted yet; open the app to set a passphrase."
            );
            Ok(None)
        }
        VaultState::New => {
            let p = passphrase("Choose a passphrase for the new store: ")?;
            let created = vault::create(data_dir, &p, KdfParams::default())?;
            println!(
                "The records are encrypted. Recovery key (write it down or print it; it is not \
                 shown again):\n  {}",
                *created.recovery_key
            );
            Ok(Some(created.key))
        }
        VaultState::KeysMissing => Err(CoreError::KeysFile(
            "it is missing; open the app and use the recovery key".into(),
        )),
    }
}

fn open_store(data_dir: &Path) -> Result<Store, CoreError> {
    match key_for(data_dir)? {
        Some(key) => Store::open_in_dir_keyed(data_dir, &key),
        None => Store::open_in_dir(data_dir),
    }
}

/// The key folder: given, and not inside the data folder it protects.
fn key_dir(data_dir: &Path, keys: Option<&Path>) -> Result<PathBuf, CoreError> {
    let keys = keys.ok_or_else(|| {
        CoreError::Sync("Give the folder of space key files with --keys DIR.".into())
    })?;
    let inside = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a.starts_with(b),
        _ => false,
    };
    if inside(keys, data_dir) {
        return Err(CoreError::Sync(
            "Keep the key files out of the data folder: a copy of the data must not carry \
             the keys that open the team's files."
                .into(),
        ));
    }
    Ok(keys.to_path_buf())
}

fn space_keys(data_dir: &Path, keys: Option<&Path>) -> Result<refrain_core::sync::Keys, CoreError> {
    refrain_core::sync::Keys::from_dir(&key_dir(data_dir, keys)?)
}

fn new_space_key(
    data_dir: &Path,
    keys: Option<&Path>,
    office: bool,
    group: Option<&str>,
) -> Result<ExitCode, CoreError> {
    let dir = key_dir(data_dir, keys)?;
    let space = match (office, group) {
        (true, _) => refrain_core::sync::OFFICE.to_string(),
        (false, Some(g)) => refrain_core::sync::group_space(g),
        (false, None) => {
            return Err(CoreError::Sync(
                "Say which space the key is for: --office or --group ID.".into(),
            ))
        }
    };
    if !refrain_core::sync::is_space_name(&space) {
        return Err(CoreError::Sync(format!(
            "\"{space}\" is not a space's name."
        )));
    }
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{space}.key"));
    refrain_core::sync::SpaceKey::generate()?.write_new(&path)?;
    println!(
        "Key for the space \"{space}\" written to {}. Give a copy to each laptop that shares \
         it, in person; never put it in the sync folder.",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `hub`: a team's hub, its Syncthing accepting what the laptops share.
fn hub(
    home: &Path,
    id_only: bool,
    root: Option<&Path>,
    listen: Option<String>,
    laptops: &[String],
    seconds: Option<u64>,
    until_file: Option<&Path>,
) -> Result<ExitCode, refrain_carrier::CarrierError> {
    use refrain_carrier::{accepting_hub_plan, find_syncthing, prepare, start, DeviceId, Peer};
    let bin = find_syncthing()?;
    let mut prepared = prepare(home, "Hub", &bin)?;
    println!("The hub's ID: {}", prepared.device_id);
    if id_only {
        return Ok(ExitCode::SUCCESS);
    }
    let Some(root) = root else {
        return Err(refrain_carrier::CarrierError::BadPlan(
            "give --root, the folder where the hub keeps the team's files".into(),
        ));
    };
    std::fs::create_dir_all(root)?;
    let peers = laptops
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (id, address) = l.split_once('@').unwrap_or((l, "dynamic"));
            Ok(Peer {
                id: DeviceId::parse(id)?,
                name: format!("Laptop {}", i + 1),
                addresses: vec![address.to_string()],
                introducer: false,
            })
        })
        .collect::<Result<Vec<_>, refrain_carrier::CarrierError>>()?;
    let listen = listen
        .map(|l| l.split(',').map(|a| a.trim().to_string()).collect())
        .unwrap_or_else(|| vec![refrain_carrier::DEFAULT_LISTEN.to_string()]);
    let mut plan = accepting_hub_plan("Hub", &std::fs::canonicalize(root)?, listen, peers);
    plan.reconnect_interval_s = 5;
    prepared.write_plan(&plan)?;
    let mut running = start(&prepared, &bin)?;
    println!("The hub is running. It holds only the team's encrypted files.");
    let end = seconds.map(|s| std::time::Instant::now() + std::time::Duration::from_secs(s));
    while !(until_file.is_some_and(Path::exists)
        || end.is_some_and(|e| std::time::Instant::now() >= e))
    {
        if !running.is_running() {
            running.restart()?;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    running.stop();
    Ok(ExitCode::SUCCESS)
}

fn carrier_err(e: refrain_carrier::CarrierError) -> CoreError {
    CoreError::Sync(e.to_string())
}

/// This laptop's Syncthing device ID, from its home (made the first time).
fn carrier_id(home: Option<&Path>, laptop: &str) -> Result<Option<String>, CoreError> {
    let Some(home) = home else {
        return Ok(None);
    };
    let mut runner = refrain_carrier::Runner::new(home, refrain_carrier::Plan::new(laptop));
    Ok(Some(
        runner.device_id(laptop).map_err(carrier_err)?.to_string(),
    ))
}

/// `team carry`: Refrain's own Syncthing carries the team's files while
/// this laptop syncs every second, as the app's background thread does.
fn carry(
    store: &mut Store,
    folder: &Path,
    home: &Path,
    listen: Option<String>,
    local_discovery: bool,
    seconds: Option<u64>,
    until_file: Option<PathBuf>,
) -> Result<ExitCode, CoreError> {
    let mut base = refrain_carrier::Plan::new("Refrain");
    if let Some(l) = listen {
        base.listen = l.split(',').map(|a| a.trim().to_string()).collect();
    }
    base.local_discovery = local_discovery;
    base.reconnect_interval_s = 5;
    let mut runner = refrain_carrier::Runner::new(home, base);
    let end = seconds.map(|s| std::time::Instant::now() + std::time::Duration::from_secs(s));
    loop {
        let roster = store.team_carry_roster()?;
        let team = roster.map(|r| refrain_carrier::TeamCarry {
            device_name: r.device_name,
            hub: r.hub,
            peers: r.peers,
            spaces: r.spaces,
        });
        let problem = match runner.keep(team.as_ref(), folder) {
            Ok(Some(false)) => {
                Some("no connection to the hub or to the team's other laptops".to_string())
            }
            Ok(_) => None,
            Err(e) => Some(e.to_string()),
        };
        match store.team_sync_carried(folder, problem.as_deref()) {
            Ok(report) => {
                for line in report.words() {
                    println!("{line}");
                }
            }
            Err(e) => eprintln!("{e}"),
        }
        runner.rescan();
        if until_file.as_deref().is_some_and(Path::exists)
            || end.is_some_and(|e| std::time::Instant::now() >= e)
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    runner.stop();
    Ok(ExitCode::SUCCESS)
}

fn team(store: &mut Store, action: TeamAction) -> Result<ExitCode, CoreError> {
    use refrain_core::sync::{group_space, OFFICE};
    match action {
        TeamAction::Create {
            name,
            laptop,
            carrier_home,
        } => {
            let carrier = carrier_id(carrier_home.as_deref(), &laptop)?;
            let status = store.team_create(&name, &laptop, carrier.as_deref())?;
            println!(
                "This laptop is now the office of the team \"{}\".",
                status.team_name
            );
        }
        TeamAction::Invite { out } => {
            let invitation = store.team_invitation()?;
            let bytes = serde_json::to_vec_pretty(&invitation)
                .map_err(|e| CoreError::Sync(e.to_string()))?;
            std::fs::write(&out, bytes)?;
            println!(
                "Invitation written to {}. Carry it to the laptop in person.",
                out.display()
            );
        }
        TeamAction::Join {
            invitation,
            laptop,
            carrier_home,
        } => {
            let invitation = Store::team_read_invitation(&invitation)?;
            let carrier = carrier_id(carrier_home.as_deref(), &laptop)?;
            let request = store.team_join(&invitation, &laptop, carrier.as_deref())?;
            println!(
                "This laptop has asked to join \"{}\". Read this code to the office: {}",
                invitation.team_name,
                request.code()
            );
            println!("This laptop's id: {}", request.device);
        }
        TeamAction::Requests { folder } => {
            let pending = store.team_requests(&folder)?;
            if pending.is_empty() {
                println!("No laptop is waiting to join.");
            }
            for p in pending {
                println!("{}  {}  code {}", p.request.device, p.request.name, p.code);
            }
        }
        TeamAction::Accept {
            folder,
            laptop,
            code,
            groups,
            office,
        } => {
            let pending = store.team_requests(&folder)?;
            let request = pending
                .into_iter()
                .find(|p| p.request.device == laptop)
                .ok_or_else(|| {
                    CoreError::Sync(format!(
                        "No request to join from {laptop} is in {}.",
                        folder.display()
                    ))
                })?
                .request;
            let mut spaces: Vec<String> = groups.iter().map(|g| group_space(g)).collect();
            if office {
                spaces.push(OFFICE.to_string());
            }
            store.team_accept(&request, &code, &spaces)?;
            println!(
                "{} is in the team. Sync to hand over its keys.",
                request.name
            );
        }
        TeamAction::Share { laptop, group } => {
            store.team_share(&laptop, &group_space(&group))?;
            println!("Shared. Sync to hand over the group's key.");
        }
        TeamAction::Unshare { laptop, group } => {
            store.team_unshare(&laptop, &group_space(&group))?;
            println!("No longer shared: the group has a new key, and that laptop removes its copy when it next syncs.");
        }
        TeamAction::Remove { laptop } => {
            store.team_remove(&laptop)?;
            println!("Removed. Its groups have new keys; it removes its copy when it next syncs.");
        }
        TeamAction::Hub { id, address } => {
            store.team_set_hub(&id, &address)?;
            println!("Saved.");
        }
        TeamAction::Request { out } => {
            let request = store.team_write_request(&out)?;
            println!(
                "Request written to {}. Carry it to the office; its code is {}.",
                out.display(),
                request.code()
            );
        }
        TeamAction::TakeRequest { folder, request } => {
            let p = store.team_take_request(&folder, &request)?;
            println!("{}  {}  code {}", p.request.device, p.request.name, p.code);
        }
        TeamAction::Carry {
            folder,
            carrier_home,
            listen,
            no_local_discovery,
            seconds,
            until_file,
        } => {
            return carry(
                store,
                &folder,
                &carrier_home,
                listen,
                !no_local_discovery,
                seconds,
                until_file,
            );
        }
        TeamAction::Sync { folder } => {
            let report = store.team_sync(&folder)?;
            for line in report.words() {
                println!("{line}");
            }
            if report.sync.as_ref().is_some_and(|s| !s.refused.is_empty()) {
                return Ok(ExitCode::from(1));
            }
        }
        TeamAction::Status { json } => {
            let status = store.team_status()?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&status)
                        .map_err(|e| CoreError::Sync(e.to_string()))?
                );
                return Ok(ExitCode::SUCCESS);
            }
            let Some(s) = status else {
                println!("This laptop is not in a team.");
                return Ok(ExitCode::SUCCESS);
            };
            println!(
                "Team: {} (this laptop: {}, {})",
                s.team_name, s.device_name, s.device
            );
            if let Some(at) = &s.removed_at {
                println!("The office removed this laptop from the team on {at}.");
            } else if !s.accepted {
                println!(
                    "Waiting for the office to accept this laptop. Its code: {}",
                    s.code
                );
            }
            for l in s.laptops {
                let spaces: Vec<String> = l.spaces.into_iter().map(|x| x.name).collect();
                println!(
                    "- {} ({}){}: {}{}",
                    l.name,
                    l.id,
                    if l.role == "office" {
                        ", the office"
                    } else {
                        ""
                    },
                    if l.removed_at.is_some() {
                        "removed".to_string()
                    } else if spaces.is_empty() {
                        "no groups".to_string()
                    } else {
                        spaces.join(", ")
                    },
                    l.last_change_at
                        .map(|t| format!("; last change {t}"))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn sync_status(store: &Store, json: bool) -> Result<(), CoreError> {
    let status = store.sync_status()?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&status).map_err(|e| CoreError::Sync(e.to_string()))?
        );
        return Ok(());
    }
    let Some(device) = &status.device else {
        println!("This laptop does not share records with a team.");
        return Ok(());
    };
    println!("This laptop: {device}");
    for s in &status.spaces {
        println!(
            "Space \"{}\": {} change(s) waiting to be written; {} file(s) applied{}.",
            s.space,
            s.unsent,
            s.files_applied,
            s.last_applied_at
                .as_deref()
                .map(|t| format!(", the last at {t}"))
                .unwrap_or_default()
        );
        for (f, why) in &s.held {
            println!("  Kept for later: {f}: {why}");
        }
        for (f, why) in &s.refused {
            println!("  Refused: {f}: {why}");
        }
    }
    if let Some(w) = &status.clock_warning {
        println!("{w}");
    }
    if !status.decisions.is_empty() {
        println!("What the merge rules decided (newest first):");
        for d in &status.decisions {
            println!(
                "  {} {} {} {}: {} (from {}{})",
                d.at,
                d.kind,
                d.table,
                d.key,
                d.detail,
                d.device,
                d.actor
                    .as_deref()
                    .map(|a| format!(", by {a}"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode, CoreError> {
    let data_dir = data_dir(cli.data_dir)?;
    // These work without opening the store (it may be damaged).
    match &cli.command {
        Command::Check => return check(&data_dir),
        Command::Hub {
            home,
            id,
            root,
            listen,
            laptops,
            seconds,
            until_file,
        } => {
            return hub(
                home,
                *id,
                root.as_deref(),
                listen.clone(),
                laptops,
                *seconds,
                until_file.as_deref(),
            )
            .map_err(carrier_err)
        }
        Command::Restore { file } => return restore(&data_dir, file),
        Command::Backups => return list_backups(&data_dir),
        Command::Sync {
            action: Some(SyncAction::NewKey { office, group }),
            keys,
            ..
        } => return new_space_key(&data_dir, keys.as_deref(), *office, group.as_deref()),
        _ => {}
    }
    let mut store = open_store(&data_dir)?;
    match cli.command {
        Command::Check | Command::Restore { .. } | Command::Backups | Command::Hub { .. } => {
            unreachable!()
        }
        Command::Backup { dir } => {
            let dir = dir.unwrap_or_else(|| store.backups_dir());
            let path = store.backup_to(&dir)?;
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            println!(
                "Backup written and checked: {} ({})",
                path.display(),
                human_size(size)
            );
        }
        Command::Init => {
            println!(
                "Refrain store ready at {} (schema version {})",
                store.path().display(),
                store.schema_version()?
            );
        }
        Command::SeedDemo { music } => {
            refrain_audio::music_import::seed_demo(&mut store, today(), music.as_deref())?;
            println!("Sample data loaded into {}", store.path().display());
        }
        Command::Import { paths } => {
            let library = store.library_dir();
            let never = std::sync::atomic::AtomicBool::new(false);
            let report = refrain_audio::music_import::import(
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
            for d in &report.may_be_damaged {
                println!("may be damaged\t{}\t{}", d.file_name, d.message);
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
        Command::Report { which, out, format } => export_report(&store, which, out, format)?,
        Command::Erase { person, reason } => {
            let e = store.erase_attendee(&person, &reason)?;
            println!(
                "Erased. Removed: {}. Past sessions keep an anonymous count. Older backups \
                 still hold the record until they are replaced.",
                if e.removed.is_empty() {
                    "their details".to_string()
                } else {
                    format!("their details, {}", e.removed.join(", "))
                }
            );
        }
        Command::ImportPeople {
            file,
            skip_bad_rows,
            dry_run,
        } => return import_people(&mut store, &file, skip_bad_rows, dry_run),
        Command::Sync {
            action: Some(SyncAction::NewKey { .. }),
            ..
        } => unreachable!(),
        Command::Sync {
            action: Some(SyncAction::Status { json }),
            ..
        } => sync_status(&store, json)?,
        Command::Sync {
            action: None,
            folder,
            keys,
        } => {
            let folder = folder
                .ok_or_else(|| CoreError::Sync("Give the sync folder with --folder DIR.".into()))?;
            let keys = space_keys(&data_dir, keys.as_deref())?;
            let report = store.sync_folder(&folder, &keys)?;
            for line in report.words() {
                println!("{line}");
            }
            if !report.refused.is_empty() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Team { action } => return team(&mut store, action),
        Command::Snapshot { folder, keys } => {
            let keys = space_keys(&data_dir, Some(&keys))?;
            for path in store.sync_snapshot(&folder, &keys)? {
                let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                println!(
                    "Snapshot written: {} ({})",
                    path.display(),
                    human_size(size)
                );
            }
        }
        Command::Audit { person } => {
            for line in to_json(&store.person_audit(&person)?) {
                println!("{line}");
            }
        }
        Command::Mark {
            session,
            person,
            mark,
        } => {
            let mark = match mark.as_str() {
                "none" => None,
                m => Some(
                    serde_json::from_value::<refrain_core::model::Mark>(serde_json::Value::String(
                        m.replace("left-early", "leftEarly"),
                    ))
                    .map_err(|_| {
                        CoreError::Sync(
                            "A mark is present, late, left-early, absent, apologies or none."
                                .into(),
                        )
                    })?,
                ),
            };
            let register = store.set_mark(&session, &person, mark)?;
            println!("{}", to_json(&register).join("\n"));
        }
        Command::Register { session } => {
            println!("{}", to_json(&store.register(&session)?).join("\n"));
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
                                    "{}\t{} {}-{}\t{}\t{}\t{}/{} attended",
                                    s.id,
                                    s.date,
                                    s.start_time,
                                    s.end_time,
                                    s.group_name,
                                    s.status.label(),
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

/// Reads a spreadsheet of people, shows the columns as guessed and every
/// problem, then imports (unless `dry_run`). Exit 1 when nothing could be
/// imported because of problems, or a dry run found some.
fn import_people(
    store: &mut Store,
    file: &Path,
    skip_bad_rows: bool,
    dry_run: bool,
) -> Result<ExitCode, CoreError> {
    let table = people_import::read_table(file)?;
    let from = match (&table.sheet_name, &table.encoding) {
        (Some(sheet), _) => format!("sheet “{sheet}”"),
        (None, Some(encoding)) => encoding.clone(),
        (None, None) => String::new(),
    };
    println!(
        "Read {} ({from}): {} rows below the headings.",
        table.file_name,
        table.rows.len()
    );
    let mapping = people_import::guess_mapping(&table.headers);
    println!("Columns:");
    for (i, (heading, field)) in table.headers.iter().zip(&mapping.columns).enumerate() {
        println!(
            "  {} ({heading}) -> {}",
            people_import::column_letter(i),
            field.map(|f| f.label()).unwrap_or("not imported")
        );
    }
    let preview = store.preview_import(&table, &mapping)?;
    if !preview.problems.is_empty() {
        println!("Problems:");
        for p in &preview.problems {
            println!("  {}", p.message);
        }
    }
    println!(
        "{} rows: {} ready, {} with problems.",
        preview.total_rows, preview.ready_rows, preview.problem_rows
    );
    if dry_run {
        println!("Dry run: nothing was imported.");
        return Ok(if preview.problems.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    match store.import_people(&table, &mapping, skip_bad_rows, &mut |_, _| {}) {
        Ok(outcome) => {
            println!(
                "Imported {} and {}; {} with problems left out.",
                count(outcome.people_added, "person", "people"),
                count(outcome.referrals_added, "referral", "referrals"),
                count(outcome.rows_skipped, "row", "rows"),
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ CoreError::Invalid { .. }) => {
            eprintln!("refrain-cli: {e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e),
    }
}

fn count(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The store's check, then the newest backup's. Exit 1 when either has a
/// problem; a store that can't be opened is reported with its backups.
fn check(data_dir: &Path) -> Result<ExitCode, CoreError> {
    let mut failed = false;
    let key = key_for(data_dir)?;
    let opened = match &key {
        Some(key) => Store::open_in_dir_keyed(data_dir, key),
        None => Store::open_in_dir(data_dir),
    };
    match opened {
        Ok(store) => {
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
            failed |= !report.integrity_ok;
        }
        Err(e) => {
            eprintln!("refrain-cli: {e}");
            println!("store: could not be opened [{}]", e.code());
            failed = true;
        }
    }
    let backups = backup::list_backups(data_dir)?;
    match backups.first() {
        None => println!("newest backup: none yet"),
        Some(newest) => match backup::verify_backup(Path::new(&newest.path), key.as_ref()) {
            Ok(_) => println!(
                "newest backup: good ({}, {})",
                newest.file_name, newest.time
            ),
            Err(e) => {
                failed = true;
                println!("newest backup: NOT USABLE ({}): {e}", newest.file_name);
                match backup::newest_good_backup(data_dir, key.as_ref())? {
                    Some(good) => {
                        println!("newest good backup: {} ({})", good.file_name, good.time)
                    }
                    None => println!("newest good backup: none"),
                }
            }
        },
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn restore(data_dir: &Path, file: &Path) -> Result<ExitCode, CoreError> {
    let key = key_for(data_dir)?;
    let report = backup::restore(data_dir, file, key.as_ref())?;
    println!("Restored from {}.", report.restored_from);
    if let Some(aside) = &report.replaced_moved_to {
        println!("The data it replaced is kept in {aside}.");
    }
    // Opening brings an older backup up to date and checks it.
    let store = match &key {
        Some(key) => Store::open_in_dir_keyed(data_dir, key)?,
        None => Store::open_in_dir(data_dir)?,
    };
    let check = store.check()?;
    println!(
        "The store opens: schema version {}, integrity {}.",
        check.schema_version,
        if check.integrity_ok {
            "ok"
        } else {
            "PROBLEMS FOUND"
        }
    );
    Ok(if check.integrity_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn list_backups(data_dir: &Path) -> Result<ExitCode, CoreError> {
    let backups = backup::list_backups(data_dir)?;
    if backups.is_empty() {
        println!(
            "No backups yet in {}",
            backup::backups_dir(data_dir).display()
        );
    }
    for b in &backups {
        let kind = match (b.kind, b.before_version) {
            (BackupKind::Auto, _) => "automatic".to_string(),
            (BackupKind::Manual, _) => "made on request".to_string(),
            (BackupKind::BeforeMigration, Some(v)) => format!("before update to v{v}"),
            (BackupKind::BeforeMigration, None) => "before update".to_string(),
        };
        println!(
            "{}\t{}\t{}\t{}",
            b.time,
            kind,
            human_size(b.size_bytes),
            b.path
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Vec<String> {
    vec![serde_json::to_string_pretty(v).unwrap_or_default()]
}
