//! The UI's TypeScript types, generated from the Rust types that cross the IPC
//! boundary. `cargo test` fails when ui/src/lib/bindings.ts is stale; run
//! `REFRAIN_UPDATE_BINDINGS=1 cargo test --test main bindings` to rewrite it.

use refrain_core::bindings::{config, core_declarations, declare};

use crate::error::CommandError;
use crate::people::{ImportFieldChoice, ImportFile, PeopleImportProgress};
use crate::state::{VaultCreated, VaultStatus};

/// Where the generated types live, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

/// Where the generated command contract lives, relative to the repository root.
pub const CONTRACT_PATH: &str = "ui/src/lib/commands.ts";

/// Where the generated words for every labelled value live.
pub const VOCABULARY_PATH: &str = "ui/src/lib/vocabulary.ts";

/// The words for every labelled value (`refrain_core::labels`).
pub fn vocabulary() -> String {
    refrain_core::labels::typescript()
}

/// The command contract: every command's name, arguments and result, as
/// build.rs read them from commands.rs.
pub fn contract() -> &'static str {
    include_str!(concat!(env!("OUT_DIR"), "/commands.ts"))
}

/// The whole generated file.
pub fn typescript() -> String {
    let cfg = config();
    let mut decls = core_declarations(&cfg);
    decls.push(declare::<CommandError>(&cfg));
    decls.push(declare::<VaultStatus>(&cfg));
    decls.push(declare::<VaultCreated>(&cfg));
    decls.push(declare::<ImportFieldChoice>(&cfg));
    decls.push(declare::<ImportFile>(&cfg));
    decls.push(declare::<PeopleImportProgress>(&cfg));
    let mut out = String::from(
        "// Generated from Refrain's Rust types by ts-rs. Do not edit by hand:\n\
         // run `REFRAIN_UPDATE_BINDINGS=1 cargo test --test main bindings` after changing them.\n\n",
    );
    for d in decls {
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
