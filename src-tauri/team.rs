//! Team sharing while the app runs: a background thread syncs the team's
//! folder every little while, and at once when asked. It holds the store's
//! lock only while the core syncs; commands run off the main thread, so
//! the window never waits on it, and the music has threads of its own.
//! With no team set up, the thread does nothing at all.
//!
//! When Refrain carries the team's files itself (no folder the charity
//! syncs was chosen), the same thread keeps Refrain's own Syncthing
//! (`refrain-carrier`) as the team's roster says: started with the team,
//! given each laptop and space as they change, restarted if it died,
//! stopped while sharing is paused and when Refrain closes.

use std::path::PathBuf;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use refrain_carrier::{Plan, Runner, TeamCarry};
use refrain_core::team::{CarryRoster, TeamArrival, TeamOverview};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::AppError;
use crate::state::AppState;

/// How often a team laptop syncs while Refrain is open.
pub const INTERVAL: Duration = Duration::from_secs(15);

/// How often it looks whether a change made here waits to be sent (one
/// small query): a mark reaches the team within seconds, not at the next
/// round.
pub const OUTGOING_CHECK: Duration = Duration::from_secs(2);

/// The event the window hears after each sync: the Team screen's overview.
pub const TEAM_EVENT: &str = "team-synced";

/// The event the window hears when a sync brought records from the team's
/// other laptops (a `TeamArrival`): open screens read them again.
pub const ARRIVAL_EVENT: &str = "team-records-arrived";

/// Wakes the background thread for a sync now, and holds this laptop's
/// Syncthing.
#[derive(Default)]
pub struct TeamState {
    wake: Mutex<Option<Sender<()>>>,
    carrier: Mutex<Option<Runner>>,
    /// How many syncs the thread has finished, for `sync_and_wait`.
    finished: Mutex<u64>,
    finished_cv: Condvar,
}

/// Where Refrain's own Syncthing keeps its certificate and configuration.
pub fn carrier_home(state: &AppState) -> Result<PathBuf, AppError> {
    Ok(state.data_dir()?.join("syncthing"))
}

/// The listen addresses of this laptop's Syncthing: Syncthing's usual port
/// on every network, or what `REFRAIN_CARRIER_LISTEN` says (comma
/// separated; for running several copies on one machine in tests).
fn carrier_base() -> Plan {
    let mut base = Plan::new("Refrain");
    if let Ok(listen) = std::env::var("REFRAIN_CARRIER_LISTEN") {
        base.listen = listen.split(',').map(|a| a.trim().to_string()).collect();
    }
    base
}

fn carry(roster: &CarryRoster) -> TeamCarry {
    TeamCarry {
        device_name: roster.device_name.clone(),
        hub: roster.hub.clone(),
        peers: roster.peers.clone(),
        spaces: roster.spaces.clone(),
    }
}

