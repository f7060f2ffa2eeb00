//! What an instance should be: its own name and listen addresses, the
//! devices it talks to, and one Syncthing folder per space.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{CarrierError, DeviceId};

/// The port Syncthing listens on for other devices, in real use.
pub const DEFAULT_LISTEN: &str = "tcp://0.0.0.0:22000";

/// The plan of one instance. Writing the same plan twice changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// This device's name, as other devices show it.
    pub device_name: String,
    /// Where this device accepts connections (`tcp://0.0.0.0:22000`); never
    /// `default`, which would include public relays.
    pub listen: Vec<String>,
    /// Announce this device on the local network and find others there
    /// (laptops in one hall finding each other with no internet).
    pub local_discovery: bool,
    /// Seconds between attempts to reach a device that is not connected.
    pub reconnect_interval_s: u32,
    pub peers: Vec<Peer>,
    pub folders: Vec<Folder>,
    /// A hub's plan: every folder its peers offer is accepted, into this
    /// folder (named by the folder's ID), so the hub needs to be told only
    /// the team's devices, never which space goes where. `None` on a
    /// laptop, which takes only the folders its plan names.
    #[serde(default)]
    pub accept_folders_into: Option<PathBuf>,
}

/// Another device this instance may connect to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Peer {
    pub id: DeviceId,
    pub name: String,
    /// `tcp://host:port`, `quic://host:port` or `dynamic` (found by local
    /// discovery).
    pub addresses: Vec<String>,
    /// Whether the devices this one shares folders with are added here
    /// too. Refrain's plans list every device themselves, so this is off
    /// unless a charity asks for it.
    pub introducer: bool,
}

/// One space's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Folder {
    /// `refrain-<space>`: the same on every device.
    pub id: String,
    pub path: PathBuf,
    /// The peers it is shared with (this device is always included).
    pub shared_with: Vec<DeviceId>,
}

/// The folder ID of a space.
pub fn folder_id(space: &str) -> String {
    format!("refrain-{space}")
}

impl Plan {
    /// A device on its own: real-use listen address, local discovery on,
    /// no peers, no folders.
    pub fn new(device_name: &str) -> Plan {
        Plan {
            device_name: device_name.to_string(),
            listen: vec![DEFAULT_LISTEN.to_string()],
            local_discovery: true,
            reconnect_interval_s: 30,
            peers: Vec::new(),
            folders: Vec::new(),
            accept_folders_into: None,
        }
    }

    /// Adds (or replaces) a peer.
    pub fn with_peer(mut self, peer: Peer) -> Plan {
        self.peers.retain(|p| p.id != peer.id);
        self.peers.push(peer);
        self
    }

    /// Adds (or replaces) the folder of `space`, at `<root>/<space>`,
    /// shared with `with`.
    pub fn with_space(mut self, root: &Path, space: &str, with: &[DeviceId]) -> Plan {
        let id = folder_id(space);
        self.folders.retain(|f| f.id != id);
        self.folders.push(Folder {
            id,
            path: root.join(space),
            shared_with: with.to_vec(),
        });
        self
    }

    /// Refuses a plan Syncthing would misread or that would reach outside
    /// what it names.
    pub fn check(&self, own: &DeviceId) -> Result<(), CarrierError> {
        let bad = |m: String| Err(CarrierError::BadPlan(m));
        if self.device_name.trim().is_empty() {
            return bad("this device needs a name".into());
        }
        if self.listen.is_empty() {
            return bad("this device needs a listen address".into());
        }
        for a in &self.listen {
            if !is_address(a) || a == "dynamic" {
                return bad(format!(
                    "\"{a}\" is not a listen address Refrain uses (tcp://host:port or quic://host:port)"
                ));
            }
        }
        for (i, p) in self.peers.iter().enumerate() {
            if &p.id == own {
                return bad("this device cannot be its own peer".into());
            }
            if self.peers[..i].iter().any(|q| q.id == p.id) {
                return bad(format!("the device {} is listed twice", p.id));
            }
            if p.addresses.is_empty() {
                return bad(format!(
                    "the device {} needs an address (or \"dynamic\")",
                    p.name
                ));
            }
            for a in &p.addresses {
                if !is_address(a) {
                    return bad(format!(
                        "\"{a}\" is not an address for {} (tcp://host:port, quic://host:port or dynamic)",
                        p.name
                    ));
                }
            }
        }
        for (i, f) in self.folders.iter().enumerate() {
            let space = f.id.strip_prefix("refrain-").unwrap_or("");
            if space.is_empty()
                || !space
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return bad(format!(
                    "\"{}\" is not a Refrain folder ID (refrain-<space>)",
                    f.id
                ));
            }
            if self.folders[..i].iter().any(|g| g.id == f.id) {
                return bad(format!("the folder {} is listed twice", f.id));
            }
            if !f.path.is_absolute() {
                return bad(format!("the folder {} needs an absolute path", f.id));
            }
            for d in &f.shared_with {
                if d != own && !self.peers.iter().any(|p| &p.id == d) {
                    return bad(format!(
                        "the folder {} is shared with {d}, which is not one of the devices",
                        f.id
                    ));
                }
            }
        }
        Ok(())
    }
}

