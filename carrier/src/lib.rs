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

mod config;
mod device_id;
mod home;
mod plan;
mod process;
mod rest;
mod status;

pub use config::{config_xml, escape, CONFIG_VERSION, RESCAN_INTERVAL_S, WATCH_DELAY_S};
pub use device_id::DeviceId;
pub use home::{free_port, prepare, Home, STATE_FILE};
pub use plan::{folder_id, hub_plan, Folder, HubSpace, Peer, Plan, DEFAULT_LISTEN};
pub use process::{
    find_syncthing, start, syncthing_major_version, Syncthing, LOG_FILE, LOG_MAX_BYTES,
    SYNCTHING_ENV,
};
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
