//! Tracer study pages: a graduate's outcomes (with the form to record one), a BLKK's
//! tracer list, and the follow-up schedule.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use time::Date;

use super::model::{OutcomeInput, OutcomeRecord, OutcomeStatus, Schedule};
use super::service::{self, Due};
use crate::features::trainings::batches::model::{Competence, Enrolment, TrainingRecord};
use crate::features::trainings::batches::pages::partner_choices;
use crate::features::trainings::figures::model::Figures;
use crate::kernel::access::Role;
use crate::kernel::error::AppError;
use crate::kernel::validate::{FieldErrors, Patch, check};
use crate::kernel::web::AppState;
use crate::kernel::web::extract::{FormBody, Path, Query};
use crate::kernel::web::form_answer::saved_or_again;
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page};
use crate::kernel::web::paging::{Paged, Pager, page_number};

#[derive(Template, WebTemplate)]
#[template(path = "trainings/outcomes.html")]
pub struct OutcomesPage {
    page: Page,
    e: Enrolment,
    t: TrainingRecord,
    outcomes: Vec<OutcomeRecord>,
    input: OutcomeInput,
    errors: FieldErrors,
    partners: Vec<Choice>,
    back: String,
    /// The actor may record an outcome (the BLKK's own people, the alumnus, the partner).
    may_record: bool,
}

impl OutcomesPage {
    fn status_options(&self) -> Vec<Choice> {
        self.page.choices("outcome", OutcomeStatus::ALL)
    }

    fn match_options(&self) -> Vec<Choice> {
        vec![
            Choice::new("true", self.page.t("form.yes")),
            Choice::new("false", self.page.t("form.no")),
        ]
    }

    fn graduate(&self) -> bool {
        self.may_record && self.e.result.is_some_and(Competence::graduated)
    }
}

async fn outcomes_page(
    state: &AppState,
    page: Page,
    id: i64,
    input: OutcomeInput,
    errors: FieldErrors,
) -> Result<OutcomesPage, AppError> {
    let actor = page.require()?;
    let (e, t, outcomes, may_record) = service::outcome_page(&state.db, &actor, id).await?;
    let partners = partner_choices(state).await?;
    let back = if actor.role == Role::Peserta {
        "/me/trainings".to_owned()
    } else {
        "/trainings/tracer".to_owned()
    };
    let title = page.tf("outcomes.title", &e.name);
    let input = if matches!(input.date, Patch::Absent) {
        OutcomeInput {
            date: Patch::Set(service::today().to_string()),
            ..input
        }
    } else {
        input
    };
    Ok(OutcomesPage {
        page: page.titled(title),
        e,
        t,
        outcomes,
        input,
        errors,
        partners,
        back,
        may_record,
    })
}

pub async fn outcomes(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<OutcomesPage, AppError> {
    outcomes_page(
        &state,
        page,
        id,
        OutcomeInput::default(),
        FieldErrors::new(),
    )
    .await
}

pub async fn add_outcome(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input: OutcomeInput = body.parse()?;
    let saved = service::add_outcome(&state.db, &actor, id, &input).await;
    saved_or_again(
        saved,
        |_| format!("/enrolments/{id}/outcomes?done=outcome_saved"),
        |errors| outcomes_page(&state, page, id, input, errors),
    )
    .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TracerQuery {
    centre: String,
    page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/tracer.html")]
pub struct TracerPage {
    page: Page,
    due: Paged<Due>,
    pager: Pager,
    figures: Figures,
    today: Date,
}

pub async fn tracer(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<TracerQuery>,
) -> Result<TracerPage, AppError> {
    let actor = page.require()?;
    let centre = match check::int_in(&q.centre, 1, i64::MAX).ok().flatten() {
        Some(c) => c,
        None => actor
            .org_id
            .filter(|_| matches!(actor.role, Role::Pengelola | Role::Instruktur))
            .ok_or(AppError::NotFound)?,
    };
    let (due, figures) = service::tracer(&state.db, &actor, centre, page_number(&q.page)?).await?;
    let c = q.centre.clone();
    let pager = due.pager(|n| {
        href(
            "/trainings/tracer",
            &[("centre", &c), ("page", &n.to_string())],
        )
    });
    let title = page.t("tracer.title");
    Ok(TracerPage {
        page: page.titled(title),
        due,
        pager,
        figures,
        today: service::today(),
    })
}

// ---- The follow-up schedule ----------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ScheduleForm {
    months: String,
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    version: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/schedule.html")]
pub struct SchedulePage {
    page: Page,
    current: Schedule,
    months: String,
    /// The version the form was read at.
    version: i64,
    errors: FieldErrors,
}

async fn schedule_page(
    state: &AppState,
    page: Page,
    typed: Option<ScheduleForm>,
    errors: FieldErrors,
) -> Result<SchedulePage, AppError> {
    page.require()?;
    let current = service::schedule(&state.db).await?;
    let title = page.t("tracer.schedule_title");
    let version = typed
        .as_ref()
        .and_then(|f| f.version)
        .or(current.version)
        .unwrap_or(1);
    Ok(SchedulePage {
        page: page.titled(title),
        months: typed.map_or_else(|| current.text(), |f| f.months),
        version,
        current,
        errors,
    })
}

pub async fn schedule(State(state): State<AppState>, page: Page) -> Result<SchedulePage, AppError> {
    schedule_page(&state, page, None, FieldErrors::new()).await
}

pub async fn change_schedule(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: ScheduleForm = body.parse()?;
    let changed = match Schedule::parse(&form.months, form.version) {
        Ok(s) => service::change_schedule(&state.db, &actor, &s).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_again(
        changed,
        |_| "/trainings/schedule?done=schedule_saved",
        |errors| schedule_page(&state, page, Some(form), errors),
    )
    .await
}
