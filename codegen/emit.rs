//! The model → this crate's own call surface, as formatted Rust source: one builder per
//! operation (setters, `send()`, `IntoFuture`), the `Client` methods that start them, the
//! operation table (handles and metadata the mock hub and the contract tests read), the open
//! enums, and the webhook types.
//!
//! Written as text, not through a syntax tree: the output is formatted as it is written, so the
//! build does not pay to parse and pretty-print it.

use crate::model::{
    Api, Body, Enum, List, Location, Operation, Parameter, RustType, Style, TYPES, Webhook,
};
use crate::types::ListFields;
use std::collections::BTreeMap;
use std::fmt::Write;

/// `operations.rs`: the builders, `Client`'s methods, the operation table and, for the list
/// operations (`lists.rs`), their paging metadata and how their pages are read.
pub fn operations(api: &Api, lists: &BTreeMap<String, ListFields>) -> String {
    let mut out = String::new();
    out.push_str("impl crate::Client {\n");
    for (n, operation) in api.operations.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        client_method(&mut out, operation);
    }
    out.push_str("}\n\n");
    for operation in &api.operations {
        builder(&mut out, operation);
        table_entry(&mut out, operation);
        if let Some(list) = &operation.list {
            list_entry(&mut out, operation, list);
        }
    }
    out.push_str("\n/// Every operation of the spec, in the spec's order.\npub static ALL: &[&crate::operation::OperationInfo] = &[\n");
    for operation in &api.operations {
        let _ = writeln!(out, "    &{}_INFO,", operation.handle);
    }
    out.push_str("];\n\n/// The paging metadata of every list operation, in the spec's order.\npub static LISTS: &[&crate::operations::ListInfo] = &[\n");
    for operation in api.operations.iter().filter(|o| o.list.is_some()) {
        let _ = writeln!(out, "    &{}_LIST,", operation.handle);
    }
    out.push_str("];\n");
    // Two lists may answer with one page type: it is read one way.
    let mut pages_done = Vec::new();
    for operation in &api.operations {
        if let (Some(list), Some(fields)) = (&operation.list, lists.get(&operation.id))
            && !pages_done.contains(&&list.page_type)
        {
            pages_done.push(&list.page_type);
            page_impl(&mut out, list, fields);
        }
    }
    out
}

/// A list operation's paging metadata, for the streams, the mock hub and tools over the table.
fn list_entry(out: &mut String, op: &Operation, list: &List) {
    let text = |name: &Option<String>| match name {
        Some(name) => format!("Some({name:?})"),
        None => "None".into(),
    };
    let _ = write!(
        out,
        "static {handle}_LIST: crate::operations::ListInfo = crate::operations::ListInfo {{
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

/// How the streams read a list's page type: the counts it reports and its items.
fn page_impl(out: &mut String, list: &List, fields: &ListFields) {
    let integer = |field: &Option<String>| match field {
        Some(field) => format!("crate::paginate::integer(&self.{field})"),
        None => "None".into(),
    };
    let _ = write!(
        out,
        "
impl crate::operations::Page for {TYPES}::{page} {{
    type Item = {item};

    fn summary(&self, _: &crate::operations::ListInfo) -> crate::operations::PageSummary {{
        crate::operations::PageSummary {{
            offset: {offset},
            total: {total},
            count: {count},
            items: crate::paginate::ItemsField::count(&self.{items}),
        }}
    }}

    fn into_items(self, _: &crate::operations::ListInfo) -> Vec<Self::Item> {{
        crate::paginate::ItemsField::into_vec(self.{items})
    }}
}}
",
        page = list.page_type,
        item = fields.item_type,
        offset = integer(&fields.offset),
        total = integer(&fields.total),
        count = integer(&fields.count),
        items = fields.items,
    );
}

/// `page_size`, `pages()` and `items()` on a list operation's builder.
fn list_methods(out: &mut String, op: &Operation, list: &List) {
    let limit = &op.parameters[list.limit];
    let offset = &op.parameters[list.offset];
    let page = format!("{TYPES}::{}", list.page_type);
    doc(
        out,
        1,
        &format!(
            "The page size: the `{limit}` sent with every page of [`pages`](Self::pages) and [`items`](Self::items) (the same as [`{setter}`](Self::{setter})); without it the hub chooses. Not a cap on the items: take the first `n` with `.take(n)`.",
            limit = limit.name,
            setter = limit.setter
        ),
    );
    let _ = write!(
        out,
        "    pub fn page_size(mut self, size: u32) -> Self {{
        self.request.set({index}, &size);
        self
    }}

",
        index = list.limit
    );
    doc(
        out,
        1,
        &format!(
            "Every page of the list, as a stream of the hub's whole answers ({page_link}), from the `{offset}` set (else 0) to the end. Every other parameter goes unchanged on every page; `{offset}` advances by the items each page brought. The stream ends when the pages reach the `total` the hub reports, or with an empty page. A page the hub answers for another `{offset}` than asked, or an empty one before `total`, ends the stream with an error naming the offsets, never with a loop or a silently short list; a page that fails is one `Err` naming its offset, and the stream ends.",
            page_link = link(&page),
            offset = offset.name,
        ),
    );
    let _ = write!(
        out,
        "    pub fn pages(self) -> crate::operations::Pages<{page}> {{
        crate::operations::Pages::new(self.client, self.request, &{handle}_LIST)
    }}

