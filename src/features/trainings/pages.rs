//! Training pages: a BLKK's batches, one batch (trainees, enrolment, attendance, results,
//! applications, exports and the printable report), the tracer list, the figures with their
//! drill-down, the public training search with its application form, and a trainee's own
//! page (trainings, certificates, outcomes, personal data).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::Date;

use super::model::{
    self, Application, Competence, Enrolment, Figures, Funding, OutcomeInput, OutcomeRecord,
    OutcomeStatus, PersonInput, PublicFilter, PublicTraining, ResultInput, Schedule,
    TrainingFilter, TrainingInput, TrainingRecord,
};
use super::service::{self, Correction, MyData};
use super::service::{Due, KeyedFigures};
use crate::features::kejuruan::model::Kejuruan;
use crate::features::kejuruan::service::catalogue;
use crate::features::{areas, orgs};
use crate::kernel::access::{Actor, Role};
use crate::kernel::code::Rupiah;
use crate::kernel::error::AppError;
use crate::kernel::pdf;
use crate::kernel::validate::{FieldErrors, Flag, Num, Patch, check, input_of};
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Path, Query};
use crate::kernel::web::nav::href;
use crate::kernel::web::page::{Choice, Page};
use crate::kernel::web::paging::{Paged, Pager, page_number};

fn rupiah(n: &i64) -> String {
    if *n == 0 {
        "Gratis".to_owned()
    } else {
        Rupiah(*n).to_string()
    }
}

// ---- The batch list ------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    centre: String,
    year: String,
    kejuruan: String,
    funding: String,
    page: String,
}

impl ListQuery {
    fn filter(&self) -> Result<TrainingFilter, AppError> {
        let mut e = FieldErrors::new();
        let centre = e.take("centre", check::int_in(&self.centre, 1, i64::MAX));
        let year = e.take("year", check::int_in(&self.year, 2000, 2100));
        e.finish(()).map_err(AppError::Invalid)?;
        Ok(TrainingFilter {
            centre,
            year,
            kejuruan: self.kejuruan.trim().to_owned(),
            funding: Funding::parse(self.funding.trim()),
            ..Default::default()
        })
    }

    fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("centre", &self.centre),
            ("year", &self.year),
            ("kejuruan", &self.kejuruan),
            ("funding", &self.funding),
        ]
    }

    fn href(&self, n: i64) -> String {
        let page = n.to_string();
        let mut p = self.pairs();
        p.push(("page", if n > 1 { &page } else { "" }));
        href("/trainings", &p)
    }

    fn export_href(&self, format: &str) -> String {
        let mut p = self.pairs();
        p.push(("format", format));
        href("/trainings/export", &p)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/list.html")]
pub struct ListPage {
    page: Page,
    query: ListQuery,
    results: Paged<TrainingRecord>,
    pager: Pager,
    kejuruan: Vec<Kejuruan>,
    fundings: &'static [Funding],
    can_plan: bool,
    tracer_href: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let actor = page.require()?;
    let results = service::list(
        &state.db,
        &actor,
        &query.filter()?,
        page_number(&query.page)?,
    )
    .await?;
    let pager = results.pager(|n| query.href(n));
    let title = page.t("trainings.title");
    let own = matches!(actor.role, Role::Pengelola | Role::Instruktur);
    Ok(ListPage {
        can_plan: model::can_plan(&actor),
        tracer_href: own.then(|| "/trainings/tracer".to_owned()),
        page: page.titled(title),
        query,
        results,
        pager,
        kejuruan: catalogue(&state.db).await?,
        fundings: Funding::ALL,
    })
}

/// The batch list as XLSX or CSV, with its filters.
pub async fn export(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
    Query(f): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&f.format)?;
    let actor = page.require()?;
    let filter = query.filter()?;
    let headers = [
        "title",
        "centre_name",
        "kejuruan",
        "start_date",
        "end_date",
        "hours",
        "quota",
        "enrolled",
        "fee",
        "funding",
    ]
    .iter()
    .map(|f| page.field_label(f).into_owned())
    .collect();
    let fundings: Vec<(Funding, String)> = Funding::ALL
        .iter()
        .map(|f| (*f, page.label("funding", f.as_str()).into_owned()))
        .collect();
    let db = state.db.clone();
    let fetch: export::Fetch = Box::new(move |n| {
        let (db, actor, filter, fundings) =
            (db.clone(), actor.clone(), filter.clone(), fundings.clone());
        Box::pin(async move {
            let rows = service::export_chunk(&db, &actor, &filter, n, export::CHUNK).await?;
            Ok(rows
                .into_iter()
                .map(|r| {
                    let funding = fundings.iter().find(|(f, _)| *f == r.training.funding);
                    vec![
                        r.training.title,
                        r.centre_name,
                        r.kejuruan_name,
                        r.training.start_date.to_string(),
                        r.training.end_date.to_string(),
                        r.training.hours.to_string(),
                        r.training.quota.to_string(),
                        r.enrolled.to_string(),
                        r.training.fee.to_string(),
                        funding.map(|(_, l)| l.clone()).unwrap_or_default(),
                    ]
                })
                .collect())
        })
    });
    export::respond(format, "pelatihan", headers, fetch).await
}

