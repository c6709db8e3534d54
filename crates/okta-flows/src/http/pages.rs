//! Lazy pagination over `Link: rel="next"` (RFC 8288): pages, items one by one, or each
//! page's own JSON text; only within this org and this list, with no loops.

use std::collections::HashSet;

use serde_json::Value;

use crate::error::{Error, Result, safe};
use crate::http::auth::Credential;
use crate::http::client::Okta;
use crate::http::link::links;
use crate::http::method::Method;

pub(crate) fn pages<'a>(okta: &'a Okta, cred: &'a dyn Credential, path: &str) -> Pages<'a> {
    let first = okta.org_url().join(path);
    let prefix = first
        .as_ref()
        .map(|u| u.path().to_owned())
        .unwrap_or_default();
    Pages {
        okta,
        cred,
        next: Some(first),
        path: prefix,
        seen: HashSet::new(),
        pages: 0,
        items: 0,
        max_pages: 100_000,
    }
}

/// A lazy walk over a paginated list. Each item is one page; a failure after the first
/// page says how much was fetched, and ends the walk.
pub struct Pages<'a> {
    okta: &'a Okta,
    cred: &'a dyn Credential,
    next: Option<Result<url::Url>>,
    path: String,
    seen: HashSet<String>,
    pages: usize,
    items: usize,
    max_pages: usize,
}

impl std::fmt::Debug for Pages<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("path", &self.path)
            .field("pages", &self.pages)
            .field("items", &self.items)
            .finish_non_exhaustive()
    }
}

impl<'a> Pages<'a> {
    /// Stops after this many pages with an error (default 100 000).
    pub fn max_pages(mut self, n: usize) -> Self {
        self.max_pages = n;
        self
    }

    /// The items of every page, one by one, fetching the next page when the last item of the
    /// current one has been taken. An error ends the walk.
    pub fn items(self) -> Items<'a> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
        }
    }

    fn fail<T>(&mut self, e: Error) -> Option<Result<T>> {
        self.fail_at(e, None)
    }

    /// Ends the walk with `e`; `resume` is the page that was not fetched, when it can be again.
    fn fail_at<T>(&mut self, e: Error, resume: Option<String>) -> Option<Result<T>> {
        self.next = None;
        if self.pages == 0 {
            return Some(Err(e));
        }
        Some(Err(Error::Pagination {
            pages: self.pages,
            items: self.items,
            resume,
            source: Box::new(e),
        }))
    }
}

impl Pages<'_> {
    /// Fetches the next page and parses its items as `T`.
    fn next_page<T: serde::de::DeserializeOwned>(&mut self) -> Option<Result<Vec<T>>> {
        self.next_with(
            |response| {
                let response = &response;
                match response.json_as::<Vec<T>>() {
                    Ok(items) => Ok(items),
                    // Read again only to say what it was instead of a list.
                    Err(e) => match response.json() {
                        Ok(Value::Array(_)) | Err(_) => Err(e),
                        Ok(_) => {
                            Err(response.unexpected("a list page must be a JSON array".into()))
                        }
                    },
                }
            },
            Vec::len,
        )
    }

    /// Fetches the next page with its items unparsed.
    fn next_raw(&mut self) -> Option<Result<RawPage>> {
        self.next_with(
            |response| {
                // The same checks as a parsed page: JSON by its Content-Type, then an array.
                response.require_json()?;
                Ok(RawPage {
                    body: response.body,
                    endpoint: response.endpoint,
                })
            },
            // Counted by the caller, which splits the page.
            |_| 0,
        )
    }

    /// Fetches the next page, follows its `Link`, and parses it with `parse`.
    fn next_with<P>(
        &mut self,
        parse: impl FnOnce(crate::http::transport::Reply) -> Result<P>,
        count: impl Fn(&P) -> usize,
    ) -> Option<Result<P>> {
        let url = match self.next.take()? {
            Ok(url) => url,
            Err(e) => return self.fail(e),
        };
        if self.pages >= self.max_pages {
            return self.fail(Error::TooManyPages {
                max: self.max_pages,
            });
        }
        if !self.seen.insert(url.as_str().to_owned()) {
            return self.fail(Error::PageLoop);
        }
        let response = match self.okta.exchange(self.cred, &Method::GET, &url, None, "") {
            Ok(r) => r,
            Err(e) => return self.fail_at(e, Some(url[url::Position::BeforePath..].to_owned())),
        };
        let next = match links(&response.all("link"), &response.endpoint) {
            Ok(l) => l.into_iter().find(|(rel, _)| rel == "next").map(|(_, u)| u),
            Err(e) => return self.fail(e),
        };
        let items = match parse(response) {
            Ok(items) => items,
            Err(e) => return self.fail(e),
        };
        if let Some(next) = next {
            self.next = Some(match url::Url::parse(&next) {
                Ok(u) if self.okta.org_url().same_origin(&u) && u.path() == self.path => Ok(u),
                _ => Err(Error::ForeignLink {
                    link: safe(&next, 100),
                }),
            });
        }
        self.pages += 1;
        self.items += count(&items);
        Some(Ok(items))
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_page()
    }
}

