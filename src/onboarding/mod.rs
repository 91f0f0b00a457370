//! Integrated onboarding: the [`Link`] a partner sends clients to (IO signature included) and
//! the [`Redirect`] the hub sends them back with.

mod link;
mod redirect;

pub use link::{Link, LinkError, PartnerIdProblem};
pub use redirect::{Redirect, RedirectError};
