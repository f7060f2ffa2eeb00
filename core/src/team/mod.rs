//! Team sharing, part 2: a team of laptops, and who may read which space.
//!
//! The office laptop creates the team. Another laptop joins in person: it
//! reads the office's invitation (a small file of public facts), makes its
//! own key pair, and asks to join with a request that the office accepts
//! once the short code on both screens agrees. No password is sent anywhere.
//! Each space's key is wrapped to the public key of every laptop that
//! receives it (as Joplin does for shared notebooks), in files beside the
//! space's change files: `<folder>/<space>/keys/<laptop>-<generation>.key`.
//!
//! The team's roster (its laptops, who receives which space) is itself
//! shared, in the team's own space, by the sync engine (`crate::sync`).
//! Removing a laptop gives each of its spaces a new key (a new generation)
//! that it never receives, and a notice that tells it, when it next syncs,
//! to remove its copy of the team's groups.
//!
//! docs/team-sharing.md explains the design.

pub mod keys;
pub mod seen;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use self::keys::{join_code, same_code, LaptopKey, RemovalNotice, WrappedKey};
pub use self::seen::{ChangedElsewhere, SeenRecord};
use crate::error::{CoreError, Result};
use crate::store::sql::now;
use crate::store::Store;
use crate::sync::capture::{set_state, state};
use crate::sync::hlc::Hlc;
use crate::sync::rows::Val;
use crate::sync::tables::{self, Route};
use crate::sync::{group_space, is_space_name, Keys, SpaceKey, SyncReport, OFFICE, TEAM};

pub const INVITATION_FORMAT: &str = "refrain-team-invitation/1";
pub const REQUEST_FORMAT: &str = "refrain-team-join/1";

/// What the office hands a laptop that is to join, in person (a file on a
/// USB stick): public facts only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub format: String,
    pub team_id: String,
    pub team_name: String,
    pub office_device: String,
    pub office_name: String,
    pub office_public_key: String,
    pub hub: Option<String>,
    /// The office's Syncthing device ID, when Refrain carries the team's
    /// files: the laptop connects to it before the roster arrives.
    #[serde(default)]
    pub office_carrier_id: Option<String>,
    /// The hub's Syncthing device ID.
    #[serde(default)]
    pub hub_id: Option<String>,
}

/// A laptop's request to join: written into the team's folder (or carried
/// as a file) for the office to accept.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequest {
    pub format: String,
    pub team_id: String,
    pub device: String,
    pub name: String,
    pub public_key: String,
    /// The laptop's Syncthing device ID, when Refrain carries its files.
    /// The code covers it, so a request with another ID is refused.
    pub carrier_id: Option<String>,
}

impl JoinRequest {
    /// The short code the laptop shows and the office reads back.
    pub fn code(&self) -> String {
        match &self.carrier_id {
            None => join_code(&self.team_id, &self.device, &self.public_key),
            Some(c) => join_code(
                &self.team_id,
                &self.device,
                &format!("{}{}", self.public_key, c),
            ),
        }
    }
}

/// A request waiting in the team's folder, with its code.
#[derive(Serialize, Debug, Clone, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingRequest {
    pub request: JoinRequest,
    pub code: String,
}

/// One of the team's laptops, as this laptop knows it.
#[derive(Serialize, Debug, Clone, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamLaptop {
    pub id: String,
    pub name: String,
    pub role: String,
    pub this_laptop: bool,
    pub added_at: String,
    pub removed_at: Option<String>,
    /// The spaces it receives (`office`, `group-<id>`), with the groups'
    /// names where this laptop has them.
    pub spaces: Vec<SpaceName>,
    /// When it made the latest change this laptop has received (by its
    /// own clock).
    pub last_change_at: Option<String>,
}

#[derive(Serialize, Debug, Clone, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SpaceName {
    pub space: String,
    pub name: String,
}

/// This laptop's place in its team.
#[derive(Serialize, Debug, Clone, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamStatus {
    pub team_id: String,
    pub team_name: String,
    pub device: String,
    pub device_name: String,
    pub role: String,
    /// The code this laptop's join request was made with.
    pub code: String,
    /// False while a laptop waits for the office to accept it.
    pub accepted: bool,
    pub removed_at: Option<String>,
    pub hub: Option<String>,
    /// The hub's Syncthing device ID.
    pub hub_id: Option<String>,
    /// This laptop's Syncthing device ID, if Refrain carries its files.
    pub carrier_id: Option<String>,
    /// A folder the charity already syncs, if the team's files go through
    /// one; `None`: Refrain's own Syncthing folder.
    pub folder: Option<String>,
    pub paused: bool,
    pub synced_at: Option<String>,
    pub sync_problem: Option<String>,
    /// How fresh this laptop's records are, in words ("Synced 3 minutes
    /// ago"; "Not synced since Tuesday: ...").
    pub freshness: String,
    pub laptops: Vec<TeamLaptop>,
}

/// What one team sync did.
#[derive(Serialize, Debug, Clone, Default, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamSyncReport {
    /// The engine's report (none while a laptop waits to be accepted, or
    /// once it was removed).
    pub sync: Option<SyncReport>,
    /// "group-… (key 2)", for each key received.
    pub keys_received: Vec<String>,
    pub keys_handed_over: usize,
    /// Spaces this laptop stopped receiving, whose copy it removed.
    pub left: Vec<String>,
    pub removed_from_team: bool,
    pub waiting_for_office: bool,
}

impl TeamSyncReport {
    pub fn words(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.removed_from_team {
            out.push(
                "The office removed this laptop from the team: the team's records were removed \
                 from it."
                    .into(),
            );
            return out;
        }
        if self.waiting_for_office {
            out.push("Waiting for the office to accept this laptop (it has asked to join).".into());
        }
        for k in &self.keys_received {
            out.push(format!("Received the key for {k}."));
        }
        if self.keys_handed_over > 0 {
            out.push(format!(
                "Handed over {} to the team's laptops.",
                if self.keys_handed_over == 1 {
                    "1 key".to_string()
                } else {
                    format!("{} keys", self.keys_handed_over)
                }
            ));
        }
        for s in &self.left {
            out.push(format!(
                "This laptop no longer receives {s}: its copy was removed."
            ));
        }
        if let Some(r) = &self.sync {
            out.extend(r.words());
        }
        out
    }
}

/// Everything the Team screen shows.
#[derive(Serialize, Debug, Clone, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamOverview {
    pub status: TeamStatus,
    /// Laptops waiting to join (the office's screen).
    pub requests: Vec<PendingRequest>,
    /// What the merge rules decided, newest first.
    pub decisions: Vec<TeamDecision>,
    /// The groups on this laptop, for choosing what a laptop receives.
    pub groups: Vec<SpaceName>,
}

/// Records from the team's other laptops have just arrived: screens that
/// show records read them again and say where the change came from.
#[derive(Serialize, Debug, Clone, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamArrival {
    /// The laptops' names, as the team knows them.
    pub from: Vec<String>,
    /// When they arrived here.
    pub at: String,
}

impl Store {
    /// What a sync brought in, for the window: `None` when nothing came.
    pub fn team_arrival(&self, report: &TeamSyncReport) -> Result<Option<TeamArrival>> {
        let Some(sync) = report.sync.as_ref().filter(|s| s.files_applied > 0) else {
            return Ok(None);
        };
        let mut from = Vec::new();
        for device in &sync.from_devices {
            let name: Option<String> = self
                .conn()
                .query_row(
                    "SELECT name FROM team_device WHERE id = ?1",
                    [device],
                    |r| r.get(0),
                )
                .optional()?;
            let name = name.unwrap_or_else(|| "another laptop".into());
            if !from.contains(&name) {
                from.push(name);
            }
        }
        Ok(Some(TeamArrival { from, at: now() }))
    }
}

