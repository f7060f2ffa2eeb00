//! refrain-cli as an administrator uses it.

use std::process::Command;

fn cli(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_refrain-cli"))
        .env("REFRAIN_PASSPHRASE", "cli test passphrase")
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn init_seed_check_and_list() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, _) = cli(dir.path(), &["init"]);
    assert!(ok);
    assert!(
        out.contains(&format!(
            "schema version {}",
            refrain_core::store::SCHEMA_VERSION
        )),
        "{out}"
    );

    let (ok, out, _) = cli(dir.path(), &["seed-demo"]);
    assert!(ok, "{out}");
    let (ok, _, err) = cli(dir.path(), &["seed-demo"]);
    assert!(!ok, "seeding twice must be refused");
    assert!(err.contains("empty"), "{err}");

    let (ok, out, _) = cli(dir.path(), &["check"]);
    assert!(ok);
    assert!(out.contains("integrity: ok"), "{out}");
    assert!(out.contains("attendee: 15"), "{out}");

    let (ok, out, _) = cli(dir.path(), &["list", "groups"]);
    assert!(ok);
    assert!(
        out.contains("Thursday Singing for the Brain") && out.contains("Wednesday Drop-in"),
        "{out}"
    );

    let (ok, out, _) = cli(dir.path(), &["list", "attendees", "--json"]);
    assert!(ok);
    let people: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(people.as_array().unwrap().len(), 15);

    let group_id = {
        let (_, out, _) = cli(dir.path(), &["list", "groups", "--json"]);
        let groups: serde_json::Value = serde_json::from_str(&out).unwrap();
        groups[0]["id"].as_str().unwrap().to_string()
    };
    let (ok, out, _) = cli(
        dir.path(),
        &["list", "sessions", "--group", &group_id, "--json"],
    );
    assert!(ok);
    let sessions: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 8);
}

#[test]
fn check_reports_a_newer_store_without_touching_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(refrain_core::store::DB_FILE);
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    let (ok, _, err) = cli(dir.path(), &["check"]);
    assert!(!ok);
    assert!(err.contains("newer version of Refrain"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
