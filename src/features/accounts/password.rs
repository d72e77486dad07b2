//! Password hashing (Argon2id) on a small pool of dedicated threads.
//!
//! Each hash takes about 19 MiB and tens of milliseconds of one core. Running them on as many
//! threads as there are cores, behind a short queue, bounds both: a burst of sign-ins waits
//! its turn or is told the server is busy (503), instead of running hundreds of hashes at
//! once and keeping their memory.

use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::kernel::error::AppError;

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    jobs: SyncSender<Job>,
}

/// Jobs that may wait per hashing thread before callers are turned away.
const QUEUE_PER_THREAD: usize = 8;

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (tx, rx) = sync_channel::<Job>(threads * QUEUE_PER_THREAD);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .expect("spawn a hashing thread");
        }
        Pool { jobs: tx }
    })
}

/// Runs `f` on the hashing pool; [`AppError::Busy`] when its queue is full.
async fn on_pool<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    match pool().jobs.try_send(job) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => return Err(AppError::Busy),
        Err(TrySendError::Disconnected(_)) => {
            return Err(AppError::internal(anyhow::anyhow!("hashing pool stopped")));
        }
    }
    rx.await
        .map_err(|_| AppError::internal(anyhow::anyhow!("hashing job lost")))
}

fn hash_now(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(anyhow::anyhow!("hashing failed: {e}")))
}

fn verify_now(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes with Argon2id (default parameters, random salt).
pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    on_pool(move || hash_now(&password)).await?
}

/// Whether `password` matches `hash`. With no hash (an unknown account) it checks against a
/// decoy, so unknown accounts and wrong passwords take the same time.
pub async fn verify(hash: Option<String>, password: &str) -> Result<bool, AppError> {
    let password = password.to_owned();
    on_pool(move || match hash {
        Some(h) => verify_now(&h, &password),
        None => {
            static DECOY: OnceLock<String> = OnceLock::new();
            let decoy = DECOY.get_or_init(|| {
                hash_now("decoy password that matches nothing").unwrap_or_default()
            });
            verify_now(decoy, &password);
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify(Some(h.clone()), "correct horse battery")
                .await
                .unwrap()
        );
        assert!(!verify(Some(h), "wrong").await.unwrap());
        assert!(!verify(Some("not a hash".into()), "x").await.unwrap());
        assert!(!verify(None, "x").await.unwrap());
    }
}
