//! The UI's TypeScript types must match the Rust types that cross the IPC
//! boundary. Regenerate with `REFRAIN_UPDATE_BINDINGS=1 cargo test --test bindings`.

use std::path::Path;

#[test]
fn generated_typescript_types_are_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(refrain_app::bindings::BINDINGS_PATH);
    let fresh = refrain_app::bindings::typescript();
    if std::env::var_os("REFRAIN_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: the Rust types changed. Run `REFRAIN_UPDATE_BINDINGS=1 cargo test --test bindings` \
         and commit the result.",
        path.display()
    );
}
