//! Syncthing's configuration, written whole by Refrain: `config.xml` before
//! a start, and the same settings as JSON for a running instance.
//!
//! Every option that could reach something public is written explicitly,
//! because Syncthing fills an option that is missing with its default (for
//! lists such as the discovery and STUN servers, an absent element means
//! "default": so they are written as one empty element).

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::plan::Plan;
use crate::DeviceId;

/// The config version Syncthing 1.19 writes. Newer Syncthing (2.x)
/// migrates it forward on start; the options written here keep their
/// names and meaning there.
pub const CONFIG_VERSION: u32 = 36;

/// How often (seconds) a folder is rescanned in full; changes are seen
/// sooner by watching the folder.
pub const RESCAN_INTERVAL_S: u32 = 60;
/// How long (seconds) changes seen by the watcher are gathered before a
/// scan: change files are small and written once, so a second is enough.
pub const WATCH_DELAY_S: u32 = 1;

/// The control side: REST and GUI on loopback.
#[derive(Debug, Clone)]
pub struct Gui {
    pub port: u16,
    pub api_key: String,
    /// A GUI login nobody uses (its password is random and was never
    /// kept), so another account on the computer cannot open the GUI; the
    /// REST API is reached with the API key.
    pub user: String,
    pub password_hash: String,
}

