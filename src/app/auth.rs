//! Passwords and signing in.

use std::net::IpAddr;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use time::Duration;

use super::{AppError, now};
use crate::domain::validation::FieldErrors;
use crate::storage::users::User;
use crate::storage::{Db, throttle, users};

/// Failed attempts allowed per e-mail address, and per client address, in [`WINDOW`].
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_CLIENT: i64 = 30;
pub const WINDOW: Duration = Duration::minutes(15);

pub const MIN_PASSWORD_LEN: usize = 10;

/// Checks a new password against the policy.
pub fn password_policy(password: &str) -> Result<(), FieldErrors> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN {
        Err(FieldErrors::single("password", "password_too_short"))
    } else if n > 128 {
        Err(FieldErrors::single("password", "too_long"))
    } else {
        Ok(())
    }
}

/// Hashes with Argon2id (default parameters, random salt).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing failed: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that unknown accounts and
/// wrong passwords take the same time.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing").unwrap_or_default())
}

/// Signs in by e-mail and password. Unknown account, wrong password and disabled account
/// give the same answer; repeated failures per account or per client are refused for a while.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<User, AppError> {
    let email = email.trim().to_lowercase();
    let account_key = format!("account:{email}");
    let client_key = client.map(|ip| format!("client:{ip}"));
    let since = now() - WINDOW;
    if throttle::failures_since(db, &account_key, since).await? >= MAX_FAILURES_PER_ACCOUNT {
        return Err(AppError::TooManyAttempts);
    }
    if let Some(k) = &client_key
        && throttle::failures_since(db, k, since).await? >= MAX_FAILURES_PER_CLIENT
    {
        return Err(AppError::TooManyAttempts);
    }
    let user = users::by_email(db, &email).await?;
    let hash = user
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |u| u.password_hash.clone());
    let password = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    match user {
        Some(u) if matches && u.active => {
            throttle::clear(db, &account_key).await?;
            Ok(u)
        }
        _ => {
            let at = now();
            throttle::record_failure(db, &account_key, at).await?;
            if let Some(k) = &client_key {
                throttle::record_failure(db, k, at).await?;
            }
            Err(AppError::BadCredentials)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn policy() {
        assert!(password_policy("short").is_err());
        assert!(password_policy("long enough pass").is_ok());
    }
}