",
        handle = op.handle
    );
    doc(
        out,
        1,
        &format!(
            "Every item of the list, as a stream: the `{items}` of each of the [`pages`](Self::pages), which end and fail as described there.",
            items = list.items
        ),
    );
    let _ = write!(
        out,
        "    pub fn items(self) -> crate::operations::Items<{page}> {{
        self.pages().items()
    }}

"
    );
}

/// The open enums, to follow the generated types in `types.rs`.
pub fn enums(api: &Api) -> String {
    let mut out = String::new();
    for one in &api.enums {
        open_enum(&mut out, one);
    }
    out
}

/// `webhooks.rs`: one type per webhook, named after its key, each payload type marked as one.
pub fn webhooks(api: &Api) -> String {
    let mut out = String::new();
    for webhook in &api.webhooks {
        webhook_type(&mut out, webhook);
    }
    // Two webhooks may share a payload type: it implements the marker once.
    let mut payloads: Vec<&str> = api.webhooks.iter().map(|w| w.payload.as_str()).collect();
    payloads.sort();
    payloads.dedup();
    for payload in payloads {
        let _ = writeln!(
            out,
            "impl crate::webhook::Webhook for {TYPES}::{payload} {{}}\n"
        );
    }
    out
}

fn client_method(out: &mut String, op: &Operation) {
    let mut text = paragraphs(&[op.summary.as_deref(), op.description.as_deref()]);
    let returns = match &op.success_type {
        Some(ty) => format!(
            "its `{}` response decodes as {}",
            op.success_status,
            link(ty)
        ),
        None => format!("its `{}` response has no body", op.success_status),
    };
    let _ = write!(
        text,
        "`{} {}`: set the parameters on the returned [`{}`], then `.await` it; {returns}.",
        op.method, op.path, op.builder
    );
    doc(out, 1, &text);
    if op.deprecated {
        out.push_str("    #[deprecated = \"the spec marks this operation deprecated\"]\n");
    }
    let _ = writeln!(
        out,
        "    pub fn {id}(&self) -> {builder} {{\n        {builder}::new(self)\n    }}",
        id = op.id,
        builder = op.builder
    );
}

