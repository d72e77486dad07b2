//! Outgoing e-mail: what a message holds, how it fares in the queue, and when a failed one
//! is tried again.

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::code_enum;

/// A message to send. Plain text: it reads the same in every mail client and on a phone.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The body holds a secret (a one-time link): it is emptied once the message is sent,
    /// and shown on the outbox page only while no SMTP server is configured.
    pub secret: bool,
}

code_enum! {
    /// Where a message is in the queue.
    pub enum MailStatus {
        /// Waiting to be sent (or to be read on the outbox page when there is no SMTP).
        Menunggu = "menunggu",
        Terkirim = "terkirim",
        /// Given up after [`MAX_ATTEMPTS`] tries.
        Gagal = "gagal",
    }
}

/// A message as the outbox page lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OutboxEntry {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub secret: bool,
    pub created_at: OffsetDateTime,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<OffsetDateTime>,
    pub failed_at: Option<OffsetDateTime>,
}

impl OutboxEntry {
    pub fn status(&self) -> MailStatus {
        match (self.sent_at, self.failed_at) {
            (Some(_), _) => MailStatus::Terkirim,
            (None, Some(_)) => MailStatus::Gagal,
            _ => MailStatus::Menunggu,
        }
    }
}

/// A message claimed by a worker for sending.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    /// Tries so far, this one included.
    pub attempts: i64,
}

/// Tries before a message is given up.
pub const MAX_ATTEMPTS: i64 = 10;
/// How long a worker holds a claimed message before another may try it (a worker that died
/// mid-send gives its messages back this way).
pub const LEASE: Duration = Duration::minutes(5);

/// When to try again after the `attempts`-th try failed: 30 s, 1 min, 2 min, … up to 6 h.
pub fn retry_at(attempts: i64, now: OffsetDateTime) -> OffsetDateTime {
    let exp = attempts.clamp(1, 20) - 1;
    let secs = (30i64 << exp).min(6 * 3600);
    now + Duration::seconds(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_a_ceiling() {
        let t = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(retry_at(1, t) - t, Duration::seconds(30));
        assert_eq!(retry_at(2, t) - t, Duration::seconds(60));
        assert_eq!(retry_at(5, t) - t, Duration::seconds(480));
        assert_eq!(retry_at(12, t) - t, Duration::hours(6));
        assert_eq!(retry_at(99, t) - t, Duration::hours(6));
    }
}