impl<'a> Pages<'a> {
    /// The pages with each item as the server wrote it, for a caller that passes items on (a
    /// listing written out) and would otherwise parse each into a `Value` only to format it
    /// again. Each page's `Content-Type` is checked as it arrives; [`RawPage::items`] checks
    /// that it is a JSON array.
    pub fn raw(self) -> RawPages<'a> {
        RawPages { pages: self }
    }
}

/// The pages of a paginated list with their items unparsed ([`Pages::raw`]).
#[derive(Debug)]
pub struct RawPages<'a> {
    pages: Pages<'a>,
}

/// One page of a list as the server sent it ([`RawPages`]): its body is read and its
/// `Content-Type` checked; [`RawPage::items`] checks that it is a JSON array and splits it. The
/// walk asks for the next page before this one is split, so the two overlap.
pub struct RawPage {
    body: Vec<u8>,
    endpoint: String,
}

impl std::fmt::Debug for RawPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // What a page holds is the org's data: its size, not its text.
        f.debug_struct("RawPage")
            .field("endpoint", &self.endpoint)
            .field("bytes", &self.body.len())
            .finish()
    }
}

impl RawPage {
    /// Each item's JSON text, in order, borrowed from the page (no copy, nothing parsed into a
    /// `Value`). Fails when the page is not a JSON array.
    pub fn items(&self) -> Result<Vec<&str>> {
        let unexpected = |reason: String| Error::Unexpected {
            endpoint: self.endpoint.clone(),
            reason,
            request_id: None,
            source: None,
        };
        let text = std::str::from_utf8(&self.body)
            .map_err(|_| unexpected("a list page must be a JSON array (it is not UTF-8)".into()))?;
        let items: Vec<&serde_json::value::RawValue> =
            serde_json::from_str(text).map_err(|e| Error::Unexpected {
                endpoint: self.endpoint.clone(),
                reason: format!("a list page must be a JSON array ({e})"),
                request_id: None,
                source: Some(Box::new(e)),
            })?;
        Ok(items
            .into_iter()
            .map(serde_json::value::RawValue::get)
            .collect())
    }
}

impl Iterator for RawPages<'_> {
    type Item = Result<RawPage>;

    fn next(&mut self) -> Option<Self::Item> {
        self.pages.next_raw()
    }
}

/// The items of a paginated list, one by one ([`Pages::items`]).
#[derive(Debug)]
pub struct Items<'a> {
    pages: Pages<'a>,
    current: std::vec::IntoIter<Value>,
}

impl Iterator for Items<'_> {
    type Item = Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(Ok(item));
            }
            match self.pages.next()? {
                Ok(page) => self.current = page.into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
