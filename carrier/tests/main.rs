//! Refrain's Syncthing, run for real on loopback: these tests need the
//! `syncthing` program (scripts/setup.sh installs it) and, for the check
//! that nothing public is contacted, `strace`.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use refrain_carrier::{
    find_syncthing, folder_id, free_port, hub_plan, prepare, start, DeviceId, Home, HubSpace, Peer,
    Plan, Syncthing,
};

/// The Syncthing program; a test fails (never skips) without it.
fn bin() -> PathBuf {
    find_syncthing().unwrap_or_else(|e| {
        panic!("{e}. These tests run the real Syncthing: install it (scripts/setup.sh) or set REFRAIN_SYNCTHING")
    })
}

/// One device in a test: its Syncthing home, its shared root, its port.
struct Node {
    _dir: tempfile::TempDir,
    home: Home,
    root: PathBuf,
    port: u16,
}

impl Node {
    fn new(name: &str) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let home = prepare(&dir.path().join("syncthing"), name, &bin()).unwrap();
        let root = dir.path().join("shared");
        std::fs::create_dir_all(&root).unwrap();
        Node {
            home,
            root,
            port: free_port().unwrap(),
            _dir: dir,
        }
    }

    fn id(&self) -> DeviceId {
        self.home.device_id.clone()
    }

    fn addr(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }

    fn as_peer(&self, name: &str) -> Peer {
        Peer {
            id: self.id(),
            name: name.into(),
            addresses: vec![self.addr()],
            introducer: false,
        }
    }

    /// A plan for tests: listening on its own loopback port, no local
    /// discovery, quick reconnection.
    fn plan(&self, name: &str) -> Plan {
        Plan {
            listen: vec![self.addr()],
            local_discovery: false,
            reconnect_interval_s: 5,
            ..Plan::new(name)
        }
    }

    fn start_with(&mut self, plan: &Plan) -> Syncthing {
        self.home.write_plan(plan).unwrap();
        start(&self.home, &bin()).unwrap()
    }
}

fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) -> Duration {
    let t0 = Instant::now();
    while !f() {
        assert!(
            t0.elapsed() < timeout,
            "timed out after {timeout:?} waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    t0.elapsed()
}

fn connected(s: &Syncthing, to: &DeviceId) -> bool {
    s.get("/rest/system/connections").unwrap()["connections"][to.as_str()]["connected"]
        .as_bool()
        .unwrap_or(false)
}

/// Writes a file as the sync engine does: a temporary file beside it, then
/// renamed into place.
fn write_change_file(path: &Path, bytes: &[u8]) {
    let dir = path.parent().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let tmp = dir.join(format!(".refrain-{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    std::fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(&mut b)
        .unwrap();
    b
}

/// Every file under `dir` (relative paths), leaving out Syncthing's own
/// marker and ignore file.
fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
            if rel == ".stfolder" || rel == ".stignore" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(rel);
            }
        }
    }
    out
}

