//! Starting, watching and stopping Refrain's Syncthing.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::config::apply_to_json;
use crate::home::Home;
use crate::plan::Plan;
use crate::rest::{query, Rest};
use crate::status::{self, Status};
use crate::CarrierError;

/// The environment variable that names the Syncthing program to run (the
/// app's sidecar on Windows and macOS; tests). Otherwise `syncthing` is
/// looked for on the PATH.
pub const SYNCTHING_ENV: &str = "REFRAIN_SYNCTHING";

/// The log of Syncthing's output, in its home; one older file is kept.
pub const LOG_FILE: &str = "syncthing.log";
/// A log file is rotated past this size.
pub const LOG_MAX_BYTES: u64 = 1024 * 1024;

const START_TIMEOUT: Duration = Duration::from_secs(30);
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// The Syncthing program: `REFRAIN_SYNCTHING` if set, else `syncthing` on
/// the PATH.
pub fn find_syncthing() -> Result<PathBuf, CarrierError> {
    if let Some(p) = std::env::var_os(SYNCTHING_ENV).filter(|v| !v.is_empty()) {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Ok(p);
        }
        return Err(CarrierError::NotInstalled(format!(
            "{SYNCTHING_ENV} names {}, which is not a file",
            p.display()
        )));
    }
    let name = if cfg!(windows) {
        "syncthing.exe"
    } else {
        "syncthing"
    };
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(CarrierError::NotInstalled(
        "no syncthing program on the PATH (on Debian and Ubuntu: apt install syncthing)".into(),
    ))
}

/// A command for `bin` with none of Syncthing's own environment variables
/// (`STHOMEDIR`, `STGUIADDRESS`, `STNORESTART`...) inherited: only what
/// Refrain passes counts.
pub(crate) fn syncthing_command(bin: &Path) -> Command {
    let mut cmd = Command::new(bin);
    for (k, _) in std::env::vars_os() {
        if k.to_str().is_some_and(|k| k.starts_with("ST")) {
            cmd.env_remove(k);
        }
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// The major version of Syncthing (`syncthing --version`).
pub fn syncthing_major_version(bin: &Path) -> Result<u32, CarrierError> {
    let out = syncthing_command(bin)
        .arg("--version")
        .output()
        .map_err(|e| CarrierError::not_installed(bin, e))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let major = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix('v'))
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse().ok());
    major.ok_or_else(|| {
        CarrierError::NotInstalled(format!(
            "{} does not answer like Syncthing: {}",
            bin.display(),
            text.trim()
        ))
    })
}

/// A running Syncthing. Dropping it stops Syncthing.
pub struct Syncthing {
    home: Home,
    bin: PathBuf,
    rest: Rest,
    child: Option<Child>,
    log_threads: Vec<JoinHandle<()>>,
    /// Where this run's output starts in the log.
    log_from: u64,
}

