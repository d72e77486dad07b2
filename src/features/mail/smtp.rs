//! The SMTP transport (lettre) and the worker that sends the queue.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::service;
use crate::kernel::db::Db;

/// How often the worker looks for due messages (other processes may have queued some).
pub const POLL: Duration = Duration::from_secs(1);

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// `url`: `smtp://host:port` (plain, or STARTTLS with `?tls=required`) or
    /// `smtps://host:port`, with `user:password@` when the server wants them.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Smtp> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("--mail-from {from:?}: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Smtp { transport, from })
    }
}

impl Smtp {
    /// Sends one message; the error is kept on the outbox page.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("address {to:?}: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Sends due messages until the process stops, checking every [`POLL`].
pub async fn run(db: Db, smtp: Smtp) {
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = service::deliver_due(&db, &smtp).await {
            tracing::warn!(error = ?e, "mail worker");
        }
    }
}
