//! One request builder per operation, and the `Client` method that starts it: a setter per
//! parameter (and for the body), `send()`, `dry_run()`, `IntoFuture`, and for list operations
//! `page_size`, `pages()` and `items()`. Every setter only hands the runtime's `Request` a value
//! by the parameter's index in the table; encoding is the runtime's.

use super::{RUNTIME, doc, link, paragraphs};
use crate::codegen::model::{Api, Body, List, Operation, Parameter, RustType, Style, TYPES};
use std::fmt::Write;

/// `impl Client { pub fn get_partner(&self) -> GetPartner { .. } .. }`.
pub(super) fn client_methods(out: &mut String, api: &Api) {
    let _ = writeln!(out, "impl {RUNTIME}::Client {{");
    for (n, operation) in api.operations.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        client_method(out, operation);
    }
    out.push_str("}\n\n");
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

/// The builder of `op`: its struct, setters, `send`, `dry_run` and `IntoFuture`.
pub(super) fn builder(out: &mut String, op: &Operation) {
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
    client: {RUNTIME}::Client,
    request: {RUNTIME}::Request,
}}

impl {builder} {{
    fn new(client: &{RUNTIME}::Client) -> Self {{
        {builder} {{
            client: client.clone(),
            request: {RUNTIME}::Request::new(&{handle}_INFO),
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
    // `send` and `into_future` are `#[inline]`: they are what instantiates the answer's
    // decoder (`serde_json` over the type's `Deserialize`), and an inline function is compiled
    // where it is called. So the crate does not compile a decoder for every operation of the
    // spec, only its users for the ones they call: a quarter of the crate's own compile time
    // at 100 operations (17.0 s -> 13.1 s, CARGO_INCREMENTAL=0, 2 cores).
    let _ = write!(
        out,
        "    #[inline]
    pub fn send(self) -> {RUNTIME}::Pending<{output}> {{
        {RUNTIME}::Pending::new(self.client.shared, self.request, {RUNTIME}::Received::{finish})
    }}

    /// What the request would send (method, URL, headers with the credential as `[redacted]`, body), sending nothing; refused as [`send`](Self::send) refuses it.
    pub fn dry_run(&self) -> {RUNTIME}::Result<{RUNTIME}::DryRun> {{
        {RUNTIME}::dry_run(&self.client.shared, &self.request)
    }}
}}

impl ::std::future::IntoFuture for {builder} {{
    type Output = {RUNTIME}::Result<{output}>;
    type IntoFuture = {RUNTIME}::Pending<{output}>;

    #[inline]
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
    let necessity = if parameter.required {
        "Required"
    } else {
        "Optional"
    };
    let mut wire = format!(
        "{necessity} {} parameter `{}`",
        parameter.location.as_str(),
        parameter.name
    );
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
        "    pub fn pages(self) -> {RUNTIME}::Pages<{page}> {{
        {RUNTIME}::Pages::new(self.client.shared, self.request, &{handle}_LIST)
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
        "    pub fn items(self) -> {RUNTIME}::Items<{page}> {{
        self.pages().items()
    }}

"
    );
}
