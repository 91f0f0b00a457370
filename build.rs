//! Generates the Partners V2 client from the vendored spec:
//! read → normalize → model → types (generate, parse, format) → emit → write.
//!
//! The pipeline's pieces live in `codegen/` (its module docs say what each does), which `xtask`
//! compiles too and whose unit tests it runs; only the type generator (`codegen/types.rs`,
//! progenitor) is the build script's alone. Cargo reruns this script only when the spec or the
//! pipeline changes, never on a no-change build.

// Public, as the library it is to `xtask` too: what the build script alone does not call of it
// (the runtime's shared files, helpers for the spec tool) is not dead code.
#[path = "codegen/mod.rs"]
pub mod codegen;
#[path = "codegen/types.rs"]
mod types;

use codegen::{emit, model, normalize, timings};
use std::path::{Path, PathBuf};

const SPEC: &str = "openapi/partners-v2.json";

fn main() {
    for input in [
        SPEC,
        "build.rs",
        "codegen",
        "src/vocabulary.rs",
        "src/path_template.rs",
    ] {
        println!("cargo:rerun-if-changed={input}");
    }
    if let Err(message) = run() {
        // One readable line instead of a panic backtrace: it names the file or JSON pointer.
        eprintln!("error: d360-partner code generation failed: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let timings = timings::Timings::from_env();
    let mut document = timings.phase("read", || read(Path::new(SPEC)))?;
    timings
        .phase("normalize", || normalize::normalize(&mut document))
        .map_err(|e| format!("{SPEC}#{e}"))?;
    let api = timings
        .phase("model", || model::Api::read(&document))
        .map_err(|e| format!("{SPEC}#{e}"))?;
    let open_enums: Vec<&str> = api.enums.iter().map(|e| e.name.as_str()).collect();
    let type_tokens = timings.phase("types", || types::generate(&document, &open_enums))?;
    let type_items = timings.phase("parse", || {
        types::items(type_tokens, &document, &open_enums)
    })?;
    let lists = types::list_fields(&type_items, &api).map_err(|e| format!("{SPEC}#{e}"))?;
    let type_source = timings.phase("format", || {
        let file = syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: type_items,
        };
        prettyplease::unparse(&file)
    });
    let (enums, operations, webhooks) = timings.phase("emit", || {
        (
            emit::enums(&api),
            emit::operations(&api, &lists),
            emit::webhooks(&api),
        )
    });
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    timings.phase("write", || {
        write(
            &out_dir.join("types.rs"),
            &format!("{type_source}\n{enums}"),
        )?;
        write(&out_dir.join("operations.rs"), &operations)?;
        write(&out_dir.join("webhooks.rs"), &webhooks)
    })
}

fn read(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}

fn write(path: &Path, code: &str) -> Result<(), String> {
    std::fs::write(path, code).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