#[test]
fn the_config_written_before_the_first_start_holds_every_off_switch() {
    let mut node = Node::new("Siân's <laptop> & \"co\"");
    let xml = std::fs::read_to_string(node.home.config_path()).unwrap();
    for switch in [
        "<globalAnnounceEnabled>false</globalAnnounceEnabled>",
        "<globalAnnounceServer></globalAnnounceServer>",
        "<relaysEnabled>false</relaysEnabled>",
        "<natEnabled>false</natEnabled>",
        "<urAccepted>-1</urAccepted>",
        "<crashReportingEnabled>false</crashReportingEnabled>",
        "<autoUpgradeIntervalH>0</autoUpgradeIntervalH>",
        "<startBrowser>false</startBrowser>",
        "<stunKeepaliveStartS>0</stunKeepaliveStartS>",
        "<stunServer></stunServer>",
        "<listenAddress>tcp://0.0.0.0:22000</listenAddress>",
        "<localAnnounceEnabled>true</localAnnounceEnabled>",
    ] {
        assert!(xml.contains(switch), "config.xml lacks {switch}:\n{xml}");
    }
    for left_to_syncthing in ["Address>default<", "Server>default<"] {
        assert!(
            !xml.contains(left_to_syncthing),
            "nothing public is left to Syncthing's defaults:\n{xml}"
        );
    }
    assert!(xml.contains(&format!(
        "<address>127.0.0.1:{}</address>",
        node.home.gui_port()
    )));
    assert!(xml.contains("name=\"Siân&apos;s &lt;laptop&gt; &amp; &quot;co&quot;\""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |f: &str| {
            std::fs::metadata(node.home.path.join(f))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(refrain_carrier::STATE_FILE), 0o600);
        assert_eq!(mode("config.xml"), 0o600);
    }

    // Preparing again, or writing the same plan again, changes nothing.
    let again = prepare(&node.home.path, "Siân's <laptop> & \"co\"", &bin()).unwrap();
    assert_eq!(again.api_key(), node.home.api_key());
    assert_eq!(
        std::fs::read_to_string(node.home.config_path()).unwrap(),
        xml
    );

    let peer = Node::new("hub");
    let plan = node
        .plan("Siân's <laptop> & \"co\"")
        .with_peer(peer.as_peer("The hub"))
        .with_space(&node.root, "office", &[peer.id()]);
    node.home.write_plan(&plan).unwrap();
    let written = std::fs::read(node.home.config_path()).unwrap();
    node.home.write_plan(&plan).unwrap();
    assert_eq!(std::fs::read(node.home.config_path()).unwrap(), written);

    let mut st = start(&node.home, &bin()).unwrap();
    let status = st.get("/rest/system/status").unwrap();
    assert_eq!(
        status["myID"].as_str(),
        Some(node.id().as_str()),
        "the ID computed from the certificate is Syncthing's"
    );
    let config = st.get("/rest/config").unwrap();
    let o = &config["options"];
    assert_eq!(o["globalAnnounceEnabled"], false);
    assert_eq!(o["relaysEnabled"], false);
    assert_eq!(o["natEnabled"], false);
    assert_eq!(o["urAccepted"], -1);
    assert_eq!(o["crashReportingEnabled"], false);
    assert_eq!(o["autoUpgradeIntervalH"], 0);
    assert_eq!(o["startBrowser"], false);
    assert_eq!(o["stunKeepaliveStartS"], 0);
    assert_eq!(o["localAnnounceEnabled"], false);
    assert_eq!(o["listenAddresses"], serde_json::json!([node.addr()]));
    for list in ["globalAnnounceServers", "stunServers"] {
        let servers: Vec<&str> = o[list]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .collect();
        assert!(servers.is_empty(), "{list}: {servers:?}");
    }
    assert_eq!(
        config["gui"]["address"],
        format!("127.0.0.1:{}", node.home.gui_port())
    );
    let names: Vec<&str> = config["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Siân's <laptop> & \"co\""), "{names:?}");
    assert!(names.contains(&"The hub"), "{names:?}");
    let discovery = st.get("/rest/system/discovery").unwrap();
    assert_eq!(
        discovery,
        serde_json::json!({}),
        "no discovery cache: nothing was asked"
    );

    // The same plan applied to the running instance changes nothing.
    st.apply(&plan).unwrap();
    assert_eq!(st.get("/rest/config").unwrap(), config);
    // A new space reaches the running instance, and applying it twice is
    // the same as once.
    let plan2 = plan.clone().with_space(&node.root, "group-9", &[peer.id()]);
    st.apply(&plan2).unwrap();
    let config2 = st.get("/rest/config").unwrap();
    let ids: Vec<&str> = config2["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        BTreeSet::from_iter(ids),
        BTreeSet::from(["refrain-office", "refrain-group-9"])
    );
    assert_eq!(
        config2["options"], config["options"],
        "the off-switches stay as they were"
    );
    st.apply(&plan2).unwrap();
    assert_eq!(st.get("/rest/config").unwrap(), config2);
    assert!(node.root.join("group-9/.stfolder").is_dir());

    // A new listen address needs a restart, which apply does itself.
    let moved = free_port().unwrap();
    let plan3 = Plan {
        listen: vec![format!("tcp://127.0.0.1:{moved}")],
        ..plan2
    };
    st.apply(&plan3).unwrap();
    let listeners = st.get("/rest/system/status").unwrap()["connectionServiceStatus"].clone();
    let keys: Vec<&String> = listeners.as_object().unwrap().keys().collect();
    assert_eq!(keys, [&format!("tcp://127.0.0.1:{moved}")]);
    assert_eq!(
        st.get("/rest/config").unwrap()["options"]["globalAnnounceEnabled"],
        false,
        "the restart began from Refrain's config"
    );
    // The REST API wants the key.
    let url = format!("{}/rest/system/status", node.home.base_url());
    let code = free_get(&url);
    assert!(code == 401 || code == 403, "no key, no answer: {code}");
    st.stop();
}

