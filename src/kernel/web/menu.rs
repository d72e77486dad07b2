//! The main menu, declared by the features: each says which entries it adds, where they
//! lead and who may see them ([`Entry`]). The layout shows the entries the signed-in user
//! (or a visitor) may see, in order; no template compares role names. Features register
//! at start-up ([`register`], called by `crate::init`).

use std::sync::OnceLock;

use crate::kernel::access::Actor;

/// One menu entry.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Where entries stand in the menu (lower first).
    pub order: u16,
    pub href: &'static str,
    /// The message key of its label (`nav.reports`).
    pub label: &'static str,
    /// Pages under this path mark the entry as the current one.
    pub section: &'static str,
    /// Who sees it: the signed-in actor, or `None` for a visitor.
    pub may_see: fn(Option<&Actor>) -> bool,
}

/// Shown to everyone.
pub fn everyone(_: Option<&Actor>) -> bool {
    true
}

/// Shown to ministry administrators.
pub fn admins(a: Option<&Actor>) -> bool {
    a.is_some_and(Actor::is_admin)
}

static MENU: OnceLock<Vec<Entry>> = OnceLock::new();

/// Registers every feature's entries, once.
pub fn register(entries: impl FnOnce() -> Vec<Entry>) {
    MENU.get_or_init(|| {
        let mut all = entries();
        all.sort_by_key(|e| e.order);
        all
    });
}

/// The entries `actor` may see, in order.
pub fn for_actor(actor: Option<&Actor>) -> impl Iterator<Item = &'static Entry> {
    MENU.get()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter(move |e| (e.may_see)(actor))
}
