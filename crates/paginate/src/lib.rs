//! Lazy page-after-page streams for generated clients.
//!
//! A paginated operation's builder implements [`Paginated`]: the generated code supplies how
//! one page is fetched (through the builder's ordinary `send`, so the auth layer's retries and
//! the call's `CallOptions` apply to every page) and where the items of a page are. [`pages`]
//! turns the fetch into a stream: nothing is sent before the stream is polled, one request is
//! in flight at a time, and a failed page is yielded as an error after which the stream ends.
//! [`items`] flattens a stream of pages into their items. Where the next page starts is
//! decided by the rules of [`next`].
//!
//! Users of the workspace's `sdk` crate call `.items()` / `.pages()` through `sdk::Paginate`,
//! which yields `sdk::Error`.

pub mod next;

use std::future::Future;

use futures_util::{StreamExt, TryStreamExt, stream};

pub use futures_util::Stream;

/// A request builder whose operation answers page after page.
///
/// Implemented by the generator for the operations `codegen.toml` declares paginated.
pub trait Paginated: Sized {
    /// One response body.
    type Page: Send;
    /// One element of a page.
    type Item: Send;
    /// What a failed page request yields.
    type Error: Send;

    /// Every page, from the first, fetched only as the stream is polled.
    fn fetch_pages(self) -> impl Stream<Item = Result<Self::Page, Self::Error>> + Send;

    /// The items of one page, in order.
    fn page_items(page: Self::Page) -> Vec<Self::Item>;
}

/// A stream of the pages `fetch` answers, starting at position `first`.
///
/// `fetch` gets a page's position and answers the page with the position of the next one,
/// `None` for the last page. It is called only when the stream is polled for the next page,
/// after the previous page has arrived: one request in flight, none before the first poll.
/// An error is yielded and then the stream ends (a position after a failed page is unknown).
pub fn pages<C, P, E, F, Fut>(first: C, mut fetch: F) -> impl Stream<Item = Result<P, E>>
where
    F: FnMut(C) -> Fut,
    Fut: Future<Output = Result<(P, Option<C>), E>>,
{
    stream::unfold(Some(first), move |position| {
        let request = position.map(&mut fetch);
        async move {
            match request?.await {
                Ok((page, next)) => Some((Ok(page), next)),
                Err(error) => Some((Err(error), None)),
            }
        }
    })
}

/// The items of every page of `pages`, in order; an error is passed on as it comes.
pub fn items<P, I, E, S, F>(pages: S, mut split: F) -> impl Stream<Item = Result<I, E>>
where
    S: Stream<Item = Result<P, E>>,
    F: FnMut(P) -> Vec<I>,
{
    pages
        .map_ok(move |page| stream::iter(split(page)).map(Ok))
        .try_flatten()
}

#[cfg(test)]
mod tests;