fn is_address(a: &str) -> bool {
    if a == "dynamic" {
        return true;
    }
    let Some((scheme, rest)) = a.split_once("://") else {
        return false;
    };
    let Some((host, port)) = rest.rsplit_once(':') else {
        return false;
    };
    matches!(scheme, "tcp" | "tcp4" | "tcp6" | "quic" | "quic4" | "quic6")
        && !host.is_empty()
        && !host.contains(['<', '>', '&', '"', '\'', ' ', '/'])
        && port.parse::<u16>().is_ok_and(|p| p > 0)
}

/// One space the charity's hub carries, and the laptops that hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubSpace {
    pub space: String,
    pub members: Vec<DeviceId>,
}

/// The plan of the charity's always-on hub: it listens on `listen` (in
/// real use `tcp://0.0.0.0:22000`, reachable from the laptops), knows every
/// laptop, and carries each space's folder to the laptops that hold it and
/// to no others. It holds only the change files, which are ciphertext, so
/// its folders are ordinary send-and-receive folders. Local discovery is
/// off: the laptops are given its address.
pub fn hub_plan(
    name: &str,
    root: &Path,
    listen: Vec<String>,
    laptops: Vec<Peer>,
    spaces: &[HubSpace],
) -> Plan {
    let mut plan = Plan {
        listen,
        local_discovery: false,
        ..Plan::new(name)
    };
    for l in laptops {
        plan = plan.with_peer(l);
    }
    for s in spaces {
        plan = plan.with_space(root, &s.space, &s.members);
    }
    plan
}

/// The plan of a hub that accepts whatever the team's laptops share with
/// it, into `root`: it is told only the laptops (their IDs and, where they
/// have one, an address), and holds only their encrypted files.
pub fn accepting_hub_plan(
    name: &str,
    root: &Path,
    listen: Vec<String>,
    laptops: Vec<Peer>,
) -> Plan {
    let mut plan = Plan {
        listen,
        local_discovery: false,
        accept_folders_into: Some(root.to_path_buf()),
        ..Plan::new(name)
    };
    for l in laptops {
        plan = plan.with_peer(l);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> DeviceId {
        DeviceId::from_certificate(&[n])
    }

    fn peer(n: u8, addr: &str) -> Peer {
        Peer {
            id: id(n),
            name: format!("laptop {n}"),
            addresses: vec![addr.into()],
            introducer: false,
        }
    }

    #[test]
    fn a_plan_with_a_bad_address_or_a_stranger_is_refused() {
        let root = Path::new("/srv/refrain");
        let ok = Plan::new("office")
            .with_peer(peer(1, "tcp://hub.example.org:22000"))
            .with_space(root, "office", &[id(1)]);
        ok.check(&id(0)).unwrap();

        let relay = Plan::new("office").with_peer(peer(1, "relay://relays.syncthing.net:22067"));
        assert!(relay.check(&id(0)).is_err());
        let default_listen = Plan {
            listen: vec!["default".into()],
            ..Plan::new("office")
        };
        assert!(default_listen.check(&id(0)).is_err());
        let stranger = Plan::new("office").with_space(root, "office", &[id(2)]);
        let err = stranger.check(&id(0)).unwrap_err().to_string();
        assert!(err.contains("not one of the devices"), "{err}");
        let escape = Plan::new("office").with_space(root, "../etc", &[]);
        assert!(escape.check(&id(0)).is_err());
        let myself = Plan::new("office").with_peer(peer(0, "dynamic"));
        assert!(myself.check(&id(0)).is_err());
        let twice = Plan::new("office")
            .with_peer(peer(1, "dynamic"))
            .with_space(root, "office", &[])
            .with_space(root, "office", &[id(1)]);
        assert_eq!(twice.folders.len(), 1, "the same space twice is one folder");
    }

    #[test]
    fn the_hub_shares_each_space_only_with_its_members() {
        let root = Path::new("/srv/refrain");
        let plan = hub_plan(
            "hub",
            root,
            vec![DEFAULT_LISTEN.into()],
            vec![peer(1, "dynamic"), peer(2, "dynamic")],
            &[
                HubSpace {
                    space: "office".into(),
                    members: vec![id(1), id(2)],
                },
                HubSpace {
                    space: "group-7".into(),
                    members: vec![id(2)],
                },
            ],
        );
        plan.check(&id(0)).unwrap();
        assert!(!plan.local_discovery);
        let g = plan
            .folders
            .iter()
            .find(|f| f.id == "refrain-group-7")
            .unwrap();
        assert_eq!(g.shared_with, vec![id(2)]);
        assert_eq!(g.path, root.join("group-7"));
    }
}
