//! The operation table: each operation's handle and `OperationInfo` (its parameters in the
//! runtime's vocabulary; with the `metadata` feature the spec's texts, kinds, body properties
//! and the checks of calls made from data), the lists' paging metadata and how their page types
//! are read, the indexes `ALL` and `LISTS`, and, with the `mock` feature, the contract tests'
//! hooks.

use super::{RUNTIME, doc, plain};
use crate::codegen::kinds::Kind;
use crate::codegen::lists::ListFields;
use crate::codegen::model::{Api, List, Operation, Parameter, Property};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The handle and the `OperationInfo` of `op` (and its `ListInfo`, for a list).
pub(super) fn entry(out: &mut String, op: &Operation) {
    let output = op.success_type.clone().unwrap_or_else(|| "()".into());
    doc(
        out,
        0,
        &format!(
            "The handle of [`Client::{}`](crate::Client::{}): its metadata, and its type for arranging answers in a mock hub.",
            op.id, op.id
        ),
    );
    let _ = writeln!(
        out,
        "pub const {handle}: {RUNTIME}::Operation<{output}> = {RUNTIME}::Operation::new(&{handle}_INFO);\n",
        handle = op.handle
    );
    let list = match op.list {
        Some(_) => format!("Some(&{}_LIST)", op.handle),
        None => "None".into(),
    };
    let _ = writeln!(
        out,
        "static {handle}_INFO: {RUNTIME}::OperationInfo = {RUNTIME}::OperationInfo {{
    id: {id:?},
    method: {RUNTIME}::Method::{method},
    path: {path:?},
    template: {RUNTIME}::OnceLock::new(),
    parameters: &[",
        handle = op.handle,
        id = op.id,
        method = op.method,
        path = op.path,
    );
    for parameter in &op.parameters {
        parameter_info(out, parameter);
    }
    let _ = write!(
        out,
        "    ],
    body: {RUNTIME}::BodyKind::{body:?},
    success_status: {status},
    list: {list},
    #[cfg(feature = \"metadata\")]
    metadata: ",
        body = op.body_kind(),
        status = op.success_status,
    );
    metadata(out, op);
    out.push_str(",\n};\n\n");
    if let Some(list) = &op.list {
        list_info(out, op, list);
    }
}

fn parameter_info(out: &mut String, parameter: &Parameter) {
    let _ = writeln!(
        out,
        "        {RUNTIME}::ParameterInfo {{
            name: {name:?},
            location: {RUNTIME}::Location::{location:?},
            required: {required},
            style: {RUNTIME}::Style::{style:?},
            explode: {explode},
            #[cfg(feature = \"metadata\")]
            kind: {kind},
            #[cfg(feature = \"metadata\")]
            description: {description},
        }},",
        name = parameter.name,
        location = parameter.location,
        required = parameter.required,
        style = parameter.style,
        explode = parameter.explode,
        kind = kind(parameter.kind),
        description = plain(&parameter.description),
    );
}

/// What only tools over the table read (feature `metadata`).
fn metadata(out: &mut String, op: &Operation) {
    let tags: Vec<String> = op.tags.iter().map(|tag| format!("{tag:?}")).collect();
    let check_response = match &op.success_type {
        Some(ty) => format!("{RUNTIME}::check::<{ty}>"),
        None => format!("{RUNTIME}::check_empty"),
    };
    let check_body = match &op.body {
        Some(body) => format!(
            "Some({RUNTIME}::check_body::<{}>)",
            body.rust_type.spelled()
        ),
        None => "None".into(),
    };
    let _ = write!(
        out,
        "{RUNTIME}::Metadata {{
        summary: {summary},
        description: {description},
        tags: &[{tags}],
        body_properties: &[",
        summary = plain(&op.summary),
        description = plain(&op.description),
        tags = tags.join(", "),
    );
    let properties = op
        .body
        .as_ref()
        .map_or(&[][..], |b| b.properties.as_slice());
    if !properties.is_empty() {
        out.push('\n');
        for property in properties {
            property_info(out, property);
        }
        out.push_str("        ");
    }
    let _ = write!(
        out,
        "],
        check_response: {check_response},
        check_body: {check_body},
    }}"
    );
}

fn property_info(out: &mut String, property: &Property) {
    let _ = writeln!(
        out,
        "            {RUNTIME}::PropertyInfo {{
                name: {name:?},
                kind: {kind},
                required: {required},
                description: {description},
            }},",
        name = property.name,
        kind = kind(property.kind),
        required = property.required,
        description = plain(&property.description),
    );
}

