//! Served lists: a whole collection answered page by page, honouring `limit` and `offset`.

use super::state::{Answer, Responder, lock, to_json};
use super::{MockError, MockHub, RecordedRequest};
use crate::table::{ListInfo, Operation};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

impl MockHub {
    /// Makes the list operation `operation` (one with `pages()` and `items()` on its builder)
    /// serve `items` as its whole collection, until arranged again: each request gets the items
    /// its `limit` and `offset` select (without a `limit`, [`DEFAULT_PAGE_SIZE`](Self::DEFAULT_PAGE_SIZE)),
    /// with `total`, `count`, `offset` and `limit` as the hub reports them, so code that walks
    /// the list can be tested against a collection of any size. Other parameters (`sort`,
    /// `filters`) do not change the answer; an `offset` or `limit` that is not a number of at
    /// least 0 is a 400.
    ///
    /// # Panics
    ///
    /// When `operation` answers with a list's page type but is no list operation itself (it
    /// takes no integer `limit` and `offset`).
    pub fn serve_list<P>(&self, operation: Operation<P>, items: Vec<P::Item>)
    where
        P: crate::operations::Page,
        P::Item: Serialize,
    {
        let list = operation.info().list().unwrap_or_else(|| {
            panic!(
                "`{}` is no list operation: it takes no integer `limit` and `offset`",
                operation.id()
            )
        });
        let items: Vec<Value> = items.iter().map(to_json).collect();
        let responder: Arc<Responder> = Arc::new(move |request| list_page(list, &items, request));
        lock(&self.state)
            .answers
            .insert(operation.id(), Answer::Computed(responder));
    }
}

/// The page of `items` a request to the list `list` asks for, with the counts the hub reports.
fn list_page(
    list: &ListInfo,
    items: &[Value],
    request: &RecordedRequest,
) -> Result<Value, MockError> {
    let (offset, limit) = request.window(
        list.offset_parameter().name(),
        list.limit_parameter().name(),
        MockHub::DEFAULT_PAGE_SIZE,
    )?;
    let start = offset.min(items.len());
    let page = &items[start..start.saturating_add(limit).min(items.len())];
    let mut answer = serde_json::Map::new();
    answer.insert(list.items_field().into(), Value::from(page.to_vec()));
    for (field, value) in [
        (list.total_field(), items.len()),
        (list.count_field(), page.len()),
        (list.offset_field(), offset),
        (list.limit_field(), limit),
    ] {
        if let Some(field) = field {
            answer.insert(field.into(), Value::from(value));
        }
    }
    Ok(Value::Object(answer))
}