/// One thing the merge rules decided, in words for the Team screen.
#[derive(Serialize, Debug, Clone, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamDecision {
    pub at: String,
    /// `overwritten`, `refused`, `kept`, `dropped`, `erased`...
    pub kind: String,
    /// Which laptop's change it was, and who made it there.
    pub by: String,
    /// What it was about: "Ada Lovelace's mark for Thursday Singing for
    /// the Brain on 5 Nov 2026", say.
    pub about: String,
    /// What was decided, and what the other version was.
    pub what: String,
}

struct SelfRow {
    team_id: String,
    team_name: String,
    device: String,
    device_name: String,
    role: String,
    key: LaptopKey,
    office_public_key: String,
    accepted_at: Option<String>,
    removed_at: Option<String>,
    folder: Option<String>,
    paused_at: Option<String>,
    synced_at: Option<String>,
    sync_problem: Option<String>,
    carrier_id: Option<String>,
}

impl SelfRow {
    fn is_office(&self) -> bool {
        self.role == "office"
    }

    fn request(&self) -> JoinRequest {
        JoinRequest {
            format: REQUEST_FORMAT.into(),
            team_id: self.team_id.clone(),
            device: self.device.clone(),
            name: self.device_name.clone(),
            public_key: self.key.public_hex(),
            carrier_id: self.carrier_id.clone(),
        }
    }
}

fn sync_err(message: impl Into<String>) -> CoreError {
    CoreError::Sync(message.into())
}

fn checked_name(field: &'static str, name: &str, what: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::invalid(field, format!("Give {what}.")));
    }
    if name.chars().count() > 80 {
        return Err(CoreError::invalid(
            field,
            format!("{what} can be at most 80 characters.").replacen('a', "A", 1),
        ));
    }
    Ok(name.to_string())
}

/// A Syncthing device ID as people copy it: eight groups of seven letters
/// and digits (base32), dashes between. Its check characters are the
/// carrier's to verify; this keeps out what cannot be one.
fn checked_carrier_id(id: &str) -> Result<String> {
    let id = id.trim().to_ascii_uppercase();
    let groups: Vec<&str> = id.split('-').collect();
    let ok = groups.len() == 8
        && groups.iter().all(|g| {
            g.len() == 7
                && g.bytes()
                    .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        });
    if !ok {
        return Err(CoreError::invalid(
            "hubId",
            "That is not a Syncthing device ID: it is eight groups of seven letters and \
             numbers with dashes between (like ABCDEF2-...). Copy it again from whoever runs \
             the hub.",
        ));
    }
    Ok(id)
}

/// A hub's address: `tcp://host:port` or `quic://host:port`.
fn checked_address(address: &str) -> Result<String> {
    let rest = address
        .strip_prefix("tcp://")
        .or_else(|| address.strip_prefix("quic://"));
    let ok = rest.is_some_and(|r| {
        r.rsplit_once(':').is_some_and(|(host, port)| {
            !host.is_empty() && !host.contains('/') && port.parse::<u16>().is_ok_and(|p| p > 0)
        })
    });
    if !ok {
        return Err(CoreError::invalid(
            "hubAddress",
            "Give the hub's address as tcp://name-or-number:port, e.g. \
             tcp://hub.example.org:22000.",
        ));
    }
    Ok(address.to_string())
}

/// What this laptop's carrier (Refrain's own Syncthing) is to do: the
/// devices it may talk to and, for each space it holds, which of them hold
/// it too. Made from the team's roster; the app and the CLI turn it into
/// the carrier's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarryRoster {
    /// This laptop's own Syncthing device ID and name.
    pub carrier_id: String,
    pub device_name: String,
    /// The hub: its Syncthing device ID and address.
    pub hub: Option<(String, String)>,
    /// The team's other laptops this one shares a space with: (Syncthing
    /// device ID, name). Found on the local network, or through the hub.
    pub peers: Vec<(String, String)>,
    /// Each space this laptop holds (the team's own first) and the
    /// Syncthing device IDs of the other laptops holding it.
    pub spaces: Vec<(String, Vec<String>)>,
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() > 64 * 1024 {
        return None;
    }
    serde_json::from_slice(&bytes).ok()
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| sync_err(e.to_string()))?;
    crate::sync::file::write_whole(path, &bytes)
}

fn key_path(folder: &Path, space: &str, device: &str, generation: u32) -> PathBuf {
    folder
        .join(space)
        .join("keys")
        .join(format!("{device}-{generation}.key"))
}

fn request_path(folder: &Path, device: &str) -> PathBuf {
    folder
        .join(TEAM)
        .join("requests")
        .join(format!("{device}.json"))
}

fn notice_path(folder: &Path, device: &str) -> PathBuf {
    folder
        .join(TEAM)
        .join("removed")
        .join(format!("{device}.notice"))
}