/// A plain HTTP GET with no API key; the status code.
fn free_get(url: &str) -> u16 {
    use std::io::Write;
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_file_reaches_the_other_laptop_through_the_hub() {
    let mut a = Node::new("A");
    let mut b = Node::new("B");
    let mut h = Node::new("hub");
    let space = "group-1";
    let hub = h.as_peer("hub");
    let hub_plan = hub_plan(
        "hub",
        &h.root,
        vec![h.addr()],
        vec![a.as_peer("A"), b.as_peer("B")],
        &[HubSpace {
            space: space.into(),
            members: vec![a.id(), b.id()],
        }],
    );
    let _hub_running = h.start_with(&Plan {
        reconnect_interval_s: 5,
        ..hub_plan
    });
    let pa = a
        .plan("A")
        .with_peer(hub.clone())
        .with_space(&a.root, space, &[h.id()]);
    let pb = b
        .plan("B")
        .with_peer(hub)
        .with_space(&b.root, space, &[h.id()]);
    let sa = a.start_with(&pa);
    let sb = b.start_with(&pb);
    wait_until(
        "both laptops are connected to the hub",
        Duration::from_secs(30),
        || connected(&sa, &h.id()) && connected(&sb, &h.id()),
    );

    let bytes = random_bytes(20_000);
    let rel = format!("{}/1733300000000-0.rfc", a.id());
    let t0 = Instant::now();
    write_change_file(&a.root.join(space).join(&rel), &bytes);
    wait_until("the file reaches B", Duration::from_secs(30), || {
        std::fs::read(b.root.join(space).join(&rel)).ok().as_deref() == Some(&bytes[..])
    });
    println!(
        "a change file went from A to B through the hub in {:?}",
        t0.elapsed()
    );

    assert!(
        !connected(&sa, &b.id()) && !connected(&sb, &a.id()),
        "the laptops never met"
    );
    let on_hub = files_under(&h.root.join(space));
    assert_eq!(
        on_hub,
        BTreeSet::from([rel.clone()]),
        "the hub holds exactly what was written"
    );
    assert_eq!(std::fs::read(h.root.join(space).join(&rel)).unwrap(), bytes);

    let status = sa.status().unwrap();
    let hub_seen = status
        .peers
        .iter()
        .find(|p| p.device_id == h.id().as_str())
        .unwrap();
    assert!(
        hub_seen.connected && hub_seen.address.is_some(),
        "{status:?}"
    );
    assert!(hub_seen.last_seen.is_some(), "{status:?}");
    let f = &status.folders[0];
    assert_eq!(f.id, folder_id(space));
    assert_eq!((f.need_files, f.paused), (0, false), "{status:?}");
    let json = serde_json::to_value(&status).unwrap();
    assert!(json["peers"][0]["lastSeen"].is_string(), "{json}");
}

#[test]
fn two_laptops_on_one_network_carry_files_both_ways() {
    let mut a = Node::new("A");
    let mut b = Node::new("B");
    let pa = a
        .plan("A")
        .with_peer(b.as_peer("B"))
        .with_space(&a.root, "office", &[b.id()]);
    let pb = b
        .plan("B")
        .with_peer(a.as_peer("A"))
        .with_space(&b.root, "office", &[a.id()]);
    let sa = a.start_with(&pa);
    let sb = b.start_with(&pb);
    wait_until("A and B are connected", Duration::from_secs(30), || {
        connected(&sa, &b.id())
    });

    let from_a = random_bytes(3000);
    let from_b = random_bytes(4000);
    let ra = format!("office/{}/1-0.rfc", a.id());
    let rb = format!("office/{}/2-0.rfc", b.id());
    // A temporary file the engine left behind (a crash between writing and
    // renaming) is never carried.
    let leftover = format!("office/{}/.refrain-AbC123.tmp", a.id());
    write_change_file(&a.root.join(&leftover), b"half a file");
    let t0 = Instant::now();
    write_change_file(&a.root.join(&ra), &from_a);
    write_change_file(&b.root.join(&rb), &from_b);
    wait_until(
        "each file reaches the other laptop",
        Duration::from_secs(30),
        || {
            std::fs::read(b.root.join(&ra)).ok().as_deref() == Some(&from_a[..])
                && std::fs::read(a.root.join(&rb)).ok().as_deref() == Some(&from_b[..])
        },
    );
    println!("files crossed directly both ways in {:?}", t0.elapsed());
    sa.rescan("refrain-office").unwrap();
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        !b.root.join(&leftover).exists(),
        "the engine's temporary file stayed on A"
    );
    assert_eq!(
        files_under(&b.root.join("office")),
        BTreeSet::from([ra[7..].to_string(), rb[7..].to_string()])
    );
    drop((sa, sb));
}

