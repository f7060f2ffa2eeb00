//! Tauri's build step, and Refrain's command contract.
//!
//! The one list of commands is `src-tauri/commands.rs` itself: every function
//! there marked `#[tauri::command]`. This script reads it (with `syn`) and
//! writes into `OUT_DIR`:
//! - `handler.rs`: the `tauri::generate_handler!` list the app registers;
//! - `permissions/main-window.toml`: an `allow-…` permission for each command
//!   (tauri-build's app manifest), granted to the main window as one set, so a
//!   window can only call what its capability grants;
//! - `commands.ts`: the TypeScript contract, each command's name, arguments
//!   (camelCase, as Tauri passes them) and result. `tests/bindings.rs` fails
//!   when `ui/src/lib/commands.ts` differs from it, and `ui/src/lib/api.ts`
//!   calls commands only through it, so the UI cannot call a command that does
//!   not exist or pass the wrong arguments.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use syn::{FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Type};

const COMMANDS_RS: &str = "src-tauri/commands.rs";

/// One command as the UI sees it.
struct Command {
    name: String,
    /// (camelCase name, TypeScript type)
    args: Vec<(String, String)>,
    result: String,
}

/// Parameters Tauri fills in itself; they are not the caller's arguments.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) => p.path.segments.last(),
        Type::Reference(r) => last_segment(&r.elem),
        _ => None,
    }
}

