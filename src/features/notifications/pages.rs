//! `/notifications`: the signed-in user's notifications, newest first; opening the page
//! does not mark them read, the button does. `/me/notification-preferences`: how each kind
//! reaches them (the same form is a section of the account page, `/me`).

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::service::{self, Delivery, KindInfo, Notification, Preferences, PreferencesInput};
use crate::kernel::access::Actor;
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, check};
use crate::kernel::web::AppState;
use crate::kernel::web::extract::{FormBody, Query};
use crate::kernel::web::nav::href;
use crate::kernel::web::page::Page;
use crate::kernel::web::paging::{Paged, Pager, page_number};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/list.html")]
pub struct ListPage {
    page: Page,
    list: Paged<Notification>,
    pager: Pager,
    unread: i64,
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let actor = page.require()?;
    let (list, unread) = service::list(&state.db, &actor, page_number(&q.page)?).await?;
    let pager = list.pager(|n| href("/notifications", &[("page", &n.to_string())]));
    let title = page.t("notifications.title");
    Ok(ListPage {
        page: page.titled(title),
        list,
        pager,
        unread,
    })
}

pub async fn mark_read(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let _: std::collections::HashMap<String, String> = body.parse()?;
    service::mark_read(&state.db, &actor).await?;
    Ok(Redirect::to("/notifications?done=notifications_read").into_response())
}

// ---- Preferences ---------------------------------------------------------------------

/// The preferences form: each kind that concerns the user with its three choices, as
/// stored or as typed in a refused form.
pub struct PreferencesForm {
    pub kinds: Vec<KindInfo>,
    /// The choice shown per kind code.
    pub chosen: BTreeMap<String, String>,
    /// The version the form was read at.
    pub version: i64,
    pub errors: FieldErrors,
    /// Changed meanwhile: the typed choices are shown with the current version.
    pub stale: bool,
}

impl PreferencesForm {
    fn of(p: Preferences) -> PreferencesForm {
        PreferencesForm {
            chosen: p
                .kinds
                .iter()
                .map(|k| (k.code.clone(), p.of(k).as_str().to_owned()))
                .collect(),
            kinds: p.kinds,
            version: p.version,
            errors: FieldErrors::new(),
            stale: false,
        }
    }

    /// Every delivery, in the order offered.
    pub fn deliveries(&self) -> &'static [Delivery] {
        Delivery::ALL
    }

    /// Whether `delivery` is the choice shown for `kind`.
    pub fn is(&self, kind: &str, delivery: &Delivery) -> bool {
        self.chosen.get(kind).map(String::as_str) == Some(delivery.as_str())
    }

    /// The form field of a kind.
    pub fn field(&self, kind: &str) -> String {
        format!("preferences.{kind}")
    }
}

/// The form as the account page shows it.
pub async fn section(state: &AppState, actor: &Actor) -> Result<PreferencesForm, AppError> {
    Ok(PreferencesForm::of(
        service::preferences(&state.db, actor).await?,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/preferences.html")]
pub struct PreferencesPage {
    page: Page,
    form: PreferencesForm,
}

pub async fn preferences(
    State(state): State<AppState>,
    page: Page,
) -> Result<PreferencesPage, AppError> {
    let actor = page.require()?;
    let form = section(&state, &actor).await?;
    let title = page.t("preferences.title");
    Ok(PreferencesPage {
        page: page.titled(title),
        form,
    })
}

/// Saves the choices and returns to the account page; refused ones come back here, beside
/// their kind, the typing kept.
pub async fn save_preferences(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: BTreeMap<String, String> = body.parse()?;
    let typed: BTreeMap<String, String> = form
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("preferences.")?.to_owned(), v.clone())))
        .collect();
    let input = PreferencesInput {
        preferences: typed.clone(),
        version: form
            .get("version")
            .and_then(|v| check::int_in(v, 1, i64::MAX).ok().flatten()),
    };
    let (errors, stale, status) = match service::set_preferences(&state.db, &actor, &input).await {
        Ok(_) => {
            return Ok(Redirect::to("/me?done=preferences_saved#pemberitahuan").into_response());
        }
        Err(AppError::Invalid(errors)) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Stale) => (FieldErrors::new(), true, StatusCode::CONFLICT),
        Err(e) => return Err(e),
    };
    let current = service::preferences(&state.db, &actor).await?;
    let version = if stale {
        current.version
    } else {
        input.version.unwrap_or(current.version)
    };
    let mut form = PreferencesForm::of(current);
    form.chosen.extend(typed);
    form.version = version;
    form.errors = errors;
    form.stale = stale;
    let title = page.t("preferences.title");
    let body = PreferencesPage {
        page: page.titled(title),
        form,
    };
    Ok((status, body).into_response())
}
