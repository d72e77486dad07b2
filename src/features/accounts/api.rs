//! `/api/v1/session`: sign in, see who is signed in, sign out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::model::{Account, AccountPatch, AccountQuery, AccountStatus, InviteInput, TokenPurpose};
use super::service;
use crate::kernel::access::Role;
use crate::kernel::error::AppError;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path, Query};
use crate::kernel::web::paging::{Paged, page_in_range};
use crate::kernel::web::security::no_store;
use crate::kernel::web::session::{ClientIp, end, start};
use crate::kernel::web::version::{IfMatch, Tagged, VersionBody, or_current};
use crate::kernel::web::{AppState, SignedIn};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(max_length = 1024)]
    pub password: String,
}

/// The signed-in user as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionOut {
    pub user: Me,
}

fn out(u: &SignedIn) -> SessionOut {
    SessionOut {
        user: Me {
            id: u.actor.user_id,
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.actor.role,
            org_id: u.actor.org_id,
            org_name: u.org_name.clone(),
        },
    }
}

/// Sign in with e-mail and password; sets the session cookie, and the device cookie that
/// keeps this client's sign-ins apart from failures elsewhere.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", operation_id = "session_create",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in; the session and device cookies are set", body = SessionOut),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Wrong e-mail or password (same answer for both)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 403, description = "Sent by a browser from another site", body = ErrorBody),
        (status = 429, description = "Too many attempts from this client, or failed ones to this account from devices and addresses it never signed in from; try again later (see Retry-After)", body = ErrorBody),
        (status = 503, description = "Too many sign-ins at once; try again in a moment", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    from: service::SignInFrom,
    ApiJson(c): ApiJson<Credentials>,
) -> Result<Response, AppError> {
    let (user, device) = service::sign_in(&state.db, &c.email, &c.password, &from).await?;
    start(&session, user.id).await?;
    let mut res = Json(out(&user.signed_in())).into_response();
    no_store(&mut res);
    super::keep_device(&mut res, &state.config, &device);
    Ok(res)
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/session", tag = "session", operation_id = "session_show",
    security(("session" = [])),
    responses((status = 200, description = "Who is signed in", body = SessionOut),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn show(user: RequireUser) -> Json<SessionOut> {
    Json(out(&user.0))
}

/// Sign out: the session ends on the server.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", operation_id = "session_delete",
    responses((status = 204, description = "Signed out")))]
