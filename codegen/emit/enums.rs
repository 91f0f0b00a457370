//! The open enums: one variant per listed value and `Unknown` for any other, so a value the hub
//! adds never fails a call, and serde as the plain string (`impl_open_enum!`).

use super::{RUNTIME, doc, paragraphs};
use crate::codegen::model::Enum;
use crate::codegen::normalize::naming::UNKNOWN_VARIANT;
use std::fmt::Write;

pub(super) fn open_enum(out: &mut String, one: &Enum) {
    let listed = paragraphs(&[
        one.description.as_deref(),
        Some(&format!(
            "Open: a value the spec does not list decodes as [`{name}::{UNKNOWN_VARIANT}`] and serializes back unchanged, so new values from the hub never fail a call. To send a value the spec does not list yet, use `{name}::from(\"value\")` (known values become their variants).",
            name = one.name,
        )),
    ]);
    doc(out, 0, &listed);
    let _ = writeln!(
        out,
        "#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\n#[non_exhaustive]\npub enum {} {{",
        one.name
    );
    for (variant, value) in &one.values {
        let _ = writeln!(out, "    /// `{value:?}`\n    {variant},");
    }
    let _ = writeln!(
        out,
        "    /// A value the spec does not list (yet), kept as the hub sent it.\n    {UNKNOWN_VARIANT}({RUNTIME}::UnknownValue),\n}}\n",
    );
    let _ = writeln!(out, "impl {} {{", one.name);
    doc(out, 1, "The value as the hub spells it.");
    out.push_str("    pub fn as_str(&self) -> &str {\n        match self {\n");
    for (variant, value) in &one.values {
        let _ = writeln!(out, "            Self::{variant} => {value:?},");
    }
    let _ = writeln!(
        out,
        "            Self::{UNKNOWN_VARIANT}(value) => value.as_str(),\n        }}\n    }}\n",
    );
    out.push_str("    fn known(value: &str) -> Option<Self> {\n        Some(match value {\n");
    for (variant, value) in &one.values {
        let _ = writeln!(out, "            {value:?} => Self::{variant},");
    }
    let _ = writeln!(
        out,
        "            _ => return None,\n        }})\n    }}\n}}\n\n{RUNTIME}::impl_open_enum!({});\n",
        one.name
    );
}
