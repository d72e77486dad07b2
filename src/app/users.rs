//! Account use cases.

use serde_json::json;

use super::{AppError, auth, now};
use crate::domain::role::Role;
use crate::domain::validation::{FieldErrors, check};
use crate::storage::audit::Entity;
use crate::storage::users::NewUser;
use crate::storage::{Db, StoreError, orgs, users};

/// Creates an account after checking the e-mail, the password policy, and that the
/// organisation exists and suits the role. `actor_id` is `None` for the CLI.
pub async fn create(
    db: &Db,
    actor_id: Option<i64>,
    email: &str,
    name: &str,
    role: Role,
    org_id: Option<i64>,
    password: &str,
) -> Result<i64, AppError> {
    let mut e = FieldErrors::new();
    let email = match check::email(email) {
        Ok(v) if v.is_empty() => {
            e.add("email", "required");
            v
        }
        Ok(v) => v,
        Err(c) => {
            e.add("email", c);
            String::new()
        }
    };
    let name = check::optional(name, 120).unwrap_or_else(|c| {
        e.add("name", c);
        String::new()
    });
    if let Err(p) = auth::password_policy(password) {
        for f in p.iter() {
            e.add(f.field, f.code);
        }
    }
    match org_id {
        None if role.requires_org() => e.add("org_id", "required"),
        None => {}
        Some(id) => match orgs::get(db, id).await? {
            Some(o) if o.kind() == role.org_kind() => {}
            Some(_) => e.add("org_id", "wrong_org_kind"),
            None => e.add("org_id", "not_found"),
        },
    }
    e.finish(())?;
    let hash = {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || auth::hash_password(&password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??
    };
    let at = now();
    let mut tx = db.begin().await?;
    let new = NewUser {
        email: email.clone(),
        name: name.clone(),
        role,
        org_id,
        password_hash: hash,
    };
    let id = match users::insert(&mut tx, &new, at).await {
        Err(StoreError::Duplicate(_)) => return Err(AppError::invalid("email", "duplicate")),
        other => other?,
    };
    let changes = crate::domain::audit::created(&[
        ("name", json!(name)),
        ("role", json!(role.as_str())),
        ("org_id", json!(org_id)),
    ]);
    crate::storage::audit::record(&mut tx, actor_id, Entity::User, id, "create", &changes, at)
        .await?;
    tx.commit().await?;
    Ok(id)
}
