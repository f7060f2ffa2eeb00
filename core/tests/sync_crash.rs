//! Team sharing under SIGKILL: the writer (`refrain-crash-writer` with a
//! sync folder) is killed between its commits and its change files, and a
//! second laptop applying the folder is killed at random points. After they
//! restart, every change the writer reported as saved reaches the other
//! laptop, the two converge, and no file is applied twice.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use refrain_core::sync::{Keys, OFFICE};
use refrain_core::vault::StoreKey;
use refrain_core::Store;

use crate::sync::key_folder;

const WRITER: &str = env!("CARGO_BIN_EXE_refrain-crash-writer");

/// Starts `args` with the store key and sync folder in its environment,
/// lets it run for `ms`, SIGKILLs it, and returns its complete output lines.
fn run_and_kill(
    args: &[&OsStr],
    key: &StoreKey,
    sync: Option<(&Path, &Path)>,
    ms: u64,
) -> Vec<String> {
    let mut cmd = Command::new(WRITER);
    cmd.args(args);
    cmd.env("REFRAIN_CRASH_STORE_KEY", &*key.to_hex())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some((folder, keys)) = sync {
        cmd.env("REFRAIN_CRASH_SYNC_FOLDER", folder)
            .env("REFRAIN_CRASH_SYNC_KEYS", keys);
    }
    let mut child = cmd.spawn().expect("the writer starts");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut buf);
        buf
    });
    std::thread::sleep(Duration::from_millis(ms));
    let exited = child.try_wait().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let out = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    let err = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    assert!(
        exited.is_none(),
        "it stopped by itself before the kill ({exited:?}):\n{err}"
    );
    let complete = out.rfind('\n').map(|end| &out[..end]).unwrap_or("");
    complete.lines().map(str::to_string).collect()
}

#[test]
fn killed_writers_and_appliers_still_send_every_saved_change_once() {
    let seed = std::env::var("REFRAIN_SYNC_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7u64);
    let mut rng = SmallRng::seed_from_u64(seed);
    let writer_dir = tempfile::tempdir().unwrap();
    let reader_dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let keys = key_folder(&[OFFICE]);
    let writer_key = StoreKey::generate().unwrap();
    let reader_key = StoreKey::generate().unwrap();

    let mut saved = 0;
    let mut synced = 0;
    for round in 0..6 {
        let writer_seed = (seed + round).to_string();
        let lines = run_and_kill(
            &[writer_dir.path().as_os_str(), OsStr::new(&writer_seed)],
            &writer_key,
            Some((folder.path(), keys.path())),
            rng.gen_range(300..900),
        );
        saved += lines
            .iter()
            .filter(|l| !l.starts_with("try") && !l.starts_with("synced"))
            .count();
        synced += lines.iter().filter(|l| *l == "synced").count();
        run_and_kill(
            &[
                OsStr::new("--apply"),
                reader_dir.path().as_os_str(),
                folder.path().as_os_str(),
                keys.path().as_os_str(),
            ],
            &reader_key,
            None,
            rng.gen_range(50..400),
        );
    }
    assert!(saved > 20, "the writer saved too little to test ({saved})");
    assert!(synced > 0, "the writer never synced");

    // Both start again, as the app would: the writer's outbox goes out, and
    // the other laptop applies everything.
    let keys = Keys::from_dir(keys.path()).unwrap();
    let mut writer = Store::open_in_dir_keyed(writer_dir.path(), &writer_key).unwrap();
    writer.sync_folder(folder.path(), &keys).unwrap();
    assert!(writer
        .sync_status()
        .unwrap()
        .spaces
        .iter()
        .all(|s| s.unsent == 0));
    let mut reader = Store::open_in_dir_keyed(reader_dir.path(), &reader_key).unwrap();
    let report = reader.sync_folder(folder.path(), &keys).unwrap();
    assert!(report.refused.is_empty(), "{report:?}");
    assert_eq!(reader.sync_status().unwrap().spaces[0].unsent, 0);

    assert_eq!(
        writer.sync_canonical_dump(OFFICE).unwrap(),
        reader.sync_canonical_dump(OFFICE).unwrap(),
        "the two laptops differ (seed {seed})"
    );
    for store in [&writer, &reader] {
        assert!(store.check().unwrap().integrity_ok);
    }

    // No file applied twice: each is recorded once, and no register mark
    // was created twice in the reader's audit log.
    let conn = rusqlite::Connection::open(reader_dir.path().join("refrain.db")).unwrap();
    reader_key.apply(&conn).unwrap();
    let files: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT device || '/' || name FROM sync_file WHERE state = 'applied'")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let unique: HashSet<&String> = files.iter().collect();
    assert_eq!(unique.len(), files.len());
    let twice: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT record_id FROM audit_log
              WHERE record_table = 'attendance' AND action = 'created'
              GROUP BY record_id HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(twice, 0, "a mark was applied twice");
}
