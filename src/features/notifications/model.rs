//! Notifications: their kinds, how each reaches a user, a user's preferences, and the text
//! of their e-mails (no I/O).
//!
//! The kinds are data: `notification_kinds` holds each kind's labels, its default delivery
//! and the roles it concerns (seeded by migration 0019). [`Kind`] is the one place the code
//! names them, by code: the events that send each.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::code_enum;
use crate::kernel::access::Role;
use crate::kernel::validate::FieldErrors;

code_enum! {
    /// The kinds of notification the code sends, each a row of `notification_kinds`.
    pub enum Kind {
        /// A report falls due within 3 days (to the BLKK; daily, once per period).
        ReportDueSoon = "report_due_soon",
        /// A report is late while late reports are still taken (to the BLKK).
        ReportOverdue = "report_overdue",
        /// A report was sent (to its pembina).
        ReportSubmitted = "report_submitted",
        /// A report was returned with a comment (to its BLKK).
        ReportReturned = "report_returned",
        /// A comment on a report (to the other side).
        ReportCommented = "report_commented",
        ReportVerified = "report_verified",
        ReportReopened = "report_reopened",
        /// A public application to a batch (to the BLKK's managers).
        ApplicationReceived = "application_received",
        /// An agreement waits for the partner's confirmation (to the partner's users).
        PartnershipToConfirm = "partnership_to_confirm",
        /// The partner confirmed an agreement (to its holder).
        PartnershipConfirmed = "partnership_confirmed",
        /// An agreement ends within 60, then 30 days (to its holder).
        PartnershipEnding = "partnership_ending",
        /// The BLKK answered a follow-up action (to its pembina).
        ActionAnswered = "action_answered",
        /// A follow-up action falls due (to the BLKK; daily, once per due date).
        ActionDue = "action_due",
        /// Someone invited accepted their invitation (to who invited them).
        InvitationAccepted = "invitation_accepted",
    }
}

code_enum! {
    /// How a kind of notification reaches a user.
    pub enum Delivery {
        /// In the app only.
        App = "app",
        /// In the app and by e-mail at once.
        Email = "email",
        /// In the app and in one e-mail a day listing them.
        Digest = "digest",
    }
}

/// A kind of notification as stored: its labels, default delivery and the roles it concerns.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct KindInfo {
    pub code: String,
    pub label_id: String,
    pub label_en: String,
    /// How it reaches a user who has not chosen.
    #[serde(rename = "default")]
    pub delivery: Delivery,
    /// The roles it concerns, comma-separated (`pengelola,forum`).
    #[serde(skip)]
    pub roles: String,
}

impl KindInfo {
    /// Whether it concerns users of `role`.
    pub fn concerns(&self, role: Role) -> bool {
        self.roles.split(',').any(|r| r.trim() == role.as_str())
    }

    pub fn label(&self, en: bool) -> &str {
        if en { &self.label_en } else { &self.label_id }
    }
}

/// A user's preferences: how each kind that concerns them reaches them.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Preferences {
    /// Send back as `version` (or `If-Match`) with a change.
    pub version: i64,
    /// Each kind's delivery, by kind code: the user's choice, else the kind's default.
    pub preferences: BTreeMap<String, Delivery>,
    /// The kinds that concern the user's role, in order.
    pub kinds: Vec<KindInfo>,
}

impl Preferences {
    /// The delivery of `kind` (its default when not listed).
    pub fn of(&self, kind: &KindInfo) -> Delivery {
        self.preferences
            .get(&kind.code)
            .copied()
            .unwrap_or(kind.delivery)
    }
}

impl crate::kernel::web::version::Versioned for Preferences {
    fn version(&self) -> i64 {
        self.version
    }
}

/// A change of preferences, from the API or the form: the delivery of each kind named
/// (`app`, `email` or `digest`); a kind not named goes back to its default.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PreferencesInput {
    /// Delivery by kind code; only kinds that concern the user's role.
    #[schema(value_type = BTreeMap<String, Delivery>)]
    pub preferences: BTreeMap<String, String>,
    /// The version read; refused (409) if the preferences changed since.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

impl PreferencesInput {
    /// Checks each named kind against `kinds` (those that concern the user): an unknown
    /// kind or delivery is an error on `preferences.<kind>`.
    pub fn validate(&self, kinds: &[KindInfo]) -> Result<BTreeMap<String, Delivery>, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut chosen = BTreeMap::new();
        for (code, value) in &self.preferences {
            let field = format!("preferences.{code}");
            if !kinds.iter().any(|k| &k.code == code) {
                e.add(field, "unknown_kind");
                continue;
            }
            match Delivery::parse(value.trim()) {
                Some(d) => {
                    chosen.insert(code.clone(), d);
                }
                None => e.add(field, "invalid_choice"),
            }
        }
        e.finish(chosen)
    }
}

/// One notification in a digest.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestItem {
    pub label: String,
    pub text: String,
    pub link: String,
    pub created_at: OffsetDateTime,
}

/// The e-mail of one notification: `(subject, body)`.
pub fn notice_mail(label: &str, text: &str, link: &str) -> (String, String) {
    (
        format!("Simandiri: {label} – {text}"),
        format!("{label}\n\n{text}\n\nBuka di Simandiri: {link}\n"),
    )
}

/// The daily digest e-mail of `items` (oldest first): `(subject, body)`.
pub fn digest_mail(items: &[DigestItem]) -> (String, String) {
    let mut body = String::from("Pemberitahuan Simandiri sejak ringkasan terakhir:\n\n");
    for i in items {
        let at = crate::kernel::time::format_datetime(
            i.created_at,
            crate::kernel::time::Zone::Wib,
            false,
        );
        body.push_str(&format!("- {}: {}\n  {at} · {}\n", i.label, i.text, i.link));
    }
    body.push_str("\nAtur cara setiap jenis pemberitahuan dikirim di halaman akun Anda: /me\n");
    (
        format!("Simandiri: ringkasan harian, {} pemberitahuan", items.len()),
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(code: &str, roles: &str) -> KindInfo {
        KindInfo {
            code: code.into(),
            label_id: code.into(),
            label_en: code.into(),
            delivery: Delivery::Email,
            roles: roles.into(),
        }
    }

    #[test]
    fn only_known_kinds_and_deliveries_are_taken() {
        let kinds = [kind("report_returned", "pengelola")];
        let mut input = PreferencesInput::default();
        input
            .preferences
            .insert("report_returned".into(), "digest".into());
        let ok = input.validate(&kinds).unwrap();
        assert_eq!(ok.get("report_returned"), Some(&Delivery::Digest));
        input.preferences.insert("nope".into(), "app".into());
        input
            .preferences
            .insert("report_returned".into(), "fax".into());
        let e = input.validate(&kinds).unwrap_err();
        assert_eq!(e.get("preferences.nope"), Some("unknown_kind"));
        assert_eq!(e.get("preferences.report_returned"), Some("invalid_choice"));
    }

    #[test]
    fn a_kind_concerns_the_roles_listed() {
        let k = kind("x", "pengelola,forum");
        assert!(k.concerns(Role::Forum));
        assert!(!k.concerns(Role::Pembina));
    }
}
