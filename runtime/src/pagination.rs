//! Pagination: the [`Page`] trait that generated list responses implement, and the
//! [`Pages`] and [`Items`] streams that follow [`NextPage`] from page to page.
//!
//! Strategies ([`NextPage`]): a next link in the body (Eve `_links.next.href`), a
//! continue token (Palette `continue` + `listmeta.continue`; an empty token ends the
//! list), a page number, skip/limit offsets (Spheron), and the RFC 8288 `Link`
//! response header (`rel="next"`).
//!
//! A stream ends when the page says [`NextPage::Done`], when a page is known to have no
//! items, when the next request's query would repeat one already sent (a cursor loop),
//! or after yielding an error. Memory is bounded by one page.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use http::HeaderMap;
use http::header::LINK;
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

    /// Where the next page is, when the response headers matter. The default calls
    /// [`Page::next_page`]; returning [`NextPage::LinkHeader`] from either reads the
    /// RFC 8288 `Link` header.
    fn next_page_with_headers(&self, headers: &HeaderMap) -> NextPage {
        let _ = headers;
        self.next_page()
    }

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
    /// Set query parameter `param` to the cursor `value`. An empty `value` ends the
    /// list (Palette sends `continue: ""` on the last page).
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
    /// Skip/limit paging: add `increment` (the number of items on this page) to query
    /// parameter `param` (0 when absent). An increment of zero ends the list, and so
    /// does one smaller than the request's `limit_param` value (a short page).
    Offset {
        /// Query parameter holding the offset, e.g. `skip`.
        param: &'static str,
        /// Items on this page.
        increment: u64,
        /// Query parameter holding the page size, e.g. `limit`, if any.
        limit_param: Option<&'static str>,
    },
    /// Follow the `rel="next"` link of the response's RFC 8288 `Link` header (only its
    /// query is used, as with [`NextPage::Link`]); no such link ends the list.
    LinkHeader,
}

/// The target of the `rel="next"` link of RFC 8288 `Link` headers, if any.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(split_links)
        .find_map(|(target, params)| {
            params
                .split(';')
                .filter_map(|p| p.split_once('='))
                .any(|(k, v)| {
                    k.trim().eq_ignore_ascii_case("rel")
                        && v.trim()
                            .trim_matches('"')
                            .split_ascii_whitespace()
                            .any(|rel| rel.eq_ignore_ascii_case("next"))
                })
                .then(|| target.to_owned())
        })
}

/// Splits a `Link` header value into (target, parameters) pairs; commas inside `<...>`
/// or quotes do not split.
fn split_links(value: &str) -> Vec<(&str, &str)> {
    let mut links = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else { break };
        let target = &after[..close];
        let tail = &after[close + 1..];
        let mut in_quotes = false;
        let mut end = tail.len();
        for (i, c) in tail.char_indices() {
            match c {
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        links.push((target, &tail[..end]));
        rest = &tail[end..];
    }
    links
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

/// The request for the page after the one `current` fetched (changed in place), or
/// `None` to stop.
fn next_request(
    current: Request,
    next: NextPage,
    headers: &HeaderMap,
    seen: &mut HashSet<String>,
) -> Option<Request> {
    let mut request = current;
    match next {
        NextPage::Done => return None,
        NextPage::Link(href) => request.replace_query(link_query(&href)),
        NextPage::LinkHeader => request.replace_query(link_query(&next_link(headers)?)),
        NextPage::Token { value, .. } if value.is_empty() => return None,
        NextPage::Token { param, value } => request.set_query(param, value),
        NextPage::PageNumber { param, value } => request.set_query(param, value.to_string()),
        NextPage::Offset {
            param,
            increment,
            limit_param,
        } => {
            let limit = limit_param
                .and_then(|p| request.query_value(p))
                .and_then(|v| v.parse::<u64>().ok());
            if increment == 0 || limit.is_some_and(|limit| increment < limit) {
                return None;
            }
            let offset = request
                .query_value(param)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            request.set_query(param, offset.saturating_add(increment).to_string());
        }
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
    /// The client and the first request, until the stream is first polled.
    first: Option<(ClientCore, Request)>,
    /// The stream, made when first polled: making it compiles the page's decoding, which
    /// is done where the stream is used rather than in the crate that returns it (see
    /// [`crate::Sending`]).
    inner: Option<BoxStream<'static, Result<P, Error<E>>>>,
}

impl<P: Page, E: DeserializeOwned + Send + 'static> Pages<P, E> {
    pub(crate) fn new(client: ClientCore, first: Request) -> Self {
        Self {
            first: Some((client, first)),
            inner: None,
        }
    }

    fn stream(client: ClientCore, first: Request) -> BoxStream<'static, Result<P, Error<E>>> {
        let state = PagesState::<P, E> {
            client,
            seen: HashSet::from([first.query_key()]),
            next: Some(first),
            _types: PhantomData,
        };
        stream::unfold(state, |mut state| async move {
            let request = state.next.take()?;
            match state.client.clone().run_json::<P, E>(request.clone()).await {
                Ok(response) => {
                    let (page, _, headers) = response.into_parts();
                    if page.item_count() != Some(0) {
                        let next = page.next_page_with_headers(&headers);
                        state.next = next_request(request, next, &headers, &mut state.seen);
                    }
                    Some((Ok(page), state))
                }
                Err(error) => Some((Err(error), state)),
            }
        })
        .boxed()
    }
}

impl<P: Page, E: DeserializeOwned + Send + 'static> Stream for Pages<P, E> {
    type Item = Result<P, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some((client, first)) = this.first.take() {
            this.inner = Some(Self::stream(client, first));
        }
        match &mut this.inner {
            Some(inner) => inner.as_mut().poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

impl<P, E> fmt::Debug for Pages<P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

/// A stream of the items of successive pages, holding at most one page in memory and
/// fetching the next page only when the current one is used up. Ends after
/// `max_items` items, on an empty page, or after yielding an error.
///
/// Items are handed out straight from the current page's vector: a page is the only
/// thing polled through a future, so an item costs no more than `Vec::into_iter`.
#[must_use = "streams do nothing unless polled"]
pub struct Items<P: Page, E> {
    /// `None` once the stream has ended.
    pages: Option<Pages<P, E>>,
    current: std::vec::IntoIter<P::Item>,
    remaining: Option<u64>,
}

// No field is pinned: `Pages` is boxed inside and the items are moved out by value.
impl<P: Page, E> Unpin for Items<P, E> {}

impl<P: Page, E: DeserializeOwned + Send + 'static> Items<P, E> {
    pub(crate) fn new(pages: Pages<P, E>, max_items: Option<u64>) -> Self {
        Self {
            pages: Some(pages),
            current: Vec::new().into_iter(),
            remaining: max_items,
        }
    }
}

impl<P: Page, E: DeserializeOwned + Send + 'static> Stream for Items<P, E> {
    type Item = Result<P::Item, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.remaining == Some(0) {
            this.end();
            return Poll::Ready(None);
        }
        loop {
            if let Some(item) = this.current.next() {
                this.remaining = this.remaining.map(|n| n.saturating_sub(1));
                return Poll::Ready(Some(Ok(item)));
            }
            let Some(pages) = this.pages.as_mut() else {
                return Poll::Ready(None);
            };
            match ready!(Pin::new(pages).poll_next(cx)) {
                Some(Ok(page)) => {
                    let items = page.into_items();
                    if items.is_empty() {
                        this.end();
                        return Poll::Ready(None);
                    }
                    this.current = items.into_iter();
                }
                Some(Err(error)) => {
                    // Nothing is fetched after an error.
                    this.end();
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    this.end();
                    return Poll::Ready(None);
                }
            }
        }
    }
}

