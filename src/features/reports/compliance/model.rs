//! Compliance: the scope a completeness and timeliness view is asked for. No I/O here.

use crate::kernel::access::Scope;

/// The scope a compliance view is asked for: `nation`, `province:32`, `regency:32.04`,
/// `uptp:12` or `forum:40` (a node of the figures layer).
pub fn parse_scope(text: &str) -> Option<Scope> {
    crate::kernel::figures::parse_scope(text)
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