fn builder(out: &mut String, op: &Operation) {
    let output = op.success_type.clone().unwrap_or_else(|| "()".into());
    doc(
        out,
        0,
        &format!(
            "The `{} {}` request of [`Client::{}`](crate::Client::{}): set its parameters, then `.await` it (or call [`send`](Self::send)).\n\nIt owns a handle to the client (one `Arc`), so it and its future are `Send + 'static`: spawn it, keep it, return it from a function.",
            op.method, op.path, op.id, op.id
        ),
    );
    let _ = write!(
        out,
        "#[derive(Clone, Debug)]
#[must_use = \"a request is sent only when awaited or `send()` is called\"]
pub struct {builder} {{
    client: crate::Client,
    request: crate::request::Request,
}}

impl {builder} {{
    fn new(client: &crate::Client) -> Self {{
        {builder} {{
            client: client.clone(),
            request: crate::request::Request::new(&{handle}_INFO),
        }}
    }}

",
        builder = op.builder,
        handle = op.handle,
    );
    for (index, parameter) in op.parameters.iter().enumerate() {
        setter(out, index, parameter);
    }
    if let Some(body) = &op.body {
        body_setter(out, body);
    }
    if let Some(list) = &op.list {
        list_methods(out, op, list);
    }
    let decoded = match &op.success_type {
        Some(ty) => format!(
            "the `{}` response decoded as {}",
            op.success_status,
            link(ty)
        ),
        None => format!(
            "`()` on the `{}` response, which has no body",
            op.success_status
        ),
    };
    let finish = if op.success_type.is_some() {
        "json"
    } else {
        "empty"
    };
    doc(
        out,
        1,
        &format!(
            "Sends the request when awaited, for {decoded} (`.await` on the builder does the same).\n\nA required parameter left unset or an empty path parameter fails before anything is sent; see [`Error`](crate::Error) for every failure."
        ),
    );
    let _ = write!(
        out,
        "    pub fn send(self) -> crate::operations::Pending<{output}> {{
        crate::operations::Pending::new(self.client, self.request, crate::body::Received::{finish})
    }}

    /// What the request would send (method, URL, headers with the credential as `[redacted]`, body), sending nothing; refused as [`send`](Self::send) refuses it.
    pub fn dry_run(&self) -> crate::Result<crate::DryRun> {{
        self.client.dry_run(&self.request)
    }}
}}

impl std::future::IntoFuture for {builder} {{
    type Output = crate::Result<{output}>;
    type IntoFuture = crate::operations::Pending<{output}>;

    fn into_future(self) -> Self::IntoFuture {{
        self.send()
    }}
}}

",
        builder = op.builder,
    );
}

fn setter(out: &mut String, index: usize, parameter: &Parameter) {
    let (argument, conversion) = setter_types(&parameter.rust_type);
    let location = match parameter.location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
    };
    let necessity = if parameter.required {
        "Required"
    } else {
        "Optional"
    };
    let mut wire = format!("{necessity} {location} parameter `{}`", parameter.name);
    match (&parameter.rust_type, parameter.style, parameter.explode) {
        (_, Style::Json, _) => wire.push_str(", sent as JSON text"),
        (RustType::Vec(_), Style::Form, true) => {
            let _ = write!(wire, ", one `{0}=` per item", parameter.name);
        }
        (RustType::Vec(_), Style::Form, false) => wire.push_str(", items separated by `,`"),
        (RustType::Vec(_), Style::SpaceDelimited, _) => {
            wire.push_str(", items separated by spaces")
        }
        (RustType::Vec(_), Style::PipeDelimited, _) => wire.push_str(", items separated by `|`"),
        _ => {}
    }
    wire.push('.');
    doc(
        out,
        1,
        &paragraphs(&[parameter.description.as_deref(), Some(&wire)]),
    );
    if parameter.deprecated {
        out.push_str("    #[deprecated = \"the spec marks this parameter deprecated\"]\n");
    }
    // Text goes in without a copy; any other value is serialized.
    let store = match parameter.rust_type {
        RustType::String => format!("self.request.set_text({index}, {conversion});"),
        _ => format!("self.request.set({index}, &{conversion});"),
    };
    let _ = write!(
        out,
        "    pub fn {setter}(mut self, value: {argument}) -> Self {{
        {store}
        self
    }}

",
        setter = parameter.setter,
    );
}