impl<P: Page, E> Items<P, E> {
    /// Ends the stream: no page is requested any more.
    fn end(&mut self) {
        self.pages = None;
        self.remaining = Some(0);
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
        let h = HeaderMap::new();
        let second = next_request(
            first.clone(),
            NextPage::PageNumber {
                param: "page",
                value: 2,
            },
            &h,
            &mut seen,
        )
        .unwrap();
        assert_eq!(second.query_key(), "sort=name&page=2");
        let third = next_request(
            second.clone(),
            NextPage::Link("x?page=3".into()),
            &h,
            &mut seen,
        )
        .unwrap();
        assert_eq!(
            (third.query_key().as_str(), third.path()),
            ("page=3", "/v1/x")
        );
        assert!(
            next_request(
                third.clone(),
                NextPage::Link("x?page=3".into()),
                &h,
                &mut seen
            )
            .is_none()
        );
        assert!(next_request(third.clone(), NextPage::Done, &h, &mut seen).is_none());
        let token = next_request(
            third.clone(),
            NextPage::Token {
                param: "continue",
                value: "c1".into(),
            },
            &h,
            &mut seen,
        );
        assert_eq!(token.unwrap().query_key(), "page=3&continue=c1");
        let empty = NextPage::Token {
            param: "continue",
            value: String::new(),
        };
        assert!(next_request(third.clone(), empty, &h, &mut seen).is_none());
    }

    #[test]
    fn offsets_and_link_headers() {
        let first = Request::new(Method::GET, "/v1/x").query("limit", 2);
        let mut seen = HashSet::new();
        let h = HeaderMap::new();
        let offset = |increment| NextPage::Offset {
            param: "skip",
            increment,
            limit_param: Some("limit"),
        };
        let second = next_request(first.clone(), offset(2), &h, &mut seen).unwrap();
        assert_eq!(second.query_key(), "limit=2&skip=2");
        let third = next_request(second.clone(), offset(2), &h, &mut seen).unwrap();
        assert_eq!(third.query_key(), "limit=2&skip=4");
        assert!(next_request(third.clone(), offset(1), &h, &mut seen).is_none());
        assert!(next_request(third.clone(), offset(0), &h, &mut seen).is_none());

        let mut h = HeaderMap::new();
        h.append(
            LINK,
            r#"<https://api.example/x?page=1>; rel="prev", <https://api.example/x?a=1,2&page=3>; title="a, b"; rel="next last""#
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://api.example/x?a=1,2&page=3")
        );
        let next = next_request(first.clone(), NextPage::LinkHeader, &h, &mut seen).unwrap();
        assert_eq!(next.query_key(), "a=1%2C2&page=3");
        assert!(next_link(&HeaderMap::new()).is_none());
        assert!(
            next_request(
                first.clone(),
                NextPage::LinkHeader,
                &HeaderMap::new(),
                &mut seen
            )
            .is_none()
        );
        let mut bad = HeaderMap::new();
        bad.insert(LINK, "<unterminated; rel=next, garbage".parse().unwrap());
        assert!(next_link(&bad).is_none());
    }
}
