//! Team sharing from the command line: two laptops' data folders exchanging
//! change files through one plain folder.

use crate::support::{after, cli};

#[test]
fn two_laptops_share_the_office_space_through_a_folder() {
    let office = tempfile::tempdir().unwrap();
    let laptop = tempfile::tempdir().unwrap();
    let shared = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let (k, folder) = (
        keys.path().to_str().unwrap(),
        shared.path().to_str().unwrap(),
    );

    let (ok, out, err) = cli(office.path(), &["seed-demo"]);
    assert!(ok, "{out}{err}");
    let (ok, out, _) = cli(office.path(), &["sync", "status"]);
    assert!(ok);
    assert!(out.contains("does not share records"), "{out}");

    let (ok, out, err) = cli(office.path(), &["sync", "new-key", "--office", "--keys", k]);
    assert!(ok, "{err}");
    assert!(out.contains("never put it in the sync folder"), "{out}");
    let (ok, _, err) = cli(office.path(), &["sync", "new-key", "--office", "--keys", k]);
    assert!(!ok, "a key file is never overwritten");
    assert!(err.contains("can't be made"), "{err}");

    let (ok, out, err) = cli(office.path(), &["sync", "--folder", folder, "--keys", k]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Joined the space \"office\""), "{out}");

    let (ok, out, err) = cli(laptop.path(), &["sync", "--folder", folder, "--keys", k]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Applied 1 file from 1 other laptop"), "{out}");
    let (ok, out, _) = cli(laptop.path(), &["check"]);
    assert!(ok);
    assert!(
        out.contains("attendee: 15"),
        "the laptop has the office's people: {out}"
    );

    // A change on the laptop reaches the office.
    let (_, people, _) = cli(laptop.path(), &["list", "attendees", "--json"]);
    let people: serde_json::Value = serde_json::from_str(&people).unwrap();
    let id = people[0]["id"].as_str().unwrap().to_string();
    let name = people[0]["fullName"].as_str().unwrap().to_string();
    let (ok, _, err) = cli(
        laptop.path(),
        &["erase", "--person", &id, "--reason", "asked in writing"],
    );
    assert!(ok, "{err}");
    let (ok, out, _) = cli(laptop.path(), &["sync", "--folder", folder, "--keys", k]);
    assert!(ok);
    assert!(out.contains("Wrote 1 change file"), "{out}");
    let (ok, out, _) = cli(office.path(), &["sync", "--folder", folder, "--keys", k]);
    assert!(ok);
    assert!(out.contains("Applied 1 file"), "{out}");
    let (_, listed, _) = cli(
        office.path(),
        &["list", "attendees", "--json", "--archived"],
    );
    assert!(listed.contains("fullName"), "{listed}");
    assert!(
        !listed.contains(&name),
        "{name} was erased on the office's copy too"
    );

    let (ok, out, _) = cli(office.path(), &["sync", "status"]);
    assert!(ok);
    assert!(out.contains("Space \"office\""), "{out}");
    assert!(
        out.contains("erased"),
        "the erasure is in the decisions: {out}"
    );
    let (ok, out, _) = cli(office.path(), &["sync", "status", "--json"]);
    assert!(ok);
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["spaces"][0]["unsent"], 0);

    let (ok, out, err) = cli(
        office.path(),
        &["snapshot", "--folder", folder, "--keys", k],
    );
    assert!(ok, "{err}");
    assert!(out.contains("Snapshot written"), "{out}");
}

#[test]
fn keys_kept_in_the_data_folder_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let shared = tempfile::tempdir().unwrap();
    cli(dir.path(), &["init"]);
    let inside = dir.path().join("keys");
    std::fs::create_dir_all(&inside).unwrap();
    let (ok, _, err) = cli(
        dir.path(),
        &[
            "sync",
            "--folder",
            shared.path().to_str().unwrap(),
            "--keys",
            inside.to_str().unwrap(),
        ],
    );
    assert!(!ok);
    assert!(err.contains("out of the data folder"), "{err}");
    let (ok, _, err) = cli(dir.path(), &["sync"]);
    assert!(!ok);
    assert!(err.contains("--folder"), "{err}");
}

#[test]
fn a_team_from_the_command_line_office_invites_a_laptop_that_receives_one_group() {
    let office = tempfile::tempdir().unwrap();
    let laptop = tempfile::tempdir().unwrap();
    let shared = tempfile::tempdir().unwrap();
    let carried = tempfile::tempdir().unwrap();
    let folder = shared.path().to_str().unwrap();
    let invitation = carried.path().join("invitation.json");
    let invitation = invitation.to_str().unwrap();

    let (ok, out, err) = cli(office.path(), &["seed-demo"]);
    assert!(ok, "{out}{err}");
    let (ok, out, _) = cli(office.path(), &["team", "status"]);
    assert!(ok);
    assert!(out.contains("not in a team"), "{out}");
    let (ok, out, err) = cli(
        office.path(),
        &[
            "team",
            "create",
            "--name",
            "Hall Lane Music",
            "--laptop",
            "Office",
        ],
    );
    assert!(ok, "{out}{err}");
    let (ok, _, err) = cli(office.path(), &["team", "invite", "--out", invitation]);
    assert!(ok, "{err}");

    let (ok, out, err) = cli(
        laptop.path(),
        &[
            "team",
            "join",
            "--invitation",
            invitation,
            "--laptop",
            "Therapist A",
        ],
    );
    assert!(ok, "{out}{err}");
    let code = after(&out, "Read this code to the office: ").to_string();
    let id = after(&out, "This laptop's id: ").to_string();
    let (ok, out, _) = cli(laptop.path(), &["team", "sync", "--folder", folder]);
    assert!(ok);
    assert!(out.contains("Waiting for the office"), "{out}");

    let (ok, out, _) = cli(office.path(), &["team", "requests", "--folder", folder]);
    assert!(ok);
    assert!(out.contains(&code) && out.contains("Therapist A"), "{out}");
    let (_, groups, _) = cli(office.path(), &["list", "groups", "--json"]);
    let groups: serde_json::Value = serde_json::from_str(&groups).unwrap();
    let group = groups[0]["id"].as_str().unwrap().to_string();
    let group_name = groups[0]["name"].as_str().unwrap().to_string();
    let (ok, _, err) = cli(
        office.path(),
        &[
            "team",
            "accept",
            "--folder",
            folder,
            "--laptop",
            &id,
            "--code",
            "WRONG-CODE",
            "--group",
            &group,
        ],
    );
    assert!(!ok, "a wrong code is refused");
    assert!(err.contains("does not match"), "{err}");
    let (ok, out, err) = cli(
        office.path(),
        &[
            "team", "accept", "--folder", folder, "--laptop", &id, "--code", &code, "--group",
            &group,
        ],
    );
    assert!(ok, "{out}{err}");

    for _ in 0..2 {
        let (ok, out, err) = cli(office.path(), &["team", "sync", "--folder", folder]);
        assert!(ok, "{out}{err}");
        let (ok, out, err) = cli(laptop.path(), &["team", "sync", "--folder", folder]);
        assert!(ok, "{out}{err}");
    }
    let (_, listed, _) = cli(laptop.path(), &["list", "groups", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [group_name.as_str()], "only the group given");
    let (ok, out, _) = cli(laptop.path(), &["team", "status"]);
    assert!(ok);
    assert!(
        out.contains("Therapist A") && out.contains(&group_name),
        "{out}"
    );
}
