//! Pagination: the [`Page`] trait that generated list responses implement, and the
//! [`Pages`] and [`Items`] streams that follow [`NextPage`] from page to page.
//!
//! A stream ends when the page says [`NextPage::Done`], when a page is known to have no
//! items, when the next request's query would repeat one already sent (a cursor loop),
//! or after yielding an error.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::client::ClientCore;
use crate::error::Error;
use crate::request::Request;

/// One page of a list response.
pub trait Page: DeserializeOwned + Send + 'static {
    /// The listed item type.
    type Item: Send + 'static;

    /// Where the next page is.
    fn next_page(&self) -> NextPage;

    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;

    /// The number of items on this page, when cheap to know. A page with zero items
    /// ends the stream. The default, `None`, means "unknown": then only [`Items`]
    /// (which sees the items) stops on an empty page.
    fn item_count(&self) -> Option<usize> {
        None
    }
}

/// How to request the page after this one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NextPage {
    /// This is the last page.
    Done,
    /// A link to the next page (absolute or relative, e.g. Eve's `_links.next.href`).
    /// Only its query string is used: it replaces the current request's query, and the
    /// path stays the current request's (vendors' links are often relative to another
    /// root than the client's base URL).
    Link(String),
    /// Set query parameter `param` to the cursor `value`.
    Token {
        /// Query parameter name, e.g. `continue`.
        param: &'static str,
        /// The cursor.
        value: String,
    },
    /// Set query parameter `param` to the page number `value`.
    PageNumber {
        /// Query parameter name, e.g. `page`.
        param: &'static str,
        /// The page number.
        value: u64,
    },
}

/// The query string of a link, absolute or relative, as name/value pairs.
fn link_query(href: &str) -> Vec<(String, String)> {
    let without_fragment = href.split_once('#').map_or(href, |(before, _)| before);
    let query = without_fragment
        .split_once('?')
        .map_or("", |(_, query)| query);
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// The request for the page after the one `current` fetched, or `None` to stop.
fn next_request(current: &Request, next: NextPage, seen: &mut HashSet<String>) -> Option<Request> {
    let mut request = current.clone();
    match next {
        NextPage::Done => return None,
        NextPage::Link(href) => request.replace_query(link_query(&href)),
        NextPage::Token { param, value } => request.set_query(param, value),
        NextPage::PageNumber { param, value } => request.set_query(param, value.to_string()),
    }
    if seen.insert(request.query_key()) {
        Some(request)
    } else {
        tracing::debug!(
            path = request.path(),
            "pagination stopped: repeated page request"
        );
        None
    }
}

struct PagesState<P, E> {
    client: ClientCore,
    next: Option<Request>,
    seen: HashSet<String>,
    _types: PhantomData<fn() -> (P, E)>,
}

/// A stream of pages (`Result<P, Error<E>>`). `Send`, `'static` and `Unpin`.
///
/// It ends when a page says [`NextPage::Done`], when [`Page::item_count`] is zero,
/// when the next request's query would repeat one already sent (a cursor loop), or
/// after yielding an error.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<P, E> {
    inner: BoxStream<'static, Result<P, Error<E>>>,
}

impl<P: Page, E: DeserializeOwned + Send + 'static> Pages<P, E> {
    pub(crate) fn new(client: ClientCore, first: Request) -> Self {
        let state = PagesState::<P, E> {
            client,
            seen: HashSet::from([first.query_key()]),
            next: Some(first),
            _types: PhantomData,
        };
        let inner = stream::unfold(state, |mut state| async move {
            let request = state.next.take()?;
            match state.client.send_json::<P, E>(request.clone()).await {
                Ok(response) => {
                    let page = response.into_inner();
                    if page.item_count() != Some(0) {
                        state.next = next_request(&request, page.next_page(), &mut state.seen);
                    }
                    Some((Ok(page), state))
                }
                Err(error) => Some((Err(error), state)),
            }
        });
        Self {
            inner: inner.boxed(),
        }
    }
}

impl<P, E> Stream for Pages<P, E> {
    type Item = Result<P, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<P, E> fmt::Debug for Pages<P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

struct ItemsState<P: Page, E> {
    pages: Pages<P, E>,
    current: std::vec::IntoIter<P::Item>,
    remaining: Option<u64>,
}

/// A stream of the items of successive pages, holding at most one page in memory and
/// fetching the next page only when the current one is used up. Ends after
/// `max_items` items, on an empty page, or after yielding an error.
#[must_use = "streams do nothing unless polled"]
pub struct Items<P: Page, E> {
    inner: BoxStream<'static, Result<P::Item, Error<E>>>,
}

impl<P: Page, E: DeserializeOwned + Send + 'static> Items<P, E> {
    pub(crate) fn new(pages: Pages<P, E>, max_items: Option<u64>) -> Self {
        let state = ItemsState {
            pages,
            current: Vec::new().into_iter(),
            remaining: max_items,
        };
        let inner = stream::unfold(state, |mut state| async move {
            if state.remaining == Some(0) {
                return None;
            }
            loop {
                if let Some(item) = state.current.next() {
                    state.remaining = state.remaining.map(|n| n.saturating_sub(1));
                    return Some((Ok(item), state));
                }
                match state.pages.next().await? {
                    Ok(page) => {
                        let items = page.into_items();
                        if items.is_empty() {
                            return None;
                        }
                        state.current = items.into_iter();
                    }
                    Err(error) => {
                        // Nothing is fetched after an error.
                        state.remaining = Some(0);
                        return Some((Err(error), state));
                    }
                }
            }
        });
        Self {
            inner: inner.boxed(),
        }
    }
}

impl<P: Page, E> Stream for Items<P, E> {
    type Item = Result<P::Item, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<P: Page, E> fmt::Debug for Items<P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn link_query_handles_relative_and_absolute_links() {
        let pairs = |href| link_query(href);
        let expected = vec![
            ("max_results".to_owned(), "25".to_owned()),
            ("page".to_owned(), "2".to_owned()),
        ];
        assert_eq!(pairs("v1/kubeclusters?max_results=25&page=2"), expected);
        assert_eq!(
            pairs("/v1/kubeclusters?max_results=25&page=2#frag"),
            expected
        );
        assert_eq!(
            pairs("https://other.example/api/v1/x?max_results=25&page=2"),
            expected
        );
        assert_eq!(pairs("v1/x?where=%7B%22a%22%3A1%7D")[0].1, "{\"a\":1}");
        assert!(pairs("v1/x").is_empty());
    }

    #[test]
    fn next_request_replaces_query_and_detects_repeats() {
        let first = Request::new(Method::GET, "/v1/x")
            .query("page", 1)
            .query("sort", "name");
        let mut seen = HashSet::from([first.query_key()]);
        let second = next_request(
            &first,
            NextPage::PageNumber {
                param: "page",
                value: 2,
            },
            &mut seen,
        )
        .unwrap();
        assert_eq!(second.query_key(), "sort=name&page=2");
        let third = next_request(&second, NextPage::Link("x?page=3".into()), &mut seen).unwrap();
        assert_eq!(
            (third.query_key().as_str(), third.path()),
            ("page=3", "/v1/x")
        );
        assert!(next_request(&third, NextPage::Link("x?page=3".into()), &mut seen).is_none());
        assert!(next_request(&third, NextPage::Done, &mut seen).is_none());
        let token = next_request(
            &third,
            NextPage::Token {
                param: "continue",
                value: "c1".into(),
            },
            &mut seen,
        );
        assert_eq!(token.unwrap().query_key(), "page=3&continue=c1");
    }
}
