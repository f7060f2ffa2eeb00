//! The UI's TypeScript types, command contract and vocabulary must match the
//! Rust side. Regenerate all three with `REFRAIN_UPDATE_BINDINGS=1 cargo test --test main bindings`.

use std::path::Path;

/// Compares a generated file with the committed one, or rewrites it when
/// `REFRAIN_UPDATE_BINDINGS` is set.
fn check_generated(relative: &str, fresh: &str, what: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("REFRAIN_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: {what} changed. Run `REFRAIN_UPDATE_BINDINGS=1 cargo test --test main bindings` \
         and commit the result.",
        path.display()
    );
}

#[test]
fn generated_typescript_types_are_up_to_date() {
    check_generated(
        refrain_app::bindings::BINDINGS_PATH,
        &refrain_app::bindings::typescript(),
        "the Rust types",
    );
}

#[test]
fn generated_command_contract_is_up_to_date() {
    check_generated(
        refrain_app::bindings::CONTRACT_PATH,
        refrain_app::bindings::contract(),
        "the commands in src-tauri/commands.rs",
    );
}

#[test]
fn generated_vocabulary_is_up_to_date() {
    check_generated(
        refrain_app::bindings::VOCABULARY_PATH,
        &refrain_app::bindings::vocabulary(),
        "the labels in core/src/labels.rs",
    );
}