fn body_setter(out: &mut String, body: &Body) {
    let (argument, conversion) = setter_types(&body.rust_type);
    let necessity = if body.required {
        "Required."
    } else {
        "Optional: without it the request has no body."
    };
    doc(
        out,
        1,
        &paragraphs(&[
            body.description.as_deref(),
            Some(&format!("The JSON request body. {necessity}")),
        ]),
    );
    let _ = write!(
        out,
        "    pub fn body(mut self, value: {argument}) -> Self {{
        self.request.json_body(&{conversion});
        self
    }}

"
    );
}

/// A setter's argument type and the expression that turns `value` into the parameter's type.
fn setter_types(rust_type: &RustType) -> (String, String) {
    match rust_type {
        RustType::Number | RustType::Boolean | RustType::JsonObject => {
            (rust_type.spelled(), "value".into())
        }
        RustType::Vec(item) => {
            let (item_argument, _) = setter_types(item);
            (
                format!("impl IntoIterator<Item = {item_argument}>"),
                format!(
                    "value.into_iter().map(Into::into).collect::<{}>()",
                    rust_type.spelled()
                ),
            )
        }
        other => (
            format!("impl Into<{}>", other.spelled()),
            "value.into()".into(),
        ),
    }
}

fn table_entry(out: &mut String, op: &Operation) {
    let output = op.success_type.clone().unwrap_or_else(|| "()".into());
    let roundtrip = match &op.success_type {
        Some(ty) => format!("crate::body::roundtrip::<{ty}>"),
        None => "crate::body::roundtrip_empty".into(),
    };
    let check = match &op.success_type {
        Some(ty) => format!("crate::body::check::<{ty}>"),
        None => "crate::body::check_empty".into(),
    };
    let body = match &op.body {
        None => "None",
        Some(body) if body.required => "Required",
        Some(_) => "Optional",
    };
    let reserialize_body = match &op.body {
        Some(body) => format!(
            "Some(crate::body::reserialize::<{}>)",
            body.rust_type.spelled()
        ),
        None => "None".into(),
    };
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
        "pub const {handle}: crate::operation::Operation<{output}> = crate::operation::Operation::new(&{handle}_INFO);\n",
        handle = op.handle
    );
    let tags: Vec<String> = op.tags.iter().map(|tag| format!("{tag:?}")).collect();
    let _ = write!(
        out,
        "static {handle}_INFO: crate::operation::OperationInfo = crate::operation::OperationInfo {{
    id: {id:?},
    method: reqwest::Method::{method},
    path: {path:?},
    summary: {summary},
    description: {description},
    tags: &[{tags}],
    parameters: &[\n",
        handle = op.handle,
        id = op.id,
        method = op.method,
        path = op.path,
        summary = plain(&op.summary),
        description = plain(&op.description),
        tags = tags.join(", "),
    );
    for parameter in &op.parameters {
        let location = match parameter.location {
            Location::Path => "Path",
            Location::Query => "Query",
            Location::Header => "Header",
        };
        let style = match parameter.style {
            Style::Form => "Form",
            Style::SpaceDelimited => "SpaceDelimited",
            Style::PipeDelimited => "PipeDelimited",
            Style::Json => "Json",
        };
        let _ = writeln!(
            out,
            "        crate::operation::ParameterInfo {{
            name: {name:?},
            location: crate::operation::Location::{location},
            required: {required},
            style: crate::operation::Style::{style},
            explode: {explode},
            kind: {kind},
            description: {description},
        }},",
            name = parameter.name,
            required = parameter.required,
            explode = parameter.explode,
            kind = parameter.kind,
            description = plain(&parameter.description),
        );
    }
    out.push_str("    ],\n");
    let _ = writeln!(out, "    body: crate::operation::BodyKind::{body},");
    match op.body.as_ref().map(|b| b.properties.as_slice()) {
        None | Some([]) => out.push_str("    body_properties: &[],\n"),
        Some(properties) => {
            out.push_str("    body_properties: &[\n");
            for property in properties {
                let _ = writeln!(
                    out,
                    "        crate::operation::PropertyInfo {{
            name: {name:?},
            kind: {kind},
            required: {required},
            description: {description},
        }},",
                    name = property.name,
                    kind = property.kind,
                    required = property.required,
                    description = plain(&property.description),
                );
            }
            out.push_str("    ],\n");
        }
    }
    let _ = write!(
        out,
        "    success_status: {status},
    check: {check},
    #[cfg(feature = \"mock\")]
    roundtrip: {roundtrip},
    #[cfg(feature = \"mock\")]
    reserialize_body: {reserialize_body},
}};

