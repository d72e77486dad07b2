//! Where to send people: the one check on redirect targets taken from requests, and links
//! built from parts.

/// Where a sign-in lands when no (acceptable) target was asked for.
pub const DEFAULT_LANDING: &str = "/";

/// A local path to go to after signing in or switching language; anything else becomes
/// [`DEFAULT_LANDING`]. Refused: other sites (`//evil`, `https://…`), backslashes (`/\evil`,
/// which browsers read as `//evil`), and control characters (`/%09/evil` arrives as a tab,
/// which browsers drop; a newline cannot go into a `Location` header at all).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => DEFAULT_LANDING.to_owned(),
    }
}

/// `s` encoded for use as one query value.
pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The sign-in page, returning to `next` afterwards.
pub fn login_href(next: &str) -> String {
    format!("/login?next={}", urlencode(next))
}

/// `path?k=v&…` from the pairs whose value is not empty (no `?` when none is left).
pub fn href(path: &str, pairs: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    if kept.is_empty() {
        return path.to_owned();
    }
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    format!("{path}?{q}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/centres/5?q=a b")), "/centres/5?q=a b");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/x\r\nSet-Cookie: a=b",
            "evil",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), DEFAULT_LANDING, "{bad:?}");
        }
        assert_eq!(safe_next(None), DEFAULT_LANDING);
    }

    #[test]
    fn links_drop_empty_values() {
        assert_eq!(
            href(
                "/centres",
                &[("q", "darul bayan"), ("province", ""), ("page", "2")]
            ),
            "/centres?q=darul+bayan&page=2"
        );
        assert_eq!(href("/centres", &[("q", "")]), "/centres");
        assert_eq!(login_href("/centres?q=a"), "/login?next=%2Fcentres%3Fq%3Da");
    }
}