#[test]
fn a_killed_syncthing_never_leaves_half_a_file_and_pause_holds_files_back() {
    let mut a = Node::new("A");
    let mut b = Node::new("B");
    let pa = a
        .plan("A")
        .with_peer(b.as_peer("B"))
        .with_space(&a.root, "office", &[b.id()]);
    let pb = b
        .plan("B")
        .with_peer(a.as_peer("A"))
        .with_space(&b.root, "office", &[a.id()]);
    let sa = a.start_with(&pa);
    let mut sb = b.start_with(&pb);
    wait_until("A and B are connected", Duration::from_secs(30), || {
        connected(&sa, &b.id())
    });

    // Watch B's final name all along: whenever it exists, it must hold the
    // whole file.
    let big = Arc::new(random_bytes(48 * 1024 * 1024));
    let rel = format!("{}/3-0.rfs", a.id());
    let target = b.root.join("office").join(&rel);
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (big, target, done) = (Arc::clone(&big), target.clone(), Arc::clone(&done));
        std::thread::spawn(move || -> Result<(), String> {
            while !done.load(Ordering::Relaxed) {
                if let Ok(m) = std::fs::metadata(&target) {
                    let content = std::fs::read(&target).map_err(|e| e.to_string())?;
                    if m.len() != big.len() as u64 || content != *big {
                        return Err(format!(
                            "the final name held {} bytes that are not the file",
                            content.len()
                        ));
                    }
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            Ok(())
        })
    };
    write_change_file(&a.root.join("office").join(&rel), &big);
    let device_dir = target.parent().unwrap().to_path_buf();
    let partial = || {
        std::fs::read_dir(&device_dir).ok().is_some_and(|d| {
            d.flatten().any(|e| {
                let n = e.file_name().to_string_lossy().to_string();
                n.starts_with(".syncthing.")
                    && n.ends_with(".tmp")
                    && e.metadata().is_ok_and(|m| m.len() > 0)
            })
        })
    };
    // Polled tightly, so the kill lands while the transfer runs.
    let t0 = Instant::now();
    while !partial() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "B never started receiving"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    sb.kill_now();
    assert!(
        std::fs::read_dir(&device_dir)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".syncthing.")),
        "the transfer was cut off midway: Syncthing's temporary file is there"
    );
    assert!(
        !target.exists(),
        "the file must not be complete yet: make it larger"
    );
    sb.restart().unwrap();
    let took = wait_until(
        "the file arrives after the restart",
        Duration::from_secs(60),
        || target.exists(),
    );
    println!("48 MiB arrived {took:?} after the restart");
    done.store(true, Ordering::Relaxed);
    watcher.join().unwrap().unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), *big);

    // Paused, B receives nothing new; resumed, it does.
    if let Err(e) = sb.pause() {
        let log = std::fs::read_to_string(b.home.path.join("syncthing.log")).unwrap();
        panic!("{e}\n{log}");
    }
    assert!(sb.status().unwrap().paused);
    wait_until(
        "the pause has cut the connection",
        Duration::from_secs(10),
        || !connected(&sa, &b.id()),
    );
    let small = random_bytes(1000);
    let rel2 = format!("office/{}/4-0.rfc", a.id());
    write_change_file(&a.root.join(&rel2), &small);
    std::thread::sleep(Duration::from_secs(2));
    assert!(!b.root.join(&rel2).exists(), "nothing arrives while paused");
    // The pause holds across a restart.
    sb.restart().unwrap();
    assert!(sb.status().unwrap().paused);
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        !b.root.join(&rel2).exists(),
        "nothing arrives while paused, after a restart too"
    );
    sb.resume().unwrap();
    let took = wait_until(
        "the file arrives after resuming",
        Duration::from_secs(30),
        || std::fs::read(b.root.join(&rel2)).ok().as_deref() == Some(&small[..]),
    );
    println!("a held-back file arrived {took:?} after resuming");
    assert!(!sb.status().unwrap().paused);
}

