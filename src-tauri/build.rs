//! Tauri's build step, with an app manifest: Refrain's own commands get
//! `allow-…` permissions and are checked against the capabilities like any
//! plugin's, so a window can only call what its capability grants.

use std::collections::BTreeSet;

/// The commands in `refrain_handler!` (src-tauri/lib.rs), the one list of them.
fn commands() -> Vec<String> {
    let lib = std::fs::read_to_string("src-tauri/lib.rs").expect("src-tauri/lib.rs");
    lib.split("$crate::commands::")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .collect()
}

/// The `allow-…` entries of the main window's permission set.
fn granted() -> BTreeSet<String> {
    let toml = std::fs::read_to_string("src-tauri/permissions/main-window.toml")
        .expect("src-tauri/permissions/main-window.toml");
    toml.lines()
        .filter_map(|l| l.trim().strip_prefix("\"allow-"))
        .filter_map(|l| l.split('"').next())
        .map(|n| n.replace('-', "_"))
        .collect()
}

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/lib.rs");
    println!("cargo:rerun-if-changed=src-tauri/permissions");
    let commands = commands();
    let listed: BTreeSet<String> = commands.iter().cloned().collect();
    let granted = granted();
    if listed != granted {
        let missing: Vec<_> = listed.difference(&granted).collect();
        let extra: Vec<_> = granted.difference(&listed).collect();
        panic!(
            "src-tauri/permissions/main-window.toml must grant exactly the commands in \
             refrain_handler!: missing {missing:?}, not commands {extra:?}"
        );
    }
    let names: &'static [&'static str] = Box::leak(
        commands
            .into_iter()
            .map(|c| &*Box::leak(c.into_boxed_str()))
            .collect(),
    );
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(
                tauri_build::AppManifest::new()
                    .commands(names)
                    .permissions_path_pattern("./src-tauri/permissions/**/*"),
            ),
    )
    .expect("failed to read tauri.conf.json, the capabilities or the permissions");
}