impl Gui {
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

/// The `<options>` Refrain sets, as (XML element, value). `globalAnnounceServer`
/// and `stunServer` are written as one empty element each.
fn options(plan: &Plan) -> Vec<(&'static str, String)> {
    vec![
        ("globalAnnounceEnabled", "false".into()),
        ("localAnnounceEnabled", plan.local_discovery.to_string()),
        ("localAnnouncePort", "21027".into()),
        ("localAnnounceMCAddr", "[ff12::8384]:21027".into()),
        (
            "reconnectionIntervalS",
            plan.reconnect_interval_s.to_string(),
        ),
        ("relaysEnabled", "false".into()),
        ("startBrowser", "false".into()),
        ("natEnabled", "false".into()),
        ("urAccepted", "-1".into()),
        ("urSeen", "3".into()),
        ("urURL", String::new()),
        ("restartOnWakeup", "true".into()),
        ("autoUpgradeIntervalH", "0".into()),
        ("upgradeToPreReleases", "false".into()),
        ("releasesURL", String::new()),
        ("keepTemporariesH", "24".into()),
        ("crashReportingEnabled", "false".into()),
        ("crashReportingURL", String::new()),
        // STUN is off when its keepalive start is below one second (and
        // with NAT traversal off): Syncthing's IsStunDisabled.
        ("stunKeepaliveStartS", "0".into()),
        ("stunKeepaliveMinS", "0".into()),
        ("announceLANAddresses", "true".into()),
        ("setLowPriority", "true".into()),
    ]
}

/// XML text for an attribute value or element content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 (tab, newline
            // and carriage return are, but would be folded in attributes).
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The whole `config.xml`.
pub fn config_xml(own: &DeviceId, gui: &Gui, plan: &Plan, paused: bool) -> String {
    let mut x = String::new();
    let e = escape;
    let _ = writeln!(x, "<configuration version=\"{CONFIG_VERSION}\">");
    for f in &plan.folders {
        let _ = writeln!(
            x,
            "    <folder id=\"{}\" label=\"{}\" path=\"{}\" type=\"sendreceive\" rescanIntervalS=\"{RESCAN_INTERVAL_S}\" fsWatcherEnabled=\"true\" fsWatcherDelayS=\"{WATCH_DELAY_S}\" ignorePerms=\"false\" autoNormalize=\"true\">",
            e(&f.id),
            e(&f.id),
            e(&f.path.to_string_lossy()),
        );
        x.push_str("        <filesystemType>basic</filesystemType>\n");
        let _ = writeln!(
            x,
            "        <device id=\"{own}\" introducedBy=\"\"></device>"
        );
        for d in &f.shared_with {
            if d != own {
                let _ = writeln!(x, "        <device id=\"{d}\" introducedBy=\"\"></device>");
            }
        }
        x.push_str("        <minDiskFree unit=\"%\">1</minDiskFree>\n");
        x.push_str("        <versioning></versioning>\n");
        // Change files are written once and named by their clock: the
        // oldest first is the order the engine applies them in.
        x.push_str("        <order>oldestFirst</order>\n");
        x.push_str("        <ignoreDelete>false</ignoreDelete>\n");
        x.push_str("        <paused>false</paused>\n");
        x.push_str("        <markerName>.stfolder</markerName>\n");
        x.push_str("    </folder>\n");
    }
    let accept = plan.accept_folders_into.is_some();
    let device = |x: &mut String,
                  id: &DeviceId,
                  name: &str,
                  addrs: &[String],
                  introducer: bool,
                  paused: bool| {
        let _ = writeln!(
            x,
            "    <device id=\"{id}\" name=\"{}\" compression=\"metadata\" introducer=\"{introducer}\" skipIntroductionRemovals=\"false\" introducedBy=\"\">",
            e(name)
        );
        for a in addrs {
            let _ = writeln!(x, "        <address>{}</address>", e(a));
        }
        let _ = writeln!(x, "        <paused>{paused}</paused>");
        let _ = writeln!(
            x,
            "        <autoAcceptFolders>{}</autoAcceptFolders>",
            accept && id != own
        );
        x.push_str("        <untrusted>false</untrusted>\n");
        x.push_str("    </device>\n");
    };
    device(
        &mut x,
        own,
        &plan.device_name,
        &["dynamic".to_string()],
        false,
        false,
    );
    for p in &plan.peers {
        device(&mut x, &p.id, &p.name, &p.addresses, p.introducer, paused);
    }
    if let Some(root) = &plan.accept_folders_into {
        // Where folders offered by the peers go: `<root>/<folder ID>`.
        x.push_str("    <defaults>\n");
        let _ = writeln!(
            x,
            "        <folder id=\"\" label=\"\" path=\"{}\" type=\"sendreceive\" rescanIntervalS=\"{RESCAN_INTERVAL_S}\" fsWatcherEnabled=\"false\" ignorePerms=\"false\" autoNormalize=\"true\">",
            e(&root.to_string_lossy())
        );
        x.push_str("            <filesystemType>basic</filesystemType>\n");
        x.push_str("            <minDiskFree unit=\"%\">1</minDiskFree>\n");
        x.push_str("            <order>oldestFirst</order>\n");
        x.push_str("            <markerName>.stfolder</markerName>\n");
        x.push_str("        </folder>\n");
        x.push_str("    </defaults>\n");
    }
    x.push_str("    <gui enabled=\"true\" tls=\"false\" debugging=\"false\">\n");
    let _ = writeln!(x, "        <address>{}</address>", e(&gui.address()));
    let _ = writeln!(x, "        <user>{}</user>", e(&gui.user));
    let _ = writeln!(x, "        <password>{}</password>", e(&gui.password_hash));
    let _ = writeln!(x, "        <apikey>{}</apikey>", e(&gui.api_key));
    x.push_str("        <theme>default</theme>\n");
    x.push_str("    </gui>\n");
    x.push_str("    <options>\n");
    for a in &plan.listen {
        let _ = writeln!(x, "        <listenAddress>{}</listenAddress>", e(a));
    }
    x.push_str("        <globalAnnounceServer></globalAnnounceServer>\n");
    x.push_str("        <stunServer></stunServer>\n");
    for (k, v) in options(plan) {
        let _ = writeln!(x, "        <{k}>{}</{k}>", e(&v));
    }
    x.push_str("    </options>\n");
    x.push_str("</configuration>\n");
    x
}

/// The JSON names of the options in [`options`], where they differ.
fn json_option_name(xml: &str) -> &str {
    match xml {
        "globalAnnounceEnabled" => "globalAnnounceEnabled",
        "urURL" => "urURL",
        "crashReportingURL" => "crURL",
        other => other,
    }
}

/// `ours` laid over `base`: the fields Refrain sets replace Syncthing's,
/// the others stay as they are.
fn over(base: Option<&Value>, ours: Value) -> Value {
    let mut out = base
        .filter(|b| b.is_object())
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Value::Object(fields) = ours {
        for (k, v) in fields {
            out[k] = v;
        }
    }
    out
}

fn find<'a>(list: &'a Value, key: &str, id: &str) -> Option<&'a Value> {
    list.as_array()?
        .iter()
        .find(|x| x[key].as_str() == Some(id))
}

