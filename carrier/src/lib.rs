//! Refrain's own Syncthing, which carries team sharing's change files
//! between a team's laptops and the charity's hub.
//!
//! Syncthing runs as a separate process with its home inside Refrain's
//! data folder. Refrain writes its whole configuration before the first
//! start ([`prepare`]), so it never contacts anything public: no global
//! discovery, relays, NAT traversal, STUN, usage or crash reports, or
//! upgrade checks; its REST API and GUI listen on loopback only, behind an
//! API key. [`start`] runs it; [`Syncthing`] applies a [`Plan`] (the
//! devices, and one folder per space), pauses, resumes and reports
//! [`Status`]. The sync engine only sees files appearing in a folder.
//!
//! This crate knows nothing of the core or of Tauri: the app and the CLI
//! join them.
//!
//! ```no_run
//! use std::path::Path;
//! use refrain_carrier::{find_syncthing, prepare, start, DeviceId, Peer};
//!
//! # fn main() -> Result<(), refrain_carrier::CarrierError> {
//! let bin = find_syncthing()?;
//! // Once: the certificate, and a config that contacts nothing public.
//! let mut home = prepare(Path::new("/data/refrain/syncthing"), "Ana's laptop", &bin)?;
//! // home.device_id is what the office and the hub are given.
//! let hub = Peer {
//!     id: DeviceId::parse("42DPVI5-GCZ3E5L-XYWYZTY-BWRLR7R-XP23Z2I-4XY65SY-2YG3V5K-X2N3FQG")?,
//!     name: "The hub".into(),
//!     addresses: vec!["tcp://hub.example.org:22000".into()],
//!     introducer: false,
//! };
//! let plan = home
//!     .plan()
//!     .clone()
//!     .with_peer(hub.clone())
//!     .with_space(Path::new("/data/refrain/shared"), "office", &[hub.id.clone()]);
//! home.write_plan(&plan)?;
//! let mut syncthing = start(&home, &bin)?;
//! let status = syncthing.status()?; // for the window
//! syncthing.pause()?;
//! syncthing.resume()?;
//! syncthing.stop();
//! # let _ = status;
//! # Ok(())
//! # }
//! ```

mod config;
mod device_id;
mod home;
mod plan;
mod process;
mod rest;
mod runner;
mod status;

pub use config::{config_xml, escape, CONFIG_VERSION, RESCAN_INTERVAL_S, WATCH_DELAY_S};
pub use device_id::DeviceId;
pub use home::{free_port, prepare, Home, STATE_FILE};
pub use plan::{
    accepting_hub_plan, folder_id, hub_plan, Folder, HubSpace, Peer, Plan, DEFAULT_LISTEN,
};
pub use process::{
    find_syncthing, start, syncthing_major_version, Syncthing, LOG_FILE, LOG_MAX_BYTES,
    SYNCTHING_ENV,
};
pub use runner::{team_plan, Arrivals, Runner, TeamCarry};
pub use status::{FolderStatus, PeerStatus, Status};

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CarrierError {
    /// No Syncthing program to run.
    #[error("Syncthing is not installed: {0}")]
    NotInstalled(String),
    /// A port Syncthing needs is held by another program.
    #[error("{0}")]
    PortTaken(String),
    /// Syncthing stopped or never answered.
    #[error("{0}")]
    Exited(String),
    /// Syncthing's REST API could not be reached.
    #[error("Syncthing does not answer: {0}")]
    Unreachable(String),
    /// Syncthing answered something unexpected or refused a request.
    #[error("Syncthing: {0}")]
    Syncthing(String),
    /// A plan that cannot be written.
    #[error("{0}")]
    BadPlan(String),
    #[error("Syncthing's folder: {0}")]
    Io(#[from] std::io::Error),
}

impl CarrierError {
    pub(crate) fn not_installed(bin: &Path, e: std::io::Error) -> CarrierError {
        if e.kind() == std::io::ErrorKind::NotFound {
            CarrierError::NotInstalled(format!("{} was not found", bin.display()))
        } else {
            CarrierError::NotInstalled(format!("{} could not be run: {e}", bin.display()))
        }
    }
}