#[test]
fn nothing_public_is_contacted() {
    let strace = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("strace"))
        .find(|p| p.is_file())
        .expect("strace is needed for this test: install it (scripts/setup.sh)");
    let mut node = Node::new("A");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("trace.log");
    // Syncthing started under strace, through a wrapper the carrier runs
    // as if it were Syncthing.
    let wrapper = dir.path().join("syncthing-traced");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec {} -f -e trace=connect,bind,sendto,sendmsg -o {} {} \"$@\"\n",
            strace.display(),
            log.display(),
            bin().display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // A peer that is configured but never answers, and local discovery on
    // as in real use.
    let absent = Peer {
        id: DeviceId::from_certificate(b"absent"),
        name: "absent".into(),
        addresses: vec![
            format!("tcp://127.0.0.1:{}", free_port().unwrap()),
            "dynamic".into(),
        ],
        introducer: false,
    };
    let plan = Plan {
        local_discovery: true,
        ..node.plan("A")
    }
    .with_peer(absent.clone())
    .with_space(&node.root, "office", std::slice::from_ref(&absent.id));
    node.home.write_plan(&plan).unwrap();
    let mut st = start(&node.home, &wrapper).unwrap();
    std::thread::sleep(Duration::from_secs(10));
    st.stop();

    let trace = std::fs::read_to_string(&log).unwrap();
    let mut seen = BTreeSet::new();
    for line in trace.lines() {
        let Some((addr, port)) = inet_address(line) else {
            continue;
        };
        seen.insert(format!("{addr}:{port}"));
        assert_ne!(port, 53, "a DNS query: {line}");
        let ip: std::net::IpAddr = addr
            .parse()
            .unwrap_or_else(|_| panic!("an address: {line}"));
        let loopback = ip.is_loopback();
        let unspecified = ip.is_unspecified();
        // Local discovery: its own port, sent to the local network's
        // broadcast (a subnet's all-ones host part) or IPv6 multicast, or
        // bound on every interface to hear the others.
        let lan_wide = match ip {
            std::net::IpAddr::V4(v4) => v4.is_broadcast() || v4.octets()[3] == 255,
            std::net::IpAddr::V6(v6) => v6.is_multicast(),
        };
        let discovery = port == 21027 && (lan_wide || unspecified);
        let ok =
            loopback || discovery || (unspecified && port == 0 && line.starts_with_call("bind"));
        assert!(ok, "Syncthing reached beyond this computer: {line}");
    }
    assert!(
        seen.iter().any(|s| s.ends_with(&format!(":{}", node.port))),
        "the trace saw the listener (so it traced the right process): {seen:?}"
    );
    println!("addresses Syncthing used: {seen:?}");
}

trait CallName {
    fn starts_with_call(&self, call: &str) -> bool;
}

impl CallName for &str {
    fn starts_with_call(&self, call: &str) -> bool {
        // `1234  bind(...` under -f.
        let rest = self.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
        rest.starts_with(&format!("{call}("))
    }
}

