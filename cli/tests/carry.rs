//! Team sharing carried by Refrain's own Syncthing, end to end on loopback:
//! an office and two therapists' laptops, each running `refrain-cli team
//! carry` (its own Syncthing, as the app's background thread runs it), and
//! the charity's hub (a plain Syncthing holding only encrypted files).
//! Joining goes in person: the invitation and each request to join are
//! files carried on a USB stick, and the office types each code.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use refrain_carrier::{
    accepting_hub_plan, find_syncthing, free_port, prepare, start, DeviceId, Peer,
};
use refrain_core::model::Mark;
use refrain_core::{vault, Store};

use crate::support::{after, cli, PASS};

/// One laptop: its data folder, its Syncthing's home and listen port.
struct Laptop {
    dir: tempfile::TempDir,
    port: u16,
}

impl Laptop {
    fn new() -> Laptop {
        Laptop {
            dir: tempfile::tempdir().unwrap(),
            port: free_port().unwrap(),
        }
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn arg(&self, p: &str) -> String {
        self.path().join(p).to_string_lossy().into_owned()
    }
    fn folder(&self) -> String {
        self.arg("team-files")
    }
    fn home(&self) -> String {
        self.arg("syncthing")
    }
    fn carrier_id(&self) -> DeviceId {
        DeviceId::from_pem_file(&self.path().join("syncthing").join("cert.pem")).unwrap()
    }
    fn as_peer(&self, name: &str) -> Peer {
        Peer {
            id: self.carrier_id(),
            name: name.into(),
            addresses: vec![format!("tcp://127.0.0.1:{}", self.port)],
            introducer: false,
        }
    }
    fn store(&self) -> Store {
        let key = vault::unlock(self.path(), PASS).unwrap();
        Store::open_in_dir_keyed(self.path(), &key).unwrap()
    }
    /// `team carry` in the background until `stop` exists.
    fn carry(&self, stop: &Path) -> Child {
        Command::new(env!("CARGO_BIN_EXE_refrain-cli"))
            .env("REFRAIN_PASSPHRASE", PASS)
            .arg("--data-dir")
            .arg(self.path())
            .args([
                "team",
                "carry",
                "--folder",
                &self.folder(),
                "--carrier-home",
                &self.home(),
                "--listen",
                &format!("tcp://127.0.0.1:{}", self.port),
                "--no-local-discovery",
                "--until-file",
            ])
            .arg(stop)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }
}

/// The `team carry` processes, ended if the test fails half way (a
/// panicking test would otherwise leave them, and their Syncthing, running).
struct Carrying(Vec<Child>);

impl Drop for Carrying {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (ok, out, err) = cli(dir, args);
    assert!(ok, "refrain-cli {args:?}: {out}{err}");
    out
}

fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) -> Duration {
    let t0 = Instant::now();
    while !f() {
        assert!(
            t0.elapsed() < timeout,
            "timed out after {timeout:?} waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    t0.elapsed()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// A person's mark on a session's register, if they have one.
fn mark_of(store: &Store, session: &str, person: &str) -> Option<Mark> {
    store
        .register(session)
        .ok()?
        .entries
        .into_iter()
        .find(|e| e.attendee_id == person)
        .and_then(|e| e.mark)
}

fn group_names(store: &Store) -> Vec<String> {
    let mut names: Vec<String> = store
        .list_groups(true)
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect();
    names.sort();
    names
}

/// A laptop joins in person: the invitation goes to it, its request comes
/// back to the office on a file, and the office types its code.
fn join(office: &Laptop, laptop: &Laptop, name: &str, stick: &Path, groups: &[&str]) -> String {
    let invitation = stick.join("invitation.json");
    let out = ok(
        laptop.path(),
        &[
            "team",
            "join",
            "--invitation",
            &invitation.to_string_lossy(),
            "--laptop",
            name,
            "--carrier-home",
            &laptop.home(),
        ],
    );
    let code = after(&out, "Read this code to the office: ").to_string();
    let id = after(&out, "This laptop's id: ").to_string();
    let request = stick.join(format!("{name}.json"));
    ok(
        laptop.path(),
        &["team", "request", "--out", &request.to_string_lossy()],
    );
    ok(
        office.path(),
        &[
            "team",
            "take-request",
            "--folder",
            &office.folder(),
            "--request",
            &request.to_string_lossy(),
        ],
    );
    let mut args = vec![
        "team".to_string(),
        "accept".into(),
        "--folder".into(),
        office.folder(),
        "--laptop".into(),
        id.clone(),
        "--code".into(),
        code,
    ];
    for g in groups {
        args.push("--group".into());
        args.push(g.to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(office.path(), &args);
    id
}

#[test]
fn three_laptops_and_a_hub_share_groups_by_choice_through_syncthing() {
    let bin = find_syncthing().unwrap_or_else(|e| panic!("{e}: install it with scripts/setup.sh"));
    let (office, a, b) = (Laptop::new(), Laptop::new(), Laptop::new());
    let stick = tempfile::tempdir().unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub_port = free_port().unwrap();
    let mut hub_home = prepare(&hub_dir.path().join("syncthing"), "Hub", &bin).unwrap();
    let hub_root = hub_dir.path().join("spaces");

    // The office: sample records, a team, the hub, an invitation.
    ok(office.path(), &["seed-demo"]);
    ok(
        office.path(),
        &[
            "team",
            "create",
            "--name",
            "Hall Lane Music",
            "--laptop",
            "Office",
            "--carrier-home",
            &office.home(),
        ],
    );
    // A hub ID that is not one is refused, in words.
    let (refused, _, err) = cli(
        office.path(),
        &[
            "team",
            "hub",
            "--id",
            "NOT-AN-ID",
            "--address",
            "tcp://127.0.0.1:1",
        ],
    );
    assert!(
        !refused && err.contains("not a Syncthing device ID"),
        "{err}"
    );
    ok(
        office.path(),
        &[
            "team",
            "hub",
            "--id",
            hub_home.device_id.as_str(),
            "--address",
            &format!("tcp://127.0.0.1:{hub_port}"),
        ],
    );
    ok(
        office.path(),
        &[
            "team",
            "invite",
            "--out",
            &stick.path().join("invitation.json").to_string_lossy(),
        ],
    );
    let groups = office.store().list_groups(false).unwrap();
    let id_of = |start: &str| {
        groups
            .iter()
            .find(|g| g.name.starts_with(start))
            .unwrap()
            .id
            .clone()
    };
    let (thursday, wednesday) = (id_of("Thursday"), id_of("Wednesday"));

    let a_id = join(
        &office,
        &a,
        "Therapist A",
        stick.path(),
        &[&thursday, &wednesday],
    );
    let b_id = join(&office, &b, "Therapist B", stick.path(), &[&thursday]);
    assert_ne!(a_id, b_id);

    // The hub is told only of the three laptops, as the charity's IT
    // volunteer would set it up: it accepts what each shares with it.
    let plan = accepting_hub_plan(
        "Hub",
        &hub_root,
        vec![format!("tcp://127.0.0.1:{hub_port}")],
        vec![
            office.as_peer("Office"),
            a.as_peer("Therapist A"),
            b.as_peer("Therapist B"),
        ],
    );
    hub_home.write_plan(&plan).unwrap();
    let mut hub = start(&hub_home, &bin).unwrap();

    let stop = stick.path().join("stop");
    let mut carrying = Carrying(vec![office.carry(&stop), a.carry(&stop), b.carry(&stop)]);

    // Each laptop receives its groups, and only those.
    let thursday_name = groups
        .iter()
        .find(|g| g.id == thursday)
        .unwrap()
        .name
        .clone();
    let wednesday_name = groups
        .iter()
        .find(|g| g.id == wednesday)
        .unwrap()
        .name
        .clone();
    let took = wait_until(
        "A and B have received their groups",
        Duration::from_secs(120),
        || group_names(&a.store()).len() == 2 && group_names(&b.store()) == [thursday_name.clone()],
    );
    println!("A and B received their groups {took:?} after starting");
    let mut both = vec![thursday_name.clone(), wednesday_name.clone()];
    both.sort();
    assert_eq!(group_names(&a.store()), both);

    // A mark made on A reaches B's records.
    let session = {
        let s = a.store();
        let detail = s.group_detail(&thursday).unwrap();
        detail
            .past
            .first()
            .or(detail.upcoming.first())
            .unwrap()
            .id
            .clone()
    };
    let person = a.store().register(&session).unwrap().entries[0]
        .attendee_id
        .clone();
    let before = mark_of(&b.store(), &session, &person);
    let mark = if before == Some(Mark::Apologies) {
        Mark::Absent
    } else {
        Mark::Apologies
    };
    a.store().set_mark(&session, &person, Some(mark)).unwrap();
    let crossed = wait_until(
        "A's mark is on B's register",
        Duration::from_secs(60),
        || mark_of(&b.store(), &session, &person) == Some(mark),
    );
    println!("a mark on A reached B's records through the hub in {crossed:?}");

    // B's records hold none of the Wednesday group's own people.
    let b_people: Vec<String> = b
        .store()
        .search_attendees("", true)
        .unwrap()
        .into_iter()
        .map(|p| p.full_name)
        .collect();
    let thursday_people: Vec<String> = office
        .store()
        .group_detail(&thursday)
        .unwrap()
        .members
        .into_iter()
        .map(|m| m.attendee_name)
        .collect();
    let wednesday_only: Vec<String> = office
        .store()
        .group_detail(&wednesday)
        .unwrap()
        .members
        .into_iter()
        .map(|m| m.attendee_name)
        .filter(|n| !thursday_people.contains(n))
        .collect();
    assert!(!wednesday_only.is_empty());
    for n in &wednesday_only {
        assert!(!b_people.contains(n), "{n} is on B");
    }

    // The hub's folders hold only encrypted files: no name, no group.
    let hub_files = files_under(&hub_root);
    assert!(hub_files
        .iter()
        .any(|f| f.extension().is_some_and(|e| e == "rfc")));
    for f in hub_files {
        let bytes = std::fs::read(&f).unwrap();
        for secret in thursday_people
            .iter()
            .chain(&wednesday_only)
            .chain([&thursday_name])
        {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in {}",
                f.display()
            );
        }
    }

    // The hub goes away for a while: a mark made meanwhile waits, and
    // arrives once it is back.
    hub.stop();
    a.store()
        .set_mark(&session, &person, Some(Mark::Present))
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    assert_ne!(
        mark_of(&b.store(), &session, &person),
        Some(Mark::Present),
        "nothing crosses without the hub"
    );
    hub.restart().unwrap();
    let back = wait_until(
        "the mark made while the hub was gone reaches B",
        Duration::from_secs(90),
        || mark_of(&b.store(), &session, &person) == Some(Mark::Present),
    );
    println!("after the hub came back, the waiting mark reached B in {back:?}");

    // B is away a long while (its laptop shut, its Syncthing with it)
    // while A marks every session of the group; back, B catches up with
    // all of it, in order.
    let mut b_carry = carrying.0.remove(2);
    b_carry.kill().unwrap();
    b_carry.wait().unwrap();
    let sessions: Vec<String> = {
        let s = a.store();
        let d = s.group_detail(&thursday).unwrap();
        d.past
            .iter()
            .chain(&d.upcoming)
            .map(|x| x.id.clone())
            .collect()
    };
    let mut marked = 0;
    let mut expected = Vec::new();
    {
        let mut s = a.store();
        for (i, session) in sessions.iter().enumerate() {
            let entries = s.register(session).unwrap().entries;
            for (j, e) in entries.iter().enumerate() {
                let m = if (i + j) % 2 == 0 {
                    Mark::Apologies
                } else {
                    Mark::Absent
                };
                s.set_mark(session, &e.attendee_id, Some(m)).unwrap();
                expected.push((session.clone(), e.attendee_id.clone(), m));
                marked += 1;
            }
        }
    }
    assert!(marked > 10, "{marked} marks");
    carrying.0.push(b.carry(&stop));
    let caught_up = wait_until(
        "B, back, has every mark A made while it was away",
        Duration::from_secs(120),
        || {
            let s = b.store();
            expected.iter().all(|(session, person, m)| {
                s.register(session)
                    .map(|r| {
                        r.entries
                            .iter()
                            .any(|e| &e.attendee_id == person && e.mark == Some(*m))
                    })
                    .unwrap_or(false)
            })
        },
    );
    println!("B, back after {marked} marks made while it was away, caught up in {caught_up:?}");

    std::fs::write(&stop, b"").unwrap();
    for c in &mut carrying.0 {
        let status = c.wait().unwrap();
        assert!(status.success());
    }
    hub.stop();
}
