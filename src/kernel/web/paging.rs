//! Paging: the one way page numbers are read (bounded, so no offset overflows), cut, and
//! shown.

use serde::Serialize;

use crate::kernel::error::AppError;

/// The highest page number any list serves. Past it there is nothing anyone pages to, and
/// offsets stay far from overflowing.
pub const MAX_PAGE: i64 = 100_000;

/// A page number from a query (`""` is the first page); anything but 1..=[`MAX_PAGE`] is a
/// bad request.
pub fn page_number(raw: &str) -> Result<i64, AppError> {
    match raw.trim() {
        "" => Ok(1),
        p => p
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(format!("page must be a number from 1 to {MAX_PAGE}"))
            }),
    }
}

/// A page number already read as a number (`None`: the first page); 1..=[`MAX_PAGE`].
pub fn page_in_range(page: Option<i64>) -> Result<i64, AppError> {
    match page {
        None => Ok(1),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(AppError::BadRequest(format!(
            "page must be a number from 1 to {MAX_PAGE}"
        ))),
    }
}

/// Which rows a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub page: i64,
    pub size: i64,
}

impl Window {
    pub fn new(page: i64, size: i64) -> Window {
        Window {
            page: page.clamp(1, MAX_PAGE),
            size,
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.size
    }
}

/// One page of a list, with where it sits in the whole.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// Matches in all pages.
    pub total: i64,
    /// This page's number, from 1.
    pub page: i64,
    /// The number of pages (0 when nothing matches).
    pub pages: i64,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, total: i64, w: Window) -> Paged<T> {
        Paged {
            items,
            total,
            page: w.page,
            pages: (total + w.size - 1) / w.size,
        }
    }

    /// Past the last page (a stale link): nothing on it, though there are matches.
    pub fn past_the_end(&self) -> bool {
        self.items.is_empty() && self.total > 0
    }

    /// The page numbers a pager shows: the first, the last, and two around this one;
    /// `None` marks a gap.
    pub fn numbers(&self) -> Vec<Option<i64>> {
        let mut out: Vec<Option<i64>> = Vec::new();
        let last = self.pages;
        for n in 1..=last {
            let near = (n - self.page).abs() <= 2;
            if n == 1 || n == last || near {
                out.push(Some(n));
            } else if out.last() != Some(&None) {
                out.push(None);
            }
        }
        out
    }
}

/// One link of a pager: a page number (or a gap) and where it leads.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLink {
    /// `None`: a gap between numbers.
    pub number: Option<i64>,
    pub href: String,
    pub current: bool,
}

/// The links a list's pager shows, built once so every list renders it the same way
/// (`partials/pager.html`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The last page (to come back from past the end).
    pub last: Option<String>,
    pub links: Vec<PageLink>,
}

impl Pager {
    pub fn is_empty(&self) -> bool {
        self.links.len() <= 1
    }
}

impl<T> Paged<T> {
    /// The pager of this page; `href` makes the address of page `n` (keeping the filters).
    pub fn pager(&self, href: impl Fn(i64) -> String) -> Pager {
        let last = self.pages;
        Pager {
            prev: (self.page > 1 && last > 0).then(|| href((self.page - 1).min(last))),
            next: (self.page < last).then(|| href(self.page + 1)),
            last: (last > 0).then(|| href(last)),
            links: self
                .numbers()
                .into_iter()
                .map(|n| PageLink {
                    number: n,
                    href: n.map(&href).unwrap_or_default(),
                    current: n == Some(self.page),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_bounded() {
        assert_eq!(page_number("").unwrap(), 1);
        assert_eq!(page_number("7").unwrap(), 7);
        for bad in ["0", "-1", "abc", "9223372036854775807", "100001", "1.5"] {
            assert!(page_number(bad).is_err(), "{bad}");
        }
        assert_eq!(Window::new(MAX_PAGE, 50).offset(), (MAX_PAGE - 1) * 50);
    }

    #[test]
    fn pagers_show_the_ends_and_the_neighbourhood() {
        let p = Paged::<()>::new(vec![], 200, Window::new(6, 20));
        assert_eq!(p.pages, 10);
        assert_eq!(
            p.numbers(),
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(10)
            ]
        );
        assert!(p.past_the_end());
        let stale = Paged::<()>::new(vec![], 200, Window::new(999, 20));
        let pager = stale.pager(|n| format!("?page={n}"));
        assert_eq!(
            pager.prev.as_deref(),
            Some("?page=10"),
            "back to the last page"
        );
        assert_eq!(pager.next, None);
        let p = Paged::<()>::new(vec![()], 200, Window::new(6, 20));
        let pager = p.pager(|n| format!("?page={n}"));
        assert_eq!(pager.prev.as_deref(), Some("?page=5"));
        assert_eq!(pager.next.as_deref(), Some("?page=7"));
        assert_eq!(pager.links.iter().filter(|l| l.current).count(), 1);
        assert_eq!(pager.links[1].number, None);
        let one = Paged::<()>::new(vec![], 0, Window::new(1, 20));
        assert_eq!(one.pages, 0);
        assert!(one.numbers().is_empty());
    }
}
