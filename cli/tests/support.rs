//! What the CLI's tests share.

use std::path::Path;
use std::process::Command;

/// The passphrase every test's store is set up with.
pub const PASS: &str = "cli test passphrase";

/// Runs refrain-cli on the store in `dir` (the passphrase from the
/// environment, as a script would give it): (succeeded, stdout, stderr).
pub fn cli(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_refrain-cli"))
        .env("REFRAIN_PASSPHRASE", PASS)
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

/// The rest of the line after `label` in a command's output.
pub fn after<'a>(text: &'a str, label: &str) -> &'a str {
    text.split(label)
        .nth(1)
        .unwrap_or_else(|| panic!("no {label:?} in {text}"))
        .lines()
        .next()
        .unwrap()
        .trim()
}
