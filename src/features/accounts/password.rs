//! Password hashing (Argon2id) on a small pool of dedicated threads.
//!
//! Each hash takes about 19 MiB and tens of milliseconds of one core. Running them on as many
//! threads as there are cores, behind a short queue, bounds both: a burst of sign-ins waits
//! its turn (up to 5 s) or is told the server is busy (503), instead of running hundreds of
//! hashes at once. Each thread also keeps one Argon2 memory buffer and reuses it: allocating 19 MiB
//! (64-byte aligned) per hash made the C allocator keep a new 19 MiB after every sign-in.

use std::cell::RefCell;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::Semaphore;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;

use crate::kernel::error::AppError;

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    jobs: Sender<Job>,
    /// Places for jobs queued or running: a caller waits for one, up to [`WAIT`].
    places: Arc<Semaphore>,
}

/// Jobs that may be queued or running per hashing thread.
const QUEUE_PER_THREAD: usize = 8;
/// How long a caller waits for a place before being told the server is busy.
const WAIT: Duration = Duration::from_secs(5);

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (tx, rx) = channel::<Job>();
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
        Pool {
            jobs: tx,
            places: Arc::new(Semaphore::new(threads * QUEUE_PER_THREAD)),
        }
    })
}

/// Runs `f` on the hashing pool; [`AppError::Busy`] when no place frees up in time.
async fn on_pool<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    let pool = pool();
    let place = match tokio::time::timeout(WAIT, pool.places.clone().acquire_owned()).await {
        Ok(Ok(place)) => place,
        _ => return Err(AppError::Busy),
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
        drop(place);
    });
    pool.jobs
        .send(job)
        .map_err(|_| AppError::internal(anyhow::anyhow!("hashing pool stopped")))?;
    rx.await
        .map_err(|_| AppError::internal(anyhow::anyhow!("hashing job lost")))
}

thread_local! {
    /// This hashing thread's Argon2 memory, reused by every hash it computes.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Argon2 of `password` and `salt` into `out`, in this thread's reused memory. (Every block
/// is written before it is read, so the buffer needs no clearing between uses.)
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    BLOCKS.with(|b| {
        let mut blocks = b.borrow_mut();
        let n = params.block_count();
        if blocks.len() < n {
            blocks.resize(n, Block::default());
        }
        Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password,
            salt,
            out,
            &mut blocks[..n],
        )
    })
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let fail =
        |e: &dyn std::fmt::Display| AppError::internal(anyhow::anyhow!("hashing failed: {e}"));
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let params = Params::default();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(
        Algorithm::Argon2id,
        Version::V0x13,
        params.clone(),
        password.as_bytes(),
        &salt,
        &mut out,
    )
    .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(Salt::new(&salt).map_err(|e| fail(&e))?),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

fn verify_now(hash: &str, password: &str) -> bool {
    let Ok(phc) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(phc.algorithm.as_str()),
        Version::try_from(phc.version.unwrap_or(0x13)),
        Params::try_from(&phc),
    ) else {
        return false;
    };
    let mut out = vec![0u8; expected.as_bytes().len()];
    compute(algorithm, version, params, password.as_bytes(), salt, &mut out).is_ok()
        // Output's comparison takes the same time however much of it matches.
        && Output::new(&out).is_ok_and(|computed| computed == *expected)
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

    #[test]
    fn hashes_match_the_reference_implementation_and_reuse_memory() {
        use argon2::password_hash::PasswordVerifier;
        let h = hash_now("correct horse battery").unwrap();
        let phc = PasswordHash::new(&h).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &phc)
                .is_ok()
        );
        let reference = argon2::password_hash::PasswordHasher::hash_password(
            &Argon2::default(),
            b"another one",
        )
        .unwrap()
        .to_string();
        assert!(verify_now(&reference, "another one"));
        assert!(!verify_now(&reference, "another two"));
        let len = BLOCKS.with(|b| b.borrow().len());
        assert_eq!(len, Params::default().block_count(), "one buffer, kept");
    }

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
