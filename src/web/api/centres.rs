//! `/api/v1/centres`: the directory, one BLKK, creating and editing, history.

use crate::web::extract::Path;
use crate::web::extract::Query;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use time::OffsetDateTime;

use super::{ApiJson, Paged};
use crate::app::AppError;
use crate::app::centres::{self, Assignment, CentreView};
use crate::domain::centre::{CentreInput, CentrePatch};
use crate::storage::audit::AuditEntry;
use crate::storage::centres::DirectoryEntry;
use crate::storage::orgs::OrgRef;
use crate::web::AppState;
use crate::web::auth::{CurrentUser, RequireUser};
use crate::web::error::ErrorBody;
use crate::web::pages::DirectoryQuery;

/// Contact details: only for users whose scope covers the BLKK.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub phone: String,
    pub email: String,
}

/// A BLKK profile.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CentreOut {
    pub id: i64,
    /// Send back as `version` in PATCH to refuse overwriting someone else's change.
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub name: String,
    pub reg_no: String,
    pub host_name: String,
    pub host_type: String,
    pub status: String,
    pub street: String,
    pub village_code: String,
    pub village_name: String,
    pub district_code: String,
    pub district_name: String,
    pub regency_code: String,
    pub regency_name: String,
    pub province_code: String,
    pub province_name: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub year_built: Option<i64>,
    pub aid_year: i64,
    pub kejuruan: Vec<String>,
    pub head_name: String,
    pub pembina: Option<OrgRef>,
    pub forums: Vec<OrgRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

impl From<CentreView> for CentreOut {
    fn from(v: CentreView) -> Self {
        let in_scope = v.in_scope;
        let r = v.record.row;
        CentreOut {
            id: r.id,
            version: r.version,
            updated_at: r.updated_at,
            pembina: r.pembina_id.map(|id| OrgRef {
                id,
                kind: "uptp".into(),
                name: r.pembina_name.clone().unwrap_or_default(),
            }),
            contact: in_scope.then(|| Contact {
                phone: r.contact_phone.clone(),
                email: r.contact_email.clone(),
            }),
            name: r.name,
            reg_no: r.reg_no,
            host_name: r.host_name,
            host_type: r.host_type,
            status: r.status,
            street: r.street,
            village_code: r.village_code,
            village_name: r.village_name,
            district_code: r.district_code,
            district_name: r.district_name,
            regency_code: r.regency_code,
            regency_name: r.regency_name,
            province_code: r.province_code,
            province_name: r.province_name,
            latitude: r.latitude,
            longitude: r.longitude,
            year_built: r.year_built,
            aid_year: r.aid_year,
            kejuruan: v.record.kejuruan,
            head_name: r.head_name,
            forums: v.record.forums,
        }
    }
}

/// Search the public directory (no personal data).
#[utoipa::path(get, path = "/api/v1/centres", tag = "centres", params(DirectoryQuery),
    responses(
        (status = 200, body = Paged<DirectoryEntry>),
        (status = 400, body = ErrorBody),
        (status = 401, description = "`mine=1` without signing in", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<DirectoryQuery>,
) -> Result<Json<Paged<DirectoryEntry>>, AppError> {
    let actor = user.as_ref().map(|u| u.actor());
    let page =
        centres::directory(&state.db, actor.as_ref(), &q.filter(), q.mine(), q.page()?).await?;
    Ok(Json(Paged {
        items: page.entries,
        total: page.total,
        page: page.page,
        pages: page.pages,
    }))
}

/// One BLKK. `contact` is present only for users whose scope covers it.
#[utoipa::path(get, path = "/api/v1/centres/{id}", tag = "centres",
    params(("id" = i64, Path, description = "BLKK id")),
    responses((status = 200, body = CentreOut), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<CentreOut>, AppError> {
    let actor = user.as_ref().map(|u| u.actor());
    Ok(Json(
        centres::view(&state.db, actor.as_ref(), id).await?.into(),
    ))
}

fn assignment_of(p: &CentrePatch, current: Option<&CentreView>) -> Assignment {
    Assignment {
        pembina_id: p
            .pembina_id
            .unwrap_or_else(|| current.and_then(|c| c.record.row.pembina_id)),
        forum_ids: p.forum_ids.clone().unwrap_or_else(|| {
            current.map_or_else(Vec::new, |c| c.record.forums.iter().map(|f| f.id).collect())
        }),
    }
}

/// Create a BLKK (admins). The body has the same fields as PATCH; `name`, `reg_no`,
/// `host_name`, `host_type`, `village_code`, `aid_year`, `kejuruan` and `status` are required.
#[utoipa::path(post, path = "/api/v1/centres", tag = "centres", request_body = CentrePatch,
    responses(
        (status = 201, body = CentreOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 422, description = "Invalid fields, listed in `error.fields`", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(p): ApiJson<CentrePatch>,
) -> Result<(StatusCode, Json<CentreOut>), AppError> {
    let actor = user.actor();
    let mut input = CentreInput::default();
    p.apply_to(&mut input);
    let id = centres::create(&state.db, &actor, &input, &assignment_of(&p, None)).await?;
    let view = centres::view(&state.db, Some(&actor), id).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Edit a BLKK: its manager (pengelola) or an admin. Only the fields sent change;
/// `pembina_id` and `forum_ids` are for admins.
#[utoipa::path(patch, path = "/api/v1/centres/{id}", tag = "centres", request_body = CentrePatch,
    params(("id" = i64, Path, description = "BLKK id")),
    responses(
        (status = 200, body = CentreOut),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Outside the user's scope, or an admin-only field", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed by someone else since `version`", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<CentrePatch>,
) -> Result<Json<CentreOut>, AppError> {
    let actor = user.actor();
    let current = centres::for_edit(&state.db, &actor, id).await?;
    if p.changes_assignment() && !current.can_assign {
        return Err(AppError::Forbidden);
    }
    let mut input = current.record.fields().to_input();
    p.apply_to(&mut input);
    let assignment = p
        .changes_assignment()
        .then(|| assignment_of(&p, Some(&current)));
    centres::update(
        &state.db,
        &actor,
        id,
        &input,
        assignment.as_ref(),
        p.version,
    )
    .await?;
    Ok(Json(
        centres::view(&state.db, Some(&actor), id).await?.into(),
    ))
}

/// The change history of a BLKK (newest first), for users whose scope covers it.
#[utoipa::path(get, path = "/api/v1/centres/{id}/history", tag = "centres",
    params(("id" = i64, Path, description = "BLKK id")),
    responses(
        (status = 200, body = Vec<AuditEntry>),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn history(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let (_, entries) = centres::history(&state.db, &user.actor(), id).await?;
    Ok(Json(entries))
}
