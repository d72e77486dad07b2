//! One batch's page (trainees, enrolment, attendance, results, applications) and what is
//! done on it, its exports and printable report, and a trainee's certificate.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::Date;

// `rupiah` is for the template (`self::rupiah`).
use super::rupiah;
use crate::features::trainings::applications;
use crate::features::trainings::applications::model::Application;
use crate::features::trainings::batches::model::{
    self, Competence, Enrolment, ResultInput, TrainingRecord,
};
use crate::features::trainings::batches::service;
use crate::features::trainings::trainees::model::{PersonInput, Sex};
use crate::kernel::error::AppError;
use crate::kernel::pdf;
use crate::kernel::validate::{FieldErrors, Flag, Patch, check};
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Path, Query};
use crate::kernel::web::page::{Choice, Page};

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
        self.page.choices("sex", Sex::ALL)
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
            .filter(|a| a.status == applications::model::ApplicationStatus::Menunggu)
            .count()
    }
}

#[derive(Default)]
pub(crate) struct ShowState {
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
        applications::service::applications(&state.db, &actor, id).await?
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
pub(crate) async fn refused_action(
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
