//! Streams over the pages and items of a list operation (`limit`/`offset` paging, see the
//! build's list rule in `codegen/lists.rs`): one request per page, every parameter but `offset`
//! unchanged, and an end that never loops and never silently cuts the list short.

use crate::call::body::Received;
use crate::call::request::Request;
use crate::call::send::{Answers, execute};
use crate::call::shared::Shared;
use crate::error::{Error, ErrorKind, RequestCause, Result};
use crate::table::ListInfo;
use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

/// What a page says about itself, as far as paging is concerned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageSummary {
    /// The offset the hub says the page starts at.
    pub offset: Option<i64>,
    /// The number of items of the whole list, as the hub counts it.
    pub total: Option<i64>,
    /// The number of items of the page, as the hub counts it.
    pub count: Option<i64>,
    /// The number of items the page holds.
    pub items: usize,
}

/// A page of a list operation: implemented by the generated answer types of the list
/// operations, and by `serde_json::Value` (read by the list's field names) for callers working
/// with JSON.
pub trait Page: DeserializeOwned + Send + 'static {
    /// What the page's items decode as.
    type Item: Send + 'static;

    /// What the page says about itself.
    fn summary(&self, list: &ListInfo) -> PageSummary;

    /// The page's items, in order.
    fn into_items(self, list: &ListInfo) -> Vec<Self::Item>;
}

impl Page for Value {
    type Item = Value;

    fn summary(&self, list: &ListInfo) -> PageSummary {
        let integer = |name: Option<&str>| self.get(name?).and_then(Value::as_i64);
        PageSummary {
            offset: integer(list.offset_field),
            total: integer(list.total),
            count: integer(list.count),
            items: self
                .get(list.items)
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
        }
    }

    fn into_items(mut self, list: &ListInfo) -> Vec<Value> {
        match self.get_mut(list.items).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        }
    }
}

/// An integer field of a generated page, optional or not (used by the generated code).
pub fn integer<T: Copy + Into<i64>>(value: &impl IntegerField<T>) -> Option<i64> {
    value.integer().map(Into::into)
}

/// A generated integer field: `i64`, `i32` or an `Option` of one.
pub trait IntegerField<T> {
    /// The value, if there is one.
    fn integer(&self) -> Option<T>;
}

impl<T: Copy + Into<i64>> IntegerField<T> for T {
    fn integer(&self) -> Option<T> {
        Some(*self)
    }
}

impl<T: Copy + Into<i64>> IntegerField<T> for Option<T> {
    fn integer(&self) -> Option<T> {
        *self
    }
}

/// A generated items field: `Vec<T>`, or `Option<Vec<T>>` when it may be `null`.
pub trait ItemsField<T> {
    /// How many items it holds.
    fn count(&self) -> usize;
    /// The items, in order.
    fn into_vec(self) -> Vec<T>;
}

impl<T> ItemsField<T> for Vec<T> {
    fn count(&self) -> usize {
        self.len()
    }

    fn into_vec(self) -> Vec<T> {
        self
    }
}

impl<T> ItemsField<T> for Option<Vec<T>> {
    fn count(&self) -> usize {
        self.as_ref().map_or(0, Vec::len)
    }

    fn into_vec(self) -> Vec<T> {
        self.unwrap_or_default()
    }
}

type Sending = Pin<Box<dyn Future<Output = Result<Received>> + Send>>;

/// Every page of a list, as a [`Stream`] of the hub's whole answers: from a list builder's
/// `pages()`. The next page is asked for only when the stream is polled past the current one.
/// A page that fails is one `Err` (carrying its [`page`](Error::page): the list and the
/// offset), after which the stream ends; input refused before anything is sent is the
/// [`ErrorKind::InvalidRequest`] that `send()` gives. See the builder's `pages()` for when it ends otherwise.
///
/// It owns a handle to the client (one `Arc`), so it is `Send + 'static`: spawn it, keep it,
/// return it; the client value it came from may be dropped first.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<P> {
    shared: Arc<Shared>,
    request: Request,
    list: &'static ListInfo,
    /// The offset of the next page to ask for; `None` once the stream has ended.
    next: Option<i64>,
    /// The page on its way, with the offset it was asked for.
    in_flight: Option<(i64, Sending)>,
    /// A problem found before the first request, yielded as the stream's only item.
    refused: Option<Error>,
    /// Also decode each page as the operation's own type (for pages read as JSON).
    #[cfg(feature = "metadata")]
    check: Option<crate::table::CheckResponse>,
    page: PhantomData<fn() -> P>,
}

