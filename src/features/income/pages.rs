//! Income pages: a BLKK's year by month, the form for a month's income by source, and the
//! self-funding figures.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

use super::api::{YearParams, year_and_centre};
use super::model::{IncomeInput, IncomeMonth, IncomeSource, YearMonth};
use super::service::{self, IncomeYear, SelfFunding};
use crate::kernel::access::{Actor, Role};
use crate::kernel::attachments::Attachment;
use crate::kernel::code::Rupiah;
use crate::kernel::error::AppError;
use crate::kernel::files::UPLOAD_READ;
use crate::kernel::validate::{FieldErrors, check};
use crate::kernel::web::AppState;
use crate::kernel::web::export;
use crate::kernel::web::extract::{FormBody, Path, Query, Upload};
use crate::kernel::web::nav::href;
use crate::kernel::web::page::Page;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct YearQuery {
    centre: String,
    year: String,
}

impl YearQuery {
    fn params(&self) -> Result<YearParams, AppError> {
        let mut e = FieldErrors::new();
        let centre = e.take("centre", check::int_in(&self.centre, 1, i64::MAX));
        let year = e.take("year", check::int_in(&self.year, 2000, 2100));
        e.finish(YearParams { centre, year })
            .map_err(AppError::Invalid)
    }
}

fn own_centre(actor: &Actor) -> Option<i64> {
    match actor.role {
        Role::Pengelola => actor.org_id,
        _ => None,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "income/year.html")]
pub struct YearPage {
    page: Page,
    y: IncomeYear,
    /// Each recorded month's evidence files, by its record id.
    evidence: BTreeMap<i64, Vec<Attachment>>,
}

impl YearPage {
    fn files_of(&self, m: &IncomeMonth) -> &[Attachment] {
        self.evidence.get(&m.id).map_or(&[], Vec::as_slice)
    }

    fn edit_href(&self, month: &str) -> String {
        href(
            "/income/edit",
            &[("centre", &self.y.centre_id.to_string()), ("month", month)],
        )
    }

    fn export_href(&self, format: &str) -> String {
        href(
            "/income/export",
            &[
                ("centre", &self.y.centre_id.to_string()),
                ("year", &self.y.year.to_string()),
                ("format", format),
            ],
        )
    }

    fn has_next(&self) -> bool {
        self.y.year < crate::kernel::time::today().year()
    }

    fn year_href(&self, year: i32) -> String {
        href(
            "/income",
            &[
                ("centre", &self.y.centre_id.to_string()),
                ("year", &year.to_string()),
            ],
        )
    }
}

pub async fn year(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<YearQuery>,
) -> Result<YearPage, AppError> {
    let actor = page.require()?;
    let (centre, year) = year_and_centre(&q.params()?, own_centre(&actor))?;
    let y = service::year(&state.db, &actor, centre, year).await?;
    let evidence = service::year_evidence(&state.db, &actor, &y).await?;
    let title = page.tf("income.title_of", &y.centre_name);
    Ok(YearPage {
        page: page.titled(title),
        y,
        evidence,
    })
}

/// A BLKK's year as XLSX or CSV: a row per month, a column per source.
pub async fn export(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<YearQuery>,
    Query(fq): Query<export::FormatQuery>,
) -> Result<Response, AppError> {
    let format = export::Format::parse(&fq.format)?;
    let actor = page.require()?;
    let (centre, year) = year_and_centre(&q.params()?, own_centre(&actor))?;
    let y = service::year(&state.db, &actor, centre, year).await?;
    let sources = service::sources();
    let mut headers = vec![page.t("income.month").into_owned()];
    headers.extend(
        sources
            .iter()
            .map(|s| page.label("income_source", s.as_str()).into_owned()),
    );
    headers.push(page.t("income.own").into_owned());
    headers.push(page.t("income.total").into_owned());
    headers.push(page.t("income.fees_from_records").into_owned());
    let rows = y
        .months
        .iter()
        .map(|m| {
            let mut row = vec![m.month.clone()];
            let r = m.recorded.as_ref();
            for s in &sources {
                row.push(
                    r.and_then(|r| r.amounts.get(s))
                        .map(i64::to_string)
                        .unwrap_or_default(),
                );
            }
            row.push(r.map(|r| r.own.to_string()).unwrap_or_default());
            row.push(r.map(|r| r.total.to_string()).unwrap_or_default());
            row.push(m.training_fees.to_string());
            row
        })
        .collect();
    export::respond(
        format,
        &format!("pendapatan-{year}"),
        headers,
        export::rows(rows),
    )
    .await
}

