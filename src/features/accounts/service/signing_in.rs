//! Signing in: throttled per account, per known device or address and per client (with
//! bounded password hashing), the owner warned of guessing, and who is signed in.

use std::net::IpAddr;

use time::Duration;

use super::{new_token, token_hash};
use crate::features::accounts::model::User;
use crate::features::accounts::password;
use crate::features::accounts::store;
use crate::features::mail::model::Mail;
use crate::features::mail::service as mail;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;
use crate::kernel::time::now;
use crate::kernel::web::SignedIn;
use crate::kernel::web::i18n::Lang;

/// Failed sign-ins allowed in [`WINDOW`] to an account from the devices and addresses it
/// never signed in from, all of them together; beyond, only those are refused (and the owner
/// is told by e-mail, once).
pub const MAX_ATTEMPTS_PER_ACCOUNT: i64 = 5;
/// Attempts allowed in [`WINDOW`] to an account from each device or address it signed in
/// from before, on that device's or address's own counter.
pub const MAX_ATTEMPTS_PER_KNOWN_CLIENT: i64 = 5;
/// Attempts allowed in [`WINDOW`] from one client address, whatever the accounts.
pub const MAX_ATTEMPTS_PER_CLIENT: i64 = 30;
pub const WINDOW: Duration = Duration::minutes(15);
/// A device or address stays known to an account this long after its last sign-in there
/// (also the life of the device cookie).
pub const KNOWN_FOR: Duration = Duration::days(90);

/// Where a sign-in comes from: the client's address, and the device token its browser kept
/// from an earlier sign-in (the device cookie).
#[derive(Debug, Clone, Default)]
pub struct SignInFrom {
    pub address: Option<IpAddr>,
    pub device: Option<String>,
}

impl SignInFrom {
    /// From this address, without a device token.
    pub fn address(ip: IpAddr) -> SignInFrom {
        SignInFrom {
            address: Some(ip),
            device: None,
        }
    }

    /// The device token, when it is one this server could have made.
    fn device_token(&self) -> Option<&str> {
        self.device
            .as_deref()
            .filter(|d| d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()))
    }
}

/// The hashes under which a device token and an address are known (`known_clients`).
fn device_hash(token: &str) -> String {
    token_hash(&format!("device:{token}"))
}

fn address_hash(ip: IpAddr) -> String {
    token_hash(&format!("address:{ip}"))
}

/// Signs in by e-mail and password; the user, and the device token for the browser to keep
/// (the one it sent, or a new one). Unknown account, wrong password and disabled account give
/// the same answer.
///
/// Each attempt is counted, atomically, before the password is checked, so parallel attempts
/// cannot race past the limits: on the account's own counter for a device (else an address)
/// the account signed in from before, otherwise on the account's counter for unknown
/// devices and addresses (whose exceeding is told to the owner by e-mail, once per window);
/// and on the client address's counter. So failures from elsewhere never hold back the
/// owner's known devices, while guesses stay a few per account and window. A success is not
/// held against the counters, and makes the device and the address known.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    from: &SignInFrom,
) -> Result<(User, String), AppError> {
    let email = email.trim().to_lowercase();
    let device = from.device_token().map(device_hash);
    let address = from.address.map(address_hash);
    let client_key = from.address.map(|ip| format!("client:{ip}"));
    let at = now();
    let mut tx = db.begin().await?;
    let candidates: Vec<String> = device.iter().chain(&address).cloned().collect();
    let known = store::known_clients(&mut tx, &email, &candidates, at - KNOWN_FOR).await?;
    // The device when it is known, else the address when it is.
    let known = candidates.into_iter().find(|h| known.contains(h));
    let (key, limit) = match &known {
        Some(h) => (format!("known:{email}:{h}"), MAX_ATTEMPTS_PER_KNOWN_CLIENT),
        None => (format!("account:{email}"), MAX_ATTEMPTS_PER_ACCOUNT),
    };
    let n = store::count_attempt(&mut tx, &key, at, WINDOW).await?;
    let by_client = match &client_key {
        Some(k) => store::count_attempt(&mut tx, k, at, WINDOW).await?,
        None => 0,
    };
    if known.is_none() && n == MAX_ATTEMPTS_PER_ACCOUNT + 1 {
        warn_owner(&mut tx, &email).await?;
    }
    tx.commit().await?;
    if n > limit || by_client > MAX_ATTEMPTS_PER_CLIENT {
        return Err(AppError::TooManyAttempts);
    }
    let user = store::by_email(db, &email).await?;
    // An invited account without a password is checked against the decoy, like an
    // unknown one: the same answer in the same time.
    let hash = user
        .as_ref()
        .filter(|u| !u.pending())
        .map(|u| u.password_hash.clone());
    let matches = password::verify(hash, password).await?;
    match user {
        Some(u) if matches && u.active && !u.pending() => {
            let token = from
                .device_token()
                .map_or_else(|| new_token().0, str::to_owned);
            let at = now();
            let mut tx = db.begin().await?;
            store::uncount_attempt(&mut tx, &key).await?;
            if let Some(k) = &client_key {
                store::uncount_attempt(&mut tx, k).await?;
            }
            store::remember_client(&mut tx, u.id, &device_hash(&token), at).await?;
            if let Some(a) = &address {
                store::remember_client(&mut tx, u.id, a, at).await?;
            }
            tx.commit().await?;
            Ok((u, token))
        }
        _ => Err(AppError::BadCredentials),
    }
}

/// Tells an account's owner that sign-ins from unknown devices and addresses are held for a
/// while after too many failures, in the transaction that counted the one too many (so once
/// per window). Nothing for an address without an active account.
async fn warn_owner(tx: &mut Tx, email: &str) -> Result<(), AppError> {
    let Some(user) = store::by_email_in(tx, email)
        .await?
        .filter(|u| u.active && !u.pending())
    else {
        return Ok(());
    };
    let lang = Lang::Id;
    let minutes = WINDOW.whole_minutes().to_string();
    let failures = MAX_ATTEMPTS_PER_ACCOUNT.to_string();
    let message = Mail {
        to: user.email.clone(),
        subject: lang.t("mail.sign_in_warning_subject").into_owned(),
        body: lang.tf(
            "mail.sign_in_warning_body",
            &[
                ("name", &user.name),
                ("failures", &failures),
                ("minutes", &minutes),
            ],
        ),
        secret: false,
    };
    mail::queue(tx, &message).await?;
    Ok(())
}

/// The signed-in user behind a session's user id, if the account is still active.
pub async fn identify(db: &Db, user_id: i64) -> Result<Option<SignedIn>, AppError> {
    let Some(user) = store::get(db, user_id).await?.filter(|u| u.active) else {
        return Ok(None);
    };
    let mut signed_in = user.signed_in();
    signed_in.unread = crate::features::notifications::service::unread(db, user_id).await?;
    Ok(Some(signed_in))
}

/// Forgets sign-in attempt windows that have ended, and devices and addresses unused for
/// [`KNOWN_FOR`].
pub async fn purge_attempts(db: &Db) -> Result<u64, AppError> {
    let at = now();
    Ok(store::purge_attempts(db, at - WINDOW).await?
        + store::purge_known(db, at - KNOWN_FOR).await?)
}
