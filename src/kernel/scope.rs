//! Scoped queries: the one way a list is limited to what a user may see. A table whose rows
//! belong to a BLKK declares, once, where it says which BLKK and where that BLKK lies
//! ([`On`]); a list appends the user's [`Scope`] with [`Sql::scoped`]. Every declared
//! [`On`] is registered at start-up ([`register`]) so one test checks, for every scope of
//! every organisation, that the SQL selects exactly the rows the pure rule
//! ([`Scope::covers`]) admits.

use std::sync::OnceLock;

use crate::kernel::access::Scope;
use crate::kernel::db::Sql;

/// Where rows of one table say which BLKK they belong to. `from` is the table with its
/// alias and the join to `centres` the area columns come from; the columns are written as
/// the query writes them.
#[derive(Debug, Clone, Copy)]
pub struct On {
    /// A name for messages ("visits", "aid allocations").
    pub name: &'static str,
    /// `FROM` text that makes the columns below valid, e.g.
    /// `visits v JOIN centres c ON c.org_id = v.centre_id`.
    pub from: &'static str,
    /// The BLKK's id (`v.centre_id`).
    pub centre: &'static str,
    /// Its province and regency codes (`c.province_code`, `c.regency_code`).
    pub province: &'static str,
    pub regency: &'static str,
    /// Its UPTP's id, when the row carries it (`c.pembina_id`); otherwise a UPTP's scope
    /// is looked up in `centres`.
    pub pembina: Option<&'static str>,
}

impl On {
    /// Rows of the `centres` table itself, aliased `c`.
    pub const CENTRES: On = On {
        name: "centres",
        from: "centres c",
        centre: "c.org_id",
        province: "c.province_code",
        regency: "c.regency_code",
        pembina: Some("c.pembina_id"),
    };
}

impl Sql {
    /// Appends ` AND (...)` limiting the rows described by `on` to `scope`. Mirrors
    /// [`Scope::covers`].
    pub fn scoped(&mut self, scope: &Scope, on: &On) -> &mut Self {
        match scope {
            Scope::All => {}
            Scope::Pembina(org) => match on.pembina {
                Some(col) => {
                    self.push(" AND ").push(col).push(" = ").push_bind(*org);
                }
                None => {
                    self.push(" AND ")
                        .push(on.centre)
                        .push(" IN (SELECT p.org_id FROM centres p WHERE p.pembina_id = ")
                        .push_bind(*org)
                        .push(")");
                }
            },
            // A province's code has two digits, a regency's five (`32.04`): one column
            // each, so the query can use its index (an `OR` of both would read them all).
            Scope::Region(area) => {
                let column = if area.len() == 2 {
                    on.province
                } else {
                    on.regency
                };
                self.push(" AND ")
                    .push(column)
                    .push(" = ")
                    .push_bind(area.as_str());
            }
            Scope::Forum(org) => {
                // Driven from the forum's member list (its key), not from every BLKK.
                self.push(" AND ")
                    .push(on.centre)
                    .push(" IN (SELECT m.centre_id FROM forum_members m WHERE m.forum_id = ")
                    .push_bind(*org)
                    .push(")");
            }
            Scope::Centre(id) => {
                self.push(" AND ")
                    .push(on.centre)
                    .push(" = ")
                    .push_bind(*id);
            }
            Scope::Nothing => {
                self.push(" AND 1 = 0");
            }
        }
        self
    }

    /// [`Sql::scoped`] for every one of `scopes` (a list limited both by the user and by a
    /// chosen area, say).
    pub fn scoped_all(&mut self, scopes: &[Scope], on: &On) -> &mut Self {
        for s in scopes {
            self.scoped(s, on);
        }
        self
    }
}

static TABLES: OnceLock<Vec<On>> = OnceLock::new();

/// Registers every feature's scoped tables, once (called by `crate::init`).
pub fn register(tables: impl FnOnce() -> Vec<On>) {
    TABLES.get_or_init(tables);
}

/// Every scoped table, as registered.
pub fn tables() -> &'static [On] {
    TABLES.get().map_or(&[], Vec::as_slice)
}
