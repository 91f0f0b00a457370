//! Rust names for what the spec names: types (spelled as the type generator spells them, so a
//! component's key can be its Rust name), enum variants, builder setters and operation handles.

use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};

/// Keywords and reserved words that cannot be identifiers (`_` included).
const RESERVED: &[&str] = &[
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "Self", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The name of the catch-all variant every open enum has for values the spec does not list.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// A component's Rust type name, exactly as typify derives it from the component's key: words
/// in UpperCamelCase, `X` in front of a leading non-letter, `_` after a keyword. After the
/// `name_types` pass every component key equals this name, so the key is the Rust name.
pub fn type_name(key: &str) -> String {
    identifier(key, ToPascalCase::to_pascal_case, "X")
}

/// A builder setter for a parameter: `partner_id` → `partner_id`, `type` → `type_`,
/// `360dialog_id` → `x360dialog_id`, `filter[name]` → `filter_name`.
pub fn setter_name(parameter: &str) -> String {
    identifier(parameter, ToSnakeCase::to_snake_case, "x")
}

/// An operation's builder type: `get_partner` → `GetPartner`.
pub fn builder_name(operation: &str) -> String {
    identifier(operation, ToPascalCase::to_pascal_case, "X")
}

/// An operation's handle constant: `get_partner` → `GET_PARTNER`.
pub fn handle_name(operation: &str) -> String {
    identifier(operation, ToShoutySnakeCase::to_shouty_snake_case, "X")
}

fn identifier(input: &str, case: fn(&str) -> String, prefix: &str) -> String {
    let spaced: String = input
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut out = case(&spaced);
    if !out.starts_with(|c: char| c.is_alphabetic() || c == '_') || out.is_empty() {
        out = format!("{prefix}{out}");
    }
    if RESERVED.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Distinct, readable variant names for the values of a string enum, in order.
///
/// Words become UpperCamelCase (`created_at` → `CreatedAt`, `business_templates.name` →
/// `BusinessTemplatesName`); a leading `-`, which sort keys use for descending order, becomes a
/// `Desc` suffix (`-created_at` → `CreatedAtDesc`); `""` is `Empty`; a value starting with a digit
/// gets a `V` (`2` → `V2`); a value of symbols only is `Value{n}` (its position). A value spelled
/// like the catch-all variant becomes `UnknownValue`, and a name already taken gets a number
/// (`Name2`), so every value has its own variant.
pub fn variant_names(values: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(values.len());
    for (position, value) in values.iter().enumerate() {
        let (descending, rest) = match value.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, *value),
        };
        let words: String = rest
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let mut name = words.to_pascal_case();
        if value.is_empty() {
            name = "Empty".into();
        } else if name.is_empty() {
            name = format!("Value{position}");
        } else if name.starts_with(|c: char| c.is_ascii_digit()) {
            name = format!("V{name}");
        }
        if descending {
            name.push_str("Desc");
        }
        if name == UNKNOWN_VARIANT || name == "Self" {
            name.push_str("Value");
        }
        let base = name.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_follow_the_generators_spelling() {
        assert_eq!(
            type_name("PartnerIOSecureSettingsOut"),
            "PartnerIoSecureSettingsOut"
        );
        assert_eq!(type_name("_MetaSchemaError"), "MetaSchemaError");
        assert_eq!(
            type_name("calling.CallActionRequest"),
            "CallingCallActionRequest"
        );
        assert_eq!(
            type_name("360Thing"),
            "X360thing",
            "a digit starts a word, as in typify"
        );
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("PartnerOut"), "PartnerOut");
    }

    #[test]
    fn setters_and_handles_are_valid_identifiers() {
        assert_eq!(setter_name("partner_id"), "partner_id");
        assert_eq!(setter_name("type"), "type_");
        assert_eq!(setter_name("360dialog_id"), "x360dialog_id");
        assert_eq!(setter_name("filter[name]"), "filter_name");
        assert_eq!(setter_name("wabaAccountId"), "waba_account_id");
        assert_eq!(builder_name("get_partner"), "GetPartner");
        assert_eq!(handle_name("get_partner"), "GET_PARTNER");
        assert_eq!(handle_name("perform-call-action"), "PERFORM_CALL_ACTION");
    }

    #[test]
    fn variant_names_are_distinct_and_readable() {
        assert_eq!(
            variant_names(&[
                "name",
                "-name",
                "created_at",
                "-created_at",
                "business_templates.name"
            ]),
            [
                "Name",
                "NameDesc",
                "CreatedAt",
                "CreatedAtDesc",
                "BusinessTemplatesName"
            ]
        );
        assert_eq!(
            variant_names(&["basic", "regular", "premium", ""]),
            ["Basic", "Regular", "Premium", "Empty"]
        );
        assert_eq!(variant_names(&["SIGN_UP", "OTHER"]), ["SignUp", "Other"]);
        assert_eq!(
            variant_names(&["UNKNOWN", "2", "*", "self"]),
            ["UnknownValue", "V2", "Value2", "SelfValue"]
        );
        assert_eq!(variant_names(&["a-b", "a_b", "A B"]), ["AB", "AB2", "AB3"]);
    }
}