impl<P: Page> Pages<P> {
    /// The pages of `request` to the list `list` describes, starting at the request's offset.
    #[doc(hidden)]
    pub fn new(shared: Arc<Shared>, request: Request, list: &'static ListInfo) -> Self {
        let integer = |index| request.value(index).map(|value| value.as_i64());
        let (mut next, mut refused) = (Some(0), None);
        let mut refuse = |name: &'static str, minimum| {
            refused = Some(request.refuse(RequestCause::Paging { name, minimum }));
        };
        match integer(list.offset) {
            Some(Some(offset)) if offset >= 0 => next = Some(offset),
            None => {}
            Some(_) => refuse(list.offset_parameter().name, 0),
        }
        match integer(list.limit) {
            Some(Some(size)) if size >= 1 => {}
            None => {}
            Some(_) => refuse(list.limit_parameter().name, 1),
        }
        Pages {
            shared,
            request,
            list,
            next,
            in_flight: None,
            refused,
            #[cfg(feature = "metadata")]
            check: None,
            page: PhantomData,
        }
    }

    /// The same pages with each decoded as `check` says too (for pages read as JSON that must
    /// still be what the operation's type describes).
    #[cfg(feature = "metadata")]
    pub(crate) fn checked_by(mut self, check: crate::table::CheckResponse) -> Self {
        self.check = Some(check);
        self
    }

    /// The list these are the pages of.
    pub fn list(&self) -> &'static ListInfo {
        self.list
    }

    /// Every item of every page, as a stream.
    pub fn items(self) -> Items<P> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
        }
    }

    /// The page asked at `offset`, and the offset of the one after it (`None`: the last).
    fn read(&self, offset: i64, received: Result<Received>) -> Result<(P, Option<i64>)> {
        let received = received?;
        #[cfg(feature = "metadata")]
        if let Some(check) = self.check {
            check(received.status, &received.body)?;
        }
        let page = received.json::<P>()?;
        let summary = page.summary(self.list);
        let next = next_offset(offset, &summary).map_err(ErrorKind::InconsistentPage)?;
        Ok((page, next))
    }

    /// A failure of the page at `offset`, carrying it as context; a request refused before
    /// anything was sent asked for no page, so it is the error `send()` gives for the same input.
    fn failed(&self, offset: i64, error: Error) -> Error {
        match error.kind() {
            ErrorKind::InvalidRequest(_) => error,
            _ => error.on_page(self.list.operation.id, offset),
        }
    }
}

/// Where the page after the one asked at `asked` starts, from what the page says of itself;
/// `None` when it was the last. An answer that would make the stream repeat or skip items is
/// the reason it ends instead.
fn next_offset(asked: i64, page: &PageSummary) -> std::result::Result<Option<i64>, String> {
    if let Some(answered) = page.offset
        && answered != asked
    {
        return Err(format!(
            "the hub answered it with the page at offset {answered}, which would repeat or skip items"
        ));
    }
    let brought = i64::try_from(page.items).unwrap_or(i64::MAX);
    if brought == 0 {
        return match page.total {
            Some(total) if asked < total => Err(format!(
                "it holds no items although the hub counts {total}, so offsets {asked} to {} cannot be read",
                total - 1
            )),
            _ => Ok(None),
        };
    }
    let next = asked.saturating_add(brought);
    Ok(match page.total {
        Some(total) if next >= total => None,
        _ => Some(next),
    })
}

