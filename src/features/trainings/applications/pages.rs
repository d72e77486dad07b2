//! The public training search with its application form, and a BLKK's decision on an
//! application.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{self, PublicFilter, PublicTraining};
use super::service;
use crate::features::areas;
use crate::features::kejuruan::model::Kejuruan;
use crate::features::kejuruan::service::catalogue;
use crate::features::trainings::batches::pages::batch::{ShowState, refused_action};
// `rupiah` is for the templates (`self::rupiah`).
use crate::features::trainings::batches::pages::rupiah;
use crate::features::trainings::trainees::model::{NOTICE_VERSION, PersonInput, Sex};
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, Flag, Patch};
use crate::kernel::web::AppState;
use crate::kernel::web::extract::{FormBody, Path, Query};
use crate::kernel::web::form_answer::saved_or_again;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page};
use crate::kernel::web::paging::{Paged, Pager, page_number};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PublicQuery {
    #[serde(flatten)]
    filter: PublicFilter,
    page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/public_list.html")]
pub struct PublicListPage {
    page: Page,
    query: PublicQuery,
    results: Paged<PublicTraining>,
    pager: Pager,
    kejuruan: Vec<Kejuruan>,
    provinces: Vec<areas::model::Area>,
}

pub async fn public_list(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<PublicQuery>,
) -> Result<PublicListPage, AppError> {
    let results = service::public_list(&state.db, &query.filter, page_number(&query.page)?).await?;
    let f = query.filter.clone();
    let pager = results.pager(|n| {
        href(
            "/pelatihan",
            &[
                ("province", &f.province),
                ("regency", &f.regency),
                ("kejuruan", &f.kejuruan),
                ("from", &f.from),
                ("to", &f.to),
                ("cost", &f.cost),
                ("page", &n.to_string()),
            ],
        )
    });
    let title = page.t("public.title");
    Ok(PublicListPage {
        page: page.titled(title),
        query,
        results,
        pager,
        kejuruan: catalogue(&state.db).await?,
        provinces: areas::service::provinces(&state.db).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/public_show.html")]
pub struct PublicShowPage {
    page: Page,
    t: PublicTraining,
    open: bool,
    input: PersonInput,
    errors: FieldErrors,
    /// The reference code of the application just sent.
    applied: Option<String>,
    notice_version: &'static str,
}

impl PublicShowPage {
    fn sex_options(&self) -> Vec<Choice> {
        self.page.choices("sex", Sex::ALL)
    }

    fn consent_checked(&self) -> bool {
        matches!(self.input.consent, Patch::Set(Flag(true)))
    }
}

async fn public_page(
    state: &AppState,
    page: Page,
    id: i64,
    input: PersonInput,
    errors: FieldErrors,
    applied: Option<String>,
) -> Result<PublicShowPage, AppError> {
    let (t, open) = service::public_view(&state.db, id).await?;
    let title = t.title.clone();
    Ok(PublicShowPage {
        page: page.titled(title),
        t,
        open,
        input,
        errors,
        applied,
        notice_version: NOTICE_VERSION,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AppliedQuery {
    /// The reference code of the application just sent (`K7M2Q-9XD4H`).
    kode: String,
}

pub async fn public_show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<AppliedQuery>,
) -> Result<PublicShowPage, AppError> {
    let applied = model::is_application_code(&q.kode).then_some(q.kode);
    public_page(
        &state,
        page,
        id,
        PersonInput::default(),
        FieldErrors::new(),
        applied,
    )
    .await
}

/// Sends an application. A new one and one from a NIK that already applied are answered
/// alike: the confirmation with the application's reference code.
pub async fn apply(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let input: PersonInput = body.parse()?;
    saved_or_again(
        service::apply(&state.db, id, &input).await,
        |code| format!("/pelatihan/{id}?kode={code}"),
        |errors| public_page(&state, page, id, input, errors, None),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    accept: String,
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    version: Option<i64>,
}

pub async fn decide(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: DecisionForm = body.parse()?;
    let accept = form.accept == "true";
    let training_id = match service::decide(
        &state.db,
        &actor,
        &state.config.public_url,
        id,
        accept,
        form.version,
    )
    .await
    {
        Ok(a) => a.training_id,
        Err(AppError::Invalid(errors)) => {
            let training = service::training_of_application(&state.db, id).await?;
            return refused_action(&state, page, training, &errors, ShowState::default()).await;
        }
        Err(e) => return Err(e),
    };
    let done = if accept {
        "application_accepted"
    } else {
        "application_declined"
    };
    Ok(Redirect::to(&format!("/trainings/{training_id}?done={done}#pendaftar")).into_response())
}