fn generic_args(seg: &syn::PathSegment) -> Vec<&Type> {
    match &seg.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The TypeScript spelling of a Rust type, as ts-rs spells it in bindings.ts.
/// Named types are collected in `named` to be imported from there.
fn ts(ty: &Type, named: &mut BTreeSet<String>) -> String {
    if let Type::Tuple(t) = ty {
        if t.elems.is_empty() {
            return "null".into();
        }
    }
    let Some(seg) = last_segment(ty) else {
        panic!("{COMMANDS_RS}: a command uses a type the contract cannot spell: {ty:?}");
    };
    let args = generic_args(seg);
    match seg.ident.to_string().as_str() {
        "String" | "str" | "PathBuf" | "Path" => "string".into(),
        "bool" => "boolean".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" | "f32"
        | "f64" => "number".into(),
        "Zeroizing" | "Box" => ts(args[0], named),
        "Option" => format!("{} | null", ts(args[0], named)),
        "Vec" => {
            let inner = ts(args[0], named);
            if inner.contains(' ') {
                format!("Array<{inner}>")
            } else {
                format!("{inner}[]")
            }
        }
        other => {
            assert!(
                args.is_empty(),
                "{COMMANDS_RS}: the contract cannot spell the generic type {other}<…>"
            );
            named.insert(other.to_string());
            other.to_string()
        }
    }
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn is_command(f: &syn::ItemFn) -> bool {
    f.attrs.iter().any(|a| {
        let p = a.path();
        p.segments.len() == 2 && p.segments[0].ident == "tauri" && p.segments[1].ident == "command"
    })
}

fn commands(named: &mut BTreeSet<String>) -> Vec<Command> {
    let source = std::fs::read_to_string(COMMANDS_RS).expect(COMMANDS_RS);
    let file = syn::parse_file(&source).unwrap_or_else(|e| panic!("{COMMANDS_RS}: {e}"));
    let mut out = Vec::new();
    for item in file.items {
        let Item::Fn(f) = item else { continue };
        if !is_command(&f) {
            continue;
        }
        let name = f.sig.ident.to_string();
        let mut args = Vec::new();
        for input in &f.sig.inputs {
            let FnArg::Typed(pt) = input else { continue };
            if last_segment(&pt.ty).is_some_and(|s| INJECTED.contains(&&*s.ident.to_string())) {
                continue;
            }
            let Pat::Ident(id) = &*pt.pat else {
                panic!("{COMMANDS_RS}: {name} takes an argument that is not a plain name");
            };
            args.push((camel(&id.ident.to_string()), ts(&pt.ty, named)));
        }
        let result = match &f.sig.output {
            ReturnType::Default => "null".to_string(),
            ReturnType::Type(_, ty) => {
                let seg = last_segment(ty).expect("a command's result type");
                if seg.ident == "Res" || seg.ident == "Result" {
                    ts(generic_args(seg)[0], named)
                } else {
                    ts(ty, named)
                }
            }
        };
        out.push(Command { name, args, result });
    }
    assert!(!out.is_empty(), "{COMMANDS_RS} holds no #[tauri::command]");
    out
}

fn handler_rs(cmds: &[Command]) -> String {
    let mut s = String::from("tauri::generate_handler![\n");
    for c in cmds {
        writeln!(s, "    crate::commands::{},", c.name).unwrap();
    }
    s.push(']');
    s
}

fn permissions_toml(cmds: &[Command]) -> String {
    let mut s = String::from(
        "# Generated by build.rs from src-tauri/commands.rs: every Refrain command\n\
         # the main window may call. capabilities/default.json grants this set.\n\n\
         [[set]]\n\
         identifier = \"main-window-commands\"\n\
         description = \"Every Refrain command the main window calls.\"\n\
         permissions = [\n",
    );
    for c in cmds {
        writeln!(s, "  \"allow-{}\",", c.name.replace('_', "-")).unwrap();
    }
    s.push_str("]\n");
    s
}

fn contract_ts(cmds: &[Command], named: &BTreeSet<String>) -> String {
    let mut s = String::from(
        "// Generated from src-tauri/commands.rs by build.rs. Do not edit by hand:\n\
         // run `REFRAIN_UPDATE_BINDINGS=1 cargo test --test main bindings` after changing a command.\n\n",
    );
    if !named.is_empty() {
        s.push_str("import type {\n");
        for n in named {
            writeln!(s, "  {n},").unwrap();
        }
        s.push_str("} from './bindings';\n\n");
    }
    s.push_str(
        "/** Every command: the arguments it takes (camelCase) and what it resolves with. */\n\
         export interface Commands {\n",
    );
    for c in cmds {
        let args = if c.args.is_empty() {
            "Record<string, never>".to_string()
        } else {
            let fields: Vec<String> = c.args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
            format!("{{ {} }}", fields.join("; "))
        };
        writeln!(s, "  {}: {{ args: {args}; result: {} }};", c.name, c.result).unwrap();
    }
    s.push_str("}\n\nexport type CommandName = keyof Commands;\n\n");
    s.push_str("/** Every command's name, in the order commands.rs defines them. */\n");
    s.push_str("export const COMMAND_NAMES: readonly CommandName[] = [\n");
    for c in cmds {
        writeln!(s, "  '{}',", c.name).unwrap();
    }
    s.push_str("];\n");
    s
}

fn main() {
    println!("cargo:rerun-if-changed={COMMANDS_RS}");
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let mut named = BTreeSet::new();
    let cmds = commands(&mut named);
    let mut seen = BTreeSet::new();
    for c in &cmds {
        assert!(seen.insert(&c.name), "{COMMANDS_RS}: {} twice", c.name);
    }
    std::fs::write(out.join("handler.rs"), handler_rs(&cmds)).unwrap();
    std::fs::write(out.join("commands.ts"), contract_ts(&cmds, &named)).unwrap();
    let permissions = out.join("permissions");
    std::fs::create_dir_all(&permissions).unwrap();
    std::fs::write(
        permissions.join("main-window.toml"),
        permissions_toml(&cmds),
    )
    .unwrap();

    let names: &'static [&'static str] = Box::leak(
        cmds.into_iter()
            .map(|c| &*Box::leak(c.name.into_boxed_str()))
            .collect(),
    );
    let pattern = format!("{}/**/*", permissions.display());
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(
                tauri_build::AppManifest::new()
                    .commands(names)
                    .permissions_path_pattern(Box::leak(pattern.into_boxed_str())),
            ),
    )
    .expect("failed to read tauri.conf.json, the capabilities or the permissions");
}