impl<P: Page> Stream for Pages<P> {
    type Item = Result<P>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Result<P>>> {
        let this = &mut *self;
        if let Some(refused) = this.refused.take() {
            this.next = None;
            return Poll::Ready(Some(Err(refused)));
        }
        if this.in_flight.is_none() {
            let Some(offset) = this.next else {
                return Poll::Ready(None);
            };
            let mut request = this.request.clone();
            request.set(this.list.offset, &offset);
            let sending = execute(this.shared.clone(), request, Answers::SuccessOnly);
            this.in_flight = Some((offset, Box::pin(sending)));
        }
        let (offset, sending) = this.in_flight.as_mut().expect("a page is on its way");
        let received = ready!(sending.as_mut().poll(context));
        let offset = *offset;
        this.in_flight = None;
        Poll::Ready(Some(match this.read(offset, received) {
            Ok((page, next)) => {
                this.next = next;
                Ok(page)
            }
            Err(error) => {
                this.next = None;
                Err(this.failed(offset, error))
            }
        }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match (&self.next, &self.in_flight, &self.refused) {
            (None, None, None) => (0, Some(0)),
            _ => (0, None),
        }
    }
}

impl<P> std::fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &self.list.operation.id)
            .field("next_offset", &self.next)
            .finish_non_exhaustive()
    }
}

/// Every item of a list, as a [`Stream`]: the items of each of the [`Pages`], in order, which
/// end and fail as the pages do. A total cap is [`take`](https://docs.rs/futures/latest/futures/stream/trait.StreamExt.html#method.take)`(n)`:
/// no page past the one holding the `n`th item is asked for. `Send + 'static`, as the pages are.
#[must_use = "streams do nothing unless polled"]
pub struct Items<P: Page> {
    pages: Pages<P>,
    current: std::vec::IntoIter<P::Item>,
}

// Nothing is pinned structurally: the pages are polled through `Pin::new`, the items moved out.
impl<P: Page> Unpin for Items<P> {}

impl<P: Page> Stream for Items<P> {
    type Item = Result<P::Item>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<P::Item>>> {
        loop {
            if let Some(item) = self.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut self.pages).poll_next(context)) {
                Some(Ok(page)) => {
                    let list = self.pages.list;
                    self.current = page.into_items(list).into_iter();
                }
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}

impl<P: Page> std::fmt::Debug for Items<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.current.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(offset: Option<i64>, total: Option<i64>, items: usize) -> PageSummary {
        PageSummary {
            offset,
            total,
            count: Some(items as i64),
            items,
        }
    }

    #[test]
    fn the_next_offset_follows_the_items_until_the_total() {
        assert_eq!(
            next_offset(0, &page(Some(0), Some(250), 100)),
            Ok(Some(100))
        );
        assert_eq!(next_offset(200, &page(Some(200), Some(250), 50)), Ok(None));
        // More or fewer than asked: the offset follows what came.
        assert_eq!(next_offset(0, &page(None, Some(250), 120)), Ok(Some(120)));
        assert_eq!(next_offset(120, &page(None, Some(250), 7)), Ok(Some(127)));
        // Without a total, an empty page ends the list.
        assert_eq!(next_offset(0, &page(None, None, 10)), Ok(Some(10)));
        assert_eq!(next_offset(10, &page(None, None, 0)), Ok(None));
        assert_eq!(
            next_offset(0, &page(Some(0), Some(0), 0)),
            Ok(None),
            "no items"
        );
    }

    #[test]
    fn a_page_that_would_repeat_or_skip_items_ends_the_list_naming_the_offsets() {
        assert_eq!(
            next_offset(100, &page(Some(0), Some(250), 100)),
            Err(
                "the hub answered it with the page at offset 0, which would repeat or skip items"
                    .into()
            )
        );
        assert_eq!(
            next_offset(100, &page(Some(100), Some(250), 0)),
            Err("it holds no items although the hub counts 250, so offsets 100 to 249 cannot be read".into())
        );
    }
}