/// The IPv4 or IPv6 address and port in a traced call, if it has one.
fn inet_address(line: &str) -> Option<(String, u16)> {
    let port = between(line, "sin_port=htons(", ")")
        .or_else(|| between(line, "sin6_port=htons(", ")"))?
        .parse()
        .ok()?;
    let addr = between(line, "sin_addr=inet_addr(\"", "\"")
        .or_else(|| between(line, "inet_pton(AF_INET6, \"", "\""))?;
    let addr = addr.strip_prefix("::ffff:").unwrap_or(addr).to_string();
    Some((addr, port))
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = i + s[i..].find(end)?;
    Some(&s[i..j])
}

#[test]
fn a_clear_error_when_syncthing_is_missing_or_its_port_is_taken() {
    let node = Node::new("A");
    let err = start(&node.home, Path::new("/nonexistent/syncthing"))
        .err()
        .unwrap();
    assert!(
        err.to_string().starts_with("Syncthing is not installed: "),
        "{err}"
    );

    let mut node = node;
    let holder = std::net::TcpListener::bind(("127.0.0.1", node.port)).unwrap();
    let plan = node.plan("A");
    node.home.write_plan(&plan).unwrap();
    let err = start(&node.home, &bin()).err().expect("the port is taken");
    assert!(
        matches!(err, refrain_carrier::CarrierError::PortTaken(_)),
        "{err}"
    );
    assert!(err.to_string().contains(&node.port.to_string()), "{err}");
    drop(holder);

    // An instance left running (Refrain ended without stopping it) is
    // stopped by the next start.
    let first = start(&node.home, &bin()).unwrap();
    let pid = first.pid().unwrap();
    std::mem::forget(first);
    let second = start(&node.home, &bin()).unwrap();
    let state = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    assert!(
        state.is_empty() || state.contains("State:\tZ"),
        "the earlier instance is gone: {state}"
    );
    drop(second);

    // The control port taken by another program: another one is chosen.
    let control = std::net::TcpListener::bind(("127.0.0.1", node.home.gui_port()));
    let st = start(&node.home, &bin()).unwrap();
    assert!(control.is_err() || st.home().gui_port() != node.home.gui_port());
}

/// What Syncthing costs while idle in a team: two laptops connected, one
/// space each with a few files, for `REFRAIN_IDLE_SECS` (300 unless set).
/// On demand only (`cargo test -p refrain-carrier --test main idle -- --ignored --nocapture`);
/// the figures are in docs/team-sharing.md.
#[test]
#[ignore]
fn idle_cost_of_a_connected_pair() {
    let secs: u64 = std::env::var("REFRAIN_IDLE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let mut a = Node::new("A");
    let mut b = Node::new("B");
    let pa = a
        .plan("A")
        .with_peer(b.as_peer("B"))
        .with_space(&a.root, "office", &[b.id()]);
    let pb = Plan {
        // Real use: local discovery announcing every 30 s.
        local_discovery: true,
        reconnect_interval_s: 30,
        ..b.plan("B")
    }
    .with_peer(a.as_peer("A"))
    .with_space(&b.root, "office", &[a.id()]);
    let sa = a.start_with(&pa);
    let sb = b.start_with(&pb);
    wait_until("A and B are connected", Duration::from_secs(30), || {
        connected(&sa, &b.id())
    });
    for i in 0..50 {
        write_change_file(
            &a.root.join(format!("office/{}/{i}-0.rfc", a.id())),
            &random_bytes(5000),
        );
    }
    wait_until("the files arrive", Duration::from_secs(60), || {
        files_under(&b.root.join("office")).len() == 50
    });
    std::thread::sleep(Duration::from_secs(5));
    let pid = sb.pid().unwrap();
    let ticks = |pid: u32| -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let f: Vec<&str> = after.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the whole line.
        f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
    };
    let rss_kib = |pid: u32| -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let tck: u64 = String::from_utf8(
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .parse()
    .unwrap();
    let (t0, c0) = (Instant::now(), ticks(pid));
    std::thread::sleep(Duration::from_secs(secs));
    let (elapsed, used) = (t0.elapsed().as_secs_f64(), ticks(pid) - c0);
    let cpu = used as f64 / tck as f64 / elapsed * 100.0;
    println!(
        "Syncthing idle in a pair for {elapsed:.0} s: {cpu:.2}% of one core, {} MiB resident",
        rss_kib(pid) / 1024
    );
}