pub async fn delete(session: Session) -> Result<StatusCode, AppError> {
    end(&session).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UserListParams {
    /// The start of a name or an e-mail address.
    #[param(max_length = 100)]
    pub q: String,
    pub role: Option<Role>,
    pub status: Option<AccountStatus>,
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    pub org_id: Option<i64>,
    /// Page number, from 1.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

/// The accounts the caller manages: every account for ministry admins; their own
/// organisation's for a UPTP's, Disnaker's or forum's admin-flagged users and for a BLKK's
/// managers.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", operation_id = "users_list",
    params(UserListParams), security(("session" = [])),
    responses((status = 200, description = "One page of accounts, in name order", body = Paged<Account>),
        (status = 400, description = "A malformed filter or page", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Manages no accounts", body = ErrorBody)))]
pub async fn users_list(
    State(state): State<AppState>,
    user: RequireUser,
    Query(p): Query<UserListParams>,
) -> Result<Json<Paged<Account>>, AppError> {
    let page = page_in_range(p.page)?;
    if p.q.chars().count() > 100 {
        return Err(AppError::BadRequest(
            "q must be at most 100 characters".into(),
        ));
    }
    let q = AccountQuery::of(&p.q, p.role, p.status, p.org_id);
    Ok(Json(
        service::accounts(&state.db, &user.actor(), &q, page).await?,
    ))
}

/// Invite someone: the account is created without a password and an e-mail with a
/// one-time link (valid 72 hours) is queued.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", operation_id = "users_invite",
    request_body = InviteInput, security(("session" = [])),
    responses((status = 201, description = "Invited", body = Account),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Manages no accounts", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields, listed in `error.fields` (also an e-mail \
            already taken, or an organisation or role outside the caller's reach)", body = ErrorBody)))]
pub async fn users_invite(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<InviteInput>,
) -> Result<(StatusCode, Json<Account>), AppError> {
    let a = service::invite(&state.db, &user.actor(), &state.config.public_url, &input).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// One account (its managers, and its owner).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", operation_id = "users_show",
    params(("id" = i64, Path, description = "Account id")), security(("session" = [])),
    responses((status = 200, description = "The account", body = Account),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such account the caller manages", body = ErrorBody)))]
pub async fn users_show(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Tagged<Account>, AppError> {
    Ok(Tagged(
        service::account(&state.db, &user.actor(), id).await?,
    ))
}

/// Change an account: `{"active": false}` deactivates it and ends its sessions at once;
/// also `name` and `org_admin`.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", operation_id = "users_update",
    request_body = AccountPatch, params(("id" = i64, Path, description = "Account id")),
    security(("session" = [])),
    responses((status = 200, description = "The account as it now is", body = Account),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of this account", body = ErrorBody),
        (status = 404, description = "No such account the caller manages", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 422, description = "Invalid fields (e.g. deactivating oneself)", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn users_update(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(mut patch): ApiJson<AccountPatch>,
) -> Result<Tagged<Account>, AppError> {
    let actor = user.actor();
    patch.version = if_match.or(patch.version)?;
    let saved = service::update(&state.db, &actor, id, &patch).await;
    Ok(Tagged(
        or_current(saved, service::account(&state.db, &actor, id)).await?,
    ))
}

/// Send a new invitation link (the old ones stop working) to an account that has not set
/// its password yet.
#[utoipa::path(post, path = "/api/v1/users/{id}/invitation", tag = "users",
    operation_id = "users_reinvite", params(("id" = i64, Path, description = "Account id")),
    request_body = VersionBody, security(("session" = [])),
    responses((status = 202, description = "A new link is queued"),
        (status = 400, body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of this account", body = ErrorBody),
        (status = 404, description = "No such account the caller manages", body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "The account is not waiting on an invitation", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn users_reinvite(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(b): ApiJson<VersionBody>,
) -> Result<StatusCode, AppError> {
    let actor = user.actor();
    let version = if_match.or(b.version)?;
    let sent = service::reinvite(&state.db, &actor, &state.config.public_url, id, version).await;
    or_current(sent, service::account(&state.db, &actor, id)).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenPassword {
    /// The token from the e-mailed link.
    #[schema(max_length = 200)]
    pub token: String,
    /// The new password: 10 to 128 characters, not a common one, not containing the e-mail.
    #[schema(max_length = 1024)]
    pub password: String,
}

/// Accept an invitation: set the account's password with the e-mailed token (once).
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "users",
    operation_id = "invitations_accept", request_body = TokenPassword,
    responses((status = 204, description = "Password set; sign in with it"),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "The token is unknown, used or expired, or the password is \
            refused; see `error.fields`", body = ErrorBody),
        (status = 503, description = "Too busy hashing passwords; try again", body = ErrorBody)))]
pub async fn invitations_accept(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<TokenPassword>,
) -> Result<StatusCode, AppError> {
    service::redeem(&state.db, &b.token, TokenPurpose::Invite, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(max_length = 254)]
    pub email: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub message: String,
}

/// Ask for a password-reset link by e-mail. The answer is the same whether the address has
/// an account or not.
#[utoipa::path(post, path = "/api/v1/password-reset", tag = "users",
    operation_id = "password_reset_request", request_body = ResetRequest,
    responses((status = 202, description = "If the address has an account, a link is on its way", body = Accepted),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Not an e-mail address", body = ErrorBody),
        (status = 429, description = "Too many requests; try again later (see Retry-After)", body = ErrorBody)))]
pub async fn password_reset_request(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    lang: crate::kernel::web::i18n::Lang,
    ApiJson(b): ApiJson<ResetRequest>,
) -> Result<(StatusCode, Json<Accepted>), AppError> {
    service::request_reset(&state.db, &state.config.public_url, &b.email, ip).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            message: lang.t("forgot.sent").into_owned(),
        }),
    ))
}

/// Set a new password with the token from a reset link (once). Every session of the
/// account ends.
#[utoipa::path(post, path = "/api/v1/password-reset/confirm", tag = "users",
    operation_id = "password_reset_confirm", request_body = TokenPassword,
    responses((status = 204, description = "Password changed; sign in with it"),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "The token is unknown, used or expired, or the password is \
            refused; see `error.fields`", body = ErrorBody),
        (status = 503, description = "Too busy hashing passwords; try again", body = ErrorBody)))]
pub async fn password_reset_confirm(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<TokenPassword>,
) -> Result<StatusCode, AppError> {
    service::redeem(&state.db, &b.token, TokenPurpose::Reset, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(max_length = 1024)]
    pub current: String,
    #[schema(max_length = 1024)]
    pub new: String,
}

/// Change one's own password (the current one is needed). Every other session ends; this
/// one stays signed in.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "users",
    operation_id = "me_password_change", request_body = PasswordChange,
    security(("session" = [])),
    responses((status = 204, description = "Password changed"),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Wrong current password, or the new one is refused", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords; try again later", body = ErrorBody),
        (status = 503, description = "Too busy hashing passwords; try again", body = ErrorBody)))]
pub async fn me_password_change(
    State(state): State<AppState>,
    user: RequireUser,
    session: Session,
    ApiJson(b): ApiJson<PasswordChange>,
) -> Result<StatusCode, AppError> {
    let sid = session.id().map(|i| i.to_string());
    service::change_password(&state.db, &user.actor(), sid.as_deref(), &b.current, &b.new).await?;
    Ok(StatusCode::NO_CONTENT)
}