impl Store {
    fn team_self(&self) -> Result<Option<SelfRow>> {
        let row = self
            .conn()
            .query_row(
                "SELECT team_id, team_name, device_id, device_name, role, secret_key,
                        office_public_key, accepted_at, removed_at, folder, paused_at,
                        synced_at, sync_problem, carrier_id
                   FROM team_self",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Vec<u8>>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                        [
                            r.get::<_, Option<String>>(9)?,
                            r.get::<_, Option<String>>(10)?,
                            r.get::<_, Option<String>>(11)?,
                            r.get::<_, Option<String>>(12)?,
                            r.get::<_, Option<String>>(13)?,
                        ],
                    ))
                },
            )
            .optional()?;
        let Some((team_id, team_name, device, device_name, role, secret, office, acc, rem, more)) =
            row
        else {
            return Ok(None);
        };
        let [folder, paused_at, synced_at, sync_problem, carrier_id] = more;
        let key = LaptopKey::from_bytes(&zeroize::Zeroizing::new(secret))?;
        Ok(Some(SelfRow {
            team_id,
            team_name,
            device,
            device_name,
            role,
            key,
            office_public_key: office,
            accepted_at: acc,
            removed_at: rem,
            folder,
            paused_at,
            synced_at,
            sync_problem,
            carrier_id,
        }))
    }

    fn in_team(&self) -> Result<SelfRow> {
        match self.team_self()? {
            Some(s) if s.removed_at.is_some() => Err(sync_err(
                "The office removed this laptop from the team. It keeps working on its own.",
            )),
            Some(s) => Ok(s),
            None => Err(sync_err(
                "This laptop is not in a team. Create one (at the office) or join one.",
            )),
        }
    }

    fn office_only(&self) -> Result<SelfRow> {
        let me = self.in_team()?;
        if !me.is_office() {
            return Err(sync_err("Only the office laptop can do this."));
        }
        Ok(me)
    }

    fn not_in_team(&self) -> Result<()> {
        if let Some(s) = self.team_self()? {
            return Err(sync_err(format!(
                "This laptop is already in the team \"{}\".",
                s.team_name
            )));
        }
        let spaces: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM sync_space", [], |r| r.get(0))?;
        if spaces > 0 {
            return Err(sync_err(
                "This laptop already shares records through key files of its own; it can't \
                 also join a team.",
            ));
        }
        Ok(())
    }

    fn device_id(&self) -> Result<String> {
        let conn = self.conn();
        if let Some(d) = state(conn, "device")? {
            return Ok(d);
        }
        let d = crate::sync::new_device_id()?;
        set_state(conn, "device", &d)?;
        Ok(d)
    }

    /// Makes this laptop the office of a new team.
    ///
    /// `carrier_id` is this laptop's Syncthing device ID when Refrain
    /// carries the team's files (`None` when it cannot, or for a team that
    /// uses a folder the charity already syncs).
    pub fn team_create(
        &mut self,
        team_name: &str,
        laptop_name: &str,
        carrier_id: Option<&str>,
    ) -> Result<TeamStatus> {
        let team_name = checked_name("teamName", team_name, "a name for the team")?;
        let laptop_name = checked_name("laptopName", laptop_name, "a name for this laptop")?;
        let carrier_id = carrier_id.map(checked_carrier_id).transpose()?;
        self.not_in_team()?;
        let device = self.device_id()?;
        let team_id = crate::sync::new_device_id()?;
        let key = LaptopKey::generate()?;
        let public = key.public_hex();
        let secret = key.secret_bytes();
        let (team_key, office_key) = (SpaceKey::generate()?, SpaceKey::generate()?);
        let at = now();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO team_self (only, team_id, team_name, device_id, device_name, role,
                                        secret_key, office_public_key, joined_at, accepted_at,
                                        carrier_id)
                 VALUES (1, ?1, ?2, ?3, ?4, 'office', ?5, ?6, ?7, ?7, ?8)",
                params![
                    team_id,
                    team_name,
                    device,
                    laptop_name,
                    &secret[..],
                    public,
                    at,
                    carrier_id
                ],
            )?;
            for (space, k) in [(TEAM, &team_key), (OFFICE, &office_key)] {
                tx.execute(
                    "INSERT INTO team_space_key (space, generation, key, from_device, received_at)
                     VALUES (?1, 1, ?2, ?3, ?4)",
                    params![space, &k.bytes()[..], device, at],
                )?;
            }
            tx.execute(
                "INSERT INTO team_info (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                params![team_id, team_name, at],
            )?;
            tx.execute(
                "INSERT INTO team_device (id, name, role, public_key, carrier_id, added_at,
                                          added_by, updated_at)
                 VALUES (?1, ?2, 'office', ?3, ?4, ?5, ?1, ?5)",
                params![device, laptop_name, public, carrier_id, at],
            )?;
            for space in [TEAM, OFFICE] {
                tx.execute(
                    "INSERT INTO team_grant (device_id, space, granted_by, granted_at, updated_at)
                     VALUES (?1, ?2, ?1, ?3, ?3)",
                    params![device, space, at],
                )?;
            }
            Ok(())
        })?;
        self.team_status()?
            .ok_or_else(|| sync_err("the team was not saved"))
    }

    /// The charity's always-on hub: its Syncthing device ID and its address
    /// (`tcp://host:port`), as the charity's IT volunteer gave them; both
    /// empty for none.
    pub fn team_set_hub(&mut self, hub_id: &str, address: &str) -> Result<()> {
        let me = self.office_only()?;
        let (hub_id, address) = (hub_id.trim(), address.trim());
        let hub =
            match (hub_id.is_empty(), address.is_empty()) {
                (true, true) => None,
                (false, false) => Some((checked_carrier_id(hub_id)?, checked_address(address)?)),
                (true, false) => return Err(CoreError::invalid(
                    "hubId",
                    "Give the hub's ID too (its Syncthing device ID, from whoever runs the hub).",
                )),
                (false, true) => {
                    return Err(CoreError::invalid(
                        "hubAddress",
                        "Give the hub's address too, e.g. tcp://hub.example.org:22000.",
                    ))
                }
            };
        let (id, address) = hub.unzip();
        self.write(|tx| {
            tx.execute(
                "UPDATE team_info SET hub_id = ?2, hub = ?3, updated_at = ?4 WHERE id = ?1",
                params![me.team_id, id, address, now()],
            )?;
            Ok(())
        })
    }

    fn hub(&self, team_id: &str) -> Result<(Option<String>, Option<String>)> {
        Ok(self
            .conn()
            .query_row(
                "SELECT hub_id, hub FROM team_info WHERE id = ?1",
                [team_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((None, None)))
    }

    /// The office's invitation for a laptop to join, in person.
    pub fn team_invitation(&self) -> Result<Invitation> {
        let me = self.office_only()?;
        let (hub_id, hub) = self.hub(&me.team_id)?;
        Ok(Invitation {
            format: INVITATION_FORMAT.into(),
            team_id: me.team_id.clone(),
            team_name: me.team_name.clone(),
            office_device: me.device.clone(),
            office_name: me.device_name.clone(),
            office_public_key: me.key.public_hex(),
            hub,
            hub_id,
            office_carrier_id: me.carrier_id.clone(),
        })
    }

    /// Reads an invitation file, refusing anything else.
    pub fn team_read_invitation(path: &Path) -> Result<Invitation> {
        let inv: Invitation = read_json(path).ok_or_else(|| {
            sync_err(format!(
                "{} is not a Refrain team invitation.",
                path.display()
            ))
        })?;
        if inv.format != INVITATION_FORMAT
            || keys::public_from_hex(&inv.office_public_key).is_err()
            || inv.team_id.is_empty()
        {
            return Err(sync_err(format!(
                "{} is not a Refrain team invitation this version can use.",
                path.display()
            )));
        }
        Ok(inv)
    }

    /// Joins the team of `invitation`: this laptop makes its own key pair
    /// and asks to join. The office accepts it by the code it shows.
    ///
    /// `carrier_id` is this laptop's Syncthing device ID when Refrain
    /// carries its files.
    pub fn team_join(
        &mut self,
        invitation: &Invitation,
        laptop_name: &str,
        carrier_id: Option<&str>,
    ) -> Result<JoinRequest> {
        let laptop_name = checked_name("laptopName", laptop_name, "a name for this laptop")?;
        let carrier_id = carrier_id.map(checked_carrier_id).transpose()?;
        if invitation.format != INVITATION_FORMAT {
            return Err(sync_err("That is not a Refrain team invitation."));
        }
        keys::public_from_hex(&invitation.office_public_key)?;
        self.not_in_team()?;
        let device = self.device_id()?;
        let key = LaptopKey::generate()?;
        let secret = key.secret_bytes();
        let at = now();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO team_self (only, team_id, team_name, device_id, device_name, role,
                                        secret_key, office_public_key, joined_at, carrier_id,
                                        invited_office_carrier_id, invited_hub_id, invited_hub)
                 VALUES (1, ?1, ?2, ?3, ?4, 'laptop', ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    invitation.team_id,
                    invitation.team_name,
                    device,
                    laptop_name,
                    &secret[..],
                    invitation.office_public_key,
                    at,
                    carrier_id,
                    invitation.office_carrier_id,
                    invitation.hub_id,
                    invitation.hub,
                ],
            )?;
            Ok(())
        })?;
        Ok(self.in_team()?.request())
    }

    /// This laptop's request to join (to show its code again, or to write
    /// it to a file).
    pub fn team_join_request(&self) -> Result<JoinRequest> {
        Ok(self.in_team()?.request())
    }

    /// Writes this laptop's request to join to a file (a USB stick) for
    /// the office, when the two laptops share no folder yet.
    pub fn team_write_request(&self, path: &Path) -> Result<JoinRequest> {
        let request = self.team_join_request()?;
        write_json(path, &request)?;
        Ok(request)
    }

    /// The office takes a request to join from a file brought in person:
    /// it waits with the others, to be accepted by its code.
    pub fn team_take_request(&self, folder: &Path, path: &Path) -> Result<PendingRequest> {
        let me = self.office_only()?;
        let request = Self::team_read_request(path)?;
        if request.team_id != me.team_id {
            return Err(sync_err("That request is to join another team."));
        }
        write_json(
            &folder
                .join(TEAM)
                .join("requests")
                .join(format!("{}.json", request.device)),
            &request,
        )?;
        Ok(PendingRequest {
            code: request.code(),
            request,
        })
    }

    /// What this laptop's Syncthing is to carry, or `None` when Refrain
    /// does not carry its files (no team, no Syncthing ID, a folder the
    /// charity syncs chosen instead, sharing paused, or removed).
    pub fn team_carry_roster(&self) -> Result<Option<CarryRoster>> {
        let Some(me) = self.team_self()? else {
            return Ok(None);
        };
        let Some(carrier_id) = me.carrier_id.clone() else {
            return Ok(None);
        };
        if me.folder.is_some() || me.paused_at.is_some() || me.removed_at.is_some() {
            return Ok(None);
        }
        let (hub_id, hub) = self.hub(&me.team_id)?;
        let (invited_office, invited_hub_id, invited_hub): (
            Option<String>,
            Option<String>,
            Option<String>,
        ) = self.conn().query_row(
            "SELECT invited_office_carrier_id, invited_hub_id, invited_hub FROM team_self",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let hub = hub_id.zip(hub).or_else(|| invited_hub_id.zip(invited_hub));
        let hub_carrier = hub.as_ref().map(|(id, _)| id.clone());
        // Who holds which space, by the roster (live grants, laptops not
        // removed, with a Syncthing ID).
        let holders: Vec<(String, String, String, String)> = {
            let mut stmt = self.conn().prepare(
                "SELECT g.space, d.id, d.carrier_id, d.name
                   FROM team_grant g JOIN team_device d ON d.id = g.device_id
                  WHERE g.revoked_at IS NULL AND d.removed_at IS NULL
                    AND d.carrier_id IS NOT NULL
                  ORDER BY g.space = 'team' DESC, g.space, d.name, d.id",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        let mine: Vec<String> = {
            let mut v: Vec<String> = vec![TEAM.to_string()];
            v.extend(
                holders
                    .iter()
                    .filter(|(space, dev, _, _)| dev == &me.device && space != TEAM)
                    .map(|(space, _, _, _)| space.clone()),
            );
            v.dedup();
            v
        };
        let mut peers: Vec<(String, String)> = Vec::new();
        let mut spaces = Vec::new();
        for space in &mine {
            let mut with: Vec<String> = Vec::new();
            for (s, dev, carrier, name) in &holders {
                if s != space || dev == &me.device || carrier == &carrier_id {
                    continue;
                }
                if !with.contains(carrier) {
                    with.push(carrier.clone());
                }
                if !peers.iter().any(|(c, _)| c == carrier) {
                    peers.push((carrier.clone(), name.clone()));
                }
            }
            // Before the roster arrives, a new laptop knows the office
            // from its invitation: the team's own space goes to it.
            if space == TEAM {
                if let Some(office) = invited_office.as_ref().filter(|c| **c != carrier_id) {
                    if !with.contains(office) {
                        with.push(office.clone());
                    }
                    if !peers.iter().any(|(c, _)| c == office) {
                        peers.push((office.clone(), "The office".into()));
                    }
                }
            }
            if let Some(h) = &hub_carrier {
                if !with.contains(h) {
                    with.push(h.clone());
                }
            }
            spaces.push((space.clone(), with));
        }
        Ok(Some(CarryRoster {
            carrier_id,
            device_name: me.device_name.clone(),
            hub,
            peers,
            spaces,
        }))
    }

    /// The requests to join waiting in the team's folder (office).
    pub fn team_requests(&self, folder: &Path) -> Result<Vec<PendingRequest>> {
        let me = self.office_only()?;
        let mut out = Vec::new();
        let Ok(entries) = std::fs::read_dir(folder.join(TEAM).join("requests")) else {
            return Ok(out);
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let Some(request) = read_json::<JoinRequest>(&path) else {
                continue;
            };
            if request.format != REQUEST_FORMAT || request.team_id != me.team_id {
                continue;
            }
            let known: bool = self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM team_device WHERE id = ?1)",
                [&request.device],
                |r| r.get(0),
            )?;
            if !known {
                out.push(PendingRequest {
                    code: request.code(),
                    request,
                });
            }
        }
        Ok(out)
    }

    /// Reads a request file carried by hand.
    pub fn team_read_request(path: &Path) -> Result<JoinRequest> {
        let r: JoinRequest = read_json(path)
            .filter(|r: &JoinRequest| r.format == REQUEST_FORMAT)
            .ok_or_else(|| sync_err(format!("{} is not a request to join.", path.display())))?;
        keys::public_from_hex(&r.public_key)?;
        Ok(r)
    }

    /// The office accepts a laptop once the code it typed (read off the
    /// laptop's screen) matches, and chooses the spaces it receives.
    pub fn team_accept(
        &mut self,
        request: &JoinRequest,
        typed_code: &str,
        spaces: &[String],
    ) -> Result<()> {
        let me = self.office_only()?;
        if request.team_id != me.team_id {
            return Err(sync_err("That request is to join another team."));
        }
        if !same_code(typed_code, &request.code()) {
            return Err(CoreError::invalid(
                "code",
                "That code does not match this request. Read the code again from the new \
                 laptop's screen; if it still differs, do not accept it.",
            ));
        }
        keys::public_from_hex(&request.public_key)?;
        let name = checked_name("laptopName", &request.name, "a name for the laptop")?;
        let known: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM team_device WHERE id = ?1)",
            [&request.device],
            |r| r.get(0),
        )?;
        if known {
            return Err(sync_err(format!("{name} is already in the team.")));
        }
        for s in spaces {
            self.check_space(s)?;
        }
        let at = now();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO team_device (id, name, role, public_key, carrier_id, added_at,
                                          added_by, updated_at)
                 VALUES (?1, ?2, 'laptop', ?3, ?4, ?5, ?6, ?5)",
                params![
                    request.device,
                    name,
                    request.public_key,
                    request.carrier_id,
                    at,
                    me.device
                ],
            )?;
            Ok(())
        })?;
        let mut all = vec![TEAM.to_string()];
        all.extend(spaces.iter().cloned());
        for s in all {
            self.grant(&me, &request.device, &s)?;
        }
        Ok(())
    }

    fn check_space(&self, space: &str) -> Result<()> {
        if !is_space_name(space) || space == TEAM {
            return Err(sync_err(format!(
                "\"{space}\" is not a group or the office."
            )));
        }
        if let Some(id) = space.strip_prefix("group-") {
            let exists: bool = self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM practice_group WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(sync_err(format!("There is no group {id} on this laptop.")));
            }
        }
        Ok(())
    }

    /// Records that `device` receives `space`, making the space's first key
    /// if it has none yet.
    fn grant(&mut self, me: &SelfRow, device: &str, space: &str) -> Result<()> {
        let at = now();
        let has_key: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM team_space_key WHERE space = ?1)",
            [space],
            |r| r.get(0),
        )?;
        let new_key = if has_key {
            None
        } else {
            Some(SpaceKey::generate()?)
        };
        self.write(|tx| {
            if let Some(k) = &new_key {
                tx.execute(
                    "INSERT INTO team_space_key (space, generation, key, from_device, received_at)
                     VALUES (?1, 1, ?2, ?3, ?4)",
                    params![space, &k.bytes()[..], me.device, at],
                )?;
                // Whoever makes a space's key receives the space too.
                tx.execute(
                    "INSERT INTO team_grant (device_id, space, granted_by, granted_at, updated_at)
                     VALUES (?1, ?2, ?1, ?3, ?3)
                     ON CONFLICT (device_id, space) DO UPDATE
                        SET revoked_at = NULL, updated_at = excluded.updated_at
                      WHERE revoked_at IS NOT NULL",
                    params![me.device, space, at],
                )?;
            }
            tx.execute(
                "INSERT INTO team_grant (device_id, space, granted_by, granted_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT (device_id, space) DO UPDATE
                    SET revoked_at = NULL, granted_by = excluded.granted_by,
                        granted_at = excluded.granted_at, updated_at = excluded.updated_at
                  WHERE revoked_at IS NOT NULL",
                params![device, space, me.device, at],
            )?;
            Ok(())
        })
    }

    /// Shares a space with one of the team's laptops: the office shares any
    /// group (or its own space with another office laptop); a therapist
    /// shares a group they receive with a co-facilitator.
    pub fn team_share(&mut self, device: &str, space: &str) -> Result<()> {
        let me = self.in_team()?;
        self.check_space(space)?;
        let target: Option<(String, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT name, removed_at FROM team_device WHERE id = ?1",
                [device],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match target {
            None => {
                return Err(sync_err(format!(
                    "There is no laptop {device} in the team."
                )))
            }
            Some((name, Some(_))) => {
                return Err(sync_err(format!("{name} was removed from the team.")))
            }
            Some(_) => {}
        }
        if !me.is_office() {
            if space == OFFICE {
                return Err(sync_err("Only the office can share the office's records."));
            }
            let holds = self.holds_key(space)? && self.granted(&me.device, space)?;
            if !holds {
                return Err(sync_err(
                    "This laptop can only share a group it receives itself.",
                ));
            }
        }
        self.grant(&me, device, space)
    }

    fn holds_key(&self, space: &str) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM team_space_key WHERE space = ?1)",
            [space],
            |r| r.get(0),
        )?)
    }

    fn granted(&self, device: &str, space: &str) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM team_grant
                             WHERE device_id = ?1 AND space = ?2 AND revoked_at IS NULL)",
            params![device, space],
            |r| r.get(0),
        )?)
    }

    /// Stops sharing a space with a laptop (office): its key is replaced,
    /// and the laptop removes its copy when it next syncs.
    pub fn team_unshare(&mut self, device: &str, space: &str) -> Result<()> {
        let me = self.office_only()?;
        if device == me.device {
            return Err(sync_err("The office keeps everything it shares."));
        }
        if !self.granted(device, space)? {
            return Err(sync_err(format!("That laptop does not receive {space}.")));
        }
        let at = now();
        self.write(|tx| {
            tx.execute(
                "UPDATE team_grant SET revoked_at = ?3, updated_at = ?3
                  WHERE device_id = ?1 AND space = ?2",
                params![device, space, at],
            )?;
            Ok(())
        })?;
        self.rotate(&me, space)
    }

    /// Removes a laptop from the team (lost, or its therapist left): each
    /// space it received gets a new key it never receives, and it removes
    /// its copy of the team's records when it next syncs.
    pub fn team_remove(&mut self, device: &str) -> Result<()> {
        let me = self.office_only()?;
        if device == me.device {
            return Err(sync_err("The office laptop can't remove itself."));
        }
        let spaces: Vec<String> = self.texts(
            "SELECT space FROM team_grant WHERE device_id = ?1 AND revoked_at IS NULL",
            [device],
        )?;
        let at = now();
        let changed = self.write(|tx| {
            let n = tx.execute(
                "UPDATE team_device SET removed_at = ?2, updated_at = ?2
                  WHERE id = ?1 AND removed_at IS NULL",
                params![device, at],
            )?;
            tx.execute(
                "UPDATE team_grant SET revoked_at = ?2, updated_at = ?2
                  WHERE device_id = ?1 AND revoked_at IS NULL",
                params![device, at],
            )?;
            Ok(n)
        })?;
        if changed == 0 {
            return Err(sync_err("That laptop is not in the team."));
        }
        for space in spaces {
            self.rotate(&me, &space)?;
        }
        Ok(())
    }

    /// A new generation of a space's key, which new files are sealed with.
    fn rotate(&mut self, me: &SelfRow, space: &str) -> Result<()> {
        let newest: Option<u32> = self.conn().query_row(
            "SELECT max(generation) FROM team_space_key WHERE space = ?1",
            [space],
            |r| r.get(0),
        )?;
        let Some(newest) = newest else {
            return Ok(());
        };
        let key = SpaceKey::generate()?.with_generation(newest + 1);
        self.conn().execute(
            "INSERT INTO team_space_key (space, generation, key, from_device, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![space, newest + 1, &key.bytes()[..], me.device, now()],
        )?;
        Ok(())
    }

    /// The keys this laptop holds, every generation.
    fn team_keys(&self) -> Result<Keys> {
        let mut keys = Keys::default();
        let mut stmt = self.conn().prepare(
            "SELECT space, generation, key FROM team_space_key ORDER BY space, generation",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, u32>(1)?,
                    zeroize::Zeroizing::new(r.get::<_, Vec<u8>>(2)?),
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (space, generation, bytes) in rows {
            keys.insert(&space, SpaceKey::from_bytes(&bytes, generation)?);
        }
        Ok(keys)
    }

    /// Writes the keys this laptop owes: every generation of each space it
    /// may hand over (the office: all; a laptop: the spaces it shared
    /// itself), wrapped to each laptop that receives it; and the office's
    /// notices to removed laptops.
    fn hand_over_keys(&self, me: &SelfRow, folder: &Path, keys: &Keys) -> Result<usize> {
        let grants: Vec<(String, String, String, String)> = {
            let mut stmt = self.conn().prepare(
                "SELECT g.device_id, g.space, g.granted_by, d.public_key
                   FROM team_grant g JOIN team_device d ON d.id = g.device_id
                  WHERE g.revoked_at IS NULL AND d.removed_at IS NULL AND g.device_id <> ?1
                  ORDER BY g.space, g.device_id",
            )?;
            let rows = stmt
                .query_map([&me.device], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        let mut written = 0;
        for (device, space, granted_by, public) in grants {
            if !(me.is_office() || granted_by == me.device) {
                continue;
            }
            let Some(generations) = keys_of(keys, &space) else {
                continue;
            };
            for key in generations {
                let path = key_path(folder, &space, &device, key.generation());
                if path.exists() {
                    continue;
                }
                let w = WrappedKey::wrap(
                    &me.team_id,
                    &space,
                    key,
                    &me.device,
                    &me.key,
                    &device,
                    &public,
                )?;
                write_json(&path, &w)?;
                written += 1;
            }
        }
        if me.is_office() {
            let removed: Vec<(String, String, String)> = {
                let mut stmt = self.conn().prepare(
                    "SELECT id, public_key, removed_at FROM team_device WHERE removed_at IS NOT NULL",
                )?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                rows
            };
            for (device, public, at) in removed {
                let path = notice_path(folder, &device);
                if !path.exists() {
                    let n = RemovalNotice::make(&me.team_id, &device, &at, &me.key, &public)?;
                    write_json(&path, &n)?;
                }
            }
        }
        Ok(written)
    }

    /// Takes the keys wrapped to this laptop, from the office or from a
    /// laptop of the team that receives that space.
    fn receive_keys(&mut self, me: &SelfRow, folder: &Path) -> Result<Vec<String>> {
        let mut received = Vec::new();
        let Ok(spaces) = std::fs::read_dir(folder) else {
            return Ok(received);
        };
        let mut dirs: Vec<String> = spaces
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|s| is_space_name(s))
            .collect();
        dirs.sort();
        let prefix = format!("{}-", me.device);
        for space in dirs {
            let Ok(files) = std::fs::read_dir(folder.join(&space).join("keys")) else {
                continue;
            };
            let mut names: Vec<String> = files
                .flatten()
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.starts_with(&prefix) && n.ends_with(".key"))
                .collect();
            names.sort();
            for name in names {
                let Some(w) =
                    read_json::<WrappedKey>(&folder.join(&space).join("keys").join(&name))
                else {
                    continue;
                };
                if w.to != me.device || w.team != me.team_id || w.space != space {
                    continue;
                }
                let held: bool = self.conn().query_row(
                    "SELECT EXISTS (SELECT 1 FROM team_space_key WHERE space = ?1 AND generation = ?2)",
                    params![space, w.generation],
                    |r| r.get(0),
                )?;
                if held {
                    continue;
                }
                // Who may hand over a key: the office (its key learnt in
                // person), or a laptop of the team that receives the space.
                let trusted = w.from_public_key == me.office_public_key || {
                    self.conn().query_row(
                        "SELECT EXISTS (SELECT 1 FROM team_device d JOIN team_grant g
                                           ON g.device_id = d.id AND g.space = ?3
                                        WHERE d.id = ?1 AND d.public_key = ?2
                                          AND d.removed_at IS NULL AND g.revoked_at IS NULL)",
                        params![w.from, w.from_public_key, space],
                        |r| r.get(0),
                    )?
                };
                if !trusted {
                    continue;
                }
                let Some(key) = w.unwrap(&me.key, &w.from_public_key) else {
                    continue;
                };
                let at = now();
                self.conn().execute(
                    "INSERT INTO team_space_key (space, generation, key, from_device, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![space, w.generation, &key.bytes()[..], w.from, at],
                )?;
                if space == TEAM && me.accepted_at.is_none() {
                    self.conn().execute(
                        "UPDATE team_self SET accepted_at = ?1 WHERE accepted_at IS NULL",
                        [&at],
                    )?;
                }
                received.push(format!("{space} (key {})", w.generation));
            }
        }
        Ok(received)
    }

    /// A laptop's groups that the team does not share yet get a space of
    /// their own, shared with the office: the office's reports then count
    /// every therapist's sessions.
    fn share_own_groups(&mut self, me: &SelfRow) -> Result<()> {
        if me.is_office() || !self.holds_key(TEAM)? {
            return Ok(());
        }
        let groups = self.texts("SELECT id FROM practice_group ORDER BY id", [])?;
        let offices: Vec<String> = self.texts(
            "SELECT id FROM team_device WHERE role = 'office' AND removed_at IS NULL",
            [],
        )?;
        if offices.is_empty() {
            // The roster has not arrived yet.
            return Ok(());
        }
        for g in groups {
            let space = group_space(&g);
            if self.holds_key(&space)? {
                continue;
            }
            // Once given away, a group is not shared again by this laptop.
            let revoked: bool = self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM team_grant WHERE device_id = ?1 AND space = ?2
                                 AND revoked_at IS NOT NULL)",
                params![me.device, space],
                |r| r.get(0),
            )?;
            if revoked {
                continue;
            }
            for office in &offices {
                self.grant(me, office, &space)?;
            }
        }
        Ok(())
    }

    /// Removes this laptop's copy of the records of `spaces` that no space
    /// it still holds takes, in one transaction (the office and the
    /// space's other laptops keep theirs). Its unsent changes were written
    /// out first.
    fn leave_spaces(&mut self, spaces: &[String], whole_team: bool) -> Result<()> {
        if spaces.is_empty() {
            return Ok(());
        }
        let leaving: BTreeSet<&str> = spaces.iter().map(String::as_str).collect();
        let held: Vec<String> = self.texts("SELECT id FROM sync_space", [])?;
        let keep: Vec<&str> = held
            .iter()
            .map(String::as_str)
            .filter(|s| !leaving.contains(s))
            .collect();
        // Deleted content is overwritten in the file, not only unlinked.
        self.conn().pragma_update(None, "secure_delete", "ON")?;
        let result = self.delete_copy(&leaving, &keep, whole_team, spaces);
        let _ = self.conn().pragma_update(None, "secure_delete", "OFF");
        result?;
        // Rare, and worth a rebuilt file: no page of what left stays in it
        // (pages freed earlier, by the outbox say, were never overwritten),
        // nor in the log.
        self.conn().execute_batch("VACUUM")?;
        let _ = self
            .conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        self.sync_reload()?;
        Ok(())
    }

    fn delete_copy(
        &mut self,
        leaving: &BTreeSet<&str>,
        keep: &[&str],
        whole_team: bool,
        spaces: &[String],
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        set_state(&tx, "leaving_space", "1")?;
        // What goes, worked out before anything is deleted: a row's route
        // can depend on its parents.
        let mut doomed: Vec<(String, Vec<String>, Vec<Val>)> = Vec::new();
        for table in tables::SYNCED.iter().rev() {
            let cols = tables::columns(&tx, table)?;
            let mut stmt = tx.prepare(&format!("SELECT * FROM {table}"))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let values: Vec<Val> = (0..cols.names.len())
                    .map(|i| r.get_ref(i).map(Val::from_ref))
                    .collect::<rusqlite::Result<_>>()?;
                let img = crate::sync::rows::RowImage {
                    t: table.to_string(),
                    k: cols.pk.iter().map(|i| values[*i].clone()).collect(),
                    p: None,
                    del: None,
                    c: cols
                        .names
                        .iter()
                        .cloned()
                        .zip(values)
                        .map(|(c, v)| (c, v, String::new()))
                        .collect(),
                };
                let route = tables::route(&tx, &img)?;
                let goes = match &route {
                    Route::Team => whole_team,
                    Route::Everywhere => false,
                    Route::Groups(gs) => {
                        gs.iter().any(|g| leaving.contains(group_space(g).as_str()))
                            && !keep.iter().any(|s| tables::space_takes(s, &route))
                    }
                };
                // An erased person's anonymous record stays with its erasure.
                let erased = *table == "attendee"
                    && tx.query_row(
                        "SELECT EXISTS (SELECT 1 FROM erasure WHERE attendee_id = ?1)",
                        [img.k.first().and_then(Val::as_text).unwrap_or_default()],
                        |r| r.get::<_, bool>(0),
                    )?;
                if goes && !erased {
                    let pk_cols = cols.pk.iter().map(|i| cols.names[*i].clone()).collect();
                    doomed.push((table.to_string(), pk_cols, img.k));
                }
            }
        }
        let mut notes = false;
        for (table, pk_cols, k) in &doomed {
            if table == "note" {
                // The note's words leave the search index with it.
                tx.execute(
                    "DELETE FROM note_text WHERE note_id = ?1",
                    rusqlite::params_from_iter(k.iter()),
                )?;
                notes = true;
            }
            let filter: Vec<String> = pk_cols
                .iter()
                .enumerate()
                .map(|(n, c)| format!("{c} = ?{}", n + 1))
                .collect();
            tx.execute(
                &format!("DELETE FROM {table} WHERE {}", filter.join(" AND ")),
                rusqlite::params_from_iter(k.iter()),
            )?;
        }
        if notes {
            // Merged, so no deleted words linger in the index's segments.
            tx.execute("INSERT INTO note_text (note_text) VALUES ('optimize')", [])?;
        }
        for space in spaces {
            tx.execute("DELETE FROM sync_space WHERE id = ?1", [space])?;
            tx.execute("DELETE FROM sync_outbox WHERE space = ?1", [space])?;
            tx.execute("DELETE FROM team_space_key WHERE space = ?1", [space])?;
        }
        tx.execute("DELETE FROM sync_state WHERE key = 'leaving_space'", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Writes this laptop's request if it is still waiting, hands over the
    /// keys it owes, takes the keys given to it, then shares records through
    /// `folder` with every space it holds (`Store::sync_folder`). A laptop
    /// removed from the team, or from a group, removes its copy.
    pub fn team_sync(&mut self, folder: &Path) -> Result<TeamSyncReport> {
        self.team_sync_carried(folder, None)
    }

    /// A sync whose files Refrain's own Syncthing carries: `carrier_problem`
    /// says why the files could not reach the hub or the team's laptops
    /// ("no connection to the hub"). The records this laptop has are still
    /// synced with its own folder, but it does not count as synced with
    /// the team until the problem is gone.
    pub fn team_sync_carried(
        &mut self,
        folder: &Path,
        carrier_problem: Option<&str>,
    ) -> Result<TeamSyncReport> {
        let result = self.team_sync_once(folder);
        if self.team_self()?.is_some_and(|s| s.removed_at.is_none()) {
            match (&result, carrier_problem) {
                (Ok(_), None) => self.conn().execute(
                    "UPDATE team_self SET synced_at = ?1, sync_problem = NULL",
                    [now()],
                )?,
                (Ok(_), Some(p)) => self
                    .conn()
                    .execute("UPDATE team_self SET sync_problem = ?1", [p])?,
                (Err(e), _) => self
                    .conn()
                    .execute("UPDATE team_self SET sync_problem = ?1", [e.to_string()])?,
            };
        }
        result
    }

    /// Whether this laptop, in a team and sharing, has changes the team has
    /// not been sent yet: a cheap look, so the app can send a change within seconds without a
    /// whole sync every few seconds.
    pub fn team_has_outgoing(&self) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM sync_outbox)
                    AND EXISTS (SELECT 1 FROM team_self
                                 WHERE paused_at IS NULL AND removed_at IS NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Says why the team's files could not be carried (no connection to
    /// the hub, say), for the freshness line; `None` once they are again.
    pub fn team_note_problem(&mut self, problem: Option<&str>) -> Result<()> {
        self.in_team()?;
        self.conn()
            .execute("UPDATE team_self SET sync_problem = ?1", [problem])?;
        Ok(())
    }

    /// Where the team's files go: a folder the charity already syncs, or
    /// `None` for Refrain's own Syncthing folder.
    pub fn team_set_folder(&mut self, folder: Option<&Path>) -> Result<()> {
        self.in_team()?;
        let text = match folder {
            Some(f) => {
                if !f.is_absolute() {
                    return Err(CoreError::invalid(
                        "folder",
                        "Choose the folder itself (a full path).",
                    ));
                }
                Some(f.to_string_lossy().to_string())
            }
            None => None,
        };
        self.conn()
            .execute("UPDATE team_self SET folder = ?1", [text])?;
        Ok(())
    }

    /// Pauses or resumes sharing on this laptop.
    pub fn team_set_paused(&mut self, paused: bool) -> Result<()> {
        self.in_team()?;
        self.conn().execute(
            "UPDATE team_self SET paused_at = CASE WHEN ?1 THEN coalesce(paused_at, ?2) END",
            params![paused, now()],
        )?;
        Ok(())
    }

    /// The folder the team's files go through: the one chosen, or
    /// `default` (Refrain's own Syncthing folder).
    pub fn team_folder(&self, default: &Path) -> Result<Option<PathBuf>> {
        Ok(self.team_self()?.map(|s| {
            s.folder
                .map(PathBuf::from)
                .unwrap_or_else(|| default.to_path_buf())
        }))
    }

    fn team_sync_once(&mut self, folder: &Path) -> Result<TeamSyncReport> {
        let me = self.in_team()?;
        std::fs::create_dir_all(folder).map_err(|e| {
            sync_err(format!(
                "The team's folder {} can't be used: {e}",
                folder.display()
            ))
        })?;
        let mut report = TeamSyncReport::default();

        // Removed from the team: its copy of the team's records goes.
        let notice = notice_path(folder, &me.device);
        if let Some(n) = read_json::<RemovalNotice>(&notice) {
            if n.device == me.device
                && n.team == me.team_id
                && n.verify(&me.key, &me.office_public_key)
            {
                let spaces: Vec<String> = self.texts("SELECT id FROM sync_space", [])?;
                self.leave_spaces(&spaces, true)?;
                self.conn().execute("DELETE FROM team_space_key", [])?;
                self.conn()
                    .execute("UPDATE team_self SET removed_at = ?1", [&n.removed_at])?;
                report.removed_from_team = true;
                report.left = spaces;
                return Ok(report);
            }
        }

        if me.accepted_at.is_none() && !me.is_office() {
            let path = request_path(folder, &me.device);
            if read_json::<JoinRequest>(&path).as_ref() != Some(&me.request()) {
                write_json(&path, &me.request())?;
            }
        }
        report.keys_received = self.receive_keys(&me, folder)?;
        let me = self.in_team()?;
        if me.accepted_at.is_none() && !me.is_office() {
            report.waiting_for_office = true;
            return Ok(report);
        }
        self.share_own_groups(&me)?;
        let keys = self.team_keys()?;
        report.keys_handed_over = self.hand_over_keys(&me, folder, &keys)?;

        // Spaces the office stopped sharing with this laptop: what is
        // unsent goes out first, then the copy goes.
        let revoked = self.revoked_here(&me)?;
        let mut keys = keys;
        let mut sync = self.sync_folder(folder, &self.joinable(&keys, &revoked)?)?;
        if !revoked.is_empty() {
            self.leave_spaces(&revoked, false)?;
            report.left.extend(revoked);
        }
        // The roster may have changed in what arrived: keys owed or given,
        // and spaces given up, are seen to at once.
        report.keys_received.extend(self.receive_keys(&me, folder)?);
        self.share_own_groups(&me)?;
        keys = self.team_keys()?;
        report.keys_handed_over += self.hand_over_keys(&me, folder, &keys)?;
        let revoked = self.revoked_here(&me)?;
        let joinable = keys.spaces().any(|s| !self.holds_space(s).unwrap_or(true));
        if !revoked.is_empty() || joinable {
            let again = self.sync_folder(folder, &self.joinable(&keys, &revoked)?)?;
            sync.joined.extend(again.joined);
            sync.files_written += again.files_written;
            sync.changes_written += again.changes_written;
            sync.files_applied += again.files_applied;
            sync.decisions += again.decisions;
            sync.refused.extend(again.refused);
            sync.held = again.held;
            sync.waiting = again.waiting;
            for d in again.from_devices {
                if !sync.from_devices.contains(&d) {
                    sync.from_devices.push(d);
                }
            }
            if !revoked.is_empty() {
                self.leave_spaces(&revoked, false)?;
                report.left.extend(revoked);
            }
        }
        report.sync = Some(sync);
        Ok(report)
    }

    /// The keys to sync with: a revoked space still held is synced once
    /// more (its unsent changes go out) before its copy goes; one never
    /// joined is not joined.
    fn joinable(&self, keys: &Keys, revoked: &[String]) -> Result<Keys> {
        let mut skip = Vec::new();
        for r in revoked {
            if !self.holds_space(r)? {
                skip.push(r.clone());
            }
        }
        Ok(without(keys, &skip))
    }

    fn holds_space(&self, space: &str) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM sync_space WHERE id = ?1)",
            [space],
            |r| r.get(0),
        )?)
    }

    /// Spaces this laptop holds whose grant to it the roster now revokes.
    fn revoked_here(&self, me: &SelfRow) -> Result<Vec<String>> {
        self.texts(
            "SELECT g.space FROM team_grant g
              WHERE g.device_id = ?1 AND g.revoked_at IS NOT NULL
                AND (g.space IN (SELECT id FROM sync_space)
                     OR g.space IN (SELECT space FROM team_space_key))
              ORDER BY g.space",
            [&me.device],
        )
    }

    /// The first column of every row `sql` gives, as text.
    fn texts(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(sql)?;
        let rows = stmt
            .query_map(params, |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }

    /// This laptop's place in its team, or `None` with no team.
    pub fn team_status(&self) -> Result<Option<TeamStatus>> {
        let Some(me) = self.team_self()? else {
            return Ok(None);
        };
        let (hub_id, hub) = self.hub(&me.team_id)?;
        let devices: Vec<(String, String, String, String, Option<String>)> = {
            let mut stmt = self.conn().prepare(
                "SELECT id, name, role, added_at, removed_at FROM team_device
                  ORDER BY role = 'laptop', lower(name), id",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        let mut laptops = Vec::new();
        for (id, name, role, added_at, removed_at) in devices {
            let spaces: Vec<String> = self.texts(
                "SELECT space FROM team_grant
                      WHERE device_id = ?1 AND revoked_at IS NULL AND space <> 'team'
                      ORDER BY space = 'office' DESC, space",
                [&id],
            )?;
            let spaces = spaces
                .into_iter()
                .map(|s| self.space_name(&s))
                .collect::<Result<Vec<_>>>()?;
            let newest: Option<String> = self.conn().query_row(
                "SELECT max(name) FROM sync_file WHERE device = ?1 AND state = 'applied'",
                [&id],
                |r| r.get(0),
            )?;
            let last_change_at = newest
                .and_then(|n| {
                    let stem = n.rsplit_once('.').map(|(s, _)| s.to_string())?;
                    Hlc::from_file_stem(&stem, &id)
                })
                .and_then(|h| chrono::DateTime::from_timestamp_millis(h.millis as i64))
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
            laptops.push(TeamLaptop {
                this_laptop: id == me.device,
                id,
                name,
                role,
                added_at,
                removed_at,
                spaces,
                last_change_at,
            });
        }
        let freshness = freshness_words(
            chrono::Local::now(),
            me.removed_at.is_some(),
            me.paused_at.is_some(),
            me.accepted_at.is_some() || me.is_office(),
            me.synced_at.as_deref(),
            me.sync_problem.as_deref(),
        );
        Ok(Some(TeamStatus {
            freshness,
            folder: me.folder.clone(),
            paused: me.paused_at.is_some(),
            synced_at: me.synced_at.clone(),
            sync_problem: me.sync_problem.clone(),
            code: me.request().code(),
            team_id: me.team_id,
            team_name: me.team_name,
            device: me.device,
            device_name: me.device_name,
            role: me.role,
            accepted: me.accepted_at.is_some(),
            removed_at: me.removed_at,
            hub,
            hub_id,
            carrier_id: me.carrier_id,
            laptops,
        }))
    }

    /// For reports made on a laptop in a team: how recent the records from
    /// the team's other laptops are, by the latest change received from
    /// each. Empty without a team.
    pub fn team_records_as_of(&self) -> Result<String> {
        let Some(status) = self.team_status()? else {
            return Ok(String::new());
        };
        if status.removed_at.is_some() {
            return Ok(String::new());
        }
        let others: Vec<String> = status
            .laptops
            .iter()
            .filter(|l| !l.this_laptop && l.removed_at.is_none())
            .map(|l| {
                let when = l
                    .last_change_at
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| {
                        t.with_timezone(&chrono::Local)
                            .format("%-d %b %Y %H:%M")
                            .to_string()
                    })
                    .unwrap_or_else(|| "no changes from it yet".into());
                format!("{}, {when}", l.name)
            })
            .collect();
        if others.is_empty() {
            return Ok(String::new());
        }
        Ok(format!(
            "Records from the team's other laptops as of: {}.",
            others.join("; ")
        ))
    }

    /// Everything the Team screen shows, or `None` with no team.
    pub fn team_overview(&self, folder: &Path) -> Result<Option<TeamOverview>> {
        let Some(status) = self.team_status()? else {
            return Ok(None);
        };
        let requests = if status.role == "office" && status.removed_at.is_none() {
            self.team_requests(folder)?
        } else {
            Vec::new()
        };
        let groups: Vec<String> = self.texts(
            "SELECT id FROM practice_group WHERE archived_at IS NULL ORDER BY lower(name)",
            [],
        )?;
        Ok(Some(TeamOverview {
            status,
            requests,
            decisions: self
                .sync_decisions(100)?
                .into_iter()
                .map(|d| self.decision_words(d))
                .collect::<Result<_>>()?,
            groups: groups
                .iter()
                .map(|g| self.space_name(&group_space(g)))
                .collect::<Result<_>>()?,
        }))
    }

    /// Writes the office's invitation to `path` (a USB stick, say).
    pub fn team_write_invitation(&self, path: &Path) -> Result<Invitation> {
        let invitation = self.team_invitation()?;
        write_json(path, &invitation)?;
        Ok(invitation)
    }

    /// Accepts the laptop whose request is waiting in `folder`.
    pub fn team_accept_waiting(
        &mut self,
        folder: &Path,
        device: &str,
        typed_code: &str,
        spaces: &[String],
    ) -> Result<()> {
        let request = self
            .team_requests(folder)?
            .into_iter()
            .find(|p| p.request.device == device)
            .ok_or_else(|| sync_err("That laptop's request to join is no longer waiting."))?
            .request;
        self.team_accept(&request, typed_code, spaces)
    }

    fn decision_words(&self, d: crate::sync::SyncDecision) -> Result<TeamDecision> {
        let one = |sql: &str, id: &str| -> Result<Option<String>> {
            Ok(self
                .conn()
                .query_row(sql, [id], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .flatten())
        };
        let laptop = one("SELECT name FROM team_device WHERE id = ?1", &d.device)?
            .unwrap_or_else(|| "another laptop".into());
        let by = match d.actor.as_deref() {
            Some(a) => match one("SELECT name FROM practitioner WHERE id = ?1", a)? {
                Some(name) => format!("{name}, on {laptop}"),
                None => laptop,
            },
            None => laptop,
        };
        let key: Vec<String> = serde_json::from_str::<Vec<Val>>(&d.key)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_text().map(str::to_string))
            .collect();
        let first = key.first().cloned().unwrap_or_default();
        let person = |id: &str| -> Result<String> {
            Ok(one("SELECT full_name FROM attendee WHERE id = ?1", id)?
                .unwrap_or_else(|| "someone no longer on this laptop".into()))
        };
        let session = |id: &str| -> Result<String> {
            Ok(self
                .conn()
                .query_row(
                    "SELECT g.name, s.date FROM session s JOIN practice_group g ON g.id = s.group_id
                      WHERE s.id = ?1",
                    [id],
                    |r| {
                        Ok(format!(
                            "{} on {}",
                            r.get::<_, String>(0)?,
                            crate::report::long_date(&r.get::<_, String>(1)?)
                        ))
                    },
                )
                .optional()?
                .unwrap_or_else(|| "a session no longer on this laptop".into()))
        };
        let about = match d.table.as_str() {
            "attendance" => match first.split_once('/') {
                Some((s, a)) => format!("{}'s mark for {}", person(a)?, session(s)?),
                None => "a mark on a register".into(),
            },
            "note" | "note_amendment" => "a session note".into(),
            "attendee" => format!("{}'s details", person(&first)?),
            "score_set" | "score_answer" => "wellbeing scores".into(),
            "erasure" => "an erasure".into(),
            "session" => session(&first)?,
            other => format!("a record ({})", other.replace('_', " ")),
        };
        Ok(TeamDecision {
            at: d.at,
            kind: d.kind,
            by,
            about,
            what: d.detail,
        })
    }

    fn space_name(&self, space: &str) -> Result<SpaceName> {
        let name = match space.strip_prefix("group-") {
            Some(id) => self
                .conn()
                .query_row("SELECT name FROM practice_group WHERE id = ?1", [id], |r| {
                    r.get::<_, String>(0)
                })
                .optional()?
                .unwrap_or_else(|| "A group not on this laptop".into()),
            None if space == OFFICE => "Everything (the office's records)".into(),
            None => space.to_string(),
        };
        Ok(SpaceName {
            space: space.to_string(),
            name,
        })
    }
}

/// How fresh this laptop's records are, in words.
pub fn freshness_words(
    now: chrono::DateTime<chrono::Local>,
    removed: bool,
    paused: bool,
    accepted: bool,
    synced_at: Option<&str>,
    problem: Option<&str>,
) -> String {
    if removed {
        return "This laptop is no longer in the team.".into();
    }
    if !accepted {
        return "Waiting for the office to accept this laptop.".into();
    }
    let synced = synced_at
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Local));
    let when = |t: chrono::DateTime<chrono::Local>| -> String {
        let days = (now.date_naive() - t.date_naive()).num_days();
        match days {
            0 => format!("{}", t.format("%H:%M")),
            1 => "yesterday".into(),
            2..=6 => t.format("%A").to_string(),
            _ => t.format("%-d %B").to_string(),
        }
    };
    let mut words = match (synced, problem) {
        (None, None) => "Not synced yet.".to_string(),
        (None, Some(p)) => format!("Not synced yet: {}", sentence(p)),
        (Some(t), Some(p)) => format!("Not synced since {}: {}", when(t), sentence(p)),
        (Some(t), None) => {
            let minutes = (now - t).num_minutes().max(0);
            match minutes {
                0 => "Synced just now.".into(),
                1 => "Synced 1 minute ago.".into(),
                2..=59 => format!("Synced {minutes} minutes ago."),
                _ if (now.date_naive() - t.date_naive()).num_days() == 0 => {
                    format!("Synced at {}.", when(t))
                }
                _ => format!("Not synced since {}.", when(t)),
            }
        }
    };
    if paused {
        words = format!("Sharing is paused. {words}");
    }
    words
}

fn sentence(p: &str) -> String {
    let p = p.trim().trim_end_matches('.');
    let mut c = p.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_lowercase(), c.as_str()),
        None => String::new(),
    }
}

fn keys_of<'k>(keys: &'k Keys, space: &str) -> Option<Vec<&'k SpaceKey>> {
    let newest = keys.get(space)?.generation();
    Some(
        (1..=newest)
            .filter_map(|g| keys.generation(space, g))
            .collect(),
    )
}

fn without(keys: &Keys, revoked: &[String]) -> Keys {
    let mut out = Keys::default();
    for space in keys.spaces() {
        if revoked.iter().any(|r| r == space) {
            continue;
        }
        if let Some(list) = keys_of(keys, space) {
            for k in list {
                out.insert(
                    space,
                    SpaceKey::from_bytes(k.bytes(), k.generation()).expect("a held key"),
                );
            }
        }
    }
    out
}