// ---- A month's form ------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MonthQuery {
    centre: String,
    month: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "income/form.html")]
pub struct FormPage {
    page: Page,
    centre_id: i64,
    centre_name: String,
    month: String,
    /// What the form shows: typed, or as recorded.
    values: BTreeMap<String, String>,
    note: String,
    version: String,
    training_fees: i64,
    errors: FieldErrors,
    stale: bool,
    /// The month's record and its evidence, once recorded; a refused file's problem.
    month_id: Option<i64>,
    evidence: Vec<Attachment>,
    file_errors: FieldErrors,
}

impl FormPage {
    fn sources(&self) -> Vec<IncomeSource> {
        service::sources()
    }

    fn field(&self, s: &IncomeSource) -> String {
        format!("amounts.{}", s.as_str())
    }

    fn value(&self, s: &IncomeSource) -> String {
        self.values.get(s.as_str()).cloned().unwrap_or_default()
    }

    fn fees(&self) -> String {
        Rupiah(self.training_fees).to_string()
    }

    fn back(&self) -> String {
        href(
            "/income",
            &[
                ("centre", &self.centre_id.to_string()),
                ("year", self.month.get(..4).unwrap_or_default()),
            ],
        )
    }
}

/// What comes back refused on a month's page: the typed form and its problems, whether
/// someone else saved first, or a file's problem.
#[derive(Default)]
struct Refused {
    typed: Option<(BTreeMap<String, String>, String, String)>,
    errors: FieldErrors,
    stale: bool,
    file_errors: FieldErrors,
}

