//! `/api/v1/trainings`, `/api/v1/enrolments`, `/api/v1/stats/trainings`,
//! `/api/v1/public/trainings` and `/api/v1/me/data`: batches, trainees, results, outcomes,
//! figures, public applications and a trainee's own data.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::model::{
    Application, Enrolment, Figures, OutcomeInput, OutcomeRecord, PersonInput, PublicFilter,
    PublicTraining, ResultInput, Schedule, TrainingFilter, TrainingInput, TrainingRecord,
};
use super::service::GroupBy;
use super::service::{self, Correction, MyData};
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path, Query};
use crate::kernel::web::openapi::Doc;
use crate::kernel::web::paging::{Paged, page_in_range};
use crate::kernel::web::version::{IfMatch, Tagged, or_current};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PageParam {
    /// Page number, from 1.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
}

crate::creation_schema!(
    /// The fields of a new batch (those of a change, with the required ones marked).
    NewTraining,
    TrainingInput
);

/// What the derived document cannot say: which fields a new batch needs.
pub fn document(doc: &mut Doc) {
    doc.creation(
        "TrainingInput",
        "NewTraining",
        &TrainingInput::required_to_create(),
    );
}

/// Batches in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/trainings", tag = "trainings", operation_id = "trainings_list",
    params(TrainingFilter, PageParam), security(("session" = [])),
    responses((status = 200, description = "One page of batches", body = Paged<TrainingRecord>),
        (status = 400, description = "A malformed filter or page", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "No BLKK in the caller's scope", body = ErrorBody),
        (status = 422, description = "A year or BLKK id out of range, in `error.fields`", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: RequireUser,
    Query(f): Query<TrainingFilter>,
    Query(p): Query<PageParam>,
) -> Result<Json<Paged<TrainingRecord>>, AppError> {
    let page = page_in_range(p.page)?;
    Ok(Json(
        service::list(&state.db, &user.actor(), &f, page).await?,
    ))
}

/// Plan a batch (the BLKK's managers; admins name the BLKK in `centre_id`).
#[utoipa::path(post, path = "/api/v1/trainings", tag = "trainings", operation_id = "trainings_create",
    request_body = NewTraining, security(("session" = [])),
    responses((status = 201, description = "Created", body = TrainingRecord),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of this BLKK", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields, listed in `error.fields`", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<TrainingInput>,
) -> Result<(StatusCode, Json<TrainingRecord>), AppError> {
    let t = service::create(&state.db, &user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// One batch, for those whose scope covers its BLKK.
#[utoipa::path(get, path = "/api/v1/trainings/{id}", tag = "trainings", operation_id = "trainings_show",
    params(("id" = i64, Path, description = "Batch id")), security(("session" = [])),
    responses((status = 200, description = "The batch (its version also as `ETag`)",
            body = TrainingRecord),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such batch", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Tagged<TrainingRecord>, AppError> {
    Ok(Tagged(service::view(&state.db, &user.actor(), id).await?))
}

/// Change a batch that is not closed: only the fields sent change.
#[utoipa::path(patch, path = "/api/v1/trainings/{id}", tag = "trainings", operation_id = "trainings_patch",
    request_body = TrainingInput, params(("id" = i64, Path, description = "Batch id")),
    security(("session" = [])),
    responses((status = 200, body = TrainingRecord),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Changed by someone else since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn patch(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<TrainingInput>,
) -> Result<Tagged<TrainingRecord>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::update(&state.db, &actor, id, &input).await;
    Ok(Tagged(
        or_current(saved, service::view(&state.db, &actor, id)).await?,
    ))
}

/// A batch's trainees. NIK, birth date, phone and address only for the BLKK's users and
/// admins (each view logged for the trainee); others get the NIK masked.
#[utoipa::path(get, path = "/api/v1/trainings/{id}/enrolments", tag = "trainings",
    operation_id = "enrolments_list", params(("id" = i64, Path, description = "Batch id")),
    security(("session" = [])),
    responses((status = 200, description = "The trainees, by name", body = Vec<Enrolment>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such batch", body = ErrorBody)))]
pub async fn enrolments(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Enrolment>>, AppError> {
    let (_, list, _) = service::enrolments(
        &state.db,
        &user.actor(),
        id,
        &format!("API peserta pelatihan {id}"),
    )
    .await?;
    Ok(Json(list))
}

/// Enrol a trainee by NIK: a person already known is found, not duplicated. Refused when
/// the batch is full or closed, or the person is in another batch at the same time.
#[utoipa::path(post, path = "/api/v1/trainings/{id}/enrolments", tag = "trainings",
    operation_id = "enrolments_create", request_body = PersonInput,
    params(("id" = i64, Path, description = "Batch id")), security(("session" = [])),
    responses((status = 201, description = "Enrolled", body = Enrolment),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager of this batch's BLKK", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields (an invalid NIK, a full batch, an \
            overlapping batch, no consent)", body = ErrorBody)))]
pub async fn enrol(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<Enrolment>), AppError> {
    let e = service::enrol(&state.db, &user.actor(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(e)))
}

/// One trainee (personal data only for the BLKK's users and admins); its version is also
/// the `ETag`, for `If-Match` when recording a result.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}", tag = "trainings",
    operation_id = "enrolments_show", params(("id" = i64, Path, description = "Enrolment id")),
    security(("session" = [])),
    responses((status = 200, body = Enrolment), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn enrolment(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Tagged<Enrolment>, AppError> {
    Ok(Tagged(
        service::enrolment(&state.db, &user.actor(), id).await?,
    ))
}

/// Record a trainee's result and certificate numbers (the batch's managers and
/// instructors). Send the enrolment's `version` to refuse overwriting another's result.
#[utoipa::path(put, path = "/api/v1/enrolments/{id}/result", tag = "trainings",
    operation_id = "enrolments_result", request_body = ResultInput,
    params(("id" = i64, Path, description = "Enrolment id")), security(("session" = [])),
    responses((status = 200, description = "The trainee with the result", body = Enrolment),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "No such enrolment", body = ErrorBody),
        (status = 409, description = "Recorded by someone else since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields (a certificate number used twice, a \
            result before the batch ends)", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn result(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<ResultInput>,
) -> Result<Json<Enrolment>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::set_result(&state.db, &actor, id, &input).await;
    Ok(Json(
        or_current(saved, service::enrolment(&state.db, &actor, id)).await?,
    ))
}

/// A graduate's outcomes (tracer study), newest first.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}/outcomes", tag = "trainings",
    operation_id = "outcomes_list", params(("id" = i64, Path, description = "Enrolment id")),
    security(("session" = [])),
    responses((status = 200, description = "The outcomes", body = Vec<OutcomeRecord>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn outcomes(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<OutcomeRecord>>, AppError> {
    Ok(Json(service::outcomes(&state.db, &user.actor(), id).await?))
}

/// Record what became of a graduate: by their BLKK, the alumnus themself (role peserta),
/// or the batch's partner (role mitra).
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/outcomes", tag = "trainings",
    operation_id = "outcomes_create", request_body = OutcomeInput,
    params(("id" = i64, Path, description = "Enrolment id")), security(("session" = [])),
    responses((status = 201, description = "Recorded", body = OutcomeRecord),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields (dated before the batch ended, not a \
            graduate)", body = ErrorBody)))]
pub async fn add_outcome(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OutcomeInput>,
) -> Result<(StatusCode, Json<OutcomeRecord>), AppError> {
    let o = service::add_outcome(&state.db, &user.actor(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(o)))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    /// Province code (`36`).
    pub province: String,
    /// Regency code (`36.01`).
    pub regency: String,
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1)]
    pub centre: Option<i64>,
    pub kejuruan: String,
    pub funding: Option<super::model::Funding>,
    /// A breakdown: `province`, `regency`, `centre`, `kejuruan`, `funding`, `sex` or `year`.
    #[param(pattern = "^(province|regency|centre|kejuruan|funding|sex|year)?$")]
    pub by: String,
}

/// Figures with their rates.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Stats {
    #[serde(flatten)]
    pub figures: Figures,
    /// Kompeten plus belum kompeten.
    pub graduates: i64,
    /// (bekerja + wirausaha) / traced, percent; `null` when none traced.
    pub placement_rate: Option<f64>,
    /// Traced / graduates, percent; `null` without graduates.
    pub response_rate: Option<f64>,
}

impl From<Figures> for Stats {
    fn from(f: Figures) -> Stats {
        Stats {
            graduates: f.graduates(),
            placement_rate: f.placement_rate(),
            response_rate: f.response_rate(),
            figures: f,
        }
    }
}

/// One row of a breakdown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatsRow {
    /// The province or regency code, BLKK id, kejuruan or funding code, sex (`L`, `P`) or
    /// year; `""` for the batch counts when broken down by sex.
    pub key: String,
    #[serde(flatten)]
    pub stats: Stats,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatsAnswer {
    pub total: Stats,
    pub rows: Vec<StatsRow>,
}

pub fn group_by(by: &str) -> Result<Option<GroupBy>, AppError> {
    Ok(match by.trim() {
        "" => None,
        "province" => Some(GroupBy::Province),
        "regency" => Some(GroupBy::Regency),
        "centre" => Some(GroupBy::Centre),
        "kejuruan" => Some(GroupBy::Kejuruan),
        "funding" => Some(GroupBy::Funding),
        "sex" => Some(GroupBy::Sex),
        "year" => Some(GroupBy::Year),
        _ => return Err(AppError::invalid("by", "invalid_choice")),
    })
}

/// Training figures in the caller's scope, live: batches, trainees, graduates by result,
/// traced graduates by their latest outcome, the placement and response rates; optionally
/// broken down.
#[utoipa::path(get, path = "/api/v1/stats/trainings", tag = "trainings",
    operation_id = "stats_trainings", params(StatsParams), security(("session" = [])),
    responses((status = 200, description = "The figures", body = StatsAnswer),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "No BLKK in the caller's scope", body = ErrorBody),
        (status = 422, description = "An unknown breakdown, or a year or BLKK id out of \
            range", body = ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    user: RequireUser,
    Query(p): Query<StatsParams>,
) -> Result<Json<StatsAnswer>, AppError> {
    let by = group_by(&p.by)?;
    let f = TrainingFilter {
        centre: p.centre,
        year: p.year,
        province: p.province,
        regency: p.regency,
        kejuruan: p.kejuruan,
        funding: p.funding,
    };
    let (total, rows) = service::stats(&state.db, &user.actor(), &f, by).await?;
    Ok(Json(StatsAnswer {
        total: total.into(),
        rows: rows
            .into_iter()
            .map(|r| StatsRow {
                key: r.key,
                stats: r.figures.into(),
            })
            .collect(),
    }))
}

/// Upcoming batches open to the public, soonest first (no sign-in).
#[utoipa::path(get, path = "/api/v1/public/trainings", tag = "public",
    operation_id = "public_trainings", params(PublicFilter, PageParam),
    responses((status = 200, description = "One page of batches (the total counted up to 1000)",
            body = Paged<PublicTraining>),
        (status = 400, body = ErrorBody),
        (status = 422, description = "A malformed date or cost", body = ErrorBody)))]
pub async fn public_list(
    State(state): State<AppState>,
    Query(f): Query<PublicFilter>,
    Query(p): Query<PageParam>,
) -> Result<Json<Paged<PublicTraining>>, AppError> {
    let page = page_in_range(p.page)?;
    Ok(Json(service::public_list(&state.db, &f, page).await?))
}

/// An application received. A NIK that already applied to the batch gets the same answer
/// with its application's code: the answer never tells whether someone applied.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Applied {
    /// The reference code to quote to the BLKK (`K7M2Q-9XD4H`).
    pub code: String,
    pub status: super::model::ApplicationStatus,
}

/// Apply for a batch (no sign-in). Needs `consent: true` to the personal-data notice.
#[utoipa::path(post, path = "/api/v1/public/trainings/{id}/applications", tag = "public",
    operation_id = "public_apply", request_body = PersonInput,
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 201, description = "Received; the BLKK decides", body = Applied),
        (status = 400, body = ErrorBody),
        (status = 404, description = "No such public batch", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields, or applications closed",
            body = ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<Applied>), AppError> {
    let code = service::apply(&state.db, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Applied {
            code,
            status: super::model::ApplicationStatus::Menunggu,
        }),
    ))
}

/// A batch's applications (its BLKK's managers).
#[utoipa::path(get, path = "/api/v1/trainings/{id}/applications", tag = "trainings",
    operation_id = "applications_list", params(("id" = i64, Path, description = "Batch id")),
    security(("session" = [])),
    responses((status = 200, description = "Waiting first", body = Vec<Application>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn applications(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Application>>, AppError> {
    Ok(Json(
        service::applications(&state.db, &user.actor(), id).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `true` accepts (enrols), `false` declines.
    pub accept: bool,
    /// The application's version last read.
    #[serde(default, deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

/// Accept or decline a waiting application.
#[utoipa::path(post, path = "/api/v1/applications/{id}/decision", tag = "trainings",
    operation_id = "applications_decide", request_body = Decision,
    params(("id" = i64, Path, description = "Application id")), security(("session" = [])),
    responses((status = 200, description = "Decided", body = Application),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 422, description = "Already decided, or the batch is full", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn decide(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(d): ApiJson<Decision>,
) -> Result<Json<Application>, AppError> {
    let actor = user.actor();
    let version = if_match.or(d.version)?;
    let decided = service::decide(
        &state.db,
        &actor,
        &state.config.public_url,
        id,
        d.accept,
        version,
    )
    .await;
    Ok(Json(
        or_current(decided, service::application(&state.db, &actor, id)).await?,
    ))
}

/// Everything held about the signed-in trainee (UU PDP): their data, trainings, outcomes,
/// consents and who looked at their personal data.
#[utoipa::path(get, path = "/api/v1/me/data", tag = "trainings", operation_id = "me_data",
    security(("session" = [])),
    responses((status = 200, description = "The trainee's data (its version also as `ETag`)",
            body = MyData),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a trainee", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn my_data(
    State(state): State<AppState>,
    user: RequireUser,
) -> Result<Tagged<MyData>, AppError> {
    Ok(Tagged(service::my_data(&state.db, &user.actor()).await?))
}

/// Correct one's own name and contacts.
#[utoipa::path(put, path = "/api/v1/me/data", tag = "trainings", operation_id = "me_correct",
    request_body = Correction, security(("session" = [])),
    responses((status = 200, description = "Corrected", body = super::model::Person),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn correct(
    State(state): State<AppState>,
    user: RequireUser,
    if_match: IfMatch,
    ApiJson(mut c): ApiJson<Correction>,
) -> Result<Json<super::model::Person>, AppError> {
    let actor = user.actor();
    c.version = if_match.or(c.version)?;
    let saved = service::correct(&state.db, &actor, &c).await;
    Ok(Json(
        or_current(saved, service::my_data(&state.db, &actor)).await?,
    ))
}

/// The tracer study's follow-up schedule: months after a batch ends.
#[utoipa::path(get, path = "/api/v1/tracer-schedule", tag = "trainings",
    operation_id = "tracer_schedule_get", security(("session" = [])),
    responses((status = 200, description = "The schedule (its version also as `ETag`)",
            body = Schedule),
        (status = 401, body = ErrorBody)))]
pub async fn schedule(
    State(state): State<AppState>,
    _user: RequireUser,
) -> Result<Tagged<Schedule>, AppError> {
    Ok(Tagged(service::schedule(&state.db).await?))
}

/// Change the follow-up schedule (ministry admin). Pending follow-ups are recalculated at
/// once; a graduate whose follow-ups were done gets a new point only if it lies ahead.
#[utoipa::path(put, path = "/api/v1/tracer-schedule", tag = "trainings",
    operation_id = "tracer_schedule_put", request_body = Schedule, security(("session" = [])),
    responses((status = 200, description = "The new schedule", body = Schedule),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 422, description = "No point, more than 12, or one outside 1-60 months",
            body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn change_schedule(
    State(state): State<AppState>,
    user: RequireUser,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<Schedule>,
) -> Result<Tagged<Schedule>, AppError> {
    input.version = if_match.or(input.version)?;
    let changed = service::change_schedule(&state.db, &user.actor(), &input)
        .await
        .map(|(s, _)| s);
    Ok(Tagged(
        or_current(changed, service::schedule(&state.db)).await?,
    ))
}

/// Ask to link the BLKK's record of a trainee to the person's own data (what they gave
/// before, possibly to another BLKK): a code goes to the contact the person gave earlier,
/// and to their own page if they have an account. Until linked, the BLKK sees only what it
/// typed.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/link", tag = "trainings",
    operation_id = "enrolments_link_request",
    params(("id" = i64, Path, description = "Enrolment id")), security(("session" = [])),
    responses((status = 202, description = "The code was sent", body = service::LinkSent),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager of this batch's BLKK", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "`link`: already linked, or no contact to send a code to",
            body = ErrorBody)))]
pub async fn request_link(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<service::LinkSent>), AppError> {
    let sent = service::request_link(&state.db, &user.actor(), id).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

/// The code the person read out to the BLKK.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkCode {
    #[schema(min_length = 1, max_length = 12)]
    pub code: String,
}

/// Link the record with the code the person, present, read out (wrong five times, or after
/// 30 minutes, a new code is needed). The link is logged in the person's access log.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/link/confirm", tag = "trainings",
    operation_id = "enrolments_link_confirm", request_body = LinkCode,
    params(("id" = i64, Path, description = "Enrolment id")), security(("session" = [])),
    responses((status = 200, description = "Linked", body = Enrolment),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "`code`: wrong, expired or never asked for",
            body = ErrorBody)))]
pub async fn confirm_link(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<LinkCode>,
) -> Result<Json<Enrolment>, AppError> {
    Ok(Json(
        service::confirm_link(&state.db, &user.actor(), id, &c.code).await?,
    ))
}

/// The signed-in trainee agrees to a BLKK's waiting request to link its record.
#[utoipa::path(post, path = "/api/v1/me/links/{centre_id}", tag = "trainings",
    operation_id = "me_link_allow",
    params(("centre_id" = i64, Path, description = "The BLKK that asked")),
    security(("session" = [])),
    responses((status = 204, description = "Linked"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a trainee", body = ErrorBody),
        (status = 404, description = "No waiting request from this BLKK", body = ErrorBody),
        (status = 422, description = "The request expired", body = ErrorBody)))]
pub async fn allow_link(
    State(state): State<AppState>,
    user: RequireUser,
    Path(centre_id): Path<i64>,
) -> Result<StatusCode, AppError> {
    service::allow_link(&state.db, &user.actor(), centre_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
