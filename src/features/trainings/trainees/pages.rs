//! A trainee's own page (trainings, certificates, outcomes, personal data: a copy,
//! corrections, erasure) and linking a BLKK's record to the person's own data.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::service::{self, Correction, MyData};
use crate::features::trainings::batches;
use crate::features::trainings::batches::model::{Competence, Enrolment, TrainingRecord};
use crate::kernel::error::AppError;
use crate::kernel::validate::FieldErrors;
use crate::kernel::web::AppState;
use crate::kernel::web::extract::{FormBody, Path};
use crate::kernel::web::form_answer::saved_or_again;
use crate::kernel::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "trainings/mine.html")]
pub struct MinePage {
    page: Page,
    data: MyData,
    input: Correction,
    errors: FieldErrors,
}

impl MinePage {
    /// A certificate to download: for a batch passed `kompeten`.
    fn has_certificate(&self, m: &service::MyTraining) -> bool {
        m.enrolment.result == Some(Competence::Kompeten)
    }
}

async fn mine_page(
    state: &AppState,
    page: Page,
    input: Option<Correction>,
    errors: FieldErrors,
) -> Result<MinePage, AppError> {
    let actor = page.require()?;
    let data = service::my_data(&state.db, &actor).await?;
    let input = input.unwrap_or_else(|| Correction {
        name: data.person.name.clone(),
        phone: data.person.phone.clone(),
        address: data.person.address.clone(),
        email: data.person.email.clone(),
        version: Some(data.version),
    });
    let title = page.t("mine.title");
    Ok(MinePage {
        page: page.titled(title),
        data,
        input,
        errors,
    })
}

pub async fn mine(State(state): State<AppState>, page: Page) -> Result<MinePage, AppError> {
    mine_page(&state, page, None, FieldErrors::new()).await
}

/// Everything held about the trainee, as a JSON file (UU PDP: the right to a copy).
pub async fn my_data_file(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let actor = page.require()?;
    let data = service::my_data(&state.db, &actor).await?;
    let body = serde_json::to_vec_pretty(&data).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"data-saya.json\"".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

pub async fn correct(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input: Correction = body.parse()?;
    saved_or_again(
        service::correct(&state.db, &actor, &input).await,
        |_| "/me/trainings?done=data_corrected",
        |errors| mine_page(&state, page, Some(input), errors),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EraseForm {
    confirm: String,
}

pub async fn erase(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: EraseForm = body.parse()?;
    if form.confirm.trim().to_uppercase() != "HAPUS" {
        let errors = FieldErrors::single("confirm", "confirm_erase");
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            mine_page(&state, page, None, errors).await?,
        )
            .into_response());
    }
    service::erase(&state.db, &actor).await?;
    Ok(Redirect::to("/?done=data_erased").into_response())
}

// ---- Linking a BLKK's record to the person's own data --------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "trainings/link.html")]
pub struct LinkPage {
    page: Page,
    e: Enrolment,
    t: TrainingRecord,
    sent: Option<service::LinkSent>,
    code: String,
    errors: FieldErrors,
}

async fn link_page_with(
    state: &AppState,
    page: Page,
    id: i64,
    sent: Option<service::LinkSent>,
    code: String,
    errors: FieldErrors,
) -> Result<LinkPage, AppError> {
    let actor = page.require()?;
    let e = batches::service::enrolment(&state.db, &actor, id).await?;
    let t = batches::service::for_edit(&state.db, &actor, e.training_id).await?;
    let title = page.t("trainings.link_title");
    Ok(LinkPage {
        page: page.titled(title),
        e,
        t,
        sent,
        code,
        errors,
    })
}

/// What linking means, the button that sends the code, and the field for it.
pub async fn link_page(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<LinkPage, AppError> {
    link_page_with(&state, page, id, None, String::new(), FieldErrors::new()).await
}

pub async fn request_link(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let (sent, errors, status) = match service::request_link(&state.db, &actor, id).await {
        Ok(sent) => (Some(sent), FieldErrors::new(), StatusCode::OK),
        Err(AppError::Invalid(errors)) => (None, errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(e) => return Err(e),
    };
    Ok((
        status,
        link_page_with(&state, page, id, sent, String::new(), errors).await?,
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    code: String,
}

pub async fn confirm_link(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: LinkForm = body.parse()?;
    let code = form.code.clone();
    saved_or_again(
        service::confirm_link(&state.db, &actor, id, &form.code).await,
        |e| format!("/trainings/{}?done=linked#e{}", e.training_id, e.id),
        |errors| link_page_with(&state, page, id, None, code, errors),
    )
    .await
}

/// The trainee agrees, on their own page, to a BLKK's request.
pub async fn allow_link(
    State(state): State<AppState>,
    page: Page,
    Path(centre_id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    service::allow_link(&state.db, &actor, centre_id).await?;
    Ok(Redirect::to("/me/trainings?done=link_allowed").into_response())
}
