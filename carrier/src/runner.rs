//! Keeping this laptop's Syncthing as its team needs it: started when the
//! team has something to carry, given the devices and folders of the
//! roster as they change, restarted if it died, stopped when there is
//! nothing to carry. The app's background thread and the CLI both drive
//! one [`Runner`]; the team's roster reaches it as plain strings
//! ([`TeamCarry`]), so this crate still knows nothing of the core.

use std::path::{Path, PathBuf};

use crate::{
    find_syncthing, prepare, start, CarrierError, DeviceId, Peer, Plan, Status, Syncthing,
};

/// What a laptop's team needs carried: from the core's roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamCarry {
    /// This laptop's name, as the other devices show it.
    pub device_name: String,
    /// The hub: its Syncthing device ID and address (`tcp://host:port`).
    pub hub: Option<(String, String)>,
    /// The team's other laptops this one shares a space with: Syncthing
    /// device ID and name. They are found on the local network.
    pub peers: Vec<(String, String)>,
    /// Each space this laptop holds, and the device IDs (laptops and hub)
    /// it is shared with.
    pub spaces: Vec<(String, Vec<String>)>,
}

/// The plan for `team`, its folders under `root`, on `base`'s listen
/// addresses and discovery settings.
pub fn team_plan(base: &Plan, root: &Path, team: &TeamCarry) -> Result<Plan, CarrierError> {
    let mut plan = Plan {
        device_name: team.device_name.clone(),
        peers: Vec::new(),
        folders: Vec::new(),
        ..base.clone()
    };
    if let Some((id, address)) = &team.hub {
        plan = plan.with_peer(Peer {
            id: DeviceId::parse(id)?,
            name: "The hub".into(),
            addresses: vec![address.clone()],
            introducer: false,
        });
    }
    for (id, name) in &team.peers {
        let id = DeviceId::parse(id)?;
        if plan.peers.iter().any(|p| p.id == id) {
            continue;
        }
        plan = plan.with_peer(Peer {
            id,
            name: name.clone(),
            addresses: vec!["dynamic".into()],
            introducer: false,
        });
    }
    for (space, with) in &team.spaces {
        let with = with
            .iter()
            .map(|d| DeviceId::parse(d))
            .collect::<Result<Vec<_>, _>>()?;
        plan = plan.with_space(root, space, &with);
    }
    Ok(plan)
}

/// One laptop's Syncthing, kept as its team needs it.
pub struct Runner {
    home_dir: PathBuf,
    /// The listen addresses and discovery settings every plan keeps.
    base: Plan,
    bin: Option<PathBuf>,
    running: Option<Syncthing>,
    /// The plan the running instance was last given: the same plan is not
    /// given again (every round would otherwise read its whole config).
    applied: Option<Plan>,
}

impl Runner {
    /// A runner whose Syncthing lives in `home_dir`; nothing is started.
    /// `base` gives the listen addresses and discovery settings
    /// ([`Plan::new`] for real use).
    pub fn new(home_dir: &Path, base: Plan) -> Runner {
        Runner {
            home_dir: home_dir.to_path_buf(),
            base,
            bin: None,
            running: None,
            applied: None,
        }
    }

    fn bin(&mut self) -> Result<PathBuf, CarrierError> {
        if let Some(b) = &self.bin {
            return Ok(b.clone());
        }
        let b = find_syncthing()?;
        self.bin = Some(b.clone());
        Ok(b)
    }

    /// This laptop's Syncthing device ID, making its certificate the first
    /// time (no network used, nothing started).
    pub fn device_id(&mut self, device_name: &str) -> Result<DeviceId, CarrierError> {
        let bin = self.bin()?;
        Ok(prepare(&self.home_dir, device_name, &bin)?.device_id)
    }

    /// Keeps Syncthing as `team` needs it, its folders under `root`:
    /// started (or started again if it died) and given the plan when it
    /// changed; `None` stops it. Gives whether it is connected to any of
    /// the team's devices (one small request a round).
    pub fn keep(
        &mut self,
        team: Option<&TeamCarry>,
        root: &Path,
    ) -> Result<Option<bool>, CarrierError> {
        let Some(team) = team else {
            self.stop();
            return Ok(None);
        };
        let plan = team_plan(&self.base, root, team)?;
        for f in &plan.folders {
            std::fs::create_dir_all(&f.path)?;
        }
        if let Some(s) = self.running.as_mut() {
            if !s.is_running() {
                s.restart()?;
            }
            if self.applied.as_ref() != Some(&plan) {
                s.apply(&plan)?;
            }
        } else {
            let bin = self.bin()?;
            let mut home = prepare(&self.home_dir, &team.device_name, &bin)?;
            home.write_plan(&plan)?;
            self.running = Some(start(&home, &bin)?);
        }
        self.applied = Some(plan);
        let s = self.running.as_ref().expect("started above");
        Ok(Some(s.any_connected()?))
    }

    /// What the window shows of the running Syncthing, if one runs.
    pub fn status(&self) -> Option<Result<Status, CarrierError>> {
        self.running.as_ref().map(|s| s.status())
    }

    /// Asks Syncthing to look at every folder now, after the engine wrote
    /// change files (its watcher would see them a moment later).
    pub fn rescan(&self) {
        if let Some(s) = &self.running {
            for f in &s.home().plan().folders {
                let _ = s.rescan(&f.id);
            }
        }
    }

    /// The running Syncthing, if any (for tests and the window's details).
    pub fn syncthing(&mut self) -> Option<&mut Syncthing> {
        self.running.as_mut()
    }

    /// Stops Syncthing, if it runs.
    pub fn stop(&mut self) {
        self.applied = None;
        if let Some(mut s) = self.running.take() {
            s.stop();
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Syncthing's event stream, read without holding the runner: a thread
/// waits on it and wakes the team's sync the moment a file arrives, rather
/// than at the next round.
#[derive(Clone)]
pub struct Arrivals {
    rest: crate::rest::Rest,
    since: u64,
}

impl Arrivals {
    /// Waits up to `timeout` for Syncthing to finish receiving a file into
    /// one of the team's folders; true if one arrived. A long poll: no CPU
    /// while nothing happens.
    pub fn wait(&mut self, timeout: std::time::Duration) -> Result<bool, CarrierError> {
        let secs = timeout.as_secs().max(1);
        let events = self.rest.get(&format!(
            "/rest/events?since={}&events=ItemFinished&timeout={secs}",
            self.since
        ))?;
        let mut arrived = false;
        for e in events.as_array().into_iter().flatten() {
            self.since = self.since.max(e["id"].as_u64().unwrap_or(0));
            let data = &e["data"];
            if data["error"].is_null()
                && data["folder"]
                    .as_str()
                    .is_some_and(|f| f.starts_with("refrain-"))
            {
                arrived = true;
            }
        }
        Ok(arrived)
    }
}

impl Runner {
    /// The running Syncthing's event stream, from now on.
    pub fn arrivals(&self) -> Option<Arrivals> {
        let s = self.running.as_ref()?;
        let home = s.home();
        let rest = crate::rest::Rest::with_timeout(
            home.base_url(),
            home.api_key().to_string(),
            std::time::Duration::from_secs(75),
        );
        // Start after whatever happened before: only what arrives next.
        // (A filtered stream numbers its own events: ask the same one.)
        let since = rest
            .get("/rest/events?events=ItemFinished&limit=1&timeout=0")
            .ok()
            .and_then(|v| v.as_array()?.last()?["id"].as_u64())
            .unwrap_or(0);
        Some(Arrivals { rest, since })
    }
}
