//! One request builder per operation of the spec (what the [`Client`](crate::Client) methods
//! return), the operations' handles (`GET_PARTNER`, ...) and the table of them all ([`ALL`]),
//! and for the list operations their paging metadata ([`LISTS`]) and the streams of their pages
//! and items. Generated at build time from `openapi/partners-v2.json`.
//!
//! The table's types ([`OperationInfo`] and what it holds) are the runtime's own (`src/table/`,
//! in the words of `src/vocabulary.rs`, which the generator shares).

pub use crate::call::pages::{Items, Page, PageSummary, Pages};
pub use crate::call::send::Pending;
#[cfg(feature = "metadata")]
pub use crate::table::PropertyInfo;
pub use crate::table::{ListInfo, Operation, OperationInfo, ParameterInfo};
pub use crate::vocabulary::{BodyKind, Kind, Location, Style};

include!(concat!(env!("OUT_DIR"), "/operations.rs"));
