//! Lists, page after page: `.items()` and `.pages()` on the builders of paginated operations
//! (those a `[[paginate]]` entry of the API's `codegen.toml` declares, e.g. Bridge's
//! `list_collection_transactions`), yielding [`Error`](crate::Error) like every call.

use futures_util::{Stream, TryStreamExt};
use sdk_paginate::Paginated;

/// Streams over a paginated operation: `use sdk::Paginate;`, then
/// `client.list_collection_transactions().limit(50).items()`.
///
/// Both streams are lazy (nothing is sent before the first poll) and keep one request in
/// flight. Each page is an ordinary call of the builder, so the client's retries, the 401
/// replay and the builder's `with_options` apply to every page. A failed page is yielded as
/// an error, and the stream then ends.
pub trait Paginate: Sized {
    /// One response body.
    type Page;
    /// One element of a page.
    type Item;

    /// Every item of every page, in order.
    fn items(self) -> impl Stream<Item = Result<Self::Item, crate::Error>> + Send;

    /// Every page, whole (with its totals and other fields).
    fn pages(self) -> impl Stream<Item = Result<Self::Page, crate::Error>> + Send;
}

impl<T> Paginate for T
where
    T: Paginated,
    T::Error: Into<crate::Error>,
{
    type Page = T::Page;
    type Item = T::Item;

    fn items(self) -> impl Stream<Item = Result<Self::Item, crate::Error>> + Send {
        sdk_paginate::items(self.pages(), T::page_items)
    }

    fn pages(self) -> impl Stream<Item = Result<Self::Page, crate::Error>> + Send {
        self.fetch_pages().map_err(Into::into)
    }
}