",
        status = op.success_status,
    );
}

fn open_enum(out: &mut String, one: &Enum) {
    let listed = paragraphs(&[
        one.description.as_deref(),
        Some(&format!(
            "Open: a value the spec does not list decodes as [`{name}::{unknown}`] and serializes back unchanged, so new values from the hub never fail a call. To send a value the spec does not list yet, use `{name}::from(\"value\")` (known values become their variants).",
            name = one.name,
            unknown = crate::normalize::naming::UNKNOWN_VARIANT,
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
        "    /// A value the spec does not list (yet), kept as the hub sent it.\n    {}(crate::types::UnknownValue),\n}}\n",
        crate::normalize::naming::UNKNOWN_VARIANT
    );
    let _ = writeln!(out, "impl {} {{", one.name);
    doc(out, 1, "The value as the hub spells it.");
    out.push_str("    pub fn as_str(&self) -> &str {\n        match self {\n");
    for (variant, value) in &one.values {
        let _ = writeln!(out, "            Self::{variant} => {value:?},");
    }
    let _ = writeln!(
        out,
        "            Self::{}(value) => value.as_str(),\n        }}\n    }}\n",
        crate::normalize::naming::UNKNOWN_VARIANT
    );
    out.push_str("    fn known(value: &str) -> Option<Self> {\n        Some(match value {\n");
    for (variant, value) in &one.values {
        let _ = writeln!(out, "            {value:?} => Self::{variant},");
    }
    let _ = writeln!(
        out,
        "            _ => return None,\n        }})\n    }}\n}}\n\ncrate::open_enum::impl_open_enum!({});\n",
        one.name
    );
}

fn webhook_type(out: &mut String, webhook: &Webhook) {
    let text = paragraphs(&[
        webhook.summary.as_deref(),
        webhook.description.as_deref(),
        Some(&format!(
            "The payload of the `{}` webhook, which the hub POSTs to your webhook URL: decode the request body with `serde_json::from_slice`.",
            webhook.key
        )),
    ]);
    doc(out, 0, &text);
    let alias = if webhook.name == webhook.payload {
        String::new()
    } else {
        format!(" as {}", webhook.name)
    };
    let _ = writeln!(out, "pub use {TYPES}::{}{alias};\n", webhook.payload);
}

/// A text of the spec as the table holds it: as the spec wrote it (not rustdoc-safe), as a Rust
/// literal.
fn plain(text: &Option<String>) -> String {
    match text {
        Some(text) => format!("Some({:?})", crate::normalize::plain_text(text)),
        None => "None".into(),
    }
}

/// `ty` as an intra-doc link when it is one of the model types.
fn link(ty: &str) -> String {
    match ty.strip_prefix(&format!("{TYPES}::")) {
        Some(name) if !name.contains('<') => format!("[`{name}`]({ty})"),
        _ => format!("`{}`", ty.replace(&format!("{TYPES}::"), "")),
    }
}

fn paragraphs(parts: &[Option<&str>]) -> String {
    let mut text = String::new();
    for part in parts.iter().flatten().filter(|p| !p.trim().is_empty()) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(part.trim());
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text
}

/// `text` as `///` lines at `indent` levels of four spaces.
fn doc(out: &mut String, indent: usize, text: &str) {
    let pad = "    ".repeat(indent);
    for line in text.trim_end().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            let _ = writeln!(out, "{pad}///");
        } else {
            let _ = writeln!(out, "{pad}/// {line}");
        }
    }
}
