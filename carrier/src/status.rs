//! What the window shows about the carrier, as plain data.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::home::Home;
use crate::rest::{query, Rest};
use crate::CarrierError;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// This device's ID (what another laptop or the hub is given).
    pub device_id: String,
    /// Whether sharing is paused on this laptop.
    pub paused: bool,
    pub peers: Vec<PeerStatus>,
    pub folders: Vec<FolderStatus>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PeerStatus {
    pub device_id: String,
    pub name: String,
    pub connected: bool,
    pub paused: bool,
    /// Where it is connected from (`127.0.0.1:22001`), while connected.
    pub address: Option<String>,
    /// When it was last connected; none if never.
    pub last_seen: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FolderStatus {
    pub id: String,
    /// Syncthing's word: `idle`, `scanning`, `syncing`, `error`...
    pub state: String,
    /// Why the folder stopped, if it did.
    pub error: Option<String>,
    /// Still to receive: files and bytes.
    pub need_files: u64,
    pub need_bytes: u64,
    /// How complete this device's copy is, 0 to 100.
    pub completion: f64,
    pub paused: bool,
}

pub(crate) fn read(rest: &Rest, home: &Home) -> Result<Status, CarrierError> {
    let connections = rest.get("/rest/system/connections")?;
    let stats = rest.get("/rest/stats/device")?;
    let config = rest.get("/rest/config")?;
    let mut peers = Vec::new();
    for d in config["devices"].as_array().into_iter().flatten() {
        let id = d["deviceID"].as_str().unwrap_or_default();
        if id == home.device_id.as_str() {
            continue;
        }
        let c = &connections["connections"][id];
        let connected = c["connected"].as_bool().unwrap_or(false);
        peers.push(PeerStatus {
            device_id: id.to_string(),
            name: d["name"].as_str().unwrap_or_default().to_string(),
            connected,
            paused: d["paused"].as_bool().unwrap_or(false)
                || c["paused"].as_bool().unwrap_or(false),
            address: c["address"]
                .as_str()
                .filter(|a| connected && !a.is_empty())
                .map(str::to_string),
            last_seen: last_seen(&stats[id]["lastSeen"]),
        });
    }
    let mut folders = Vec::new();
    for f in config["folders"].as_array().into_iter().flatten() {
        let id = f["id"].as_str().unwrap_or_default();
        let q = query(id);
        let db = rest.get(&format!("/rest/db/status?folder={q}"))?;
        let completion = rest.get(&format!("/rest/db/completion?folder={q}"))?;
        let paused = f["paused"].as_bool().unwrap_or(false);
        folders.push(FolderStatus {
            id: id.to_string(),
            state: db["state"].as_str().unwrap_or("unknown").to_string(),
            error: db["error"]
                .as_str()
                .or(db["invalid"].as_str())
                .filter(|e| !e.is_empty())
                .map(str::to_string),
            need_files: db["needFiles"].as_u64().unwrap_or(0),
            need_bytes: db["needBytes"].as_u64().unwrap_or(0),
            completion: completion["completion"].as_f64().unwrap_or(0.0),
            paused,
        });
    }
    Ok(Status {
        device_id: home.device_id.to_string(),
        paused: home.paused(),
        peers,
        folders,
    })
}

/// Syncthing gives the start of 1970 (or of year 1) for a device never
/// seen.
fn last_seen(v: &Value) -> Option<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()?
        .with_timezone(&Utc);
    (t.timestamp() > 0).then_some(t)
}
