//! `/api/v1/centres`: the directory, one BLKK, creating and changing one, its history.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::json;

use super::model::{CentreInput, CentreRecord, DirectoryEntry, DirectoryQuery};
use super::service::{self, CentreView};
use crate::features::kejuruan::model::CATALOGUE;
use crate::kernel::audit::AuditEntry;
use crate::kernel::error::AppError;
use crate::kernel::time::this_year;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::{CurrentUser, RequireUser};
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{ApiJson, Path, Query};
use crate::kernel::web::openapi::Doc;
use crate::kernel::web::paging::{Paged, page_number};
use crate::kernel::web::version::{IfMatch, Tagged, or_current};

/// How to reach a BLKK: personal data, for users whose scope covers it (the phone also for
/// everyone when the BLKK chose `phone_public`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub phone: String,
    /// Only for users whose scope covers the BLKK.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A BLKK profile as the caller may see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CentreOut {
    #[serde(flatten)]
    pub record: CentreRecord,
    /// Present for users whose scope covers the BLKK, and with the phone alone for everyone
    /// when the BLKK made it public.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

impl crate::kernel::web::version::Versioned for CentreOut {
    fn version(&self) -> i64 {
        self.record.version
    }
}

impl CentreOut {
    fn new(record: CentreRecord, in_scope: bool) -> CentreOut {
        let contact = if in_scope {
            Some(Contact {
                phone: record.contact_phone.clone(),
                email: Some(record.contact_email.clone()),
            })
        } else {
            record.public_phone().map(|phone| Contact {
                phone: phone.to_owned(),
                email: None,
            })
        };
        CentreOut { record, contact }
    }
}

impl From<CentreView> for CentreOut {
    fn from(v: CentreView) -> Self {
        CentreOut::new(v.record, v.in_scope)
    }
}

crate::creation_schema!(
    /// The fields of a new BLKK (those of a change, with the required ones marked).
    NewCentre,
    CentreInput
);

/// What the derived document cannot say: which fields a new BLKK needs, the years allowed
/// this year, the kejuruan codes.
pub fn document(doc: &mut Doc) {
    let year = this_year();
    doc.creation(
        "CentreInput",
        "NewCentre",
        &CentreInput::required_to_create(year),
    );
    let codes: Vec<&str> = CATALOGUE.iter().map(|(code, ..)| *code).collect();
    for schema in ["CentreInput", "NewCentre"] {
        doc.set(schema, "aid_year", "maximum", json!(year + 1));
        doc.set(schema, "year_built", "maximum", json!(year));
        if let Some(items) = doc
            .property(schema, "kejuruan")
            .and_then(|p| p.get_mut("items"))
        {
            items["enum"] = json!(codes);
        }
    }
}

/// Search the public directory (no personal data).
#[utoipa::path(get, path = "/api/v1/centres", tag = "centres", operation_id = "centres_list",
    params(DirectoryQuery), security((), ("session" = [])),
    responses(
        (status = 200, description = "One page of matches", body = Paged<DirectoryEntry>),
        (status = 400, description = "A malformed filter or page", body = ErrorBody),
        (status = 401, description = "`mine=1` without signing in", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Query(q): Query<DirectoryQuery>,
) -> Result<Json<Paged<DirectoryEntry>>, AppError> {
    let page = service::directory(
        &state.db,
        actor.as_ref(),
        &q.filter()?,
        q.mine()?,
        page_number(&q.page)?,
    )
    .await?;
    Ok(Json(page))
}

/// One BLKK. `contact` is present only for users whose scope covers it.
#[utoipa::path(get, path = "/api/v1/centres/{id}", tag = "centres", operation_id = "centres_show",
    params(("id" = i64, Path, description = "BLKK id")), security((), ("session" = [])),
    responses((status = 200, description = "The BLKK", body = CentreOut),
        (status = 404, description = "No such BLKK", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Tagged<CentreOut>, AppError> {
    Ok(Tagged(
        service::view(&state.db, actor.as_ref(), id).await?.into(),
    ))
}

/// Create a BLKK (admins). `name`, `reg_no`, `host_name`, `host_type`, `village_code`,
/// `aid_year`, `kejuruan` and `status` are required.
#[utoipa::path(post, path = "/api/v1/centres", tag = "centres", operation_id = "centres_create",
    request_body = NewCentre, security(("session" = [])),
    responses(
        (status = 201, description = "Created", body = CentreOut),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields, listed in `error.fields` (also \
            what only the database can tell: an unknown village, a registration number in \
            use, a pembina that is not an UPTP)", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireUser,
    ApiJson(input): ApiJson<CentreInput>,
) -> Result<(StatusCode, Json<CentreOut>), AppError> {
    let record = service::create(&state.db, &user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(CentreOut::new(record, true))))
}

/// Change a BLKK: its manager (pengelola) or an admin. Only the fields sent change;
/// `reg_no`, `aid_year`, `pembina_id` and `forum_ids` are for admins.
#[utoipa::path(patch, path = "/api/v1/centres/{id}", tag = "centres", operation_id = "centres_update",
    request_body = CentreInput, params(("id" = i64, Path, description = "BLKK id")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The BLKK as now stored (unchanged when nothing changed)", body = CentreOut),
        (status = 400, description = "Malformed JSON, unknown fields, wrong types", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Outside the user's scope, or an admin-only field", body = ErrorBody),
        (status = 404, description = "No such BLKK", body = ErrorBody),
        (status = 409, description = "Changed by someone else since `version`", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields, listed in `error.fields`", body = ErrorBody),
        (status = 428, description = "No `version` (or If-Match) given", body = ErrorBody),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
    if_match: IfMatch,
    ApiJson(mut input): ApiJson<CentreInput>,
) -> Result<Tagged<CentreOut>, AppError> {
    let actor = user.actor();
    input.version = if_match.or(input.version)?;
    let saved = service::update(&state.db, &actor, id, &input).await;
    let current = async {
        Ok::<CentreOut, AppError>(service::view(&state.db, Some(&actor), id).await?.into())
    };
    Ok(Tagged(CentreOut::new(
        or_current(saved, current).await?,
        true,
    )))
}

/// The change history of a BLKK (newest first), for users whose scope covers it.
#[utoipa::path(get, path = "/api/v1/centres/{id}/history", tag = "centres",
    operation_id = "centres_history", params(("id" = i64, Path, description = "BLKK id")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The changes, newest first", body = Vec<AuditEntry>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Outside the user's scope", body = ErrorBody),
        (status = 404, description = "No such BLKK", body = ErrorBody),
    ))]
pub async fn history(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let (_, entries, _) = service::history(&state.db, &user.actor(), id, "id").await?;
    Ok(Json(entries))
}