/// A list operation's paging metadata, for the streams, the mock hub and tools over the table.
fn list_info(out: &mut String, op: &Operation, list: &List) {
    let text = |name: &Option<String>| match name {
        Some(name) => format!("Some({name:?})"),
        None => "None".into(),
    };
    let _ = write!(
        out,
        "static {handle}_LIST: {RUNTIME}::ListInfo = {RUNTIME}::ListInfo {{
    operation: &{handle}_INFO,
    limit: {limit},
    offset: {offset},
    items: {items:?},
    total: {total},
    count: {count},
    offset_field: {offset_field},
    limit_field: {limit_field},
}};

",
        handle = op.handle,
        limit = list.limit,
        offset = list.offset,
        items = list.items,
        total = text(&list.total),
        count = text(&list.count),
        offset_field = text(&list.offset_field),
        limit_field = text(&list.limit_field),
    );
}

/// `ALL` and `LISTS`: every operation, and every list operation's paging metadata.
pub(super) fn indexes(out: &mut String, api: &Api) {
    let _ = writeln!(
        out,
        "/// Every operation of the spec, in the spec's order.\npub static ALL: &[&{RUNTIME}::OperationInfo] = &["
    );
    for operation in &api.operations {
        let _ = writeln!(out, "    &{}_INFO,", operation.handle);
    }
    let _ = writeln!(
        out,
        "];\n\n/// The paging metadata of every list operation, in the spec's order.\npub static LISTS: &[&{RUNTIME}::ListInfo] = &["
    );
    for operation in api.operations.iter().filter(|o| o.list.is_some()) {
        let _ = writeln!(out, "    &{}_LIST,", operation.handle);
    }
    out.push_str("];\n");
}

/// How the streams read each list's page type: the counts it reports and its items. Two lists
/// may answer with one page type: it is read one way.
pub(super) fn pages(out: &mut String, api: &Api, lists: &BTreeMap<String, ListFields>) {
    let mut done = Vec::new();
    for operation in &api.operations {
        if let (Some(list), Some(fields)) = (&operation.list, lists.get(&operation.id))
            && !done.contains(&&list.page_type)
        {
            done.push(&list.page_type);
            page_impl(out, list, fields);
        }
    }
}

fn page_impl(out: &mut String, list: &List, fields: &ListFields) {
    let integer = |field: &Option<String>| match field {
        Some(field) => format!("{RUNTIME}::integer(&self.{field})"),
        None => "None".into(),
    };
    let _ = write!(
        out,
        "
impl {RUNTIME}::Page for {types}::{page} {{
    type Item = {item};

    fn summary(&self, _: &{RUNTIME}::ListInfo) -> {RUNTIME}::PageSummary {{
        {RUNTIME}::PageSummary {{
            offset: {offset},
            total: {total},
            count: {count},
            items: {RUNTIME}::ItemsField::count(&self.{items}),
        }}
    }}

    fn into_items(self, _: &{RUNTIME}::ListInfo) -> Vec<Self::Item> {{
        {RUNTIME}::ItemsField::into_vec(self.{items})
    }}
}}
",
        types = crate::codegen::model::TYPES,
        page = list.page_type,
        item = fields.item_type,
        offset = integer(&fields.offset),
        total = integer(&fields.total),
        count = integer(&fields.count),
        items = fields.items,
    );
}

/// The contract tests' hooks (feature `mock`): each success type's decode-and-serialize, each
/// body type's, by operation.
pub(super) fn contract_hooks(out: &mut String, api: &Api) {
    let _ = writeln!(
        out,
        "\n#[cfg(feature = \"mock\")]\npub(crate) static CONTRACT_HOOKS: &[{RUNTIME}::ContractHooks] = &["
    );
    for op in &api.operations {
        let roundtrip = match &op.success_type {
            Some(ty) => format!("{RUNTIME}::roundtrip::<{ty}>"),
            None => format!("{RUNTIME}::roundtrip_empty"),
        };
        let reserialize = match &op.body {
            Some(body) => format!(
                "Some({RUNTIME}::reserialize::<{}>)",
                body.rust_type.spelled()
            ),
            None => "None".into(),
        };
        let _ = writeln!(
            out,
            "    {RUNTIME}::ContractHooks {{
        operation: &{handle}_INFO,
        roundtrip: {roundtrip},
        reserialize_body: {reserialize},
    }},",
            handle = op.handle
        );
    }
    out.push_str("];\n");
}

/// A [`Kind`] as the generated table writes it.
fn kind(kind: Kind) -> String {
    match kind {
        Kind::Enum(values) => format!("{RUNTIME}::Kind::Enum(&{values:?})"),
        Kind::Array(item) => format!("{RUNTIME}::Kind::Array(&{})", self::kind(*item)),
        other => format!("{RUNTIME}::Kind::{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_written_in_the_runtimes_words() {
        assert_eq!(kind(Kind::Integer), "crate::__private::Kind::Integer");
        assert_eq!(
            kind(Kind::Array(&Kind::Enum(&["a", "b"]))),
            "crate::__private::Kind::Array(&crate::__private::Kind::Enum(&[\"a\", \"b\"]))"
        );
    }
}