/// Applies `plan` to a running instance's configuration (as `GET
/// /rest/config` gave it): the devices and folders become the plan's, the
/// options Refrain sets are set again. A device or folder that was there
/// keeps the fields Refrain does not set; a new one starts from
/// Syncthing's defaults (`defaults` in its config). Everything else is kept
/// as the running Syncthing has it.
pub fn apply_to_json(current: &mut Value, own: &DeviceId, plan: &Plan, paused: bool) {
    let defaults = current["defaults"].clone();
    let folder_device = |id: &DeviceId| json!({"deviceID": id.as_str(), "introducedBy": "", "encryptionPassword": ""});
    let folders: Vec<Value> = plan
        .folders
        .iter()
        .map(|f| {
            let mut devices = vec![folder_device(own)];
            devices.extend(
                f.shared_with
                    .iter()
                    .filter(|d| *d != own)
                    .map(folder_device),
            );
            let base = find(&current["folders"], "id", &f.id).or(Some(&defaults["folder"]));
            over(
                base,
                json!({
                    "id": f.id,
                    "label": f.id,
                    "filesystemType": "basic",
                    "path": f.path.to_string_lossy(),
                    "type": "sendreceive",
                    "devices": devices,
                    "rescanIntervalS": RESCAN_INTERVAL_S,
                    "fsWatcherEnabled": true,
                    "fsWatcherDelayS": WATCH_DELAY_S,
                    "ignorePerms": false,
                    "autoNormalize": true,
                    "order": "oldestFirst",
                    "ignoreDelete": false,
                    "paused": false,
                    "markerName": ".stfolder",
                }),
            )
        })
        .collect();
    let device = |id: &DeviceId, name: &str, addrs: &[String], introducer: bool, paused: bool| {
        let base = find(&current["devices"], "deviceID", id.as_str()).or(Some(&defaults["device"]));
        over(
            base,
            json!({
                "deviceID": id.as_str(),
                "name": name,
                "addresses": addrs,
                "compression": "metadata",
                "introducer": introducer,
                "skipIntroductionRemovals": false,
                "introducedBy": "",
                "paused": paused,
                "autoAcceptFolders": plan.accept_folders_into.is_some() && id != own,
                "untrusted": false,
            }),
        )
    };
    let mut devices = vec![device(
        own,
        &plan.device_name,
        &["dynamic".to_string()],
        false,
        false,
    )];
    devices.extend(
        plan.peers
            .iter()
            .map(|p| device(&p.id, &p.name, &p.addresses, p.introducer, paused)),
    );
    // In Syncthing's own order, so that an unchanged plan compares equal.
    let mut folders = folders;
    if plan.accept_folders_into.is_some() {
        // A hub keeps the folders it accepted.
        for f in current["folders"].as_array().into_iter().flatten() {
            if !folders.iter().any(|g| g["id"] == f["id"]) {
                folders.push(f.clone());
            }
        }
    }
    folders.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    devices.sort_by(|a, b| a["deviceID"].as_str().cmp(&b["deviceID"].as_str()));
    current["folders"] = Value::Array(folders);
    current["devices"] = Value::Array(devices);
    let opts = &mut current["options"];
    opts["listenAddresses"] = json!(plan.listen);
    // One empty server each, as config.xml has them: an empty list would be
    // saved as no element, which Syncthing reads back as "default".
    opts["globalAnnounceServers"] = json!([""]);
    opts["stunServers"] = json!([""]);
    for (k, v) in options(plan) {
        let value = match v.as_str() {
            "true" => json!(true),
            "false" => json!(false),
            s => match s.parse::<i64>() {
                Ok(n) if k != "localAnnounceMCAddr" => json!(n),
                _ => json!(s),
            },
        };
        opts[json_option_name(k)] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_every_special_character() {
        assert_eq!(
            escape("Tom & Jerry's <\"laptop\">"),
            "Tom &amp; Jerry&apos;s &lt;&quot;laptop&quot;&gt;"
        );
        assert_eq!(escape("a\u{1}b\nc"), "a b c");
        assert_eq!(escape("Siân's café"), "Siân&apos;s café");
    }
}