/// Starts Syncthing from a prepared home and waits until its REST API
/// answers. An instance of Refrain's left running from before (Refrain
/// ended without stopping it) is asked to stop first.
pub fn start(home: &Home, bin: &Path) -> Result<Syncthing, CarrierError> {
    let mut home = home.clone();
    let port_free = |port| TcpListener::bind(("127.0.0.1", port)).is_ok();
    if !port_free(home.gui_port()) {
        // Something holds the control port: an earlier instance of ours
        // (it knows the key) is asked to stop; anything else keeps the
        // port, and another one is taken.
        let old = Rest::with_timeout(
            home.base_url(),
            home.api_key().to_string(),
            Duration::from_secs(2),
        );
        if old.get("/rest/system/ping").is_ok() {
            let _ = old.post("/rest/system/shutdown");
            let deadline = Instant::now() + STOP_TIMEOUT;
            while !port_free(home.gui_port()) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        if !port_free(home.gui_port()) {
            home.new_gui_port()?;
        }
    }
    let mut s = Syncthing {
        rest: Rest::new(home.base_url(), home.api_key().to_string()),
        bin: bin.to_path_buf(),
        home,
        child: None,
        log_threads: Vec::new(),
        log_from: 0,
    };
    s.spawn()?;
    Ok(s)
}

impl Syncthing {
    /// Starts the process and waits for it to answer. A Syncthing that is
    /// still letting go of its database (one that was just stopped) makes
    /// the new one stop at once: it is tried again for a few seconds.
    fn spawn(&mut self) -> Result<(), CarrierError> {
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            match self.spawn_once() {
                Err(CarrierError::Exited(m))
                    if m.contains("another instance") && Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(300));
                }
                other => return other,
            }
        }
    }

    fn spawn_once(&mut self) -> Result<(), CarrierError> {
        // Every start begins from Refrain's own config, whatever was
        // changed in Syncthing's since.
        self.home.save()?;
        let home = &self.home;
        let mut cmd = syncthing_command(&self.bin);
        cmd.arg("serve")
            .arg(format!("--home={}", home.path.display()))
            .arg("--no-browser")
            .arg("--no-restart")
            .arg("--no-upgrade")
            .arg(format!(
                "--gui-address=http://127.0.0.1:{}",
                home.gui_port()
            ))
            .arg(format!("--gui-apikey={}", home.api_key()))
            // Without this Syncthing (1.x and 2.x) runs a monitor process
            // that starts the real one as its child, even with
            // --no-restart: then ending the process Refrain started would
            // leave the real one running. STMONITORED is what the monitor
            // itself sets for its child.
            .env("STMONITORED", "1")
            // Syncthing 1.x otherwise times two SHA-256 implementations at
            // every start (about a second of a laptop's CPU) and then picks
            // this one on any CPU with SHA or AVX2 instructions; 2.x has
            // only Go's own and ignores the variable.
            .env("STHASHING", "minio")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        end_with_parent(&mut cmd);
        let mut child = cmd
            .spawn()
            .map_err(|e| CarrierError::not_installed(&self.bin, e))?;
        let log = Log::open(&home.path)?;
        self.log_from = log.size;
        let log = Arc::new(Mutex::new(log));
        let out: Box<dyn Read + Send> = Box::new(child.stdout.take().expect("piped"));
        let err: Box<dyn Read + Send> = Box::new(child.stderr.take().expect("piped"));
        for stream in [out, err] {
            let log = Arc::clone(&log);
            self.log_threads.push(std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut l) = log.lock() {
                        l.line(&line);
                    }
                }
            }));
        }
        self.child = Some(child);

        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.child.as_mut().expect("spawned").try_wait()? {
                self.child = None;
                self.join_logs();
                let tail = self.log_tail();
                if tail.contains("address already in use") {
                    return Err(CarrierError::PortTaken(format!(
                        "Syncthing could not take its port on this computer (another program uses it): {}",
                        last_lines(&tail, 3)
                    )));
                }
                return Err(CarrierError::Exited(format!(
                    "Syncthing stopped as it started ({status}): {}",
                    last_lines(&tail, 5)
                )));
            }
            if self.rest.get("/rest/system/ping").is_ok() {
                break;
            }
            if Instant::now() > deadline {
                self.kill_now();
                return Err(CarrierError::Exited(format!(
                    "Syncthing did not answer within {} seconds: {}",
                    START_TIMEOUT.as_secs(),
                    last_lines(&self.log_tail(), 5)
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.check_listening()
    }

    /// Syncthing keeps running when it cannot listen on its sync port, so
    /// the listeners' status is read after the start: a port that another
    /// program holds is a clear error.
    fn check_listening(&mut self) -> Result<(), CarrierError> {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let st = self.rest.get("/rest/system/status")?;
            let listeners = st["connectionServiceStatus"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            let mut all_up = !listeners.is_empty();
            for (addr, s) in &listeners {
                let err = s["error"].as_str().unwrap_or("");
                if err.contains("address already in use") || err.contains("Only one usage") {
                    let msg = format!(
                        "Another program is using the port Syncthing listens on ({addr}): {err}. \
                         Close it, or give Refrain's Syncthing another port."
                    );
                    self.stop();
                    return Err(CarrierError::PortTaken(msg));
                }
                if !err.is_empty() || s["lanAddresses"].as_array().is_none_or(|a| a.is_empty()) {
                    all_up = false;
                }
            }
            if all_up || Instant::now() > deadline {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn home(&self) -> &Home {
        &self.home
    }

    /// The process ID, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// The REST API's answer to `GET path` (for the window's details and
    /// for tests).
    pub fn get(&self, path: &str) -> Result<Value, CarrierError> {
        self.rest.get(path)
    }

    /// Gives the running instance `plan`, through `PUT /rest/config`:
    /// connections and transfers carry on, Syncthing writes its
    /// `config.xml` itself, and the plan is kept for the next start. Only
    /// when Syncthing says a change needs a restart (a new listen address)
    /// is it restarted. Applying the same plan again changes nothing.
    pub fn apply(&mut self, plan: &Plan) -> Result<(), CarrierError> {
        plan.check(&self.home.device_id)?;
        let mut config = self.rest.get("/rest/config")?;
        let before = config.clone();
        apply_to_json(&mut config, &self.home.device_id, plan, self.home.paused());
        self.home.set_plan(plan)?;
        if config == before {
            return Ok(());
        }
        self.rest.put_json("/rest/config", &config)?;
        let restart = self.rest.get("/rest/config/restart-required")?;
        if restart["requiresRestart"].as_bool() == Some(true) {
            self.stop();
            self.spawn()?;
        }
        Ok(())
    }

    /// Pauses every device: nothing is sent or received until `resume`.
    /// Kept across restarts.
    pub fn pause(&mut self) -> Result<(), CarrierError> {
        self.home.set_paused(true)?;
        self.rest.post("/rest/system/pause")
    }

    /// Resumes every device.
    pub fn resume(&mut self) -> Result<(), CarrierError> {
        self.home.set_paused(false)?;
        self.rest.post("/rest/system/resume")
    }

    /// Looks at a folder's files now rather than at the next change or
    /// rescan.
    pub fn rescan(&self, folder_id: &str) -> Result<(), CarrierError> {
        self.rest
            .post(&format!("/rest/db/scan?folder={}", query(folder_id)))
    }

    /// Whether any other device is connected now.
    pub fn any_connected(&self) -> Result<bool, CarrierError> {
        let c = self.rest.get("/rest/system/connections")?;
        Ok(c["connections"]
            .as_object()
            .into_iter()
            .flatten()
            .any(|(id, v)| {
                id != self.home.device_id.as_str() && v["connected"].as_bool() == Some(true)
            }))
    }

    /// What the window shows.
    pub fn status(&self) -> Result<Status, CarrierError> {
        status::read(&self.rest, &self.home)
    }

    /// Stops Syncthing: asks it to shut down, and ends it if it has not
    /// within ten seconds.
    pub fn stop(&mut self) {
        self.remember_accepted();
        if let Some(mut child) = self.child.take() {
            if matches!(child.try_wait(), Ok(None)) {
                let _ = self.rest.post("/rest/system/shutdown");
                let deadline = Instant::now() + STOP_TIMEOUT;
                while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(50));
                }
                let _ = child.kill();
            }
            let _ = child.wait();
        }
        self.join_logs();
    }

    /// A hub keeps the folders it accepted across restarts: they go into
    /// its plan, which the next start writes into its config.
    fn remember_accepted(&mut self) {
        if self.home.plan().accept_folders_into.is_none() || self.child.is_none() {
            return;
        }
        let Ok(config) = self.rest.get("/rest/config") else {
            return;
        };
        let mut plan = self.home.plan().clone();
        for f in config["folders"].as_array().into_iter().flatten() {
            let (Some(id), Some(path)) = (f["id"].as_str(), f["path"].as_str()) else {
                continue;
            };
            if plan.folders.iter().any(|g| g.id == id) {
                continue;
            }
            let shared_with = f["devices"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d["deviceID"].as_str())
                .filter_map(|d| plan.peers.iter().find(|p| p.id.as_str() == d))
                .map(|p| p.id.clone())
                .collect();
            plan.folders.push(crate::plan::Folder {
                id: id.to_string(),
                path: PathBuf::from(path),
                shared_with,
            });
        }
        if plan.check(&self.home.device_id).is_ok() {
            let _ = self.home.set_plan(&plan);
        }
    }

    /// Ends the process at once, as a crash or power cut would (SIGKILL on
    /// Unix): for tests of what survives that.
    pub fn kill_now(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.join_logs();
    }

    /// Starts the process again (after `stop` or `kill_now`).
    pub fn restart(&mut self) -> Result<(), CarrierError> {
        self.stop();
        self.spawn()
    }

    fn join_logs(&mut self) {
        for t in self.log_threads.drain(..) {
            let _ = t.join();
        }
    }

    /// The end of this run's output.
    fn log_tail(&self) -> String {
        let text = std::fs::read(self.home.path.join(LOG_FILE)).unwrap_or_default();
        let from = (self.log_from as usize).min(text.len());
        let from = from.max(text.len().saturating_sub(4000));
        String::from_utf8_lossy(&text[from..]).to_string()
    }
}

impl Drop for Syncthing {
    fn drop(&mut self) {
        self.stop();
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}

/// Syncthing's output, in `syncthing.log`; past `LOG_MAX_BYTES` it becomes
/// `syncthing.log.1` (replacing the one before) and a new file starts.
struct Log {
    dir: PathBuf,
    file: File,
    size: u64,
}

impl Log {
    fn open(dir: &Path) -> Result<Log, CarrierError> {
        let path = dir.join(LOG_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        let size = file.metadata()?.len();
        Ok(Log {
            dir: dir.to_path_buf(),
            file,
            size,
        })
    }

    fn line(&mut self, line: &str) {
        if self.size >= LOG_MAX_BYTES {
            let path = self.dir.join(LOG_FILE);
            let _ = std::fs::rename(&path, self.dir.join(format!("{LOG_FILE}.1")));
            if let Ok(f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
            {
                self.file = f;
                self.size = 0;
            }
        }
        if writeln!(self.file, "{line}").is_ok() {
            self.size += line.len() as u64 + 1;
        }
    }
}

/// Syncthing ends when the thread that started it does (Refrain's team
/// thread lives as long as Refrain), so a Refrain that crashed or was
/// killed leaves no Syncthing behind; an orderly close stops it first.
#[cfg(target_os = "linux")]
fn end_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt as _;
    // SAFETY: prctl is async-signal-safe and touches no memory of the
    // parent; it runs in the child between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Elsewhere an orderly close stops Syncthing, and the next start asks a
/// leftover one to stop.
#[cfg(not(target_os = "linux"))]
fn end_with_parent(_cmd: &mut Command) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_capped_with_one_older_file_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = Log::open(dir.path()).unwrap();
        let line = "x".repeat(999);
        for _ in 0..2500 {
            log.line(&line);
        }
        let size = |f: &str| {
            std::fs::metadata(dir.path().join(f))
                .map(|m| m.len())
                .unwrap_or(0)
        };
        assert!(size(LOG_FILE) <= LOG_MAX_BYTES + 1000, "{}", size(LOG_FILE));
        assert!(size(&format!("{LOG_FILE}.1")) >= LOG_MAX_BYTES);
        assert!(!dir.path().join(format!("{LOG_FILE}.2")).exists());
        // Reopened, it goes on from its size.
        drop(log);
        let log = Log::open(dir.path()).unwrap();
        assert_eq!(log.size, size(LOG_FILE));
    }

    #[test]
    fn a_missing_program_is_named() {
        let err = syncthing_major_version(Path::new("/nonexistent/syncthing")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Syncthing is not installed: /nonexistent/syncthing was not found"
        );
    }
}
