//! JSON as the command line takes it (`--body`, `--data`): inline (text starting with `{` or
//! `[`), from a file, or from stdin (`-`); why not, in the flag's terms.

use serde_json::Value;

/// JSON given by `flag` as `source`.
pub fn json(source: &str, flag: &str) -> Result<Value, String> {
    let trimmed = source.trim_start();
    let (text, shown) = if trimmed.starts_with(['{', '[']) {
        (source.to_string(), "(inline)".to_string())
    } else if source == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("{flag} -: cannot read stdin: {e}"))?;
        (text, "-".to_string())
    } else {
        let text = std::fs::read_to_string(source)
            .map_err(|e| format!("{flag} {source}: cannot read it: {e}"))?;
        (text, source.to_string())
    };
    serde_json::from_str(&text).map_err(|e| match e.to_string() {
        // serde_json's own bound, which receivers built on it share.
        why if why.starts_with("recursion limit exceeded") => {
            format!("{flag} {shown}: it nests deeper than 128 levels, more than a receiver reads")
        }
        why => format!("{flag} {shown}: not JSON: {why}"),
    })
}
