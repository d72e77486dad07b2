//! A form field that chooses a record by searching, never by typing a database number:
//! the user types part of a name, and chooses among what they may choose
//! ([`records::search`]). With JavaScript the choices refresh as they type (htmx fetches
//! `/records/options`); without it, a "Cari" button sends the form back to its own page with
//! `_pick` set, which shows it again, as typed, with the choices (nothing is saved).
//!
//! Render with `{% call form::picker(page, errors, picker, label) %}`; a form with pickers
//! checks [`picking`] before saving.

use serde::Serialize;

use crate::kernel::access::Actor;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::records::{self, Pickable};

/// How many choices a picker offers at once.
pub const CHOICES: i64 = 20;

/// A picker's state for one form: its field, what is chosen, what was searched and found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecordPicker {
    /// The form field that carries the chosen id (`centre_id`).
    pub field: String,
    /// The record kind it chooses (`centre`).
    pub kind: String,
    /// The search as typed (sent as `<field>_q`).
    pub q: String,
    /// The record chosen now, if any.
    pub chosen: Option<Pickable>,
    /// What the search found (empty before a search).
    pub options: Vec<Pickable>,
    /// A search was made (so "nothing found" can be said).
    pub searched: bool,
}

impl RecordPicker {
    /// A picker of `kind` for `field`, showing `chosen` (an id as sent, resolved to its
    /// name if the actor may choose it) and, when `q` is not empty, what it finds.
    pub async fn load(
        db: &Db,
        actor: &Actor,
        field: &str,
        kind: &str,
        chosen: Option<i64>,
        q: &str,
    ) -> Result<RecordPicker, AppError> {
        let chosen = match chosen {
            Some(id) if records::may_choose(db, actor, kind, id).await? => {
                records::resolve(db, &[(kind, id)])
                    .await?
                    .into_iter()
                    .next()
                    .map(|r| Pickable {
                        id: r.id,
                        name: r.name,
                        detail: String::new(),
                    })
            }
            _ => None,
        };
        let searched = !q.trim().is_empty();
        let chosen_id = chosen.as_ref().map(|c| c.id);
        let options = if searched {
            records::search(db, actor, kind, q, CHOICES).await?
        } else {
            Vec::new()
        };
        Ok(RecordPicker {
            field: field.to_owned(),
            kind: kind.to_owned(),
            q: q.trim().to_owned(),
            chosen,
            options: options
                .into_iter()
                .filter(|o| Some(o.id) != chosen_id)
                .collect(),
            searched,
        })
    }

    /// Whether `id` is the chosen record (for the radio that stays checked).
    pub fn is_chosen(&self, id: &i64) -> bool {
        self.chosen.as_ref().is_some_and(|c| c.id == *id)
    }
}

/// What a form with pickers sends besides its record: which picker's "Cari" was pressed
/// (`_pick`), and each picker's search (`<field>_q`), read from the same form body as the
/// record's input.
#[derive(Debug, Clone, Default)]
pub struct Picking {
    pub pick: String,
    pub searches: std::collections::HashMap<String, String>,
}

impl Picking {
    /// From an URL-encoded form body.
    pub fn parse(body: &[u8]) -> Picking {
        let mut p = Picking::default();
        for (k, v) in form_urlencoded::parse(body) {
            if k == "_pick" {
                p.pick = v.into_owned();
            } else if k.ends_with("_q") {
                p.searches.insert(k.into_owned(), v.into_owned());
            }
        }
        p
    }

    /// The form was sent back to search, not to be saved.
    pub fn searching(&self) -> bool {
        !self.pick.is_empty()
    }

    /// What was typed in the search of the picker for `field`.
    pub fn q(&self, field: &str) -> &str {
        self.searches
            .get(&format!("{field}_q"))
            .map_or("", String::as_str)
    }
}