// ---- The batch form ------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "trainings/form.html")]
pub struct FormPage {
    page: Page,
    id: Option<i64>,
    input: TrainingInput,
    errors: FieldErrors,
    kejuruan: Vec<Kejuruan>,
    partners: Vec<Choice>,
    instructors: Vec<(i64, String)>,
    stale: bool,
}

impl FormPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/trainings/{id}/edit"),
            None => "/trainings".into(),
        }
    }

    fn version(&self) -> String {
        self.input
            .version
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    fn centre(&self) -> String {
        self.input
            .centre_id
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    fn kejuruan_options(&self) -> Vec<Choice> {
        let en = self.page.is_en();
        self.kejuruan
            .iter()
            .map(|k| Choice::new(&k.code, if en { &k.name_en } else { &k.name_id }.clone()))
            .collect()
    }

    fn funding_options(&self) -> Vec<Choice> {
        self.page.choices("funding", Funding::ALL)
    }

    fn open_options(&self) -> Vec<Choice> {
        vec![
            Choice::new("true", self.page.t("form.yes")),
            Choice::new("false", self.page.t("form.no")),
        ]
    }

    fn teaches(&self, id: &i64) -> bool {
        self.input.instructor_ids.has(&id.to_string())
    }
}

/// The partner organisations (mitra) to choose from: a batch's partner, a graduate's
/// employer.
async fn partner_choices(state: &AppState) -> Result<Vec<Choice>, AppError> {
    let filter = orgs::model::OrgFilter {
        kind: Some(orgs::model::OrgKind::Mitra),
        ..Default::default()
    };
    Ok(orgs::service::choices(&state.db, &filter)
        .await?
        .into_iter()
        .map(|o| Choice::new(o.id, o.name))
        .collect())
}

async fn form_page(
    state: &AppState,
    page: Page,
    actor: &Actor,
    id: Option<i64>,
    input: TrainingInput,
    errors: FieldErrors,
    stale: bool,
) -> Result<FormPage, AppError> {
    let title = match id {
        Some(id) => {
            let stored = service::view(&state.db, actor, id).await?;
            page.tf("training_form.edit_title", &stored.training.title)
        }
        None => page.t("training_form.new_title").into_owned(),
    };
    let centre = input.centre_id.or(actor.org_id);
    let partners = partner_choices(state).await?;
    let instructors = match centre {
        Some(c) => service::instructors(&state.db, c).await?,
        None => Vec::new(),
    };
    Ok(FormPage {
        page: page.titled(title),
        id,
        input,
        errors,
        kejuruan: catalogue(&state.db).await?,
        partners,
        instructors,
        stale,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<FormPage, AppError> {
    let actor = page.require()?;
    let given = check::int_in(&q.centre, 1, i64::MAX).ok().flatten();
    let centre = match service::planning_centre(&actor, given) {
        Err(AppError::Invalid(_)) => None,
        other => Some(other?),
    };
    let input = TrainingInput {
        centre_id: centre,
        hours: Patch::Set(Num(model::PBK_HOURS.to_string())),
        quota: Patch::Set(Num(model::PBK_QUOTA.to_string())),
        fee: Patch::Set(Num("0".into())),
        funding: Patch::Set(Funding::Pbk.as_str().into()),
        open_to_public: Patch::Set(Flag(true)),
        ..Default::default()
    };
    form_page(&state, page, &actor, None, input, FieldErrors::new(), false).await
}

async fn refused_form(
    state: &AppState,
    page: Page,
    actor: &Actor,
    id: Option<i64>,
    input: TrainingInput,
    e: AppError,
) -> Result<Response, AppError> {
    let (errors, stale, status) = match e {
        AppError::Invalid(errors) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Stale => (FieldErrors::new(), true, StatusCode::CONFLICT),
        other => return Err(other),
    };
    let body = form_page(state, page, actor, id, input, errors, stale).await?;
    Ok((status, body).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input: TrainingInput = body.parse()?;
    match service::create(&state.db, &actor, &input).await {
        Ok(t) => {
            Ok(Redirect::to(&format!("/trainings/{}?done=training_saved", t.id)).into_response())
        }
        Err(e) => refused_form(&state, page, &actor, None, input, e).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let actor = page.require()?;
    let t = service::for_edit(&state.db, &actor, id).await?;
    let mut input: TrainingInput = input_of(&t.training).map_err(AppError::internal)?;
    input.version = Some(t.version);
    form_page(
        &state,
        page,
        &actor,
        Some(id),
        input,
        FieldErrors::new(),
        false,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input: TrainingInput = body.parse()?;
    match service::update(&state.db, &actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/trainings/{id}?done=training_saved")).into_response()),
        Err(e) => refused_form(&state, page, &actor, Some(id), input, e).await,
    }
}

// ---- One batch -----------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "trainings/show.html")]
pub struct ShowPage {
    page: Page,
    t: TrainingRecord,
    enrolments: Vec<Enrolment>,
    personal: bool,
    can_manage: bool,
    can_teach: bool,
    applications: Vec<Application>,
    /// The enrolment form as typed, with its problems.
    enrol: PersonInput,
    enrol_errors: FieldErrors,
    /// A refused result: the row, what was typed, its problems, and whether it was stale.
    row: Option<(i64, ResultInput, FieldErrors, bool)>,
    /// The problems of the rows not refused: none.
    no_errors: FieldErrors,
    /// A refused close or attendance, shown at the top.
    problem: Option<String>,
    today: Date,
    /// The day the attendance form shows, and who it shows present: as recorded that day,
    /// as typed in a refused form, or everyone (`None`) for a day not yet recorded.
    day: Date,
    present: Option<Vec<i64>>,
    recorded: bool,
}

impl ShowPage {
    fn row_input(&self, e: &Enrolment) -> (String, String, String, String) {
        match &self.row {
            Some((id, input, _, _)) if *id == e.id => (
                input.result.text().to_owned(),
                input.certificate_no.text().to_owned(),
                input.bnsp_certificate_no.text().to_owned(),
                input.version.unwrap_or(e.version).to_string(),
            ),
            _ => (
                e.result.map(|r| r.as_str().to_owned()).unwrap_or_default(),
                e.certificate_no.clone().unwrap_or_default(),
                e.bnsp_certificate_no.clone().unwrap_or_default(),
                e.version.to_string(),
            ),
        }
    }

    /// The problems of a row's result form (none unless it was the one refused).
    fn row_errors(&self, e: &Enrolment) -> &FieldErrors {
        match &self.row {
            Some((id, _, errors, _)) if *id == e.id => errors,
            _ => &self.no_errors,
        }
    }

    fn row_stale(&self, e: &Enrolment) -> bool {
        matches!(&self.row, Some((id, _, _, true)) if *id == e.id)
    }

    fn result_options(&self) -> Vec<Choice> {
        self.page.choices("result", Competence::ALL)
    }

    fn sex_options(&self) -> Vec<Choice> {
        self.page.choices("sex", model::Sex::ALL)
    }

    fn can_record_results(&self) -> bool {
        self.can_teach && !self.t.is_closed()
    }

    fn attendance_open(&self) -> bool {
        self.can_teach && !self.t.is_closed() && self.t.training.start_date <= self.today
    }

    /// The last day attendance may be recorded for: the batch's end, or today.
    fn last_day(&self) -> Date {
        self.today.min(self.t.training.end_date)
    }

    fn ticked(&self, e: &Enrolment) -> bool {
        self.present.as_ref().is_none_or(|p| p.contains(&e.id))
    }

    fn consent_checked(&self) -> bool {
        matches!(self.enrol.consent, Patch::Set(Flag(true)))
    }

    fn waiting(&self) -> usize {
        self.applications
            .iter()
            .filter(|a| a.status == model::ApplicationStatus::Menunggu)
            .count()
    }
}

#[derive(Default)]
struct ShowState {
    enrol: PersonInput,
    enrol_errors: FieldErrors,
    row: Option<(i64, ResultInput, FieldErrors, bool)>,
    problem: Option<String>,
    /// The attendance day asked for, and the ticks of a refused attendance form.
    day: Option<Date>,
    typed_present: Option<Vec<i64>>,
}

async fn show_page(
    state: &AppState,
    page: Page,
    id: i64,
    s: ShowState,
) -> Result<ShowPage, AppError> {
    let actor = page.require()?;
    let context = format!("Halaman pelatihan {id}");
    let (t, enrolments, personal) = service::enrolments(&state.db, &actor, id, &context).await?;
    let can_manage = model::can_manage(&actor, t.training.centre_id);
    let can_teach = model::can_teach(&actor, &t.training);
    let applications = if can_manage {
        service::applications(&state.db, &actor, id).await?
    } else {
        Vec::new()
    };
    let today = service::today();
    // The day asked for when it is one attendance may be recorded for, else the latest.
    let last = today.min(t.training.end_date);
    let day = s
        .day
        .filter(|d| *d >= t.training.start_date && *d <= last)
        .unwrap_or(last.max(t.training.start_date));
    let recorded = if can_teach && t.training.start_date <= today {
        service::attendance_on(&state.db, &actor, id, day).await?
    } else {
        None
    };
    let title = t.training.title.clone();
    Ok(ShowPage {
        page: page.titled(title),
        can_teach,
        can_manage,
        t,
        enrolments,
        personal,
        applications,
        enrol: s.enrol,
        enrol_errors: s.enrol_errors,
        row: s.row,
        no_errors: FieldErrors::new(),
        problem: s.problem,
        today,
        day,
        recorded: recorded.is_some(),
        present: s.typed_present.or(recorded),
    })
}

/// The batch page again (422) with why an action on it (attendance, closing, a decision)
/// was refused, at the top.
async fn refused_action(
    state: &AppState,
    page: Page,
    id: i64,
    errors: &FieldErrors,
    s: ShowState,
) -> Result<Response, AppError> {
    let s = ShowState {
        problem: errors.iter().next().map(|e| page.message(e)),
        ..s
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        show_page(state, page, id, s).await?,
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    /// The day the attendance form shows (`2026-03-02`).
    day: String,
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<ShowPage, AppError> {
    let s = ShowState {
        day: check::date(&q.day).ok().flatten(),
        ..Default::default()
    };
    show_page(&state, page, id, s).await
}

pub async fn enrol(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input: PersonInput = body.parse()?;
    match service::enrol(&state.db, &actor, id, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/trainings/{id}?done=enrolled#peserta")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let s = ShowState {
                enrol: input,
                enrol_errors: errors,
                ..Default::default()
            };
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                show_page(&state, page, id, s).await?,
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn result(
    State(state): State<AppState>,
    page: Page,
    Path(enrolment_id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let input: ResultInput = body.parse()?;
    let training_id = service::training_of_enrolment(&state.db, enrolment_id).await?;
    let (errors, stale, status) =
        match service::set_result(&state.db, &actor, enrolment_id, &input).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "/trainings/{training_id}?done=result_saved#e{enrolment_id}"
                ))
                .into_response());
            }
            Err(AppError::Invalid(errors)) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
            Err(AppError::Stale) => (FieldErrors::new(), true, StatusCode::CONFLICT),
            Err(e) => return Err(e),
        };
    let s = ShowState {
        row: Some((enrolment_id, input, errors, stale)),
        ..Default::default()
    };
    Ok((status, show_page(&state, page, training_id, s).await?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AttendanceForm {
    day: String,
    present: Vec<String>,
}

pub async fn attendance(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: AttendanceForm = body.parse()?;
    let day = check::date(&form.day).ok().flatten();
    let present: Vec<i64> = form.present.iter().filter_map(|p| p.parse().ok()).collect();
    let outcome = match day {
        Some(d) => service::set_attendance(&state.db, &actor, id, d, &present).await,
        None => Err(AppError::invalid("day", "invalid_date")),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!(
            "/trainings/{id}?day={}&done=attendance_saved#kehadiran",
            day.map(|d| d.to_string()).unwrap_or_default()
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            // The ticks kept, for the day typed.
            let s = ShowState {
                day,
                typed_present: Some(present),
                ..Default::default()
            };
            refused_action(&state, page, id, &errors, s).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VersionForm {
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    version: Option<i64>,
}

pub async fn close(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: VersionForm = body.parse()?;
    match service::close(&state.db, &actor, id, form.version).await {
        Ok(_) => Ok(Redirect::to(&format!("/trainings/{id}?done=training_closed")).into_response()),
        Err(AppError::Invalid(errors)) => {
            refused_action(&state, page, id, &errors, ShowState::default()).await
        }
        Err(AppError::Stale) => Ok(Redirect::to(&format!("/trainings/{id}")).into_response()),
        Err(e) => Err(e),
    }
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

/// The participant list's columns, for a viewer with or without access to personal data.
fn participant_headers(page: &Page, personal: bool) -> Vec<String> {
    let mut h = vec!["name", "sex"];
    h.push("nik");
    if personal {
        h.extend(["birth_date", "phone", "address"]);
    }
    h.extend([
        "attendance",
        "result",
        "certificate_no",
        "bnsp_certificate_no",
        "latest_status",
    ]);
    h.iter().map(|f| page.field_label(f).into_owned()).collect()
}

fn participant_row(page: &Page, e: &Enrolment, personal: bool) -> Vec<String> {
    let mut r = vec![
        e.name.clone(),
        e.sex.as_str().to_owned(),
        e.nik.clone().unwrap_or_default(),
    ];
    if personal {
        r.push(e.birth_date.map(|d| d.to_string()).unwrap_or_default());
        r.push(e.phone.clone().unwrap_or_default());
        r.push(e.address.clone().unwrap_or_default());
    }
    r.push(format!("{}/{}", e.present, e.sessions));
    r.push(
        e.result
            .map(|x| page.label("result", x.as_str()).into_owned())
            .unwrap_or_default(),
    );
    r.push(e.certificate_no.clone().unwrap_or_default());
    r.push(e.bnsp_certificate_no.clone().unwrap_or_default());
    r.push(
        e.latest_status
            .map(|x| page.label("outcome", x.as_str()).into_owned())
            .unwrap_or_default(),
    );
    r
}

/// The participant list as XLSX or CSV: personal data only for those who may see it (the
/// export logged for each trainee).
pub async fn participants_export(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(f): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&f.format)?;
    let actor = page.require()?;
    let (_, list, personal) = service::enrolments_export(
        &state.db,
        &actor,
        id,
        &format!("Unduhan peserta pelatihan {id}"),
    )
    .await?;
    let headers = participant_headers(&page, personal);
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|e| participant_row(&page, e, personal))
        .collect();
    let mut rows = Some(rows);
    let fetch: export::Fetch = Box::new(move |n| {
        let chunk = if n == 0 {
            rows.take().unwrap_or_default()
        } else {
            Vec::new()
        };
        Box::pin(async move { Ok(chunk) })
    });
    export::respond(format, &format!("peserta-pelatihan-{id}"), headers, fetch).await
}

/// The printable batch report: the batch, its participants, attendance and results.
pub async fn report_pdf(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let (t, list, personal) = service::enrolments_export(
        &state.db,
        &actor,
        id,
        &format!("Laporan PDF pelatihan {id}"),
    )
    .await?;
    let mut doc = pdf::Doc::new(&format!(
        "{} — {}",
        page.t("report.title"),
        t.training.title
    ))
    .landscape();
    let l = |k: &str| page.field_label(k).into_owned();
    doc.pairs(&[
        (l("centre_name"), t.centre_name.clone()),
        (l("kejuruan"), t.kejuruan_name.clone()),
        (
            page.t("report.dates").into_owned(),
            format!(
                "{} – {}",
                page.date(&t.training.start_date),
                page.date(&t.training.end_date)
            ),
        ),
        (l("hours"), format!("{} JP", t.training.hours)),
        (l("quota"), format!("{} / {}", t.enrolled, t.training.quota)),
        (
            l("funding"),
            page.label("funding", t.training.funding.as_str())
                .into_owned(),
        ),
        (l("fee"), rupiah(&t.training.fee)),
        (l("venue"), t.training.venue.clone()),
    ]);
    let count = |r: Competence| list.iter().filter(|e| e.result == Some(r)).count();
    doc.text(&format!(
        "{}: {} · {}: {} · {}: {}",
        page.label("result", "kompeten"),
        count(Competence::Kompeten),
        page.label("result", "belum_kompeten"),
        count(Competence::BelumKompeten),
        page.label("result", "mengundurkan_diri"),
        count(Competence::MengundurkanDiri)
    ));
    doc.heading(&page.t("report.participants"));
    let mut columns = vec![
        pdf::Column::right("No", 0.4),
        pdf::Column::left(&l("name"), 2.4),
        pdf::Column::left("L/P", 0.4),
    ];
    columns.push(pdf::Column::left(&l("nik"), 1.6));
    if personal {
        columns.push(pdf::Column::left(&l("phone"), 1.3));
    }
    columns.extend([
        pdf::Column::right(&l("attendance"), 0.9),
        pdf::Column::left(&l("result"), 1.3),
        pdf::Column::left(&l("certificate_no"), 1.5),
        pdf::Column::left(&l("bnsp_certificate_no"), 1.5),
    ]);
    let rows: Vec<Vec<String>> = list
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut r = vec![
                (i + 1).to_string(),
                e.name.clone(),
                e.sex.as_str().to_owned(),
                e.nik.clone().unwrap_or_default(),
            ];
            if personal {
                r.push(e.phone.clone().unwrap_or_default());
            }
            r.extend([
                format!("{}/{}", e.present, e.sessions),
                e.result
                    .map(|x| page.label("result", x.as_str()).into_owned())
                    .unwrap_or_default(),
                e.certificate_no.clone().unwrap_or_default(),
                e.bnsp_certificate_no.clone().unwrap_or_default(),
            ]);
            r
        })
        .collect();
    doc.table(&columns, &rows);
    doc.space(24.0);
    doc.text(&page.t("report.signature"));
    let footer = format!(
        "Simandiri · {} · {}",
        t.centre_name,
        page.date(&service::today())
    );
    let bytes = doc.finish(&footer);
    Ok(export::pdf(bytes, &format!("laporan-pelatihan-{id}.pdf")))
}

// ---- Outcomes and the tracer list ----------------------------------------------------

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
    match service::add_outcome(&state.db, &actor, id, &input).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/enrolments/{id}/outcomes?done=outcome_saved")).into_response(),
        ),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            outcomes_page(&state, page, id, input, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
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
    match changed {
        Ok(_) => Ok(Redirect::to("/trainings/schedule?done=schedule_saved").into_response()),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            schedule_page(&state, page, Some(form), errors).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

// ---- Figures -------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatsQuery {
    year: String,
    province: String,
    regency: String,
    centre: String,
    kejuruan: String,
    funding: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/stats.html")]
pub struct StatsPage {
    page: Page,
    query: StatsQuery,
    total: Figures,
    /// The next level down: `(link, name, figures)`.
    rows: Vec<(String, String, Figures)>,
    by_sex: Vec<KeyedFigures>,
    by_funding: Vec<KeyedFigures>,
    level: &'static str,
    crumbs: Vec<(String, String)>,
    kejuruan: Vec<Kejuruan>,
}

impl StatsPage {
    fn funding_options(&self) -> Vec<Choice> {
        self.page.choices("funding", Funding::ALL)
    }
}

pub async fn stats(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<StatsQuery>,
) -> Result<StatsPage, AppError> {
    use super::service::GroupBy;
    let actor = page.require()?;
    let mut e = FieldErrors::new();
    let year = e.take("year", check::int_in(&q.year, 2000, 2100));
    let centre = e.take("centre", check::int_in(&q.centre, 1, i64::MAX));
    e.finish(()).map_err(AppError::Invalid)?;
    let f = TrainingFilter {
        year,
        centre,
        province: q.province.trim().to_owned(),
        regency: q.regency.trim().to_owned(),
        kejuruan: q.kejuruan.trim().to_owned(),
        funding: Funding::parse(q.funding.trim()),
    };
    let (level, by) = if centre.is_some() {
        ("stats.level_batch", None)
    } else if !f.regency.is_empty() {
        ("stats.level_centre", Some(GroupBy::Centre))
    } else if !f.province.is_empty() {
        ("stats.level_regency", Some(GroupBy::Regency))
    } else {
        ("stats.level_province", Some(GroupBy::Province))
    };
    let (total, keyed) = service::stats(&state.db, &actor, &f, by).await?;
    let (_, by_sex) = service::stats(&state.db, &actor, &f, Some(GroupBy::Sex)).await?;
    let (_, by_funding) = service::stats(&state.db, &actor, &f, Some(GroupBy::Funding)).await?;
    let link = |key: &str, value: &str| {
        href(
            "/trainings/stats",
            &[
                ("year", &q.year),
                (
                    "province",
                    if key == "province" {
                        value
                    } else {
                        &q.province
                    },
                ),
                ("regency", if key == "regency" { value } else { &q.regency }),
                ("centre", if key == "centre" { value } else { "" }),
                ("kejuruan", &q.kejuruan),
                ("funding", &q.funding),
            ],
        )
    };
    let mut rows = Vec::new();
    match by {
        Some(GroupBy::Centre) => {
            let ids: Vec<i64> = keyed.iter().filter_map(|k| k.key.parse().ok()).collect();
            let names = service::names(&state.db, &ids).await?;
            for k in keyed {
                let name = names
                    .iter()
                    .find(|(id, _)| id.to_string() == k.key)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                rows.push((link("centre", &k.key), name, k.figures));
            }
        }
        Some(kind) => {
            let codes: Vec<&str> = keyed.iter().map(|k| k.key.as_str()).collect();
            let names = areas::service::names(&state.db, &codes).await?;
            let key = if kind == GroupBy::Province {
                "province"
            } else {
                "regency"
            };
            for k in &keyed {
                let name = names
                    .iter()
                    .find(|(c, _)| *c == k.key)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| k.key.clone());
                rows.push((link(key, &k.key), name, k.figures.clone()));
            }
        }
        None => {
            let list = service::list(&state.db, &actor, &f, 1).await?;
            for t in list.items {
                rows.push((
                    format!("/trainings/{}", t.id),
                    t.training.title.clone(),
                    Figures {
                        batches: 1,
                        trainees: t.enrolled,
                        ..Default::default()
                    },
                ));
            }
        }
    }
    let mut crumbs = vec![(link("province", ""), page.t("stats.nation").into_owned())];
    let mut codes = Vec::new();
    if !f.province.is_empty() {
        codes.push(f.province.as_str());
    }
    if !f.regency.is_empty() {
        codes.push(f.regency.as_str());
    }
    let names = areas::service::names(&state.db, &codes).await?;
    for (code, name) in names {
        let key = if code.len() == 2 {
            "province"
        } else {
            "regency"
        };
        crumbs.push((link(key, &code), name));
    }
    let title = page.t("stats.title");
    Ok(StatsPage {
        page: page.titled(title),
        query: q,
        total,
        rows,
        by_sex,
        by_funding,
        level,
        crumbs,
        kejuruan: catalogue(&state.db).await?,
    })
}

// ---- The public ----------------------------------------------------------------------

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
        self.page.choices("sex", model::Sex::ALL)
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
        notice_version: model::NOTICE_VERSION,
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
    match service::apply(&state.db, id, &input).await {
        Ok(code) => Ok(Redirect::to(&format!("/pelatihan/{id}?kode={code}")).into_response()),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            public_page(&state, page, id, input, errors, None).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

// ---- The trainee's own page ----------------------------------------------------------

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

/// A trainee's certificate of a batch they passed, as a PDF to print or show.
pub async fn certificate_pdf(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let (person, e, t) = service::my_certificate(&state.db, &actor, id).await?;
    let l = |k: &str| page.field_label(k).into_owned();
    let mut doc = pdf::Doc::new(&page.t("certificate.title")).landscape();
    doc.text(&page.t("certificate.given_to"));
    doc.heading(&person.name);
    doc.text(&page.tf("certificate.statement", &t.training.title));
    let mut pairs = vec![
        (l("kejuruan"), t.kejuruan_name.clone()),
        (l("centre_name"), t.centre_name.clone()),
        (
            page.t("report.dates").into_owned(),
            format!(
                "{} – {}",
                page.date(&t.training.start_date),
                page.date(&t.training.end_date)
            ),
        ),
        (l("hours"), format!("{} JP", t.training.hours)),
        (l("result"), page.label("result", "kompeten").into_owned()),
    ];
    if let Some(n) = &e.certificate_no {
        pairs.push((l("certificate_no"), n.clone()));
    }
    if let Some(n) = &e.bnsp_certificate_no {
        pairs.push((l("bnsp_certificate_no"), n.clone()));
    }
    doc.pairs(&pairs);
    doc.space(36.0);
    doc.text(&page.t("certificate.signature"));
    let footer = format!(
        "Simandiri · {} · {}",
        t.centre_name,
        page.date(&service::today())
    );
    Ok(export::pdf(
        doc.finish(&footer),
        &format!("sertifikat-{}.pdf", e.id),
    ))
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
    match service::correct(&state.db, &actor, &input).await {
        Ok(_) => Ok(Redirect::to("/me/trainings?done=data_corrected").into_response()),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            mine_page(&state, page, Some(input), errors).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
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
    let e = service::enrolment(&state.db, &actor, id).await?;
    let t = service::for_edit(&state.db, &actor, e.training_id).await?;
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
    match service::confirm_link(&state.db, &actor, id, &form.code).await {
        Ok(e) => Ok(Redirect::to(&format!(
            "/trainings/{}?done=linked#e{}",
            e.training_id, e.id
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            link_page_with(&state, page, id, None, form.code, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
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