impl TeamState {
    fn with_runner<T>(
        &self,
        state: &AppState,
        f: impl FnOnce(&mut Runner) -> T,
    ) -> Result<T, AppError> {
        let mut guard = self.carrier.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(Runner::new(&carrier_home(state)?, carrier_base()));
        }
        Ok(f(guard.as_mut().expect("made above")))
    }

    /// This laptop's Syncthing device ID for a team it creates or joins;
    /// `None` when Syncthing cannot be used here (the team then needs a
    /// folder the charity syncs, and the Team screen says so).
    pub fn carrier_id(&self, state: &AppState, laptop_name: &str) -> Option<String> {
        match self.with_runner(state, |r| r.device_id(laptop_name)) {
            Ok(Ok(id)) => Some(id.to_string()),
            Ok(Err(e)) => {
                eprintln!("refrain: Syncthing can't carry the team's files: {e}");
                None
            }
            Err(_) => None,
        }
    }

    /// Stops this laptop's Syncthing (as Refrain closes).
    pub fn stop_carrier(&self) {
        if let Some(r) = self
            .carrier
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_mut()
        {
            r.stop();
        }
    }

    pub fn sync_soon(&self) {
        if let Some(tx) = self.wake.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            let _ = tx.send(());
        }
    }

    /// Asks the team thread for a sync now and waits (a minute at most)
    /// until it has finished one. Syncs run only on that thread: the
    /// Syncthing it starts lives as long as the thread.
    pub fn sync_and_wait<R: Runtime>(&self, app: &AppHandle<R>) {
        let thread_runs = self
            .wake
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some();
        if !thread_runs {
            // Before the app's event loop has started it (or in a test
            // build that never runs one): sync here.
            tell_window(app, sync_once(app));
            return;
        }
        let mut n = self.finished.lock().unwrap_or_else(|p| p.into_inner());
        let start = *n;
        self.sync_soon();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while *n == start {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return;
            }
            n = self
                .finished_cv
                .wait_timeout(n, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    fn finished_one(&self) {
        *self.finished.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.finished_cv.notify_all();
    }
}

/// Refrain's own folder for the team's files (carried by Syncthing), used
/// unless the team points at a folder the charity already syncs.
pub fn own_folder(state: &AppState) -> Result<PathBuf, AppError> {
    Ok(state.data_dir()?.join("team-files"))
}

/// Starts the background thread.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let (tx, rx) = channel::<()>();
    *app.state::<TeamState>()
        .wake
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(tx);
    let handle = app.clone();
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("refrain-team".into())
        .spawn(move || {
            let mut last = std::time::Instant::now();
            loop {
                let due = match rx.recv_timeout(OUTGOING_CHECK) {
                    Ok(()) => Ok(true),
                    Err(RecvTimeoutError::Timeout) => Ok(last.elapsed() >= INTERVAL
                        || app
                            .state::<AppState>()
                            .with(|s| s.team_has_outgoing())
                            .unwrap_or(false)),
                    Err(RecvTimeoutError::Disconnected) => Err(()),
                };
                match due {
                    Ok(false) => {}
                    Ok(true) => {
                        last = std::time::Instant::now();
                        let synced = sync_once(&app);
                        // Whoever waits for this sync is told before the
                        // window is (the window's event may need the thread
                        // that waits).
                        app.state::<TeamState>().finished_one();
                        tell_window(&app, synced);
                    }
                    Err(()) => return,
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("refrain: team sharing could not start: {e}");
    }
    // A second thread listens to Refrain's Syncthing, when one runs: a file
    // arriving from the team wakes the sync at once (a mark made on another
    // laptop shows here in seconds, not at the next round). It only waits
    // on Syncthing's event stream, on loopback; with no Syncthing running
    // it looks again every few seconds and connects to nothing.
    let app = handle;
    let spawned = std::thread::Builder::new()
        .name("refrain-team-arrivals".into())
        .spawn(move || loop {
            let arrivals = app
                .state::<TeamState>()
                .carrier
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
                .and_then(|r| r.arrivals());
            let Some(mut arrivals) = arrivals else {
                std::thread::sleep(Duration::from_secs(5));
                continue;
            };
            loop {
                match arrivals.wait(Duration::from_secs(60)) {
                    Ok(true) => app.state::<TeamState>().sync_soon(),
                    Ok(false) => {}
                    // Syncthing stopped or restarted: find it again.
                    Err(_) => {
                        std::thread::sleep(Duration::from_secs(2));
                        break;
                    }
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("refrain: team sharing could not listen for arrivals: {e}");
    }
}

type Synced = Option<(TeamOverview, Option<TeamArrival>)>;

fn tell_window<R: Runtime>(app: &AppHandle<R>, synced: Synced) {
    if let Some((overview, arrival)) = synced {
        let _ = app.emit(TEAM_EVENT, overview);
        if let Some(a) = arrival {
            let _ = app.emit(ARRIVAL_EVENT, a);
        }
    }
}

/// One sync, if this laptop is in a team and sharing is not paused; gives
/// what the window is to hear. Runs on the team thread only.
fn sync_once<R: Runtime>(app: &AppHandle<R>) -> Synced {
    let state = app.state::<AppState>();
    let default = own_folder(&state).ok()?;
    let folder = state.with(|s| {
        Ok(match s.team_status()? {
            Some(t) if t.removed_at.is_none() && !t.paused => s.team_folder(&default)?,
            _ => None,
        })
    });
    let Ok(Some(folder)) = folder else {
        // No team, removed, or paused: nothing to carry either.
        app.state::<TeamState>().stop_carrier();
        return None;
    };
    let problem = keep_carrier(app, &state, &default);
    // A failed sync is remembered by the core for the freshness line, and
    // tried again next time.
    let arrival = state
        .with(|s| {
            let report = s.team_sync_carried(&folder, problem.as_deref())?;
            s.team_arrival(&report)
        })
        .ok()
        .flatten();
    if problem.is_none() {
        let _ = app.state::<TeamState>().with_runner(&state, |r| r.rescan());
    }
    overview(&state).ok().flatten().map(|o| (o, arrival))
}

/// Keeps this laptop's Syncthing as the roster says; gives why the team's
/// files cannot be carried right now, if they cannot.
fn keep_carrier<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    own_folder: &std::path::Path,
) -> Option<String> {
    let status = match state.with(|s| s.team_status()) {
        Ok(Some(t)) => t,
        _ => return None,
    };
    if status.folder.is_some() {
        // A folder the charity syncs carries the files.
        app.state::<TeamState>().stop_carrier();
        return None;
    }
    if status.carrier_id.is_none() {
        return Some(
            "Syncthing is not installed on this laptop, so nothing carries the team's files: \
             install Refrain again, or choose a folder the charity already syncs"
                .into(),
        );
    }
    let roster = match state.with(|s| s.team_carry_roster()) {
        Ok(r) => r,
        Err(e) => return Some(e.to_string()),
    };
    let team = roster.as_ref().map(carry);
    let kept = app
        .state::<TeamState>()
        .with_runner(state, |r| r.keep(team.as_ref(), own_folder));
    match kept {
        Ok(Ok(Some(false))) => Some(if team.is_some_and(|t| t.hub.is_some()) {
            "no connection to the hub or to the team's other laptops".into()
        } else {
            "no connection to the team's other laptops (no hub is set)".into()
        }),
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(format!("Syncthing could not carry the team's files: {e}")),
        Err(e) => Some(e.to_string()),
    }
}

/// The Team screen's overview.
pub fn overview(state: &AppState) -> Result<Option<TeamOverview>, AppError> {
    let default = own_folder(state)?;
    state.with(|s| match s.team_folder(&default)? {
        Some(folder) => s.team_overview(&folder),
        None => Ok(None),
    })
}
