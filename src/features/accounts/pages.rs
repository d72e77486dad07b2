//! Signing in and out, and the user's own account page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::model::{
    self, Account, AccountFilter, AccountPatch, AccountStatus, InviteInput, Managed, TokenPurpose,
    User,
};
use super::service;
use crate::features::{centres, notifications};
use crate::kernel::access::{Actor, Role, Scope};
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, Num};
use crate::kernel::web::AppState;
use crate::kernel::web::extract::{Form, FormBody, Path, Query};
use crate::kernel::web::nav::{href, safe_next};
use crate::kernel::web::page::{Choice, Page};
use crate::kernel::web::paging::{Paged, Pager, page_number};
use crate::kernel::web::resubmit;
use crate::kernel::web::security::no_store;
use crate::kernel::web::session::{ClientIp, end, start};

#[derive(Template, WebTemplate)]
#[template(path = "accounts/login.html")]
pub struct LoginPage {
    page: Page,
    email: String,
    next: String,
    /// Translation key of the message to show, if any.
    problem: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn login_form(page: Page, Query(q): Query<NextQuery>) -> LoginPage {
    let title = page.t("login.title");
    LoginPage {
        page: page.titled(title),
        email: String::new(),
        next: safe_next(Some(&q.next)),
        problem: None,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
    /// A form whose session had ended, to offer again once signed in (see `resubmit`).
    replay_to: String,
    replay: String,
}

pub async fn login(
    State(state): State<AppState>,
    session: Session,
    from: service::SignInFrom,
    page: Page,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(Some(&form.next));
    let replay = resubmit::target(&form.replay_to)
        .map(|to| (to, resubmit::carried(form.replay.as_bytes())))
        .filter(|(_, fields)| !fields.is_empty());
    let (status, problem) =
        match service::sign_in(&state.db, &form.email, &form.password, &from).await {
            Ok((user, device)) => {
                start(&session, user.id).await?;
                let mut res = match replay {
                    Some((to, fields)) => {
                        let why = resubmit::Why::SignedIn;
                        // The page as the signed-in user sees it (their menu, not "Masuk").
                        let page = Page {
                            user: Some(user.signed_in()),
                            ..page
                        };
                        resubmit::page(page, StatusCode::OK, why, &to, fields, "", None)
                    }
                    None => Redirect::to(&next).into_response(),
                };
                super::keep_device(&mut res, &state.config, &device);
                return Ok(res);
            }
            Err(AppError::BadCredentials) => (StatusCode::UNAUTHORIZED, "login.invalid"),
            Err(AppError::TooManyAttempts) => (StatusCode::TOO_MANY_REQUESTS, "login.throttled"),
            Err(AppError::Busy) => (StatusCode::SERVICE_UNAVAILABLE, "login.busy"),
            Err(e) => return Err(e),
        };
    if let Some((to, fields)) = replay {
        let why = resubmit::Why::SignedOut;
        return Ok(resubmit::page(
            page,
            status,
            why,
            &to,
            fields,
            &form.email,
            Some(problem),
        ));
    }
    let title = page.t("login.title");
    let body = LoginPage {
        page: page.titled(title),
        email: form.email,
        next,
        problem: Some(problem),
    };
    Ok((status, body).into_response())
}

pub async fn logout(session: Session) -> Result<Redirect, AppError> {
    end(&session).await?;
    Ok(Redirect::to("/?done=signed_out"))
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/me.html")]
pub struct AccountPage {
    page: Page,
    user: User,
    /// Translation key describing the scope.
    scope_key: &'static str,
    in_scope: i64,
    /// Manages some accounts (the way to the accounts page).
    manages: bool,
    /// How each kind of notification reaches the user.
    notifications: notifications::pages::PreferencesForm,
}

pub async fn me(State(state): State<AppState>, page: Page) -> Result<AccountPage, AppError> {
    let actor = page.require()?;
    let user = service::me(&state.db, &actor).await?;
    let scope_key = match actor.centre_scope() {
        Scope::All => "account.scope_all",
        Scope::Pembina(_) => "account.scope_pembina",
        Scope::Region(_) => "account.scope_region",
        Scope::Forum(_) => "account.scope_forum",
        Scope::Centre(_) => "account.scope_centre",
        Scope::Nothing => "account.scope_nothing",
    };
    let in_scope =
        centres::service::directory(&state.db, Some(&actor), &Default::default(), true, 1)
            .await?
            .total;
    let notifications = notifications::pages::section(&state, &actor).await?;
    let title = page.t("account.title");
    Ok(AccountPage {
        page: page.titled(title),
        user,
        scope_key,
        in_scope,
        manages: service::may_invite(&actor),
        notifications,
    })
}

// ---------------------------------------------------------------------------------------
// Managing accounts

#[derive(Template, WebTemplate)]
#[template(path = "accounts/users.html")]
pub struct UsersPage {
    page: Page,
    filter: AccountFilter,
    results: Paged<Account>,
    pager: Pager,
    roles: Vec<Choice>,
    statuses: Vec<Choice>,
    can_invite: bool,
}

fn users_href(f: &AccountFilter, page: i64) -> String {
    href(
        "/users",
        &[
            ("q", f.q.as_str()),
            ("role", f.role.as_str()),
            ("status", f.status.as_str()),
            ("org_id", f.org_id.as_str()),
            (
                "page",
                &if page > 1 {
                    page.to_string()
                } else {
                    String::new()
                },
            ),
        ],
    )
}

pub async fn users(
    State(state): State<AppState>,
    page: Page,
    Query(filter): Query<AccountFilter>,
) -> Result<UsersPage, AppError> {
    let actor = page.require()?;
    let q = filter.query()?;
    let results = service::accounts(&state.db, &actor, &q, page_number(&filter.page)?).await?;
    let title = page.t("users.title");
    Ok(UsersPage {
        pager: results.pager(|n| users_href(&filter, n)),
        roles: page.choices("role", Role::ALL),
        statuses: page.choices("account_status", AccountStatus::ALL),
        can_invite: service::may_invite(&actor),
        page: page.titled(title),
        filter,
        results,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/invite.html")]
pub struct InvitePage {
    page: Page,
    input: InviteInput,
    errors: FieldErrors,
    roles: Vec<Choice>,
    /// The organisation is fixed (a manager invites into their own).
    org_fixed: Option<String>,
}

impl InvitePage {
    fn org_text(&self) -> &str {
        self.input.org_id.as_ref().map_or("", |n| n.text())
    }
}

/// The roles an actor may invite, and the organisation they are bound to, if any.
fn invite_choices(page: &Page, actor: &Actor) -> (Vec<Choice>, Option<i64>) {
    match model::managed(actor) {
        Managed::All => (page.choices("role", Role::ALL), None),
        Managed::Org(org, role) => (page.choices("role", &[role]), Some(org)),
        Managed::Nothing => (Vec::new(), None),
    }
}

async fn invite_page(
    page: Page,
    actor: &Actor,
    mut input: InviteInput,
    errors: FieldErrors,
) -> Result<InvitePage, AppError> {
    let (roles, bound) = invite_choices(&page, actor);
    if let Some(org) = bound {
        input.org_id = Some(Num(org.to_string()));
        if let Some(r) = roles.first() {
            input.role.clone_from(&r.value);
        }
    }
    let org_fixed = bound.and(page.user.as_ref().and_then(|u| u.org_name.clone()));
    let title = page.t("users.invite");
    Ok(InvitePage {
        page: page.titled(title),
        input,
        errors,
        roles,
        org_fixed,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteQuery {
    org_id: String,
    role: String,
}

pub async fn invite_form(page: Page, Query(q): Query<InviteQuery>) -> Result<InvitePage, AppError> {
    let actor = page.require()?;
    service::for_invite(&actor)?;
    let input = InviteInput {
        org_id: (!q.org_id.is_empty()).then(|| Num(q.org_id.clone())),
        role: q.role,
        ..Default::default()
    };
    invite_page(page, &actor, input, FieldErrors::new()).await
}

pub async fn invite(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input: InviteInput = body.parse()?;
    match service::invite(&state.db, &actor, &state.config.public_url, &input).await {
        Ok(a) => Ok(Redirect::to(&format!("/users/{}?done=invited", a.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let body = invite_page(page, &actor, input, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/user.html")]
pub struct UserPage {
    page: Page,
    account: Account,
    /// The viewer manages this account (not only their own).
    manages: bool,
    is_self: bool,
    can_flag: bool,
    errors: FieldErrors,
}

async fn user_page(
    state: &AppState,
    page: Page,
    id: i64,
    errors: FieldErrors,
) -> Result<UserPage, AppError> {
    let actor = page.require()?;
    let account = service::account(&state.db, &actor, id).await?;
    let manages = model::may_manage(&actor, account.role, account.org_id);
    let can_flag = manages && model::may_be_org_admin(account.role) && account.id != actor.user_id;
    let title = account.name.clone();
    Ok(UserPage {
        page: page.titled(title),
        is_self: account.id == actor.user_id,
        account,
        manages,
        can_flag,
        errors,
    })
}

pub async fn user(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<UserPage, AppError> {
    user_page(&state, page, id, FieldErrors::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccountForm {
    active: String,
    org_admin: String,
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    version: Option<i64>,
}

/// Deactivates or reactivates an account, or sets its organisation-admin flag.
pub async fn update_user(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<AccountForm>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let flag = |v: &str| match v {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    let patch = AccountPatch {
        version: f.version,
        active: flag(&f.active),
        org_admin: flag(&f.org_admin),
        name: None,
    };
    let done = match (patch.active, patch.org_admin) {
        (Some(false), _) => "deactivated",
        (Some(true), _) => "activated",
        _ => "saved",
    };
    match service::update(&state.db, &actor, id, &patch).await {
        Ok(_) => Ok(Redirect::to(&format!("/users/{id}?done={done}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let body = user_page(&state, page, id, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn reinvite(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<crate::kernel::web::version::VersionBody>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    match service::reinvite(&state.db, &actor, &state.config.public_url, id, f.version).await {
        Ok(()) => Ok(Redirect::to(&format!("/users/{id}?done=reinvited")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let body = user_page(&state, page, id, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------
// Passwords: accepting an invitation, forgetting and resetting, changing

#[derive(Template, WebTemplate)]
#[template(path = "accounts/set_password.html")]
pub struct SetPasswordPage {
    page: Page,
    /// `invitation` or `reset`: the form's address and wording.
    kind: &'static str,
    token: String,
    email: String,
    errors: FieldErrors,
    /// The link itself does not work: no form, only the way to a new one.
    dead: bool,
}

impl SetPasswordPage {
    fn intro_key(&self) -> String {
        format!("{}.intro", self.kind)
    }
}

fn purpose_of(kind: &'static str) -> TokenPurpose {
    if kind == "invitation" {
        TokenPurpose::Invite
    } else {
        TokenPurpose::Reset
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

async fn set_password_page(
    state: &AppState,
    page: Page,
    kind: &'static str,
    token: String,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let (email, errors, dead) =
        match service::token_account(&state.db, &token, purpose_of(kind)).await {
            Ok(user) => (user.email, errors, false),
            Err(AppError::Invalid(e)) => (String::new(), e, true),
            Err(e) => return Err(e),
        };
    let title = page.t(&format!("{kind}.title"));
    let status = if dead {
        StatusCode::GONE
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = (
        status,
        SetPasswordPage {
            page: page.titled(title),
            kind,
            token,
            email,
            errors,
            dead,
        },
    )
        .into_response();
    // The page holds a one-time token: never cached.
    no_store(&mut res);
    Ok(res)
}

pub async fn invitation_form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    set_password_page(&state, page, "invitation", q.token, FieldErrors::new()).await
}

pub async fn reset_form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    set_password_page(&state, page, "reset", q.token, FieldErrors::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetPasswordForm {
    token: String,
    password: String,
}

async fn set_password(
    state: &AppState,
    session: &Session,
    page: Page,
    kind: &'static str,
    f: SetPasswordForm,
) -> Result<Response, AppError> {
    match service::redeem(&state.db, &f.token, purpose_of(kind), &f.password).await {
        Ok(user) if kind == "invitation" => {
            start(session, user.id).await?;
            Ok(Redirect::to("/?done=welcome").into_response())
        }
        Ok(_) => Ok(Redirect::to("/login?done=password_reset").into_response()),
        Err(AppError::Invalid(errors)) => {
            set_password_page(state, page, kind, f.token, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    session: Session,
    page: Page,
    Form(f): Form<SetPasswordForm>,
) -> Result<Response, AppError> {
    set_password(&state, &session, page, "invitation", f).await
}

pub async fn reset(
    State(state): State<AppState>,
    session: Session,
    page: Page,
    Form(f): Form<SetPasswordForm>,
) -> Result<Response, AppError> {
    set_password(&state, &session, page, "reset", f).await
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/forgot.html")]
pub struct ForgotPage {
    page: Page,
    email: String,
    errors: FieldErrors,
    sent: bool,
    throttled: bool,
}

pub async fn forgot_form(page: Page) -> ForgotPage {
    let title = page.t("forgot.title");
    ForgotPage {
        page: page.titled(title),
        email: String::new(),
        errors: FieldErrors::new(),
        sent: false,
        throttled: false,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

pub async fn forgot(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    page: Page,
    Form(f): Form<ForgotForm>,
) -> Result<Response, AppError> {
    let title = page.t("forgot.title");
    let mut body = ForgotPage {
        page: page.titled(title),
        email: f.email.clone(),
        errors: FieldErrors::new(),
        sent: false,
        throttled: false,
    };
    let status =
        match service::request_reset(&state.db, &state.config.public_url, &f.email, ip).await {
            Ok(()) => {
                body.sent = true;
                StatusCode::OK
            }
            Err(AppError::Invalid(e)) => {
                body.errors = e;
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Err(AppError::TooManyAttempts) => {
                body.throttled = true;
                StatusCode::TOO_MANY_REQUESTS
            }
            Err(e) => return Err(e),
        };
    Ok((status, body).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/change_password.html")]
pub struct ChangePasswordPage {
    page: Page,
    errors: FieldErrors,
    throttled: bool,
}

pub async fn change_password_form(page: Page) -> Result<ChangePasswordPage, AppError> {
    page.require()?;
    let title = page.t("password.title");
    Ok(ChangePasswordPage {
        page: page.titled(title),
        errors: FieldErrors::new(),
        throttled: false,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChangePasswordForm {
    current: String,
    new: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    page: Page,
    Form(f): Form<ChangePasswordForm>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let sid = session.id().map(|i| i.to_string());
    let (status, errors, throttled) =
        match service::change_password(&state.db, &actor, sid.as_deref(), &f.current, &f.new).await
        {
            Ok(()) => return Ok(Redirect::to("/me?done=password_changed").into_response()),
            Err(AppError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e, false),
            Err(AppError::TooManyAttempts) => {
                (StatusCode::TOO_MANY_REQUESTS, FieldErrors::new(), true)
            }
            Err(e) => return Err(e),
        };
    let title = page.t("password.title");
    Ok((
        status,
        ChangePasswordPage {
            page: page.titled(title),
            errors,
            throttled,
        },
    )
        .into_response())
}
