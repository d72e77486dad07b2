//! Compliance: the scope a completeness and timeliness view is asked for. No I/O here.

use crate::kernel::access::Scope;

/// The scope a compliance view is asked for: `nation`, `province:32`, `regency:32.04`,
/// `uptp:12` or `forum:40`.
pub fn parse_scope(text: &str) -> Option<Scope> {
    let text = text.trim();
    if text.is_empty() || text == "nation" {
        return Some(Scope::All);
    }
    let (kind, value) = text.split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match kind {
        "province" if value.len() == 2 && digits(value) => Some(Scope::Region(value.to_owned())),
        "regency"
            if value.len() == 5
                && digits(&value[..2])
                && value.as_bytes()[2] == b'.'
                && digits(&value[3..]) =>
        {
            Some(Scope::Region(value.to_owned()))
        }
        "uptp" => value.parse().ok().filter(|n| *n > 0).map(Scope::Pembina),
        "forum" => value.parse().ok().filter(|n| *n > 0).map(Scope::Forum),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compliance_scopes_are_read() {
        assert_eq!(parse_scope("nation"), Some(Scope::All));
        assert_eq!(parse_scope("province:32"), Some(Scope::Region("32".into())));
        assert_eq!(
            parse_scope("regency:32.04"),
            Some(Scope::Region("32.04".into()))
        );
        assert_eq!(parse_scope("uptp:12"), Some(Scope::Pembina(12)));
        assert_eq!(parse_scope("forum:40"), Some(Scope::Forum(40)));
        for bad in [
            "province:3",
            "regency:3204",
            "uptp:x",
            "uptp:0",
            "planet:1",
            "province",
        ] {
            assert_eq!(parse_scope(bad), None, "{bad}");
        }
    }
}
