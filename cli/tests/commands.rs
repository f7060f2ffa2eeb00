//! refrain-cli as an administrator uses it.

use crate::support::cli;

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

#[test]
fn the_cli_imports_people_from_a_file() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let (ok, _, err) = cli(data.path(), &["init"]);
    assert!(ok, "{err}");
    let file = files.path().join("group.csv");
    std::fs::write(
        &file,
        "Name,DOB,Referred by,Referral date,Shoe size\n\
         Ann Hill,01/01/1950,GP,01/01/2025,5\n\
         Bob Stone,31/02/1950,,,6\n\
         Carl Jones,,,,7\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();

    let (ok, out, _) = cli(data.path(), &["import-people", file, "--dry-run"]);
    assert!(!ok, "a dry run with problems exits with 1: {out}");
    for line in [
        "Read group.csv (UTF-8): 3 rows below the headings.",
        "  A (Name) -> Full name",
        "  B (DOB) -> Date of birth",
        "  C (Referred by) -> Referral source",
        "  D (Referral date) -> Date referral received",
        "  E (Shoe size) -> not imported",
        "  Row 3, column B (DOB): “31/02/1950” is not a date that exists. Dates are read day \
         first, as 31/01/1950.",
        "3 rows: 2 ready, 1 with problems.",
        "Dry run: nothing was imported.",
    ] {
        assert!(
            out.lines().any(|l| l == line),
            "missing {line:?} in:\n{out}"
        );
    }

    let (ok, out, err) = cli(data.path(), &["import-people", file]);
    assert!(!ok);
    assert!(out.contains("Row 3, column B (DOB)"), "{out}");
    assert!(
        err.contains("1 problem was found in 1 row, so nobody was imported."),
        "{err}"
    );
    let (_, out, _) = cli(data.path(), &["list", "attendees", "--json"]);
    let people: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(people.as_array().unwrap().len(), 0);

    let (ok, out, err) = cli(data.path(), &["import-people", file, "--skip-bad-rows"]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("Imported 2 people and 1 referral; 1 row with problems left out."),
        "{out}"
    );
    let (_, out, _) = cli(data.path(), &["list", "attendees", "--json"]);
    let people: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(people.as_array().unwrap().len(), 2);

    // Again: everyone is already there.
    let (ok, out, _) = cli(data.path(), &["import-people", file, "--dry-run"]);
    assert!(!ok);
    assert!(
        out.contains("Already in Refrain: “Ann Hill” (born 1950-01-01)."),
        "{out}"
    );

    let (ok, _, err) = cli(data.path(), &["import-people", "/nonexistent/people.ods"]);
    assert!(!ok);
    assert!(
        err.contains("Refrain can import people from CSV files"),
        "{err}"
    );
}

#[test]
fn the_cli_saves_reports_and_erases_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = cli(dir.path(), &["seed-demo"]);
    assert!(ok, "{err}");
    let (_, out, _) = cli(dir.path(), &["list", "groups", "--json"]);
    let groups: serde_json::Value = serde_json::from_str(&out).unwrap();
    let group = groups[0]["id"].as_str().unwrap().to_string();
    let group_name = groups[0]["name"].as_str().unwrap().to_string();
    let from = "2020-01-01";
    let to = refrain_core::validate::fmt_date(refrain_core::store::today());

    // The format comes from the file's extension.
    let csv = out_dir.path().join("register.csv");
    let (ok, out, err) = cli(
        dir.path(),
        &[
            "report",
            "register",
            "--group",
            &group,
            "--from",
            from,
            "--to",
            &to,
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}{err}");
    assert!(out.starts_with("Saved "), "{out}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.contains(&format!("Attendance register,{group_name}")),
        "{text}"
    );
    let before = text
        .lines()
        .find(|l| l.starts_with("Attended (per session)"))
        .unwrap()
        .to_string();

    // A format the report has no use for: refused, nothing written.
    let (_, out, _) = cli(dir.path(), &["list", "attendees", "--json"]);
    let people: serde_json::Value = serde_json::from_str(&out).unwrap();
    let in_group = text
        .lines()
        .skip_while(|l| !l.starts_with("Person,"))
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let person = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["fullName"] == in_group.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let wrong = out_dir.path().join("access.csv");
    let (ok, _, err) = cli(
        dir.path(),
        &[
            "report",
            "subject-access",
            "--person",
            &person,
            "--out",
            wrong.to_str().unwrap(),
        ],
    );
    assert!(!ok);
    assert!(err.contains("can be saved as PDF or JSON"), "{err}");
    assert!(!wrong.exists());

    let json = out_dir.path().join("access.json");
    let (ok, _, err) = cli(
        dir.path(),
        &[
            "report",
            "subject-access",
            "--person",
            &person,
            "--out",
            json.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let held: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(held["attendee"]["fullName"], in_group.as_str());

    // The groups as an Open Referral UK listing: the sample practice's
    // details are set, so it is made; it names the groups, not the people.
    let listing = out_dir.path().join("listing.json");
    let (ok, _, err) = cli(
        dir.path(),
        &["report", "directory", "--out", listing.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    let raw = std::fs::read_to_string(&listing).unwrap();
    let services: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert!(services
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == group_name.as_str()));
    assert!(!raw.contains(&in_group), "no one's name in the listing");

    // Erased: the register keeps its totals, without the name.
    let (ok, out, err) = cli(
        dir.path(),
        &["erase", "--person", &person, "--reason", "Asked in writing"],
    );
    assert!(ok, "{err}");
    assert!(out.starts_with("Erased."), "{out}");
    let (ok, _, err) = cli(
        dir.path(),
        &[
            "report",
            "register",
            "--group",
            &group,
            "--from",
            from,
            "--to",
            &to,
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(!text.contains(&in_group), "{text}");
    assert!(text.contains("Erased person "), "{text}");
    assert!(
        text.lines().any(|l| l == before),
        "the same totals:\n{text}"
    );
}