async fn form_page(
    state: &AppState,
    page: Page,
    actor: &Actor,
    centre: i64,
    month: YearMonth,
    r: Refused,
) -> Result<FormPage, AppError> {
    let Refused {
        typed,
        errors,
        stale,
        file_errors,
    } = r;
    let y = service::year(&state.db, actor, centre, month.year).await?;
    if !y.may_edit {
        return Err(AppError::Forbidden);
    }
    let text = month.to_string();
    let view = y.months.iter().find(|m| m.month == text);
    let training_fees = view.map_or(0, |m| m.training_fees);
    let recorded = view.and_then(|m| m.recorded.clone());
    let month_id = recorded.as_ref().map(|r| r.id);
    let evidence = match month_id {
        Some(id) => {
            crate::features::records::service::attachments(&state.db, actor, "income", id).await?
        }
        None => Vec::new(),
    };
    let (values, note, version) = match (typed, &recorded) {
        (Some(t), _) => t,
        (None, Some(r)) => (
            r.amounts
                .iter()
                .map(|(s, a)| (s.as_str().to_owned(), Rupiah(*a).to_string()))
                .collect(),
            r.note.clone(),
            r.version.to_string(),
        ),
        (None, None) => {
            let mut v = BTreeMap::new();
            if training_fees > 0 {
                v.insert(
                    IncomeSource::BiayaPelatihan.as_str().to_owned(),
                    Rupiah(training_fees).to_string(),
                );
            }
            (v, String::new(), String::new())
        }
    };
    // After a refusal for someone else's change, the form offers the current version.
    let version = if stale {
        recorded.map(|r| r.version.to_string()).unwrap_or_default()
    } else {
        version
    };
    let title = page.tf("income.month_title", &text);
    Ok(FormPage {
        page: page.titled(title),
        centre_id: centre,
        centre_name: y.centre_name,
        month: text,
        values,
        note,
        version,
        training_fees,
        errors,
        stale,
        month_id,
        evidence,
        file_errors,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let centre = check::int_in(&q.centre, 1, i64::MAX)
        .ok()
        .flatten()
        .or(own_centre(&actor))
        .ok_or(AppError::invalid("centre", "required"))?;
    let month = YearMonth::parse(&q.month).ok_or(AppError::invalid("month", "invalid_month"))?;
    Ok(
        form_page(&state, page, &actor, centre, month, Refused::default())
            .await?
            .into_response(),
    )
}

/// Saves the month; refused input comes back beside its fields, the typing kept.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let form: BTreeMap<String, String> = body.parse()?;
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let centre = check::int_in(&get("centre_id"), 1, i64::MAX)
        .ok()
        .flatten()
        .ok_or(AppError::BadRequest("centre_id".into()))?;
    let month = YearMonth::parse(&get("month")).ok_or(AppError::BadRequest("month".into()))?;
    let values: BTreeMap<String, String> = form
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("amounts.")?.to_owned(), v.clone())))
        .collect();
    let input = IncomeInput {
        centre_id: Some(centre),
        month: month.to_string(),
        amounts: values
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
        note: get("note"),
        version: check::int_in(&get("version"), 1, i64::MAX).ok().flatten(),
    };
    match service::save(&state.db, &actor, &input).await {
        Ok(_) => {
            let to = href(
                "/income",
                &[
                    ("centre", &centre.to_string()),
                    ("year", &month.year.to_string()),
                    ("done", "income_saved"),
                ],
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let r = Refused {
                typed: Some((values, get("note"), get("version"))),
                errors,
                ..Default::default()
            };
            let body = form_page(&state, page, &actor, centre, month, r).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
        Err(AppError::Stale) => {
            let r = Refused {
                typed: Some((values, get("note"), String::new())),
                stale: true,
                ..Default::default()
            };
            let body = form_page(&state, page, &actor, centre, month, r).await?;
            Ok((StatusCode::CONFLICT, body).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---- Evidence ------------------------------------------------------------------------

/// Attaches evidence to a recorded month (the form on its page); a refused file is named
/// beside the file field.
pub async fn attach(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    upload: Result<Upload<UPLOAD_READ>, AppError>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let m = service::recorded_month(&state.db, &actor, id).await?;
    let done = match upload {
        Ok(up) => crate::features::records::service::attach(
            &state.db,
            &state.config.files,
            &actor,
            "income",
            id,
            &up.file_name,
            up.bytes,
        )
        .await
        .map(|_| ()),
        Err(AppError::TooLarge) => Err(AppError::invalid("file", "file_too_large")),
        Err(e) => Err(e),
    };
    let month = YearMonth::parse(&m.month).ok_or(AppError::NotFound)?;
    match done {
        Ok(()) => {
            let to = href(
                "/income/edit",
                &[
                    ("centre", &m.centre_id.to_string()),
                    ("month", &m.month),
                    ("done", "attachment_saved"),
                ],
            );
            Ok(Redirect::to(&format!("{to}#bukti")).into_response())
        }
        Err(AppError::Invalid(file_errors)) => {
            let r = Refused {
                file_errors,
                ..Default::default()
            };
            let body = form_page(&state, page, &actor, m.centre_id, month, r).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
        Err(e) => Err(e),
    }
}

/// An evidence file, for those who may read the BLKK's income.
pub async fn attachment(
    State(state): State<AppState>,
    page: Page,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    crate::features::records::pages::download(&state, &page, "income", id, aid).await
}

// ---- Self-funding figures ------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatsQuery {
    year: String,
    scope: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "income/stats.html")]
pub struct StatsPage {
    page: Page,
    f: SelfFunding,
    query: StatsQuery,
}

impl StatsPage {
    fn scope_href(&self, scope: &str) -> String {
        href(
            "/income/stats",
            &[("year", &self.f.year.to_string()), ("scope", scope)],
        )
    }

    fn bands(&self) -> [&'static str; 5] {
        ["< 10 %", "10–25 %", "25–50 %", "50–75 %", "≥ 75 %"]
    }
}

pub async fn stats(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<StatsQuery>,
) -> Result<StatsPage, AppError> {
    let actor = page.require()?;
    let year = check::int_in(&q.year, 2000, 2100)
        .map_err(|p| AppError::Invalid(FieldErrors::single("year", p)))?;
    let f = service::self_funding(&state.db, &actor, year, &q.scope).await?;
    let title = page.t("income.stats_title");
    Ok(StatsPage {
        page: page.titled(title),
        f,
        query: q,
    })
}
