//! A local SMTP server for tests: it speaks enough SMTP for a real client (lettre) to
//! deliver, and keeps what arrived so tests can read it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use simandiri::kernel::web::WebConfig;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One delivered message.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
}

pub struct Mailbox {
    pub port: u16,
    received: Arc<Mutex<Vec<Delivered>>>,
}

/// How long a test waits for a message (the worker looks every second; CI is busy).
const PATIENCE: Duration = Duration::from_secs(30);

impl Mailbox {
    pub async fn start() -> Mailbox {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = session(socket, store).await;
                });
            }
        });
        Mailbox { port, received }
    }

    /// Settings that send the server's mail here.
    pub fn config(&self) -> WebConfig {
        WebConfig {
            smtp_url: Some(format!("smtp://127.0.0.1:{}", self.port)),
            mail_from: "Simandiri <noreply@simandiri.test>".into(),
            public_url: "http://simandiri.test".into(),
            ..Default::default()
        }
    }

    /// The messages delivered so far.
    pub fn all(&self) -> Vec<Delivered> {
        self.received.lock().unwrap().clone()
    }

    /// Waits for the first message to `to` (after `skip` earlier ones to the same address).
    pub async fn next_to(&self, to: &str, skip: usize) -> Delivered {
        let started = std::time::Instant::now();
        loop {
            let found: Vec<Delivered> = self
                .all()
                .into_iter()
                .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
                .collect();
            if let Some(m) = found.get(skip) {
                return m.clone();
            }
            assert!(
                started.elapsed() < PATIENCE,
                "no mail to {to} within {PATIENCE:?}; got {:?}",
                self.all()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The one-time link in a message's text that starts with `prefix`.
pub fn link(m: &Delivered, prefix: &str) -> String {
    m.text
        .split_whitespace()
        .find(|w| w.starts_with(prefix))
        .unwrap_or_else(|| panic!("no link {prefix} in {:?}", m.text))
        .to_owned()
}

/// The token of a one-time link.
pub fn token(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").to_owned()
}

async fn session(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<Delivered>>>,
) -> std::io::Result<()> {
    let (r, mut w) = socket.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_ascii_uppercase();
        if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
            w.write_all(b"250-sink.test\r\n250 8BITMIME\r\n").await?;
        } else if cmd.starts_with("MAIL FROM") {
            to.clear();
            w.write_all(b"250 OK\r\n").await?;
        } else if cmd.starts_with("RCPT TO") {
            let addr = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned();
            to.push(addr);
            w.write_all(b"250 OK\r\n").await?;
        } else if cmd == "DATA" {
            w.write_all(b"354 go ahead\r\n").await?;
            let mut data = Vec::new();
            loop {
                let mut l = Vec::new();
                if r.read_until(b'\n', &mut l).await? == 0 {
                    return Ok(());
                }
                if l == b".\r\n" {
                    break;
                }
                // Dot-stuffing: a leading ".." stands for ".".
                if l.starts_with(b"..") {
                    l.remove(0);
                }
                data.extend_from_slice(&l);
            }
            let parsed = mail_parser::MessageParser::default()
                .parse(&data)
                .expect("a message");
            store.lock().unwrap().push(Delivered {
                to: to.clone(),
                subject: parsed.subject().unwrap_or_default().to_owned(),
                text: parsed.body_text(0).unwrap_or_default().into_owned(),
            });
            w.write_all(b"250 queued\r\n").await?;
        } else if cmd == "QUIT" {
            w.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            // RSET, NOOP and anything else.
            w.write_all(b"250 OK\r\n").await?;
        }
    }
}
