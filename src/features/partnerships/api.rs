//! `/api/v1/partnerships`: agreements, what came of them, the partner's confirmation, and
//! their files (the signed document).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::model::{ListFilter, PartnershipInput, PartnershipRealisation, PartnershipRecord};
use super::service;
use crate::features::trainings::batches::api::PageParam;
use crate::kernel::attachments::Attachment;
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path, Query};
use crate::kernel::web::openapi::Doc;
use crate::kernel::web::paging::{Paged, page_in_range};
use crate::kernel::web::version::{IfMatch, Tagged, or_current};

crate::creation_schema!(
    /// The fields of a new agreement (those of a change, with the required ones marked).
    NewPartnership,
    PartnershipInput
);

/// What the derived document cannot say: which fields a new agreement needs.
pub fn document(doc: &mut Doc) {
    doc.creation(
        "PartnershipInput",
        "NewPartnership",
        &PartnershipInput::required_to_create(),
    );
}

/// What the caller may do with an agreement.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct PartnershipAllowed {
    pub edit: bool,
    pub confirm: bool,
}

/// An agreement, what came of it, its files, and what the caller may do.
impl crate::kernel::web::version::Versioned for PartnershipAnswer {
    fn version(&self) -> i64 {
        self.record.version
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnershipAnswer {
    #[serde(flatten)]
    pub record: PartnershipRecord,
    pub realisation: PartnershipRealisation,
    pub attachments: Vec<Attachment>,
    pub allowed: PartnershipAllowed,
}

async fn answer(
    state: &AppState,
    actor: &crate::kernel::access::Actor,
    id: i64,
) -> Result<PartnershipAnswer, AppError> {
    let (record, realisation, attachments) = service::show(&state.db, actor, id).await?;
    let allowed = PartnershipAllowed {
        edit: service::may_edit(actor, &record),
        confirm: service::may_confirm(actor, &record),
    };
    Ok(PartnershipAnswer {
        record,
        realisation,
        attachments,
        allowed,
    })
}

/// Agreements the BLKK in the caller's scope take part in (a partner's users: their own),
/// the latest ending first.
#[utoipa::path(get, path = "/api/v1/partnerships", tag = "partnerships",
    operation_id = "partnerships_list", params(ListFilter, PageParam), security(("session" = [])),
    responses((status = 200, description = "One page of agreements", body = Paged<PartnershipRecord>),
        (status = 400, description = "A malformed filter or page", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "A page out of range", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: RequireUser,
    Query(f): Query<ListFilter>,
    Query(p): Query<PageParam>,
) -> Result<Json<Paged<PartnershipRecord>>, AppError> {
    let page = page_in_range(p.page)?;
    f.check()?;
    Ok(Json(
        service::list(&state.db, &user.actor(), &f, page).await?,
    ))
}

/// Record an agreement (a BLKK's manager for their BLKK, a forum's users for their forum and
/// some of its members; admins name the holder in `holder_id`).
#[utoipa::path(post, path = "/api/v1/partnerships", tag = "partnerships",
    operation_id = "partnerships_create", request_body = NewPartnership,
    security(("session" = [])),
    responses((status = 201, description = "Recorded", body = PartnershipRecord),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a manager of a BLKK or forum", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Invalid fields, listed in `error.fields` (an end before \
            the start, an amount over Rp 100 billion, a partner that is a BLKK, a member \
            outside the forum)", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<PartnershipInput>,
) -> Result<(StatusCode, Json<PartnershipRecord>), AppError> {
    let p = service::create(&state.db, &user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// One agreement with what came of it (its member BLKK's batches funded by the partner and
/// the graduates it employed, while it ran) and its files.
#[utoipa::path(get, path = "/api/v1/partnerships/{id}", tag = "partnerships",
    operation_id = "partnerships_show", params(("id" = i64, Path, description = "Agreement id")),
    security(("session" = [])),
    responses((status = 200, body = PartnershipAnswer),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such agreement the caller may see", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Tagged<PartnershipAnswer>, AppError> {
    Ok(Tagged(answer(&state, &user.actor(), id).await?))
}

/// Change an agreement (its holder): only the fields sent change. A change of partner,
/// dates, coverage or value asks the partner to confirm again.
#[utoipa::path(patch, path = "/api/v1/partnerships/{id}", tag = "partnerships",
    operation_id = "partnerships_patch", request_body = PartnershipInput,
    params(("id" = i64, Path, description = "Agreement id")), security(("session" = [])),
    responses((status = 200, body = PartnershipRecord),
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
    ApiJson(mut input): ApiJson<PartnershipInput>,
) -> Result<Json<PartnershipRecord>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::update(&state.db, &actor, id, &input).await;
    Ok(Json(
        or_current(saved, service::get(&state.db, &actor, id)).await?,
    ))
}

/// The version a confirmation applies to.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirm {
    /// The agreement's `version` as read (or send it as `If-Match`).
    #[serde(default, deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
}

/// Confirm an active agreement as recorded (the partner organisation's users).
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/confirm", tag = "partnerships",
    operation_id = "partnerships_confirm", request_body = Confirm,
    params(("id" = i64, Path, description = "Agreement id")), security(("session" = [])),
    responses((status = 200, body = PartnershipRecord),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Not the partner's user", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed since `version`", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Not active (field `status`)", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),))]
pub async fn confirm(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(c): ApiJson<Confirm>,
) -> Result<Json<PartnershipRecord>, AppError> {
    let actor = user.actor();
    let version = if_match.or(c.version)?;
    let confirmed = service::confirm(&state.db, &actor, id, version).await;
    Ok(Json(
        or_current(confirmed, service::get(&state.db, &actor, id)).await?,
    ))
}
