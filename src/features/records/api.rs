//! What records of every kind have: `/api/v1/records/search` (the pickers' search) and
//! `/api/v1/{kind}/{id}/attachments` (a record's files) and `/api/v1/{kind}/{id}/comments`
//! (the conversation on it).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::service;
use crate::kernel::attachments::Attachment;
use crate::kernel::comments::Comment;
use crate::kernel::error::AppError;
use crate::kernel::files::UPLOAD_READ;
use crate::kernel::records::Pickable;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::export;
use crate::kernel::web::extract::{ApiJson, Path, Query, Upload};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The kind of record: `centre` (BLKK, by name or registration number), `org`
    /// (organisations other than BLKK, e.g. partners), `aid_program`, `report_type`.
    #[param(max_length = 40)]
    pub kind: String,
    /// Part of a name; empty offers the first ones.
    #[param(max_length = 100)]
    pub q: String,
    /// At most this many (1-50, default 20).
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
}

/// The records of a kind the caller may choose in a form, matching `q`.
#[utoipa::path(get, path = "/api/v1/records/search", tag = "records",
    operation_id = "records_search", params(SearchParams), security(("session" = [])),
    responses((status = 200, description = "What the caller may choose, best first",
            body = Vec<Pickable>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, description = "`kind` is not a kind a form chooses, or `limit` is \
            out of range", body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    user: RequireUser,
    Query(p): Query<SearchParams>,
) -> Result<Json<Vec<Pickable>>, AppError> {
    if p.limit.is_some_and(|l| !(1..=50).contains(&l)) {
        return Err(AppError::invalid("limit", "out_of_range"));
    }
    Ok(Json(
        service::search(&state.db, &user.actor(), &p.kind, &p.q, p.limit).await?,
    ))
}

// ---- Files of any record ---------------------------------------------------------------

/// The kind of record, by the path segment of its records.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileKindPath {
    /// A report (at most 20 files while its BLKK may change it).
    Reports,
    /// An agreement (its holder; at most 10).
    Partnerships,
    /// A month of a BLKK's income: the evidence (its BLKK; at most 10).
    Income,
    /// A monitoring finding: photos only (its pembina; at most 10).
    Findings,
    /// A follow-up action: the evidence of what was done (its BLKK; at most 10).
    Actions,
}

impl FileKindPath {
    pub const ALL: &'static [&'static str] =
        &["reports", "partnerships", "income", "findings", "actions"];

    fn as_str(self) -> &'static str {
        match self {
            FileKindPath::Reports => "reports",
            FileKindPath::Partnerships => "partnerships",
            FileKindPath::Income => "income",
            FileKindPath::Findings => "findings",
            FileKindPath::Actions => "actions",
        }
    }
}

/// A photo or document.
#[derive(utoipa::ToSchema)]
pub struct AttachmentFile {
    /// JPEG, PNG, WebP, PDF, Word (docx) or Excel (xlsx), recognised from the content (a
    /// finding takes photos only); at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    #[allow(dead_code)]
    file: Vec<u8>,
}

/// The files attached to a record (everyone who may read it), oldest first.
#[utoipa::path(get, path = "/api/v1/{kind}/{id}/attachments", tag = "records",
    operation_id = "attachments_list",
    params(("kind" = inline(FileKindPath), Path, description = "The kind of record"),
        ("id" = i64, Path, description = "The record's id")),
    security(("session" = [])),
    responses((status = 200, body = Vec<Attachment>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn attachments(
    State(state): State<AppState>,
    user: RequireUser,
    Path((kind, id)): Path<(FileKindPath, i64)>,
) -> Result<Json<Vec<Attachment>>, AppError> {
    Ok(Json(
        service::attachments(&state.db, &user.actor(), kind.as_str(), id).await?,
    ))
}

/// Attach a photo or document to a record the caller may change now. The type is read
/// from the content, never the name.
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/attachments", tag = "records",
    operation_id = "attachments_add",
    params(("kind" = inline(FileKindPath), Path, description = "The kind of record"),
        ("id" = i64, Path, description = "The record's id")),
    request_body(content = AttachmentFile, content_type = "multipart/form-data"),
    security(("session" = [])),
    responses((status = 201, body = Attachment),
        (status = 400, description = "Malformed upload", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 413, description = "Over 20 MB", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data", body = ErrorBody),
        (status = 422, description = "Field `file`: missing, not an accepted type, not a \
            photo for a finding, over 10 MB, or one file too many; field `status`: a report \
            no longer changes", body = ErrorBody)))]
pub async fn attach(
    State(state): State<AppState>,
    user: RequireUser,
    Path((kind, id)): Path<(FileKindPath, i64)>,
    upload: Upload<UPLOAD_READ>,
) -> Result<(StatusCode, Json<Attachment>), AppError> {
    let a = service::attach(
        &state.db,
        &state.config.files,
        &user.actor(),
        kind.as_str(),
        id,
        &upload.file_name,
        upload.bytes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// An attached file's content (everyone who may read the record).
#[utoipa::path(get, path = "/api/v1/{kind}/{id}/attachments/{attachment_id}", tag = "records",
    operation_id = "attachments_file",
    params(("kind" = inline(FileKindPath), Path, description = "The kind of record"),
        ("id" = i64, Path, description = "The record's id"),
        ("attachment_id" = i64, Path, description = "Attachment id")),
    security(("session" = [])),
    responses(export::StoredFile,
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn attachment(
    State(state): State<AppState>,
    user: RequireUser,
    Path((kind, id, attachment_id)): Path<(FileKindPath, i64, i64)>,
) -> Result<axum::response::Response, AppError> {
    let (a, file_kind, bytes) = service::file(
        &state.db,
        &state.config.files,
        &user.actor(),
        kind.as_str(),
        id,
        attachment_id,
    )
    .await?;
    Ok(export::file(bytes, file_kind, &a.name))
}

/// Remove a file from a record the caller may change now.
#[utoipa::path(delete, path = "/api/v1/{kind}/{id}/attachments/{attachment_id}", tag = "records",
    operation_id = "attachments_remove",
    params(("kind" = inline(FileKindPath), Path, description = "The kind of record"),
        ("id" = i64, Path, description = "The record's id"),
        ("attachment_id" = i64, Path, description = "Attachment id")),
    security(("session" = [])),
    responses((status = 204, description = "Removed"), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "Field `status`: a report no longer changes",
            body = ErrorBody)))]
pub async fn detach(
    State(state): State<AppState>,
    user: RequireUser,
    Path((kind, id, attachment_id)): Path<(FileKindPath, i64, i64)>,
) -> Result<StatusCode, AppError> {
    service::detach(
        &state.db,
        &state.config.files,
        &user.actor(),
        kind.as_str(),
        id,
        attachment_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- The conversation on any record ------------------------------------------------------

/// The kind of record with a conversation, by the path segment of its records.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CommentKindPath {
    /// A report: between its BLKK's manager and its pembina (others in scope read).
    Reports,
}

impl CommentKindPath {
    pub const ALL: &'static [&'static str] = &["reports"];

    fn as_str(self) -> &'static str {
        match self {
            CommentKindPath::Reports => "reports",
        }
    }
}

/// The conversation on a record, oldest first (everyone who may read the record).
#[utoipa::path(get, path = "/api/v1/{kind}/{id}/comments", tag = "records",
    operation_id = "comments_list",
    params(("kind" = inline(CommentKindPath), Path, description = "The kind of record"),
        ("id" = i64, Path, description = "The record's id")),
    security(("session" = [])),
    responses((status = 200, body = Vec<Comment>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn comments(
    State(state): State<AppState>,
    user: RequireUser,
    Path((kind, id)): Path<(CommentKindPath, i64)>,
) -> Result<Json<Vec<Comment>>, AppError> {
    Ok(Json(
        service::comments(&state.db, &user.actor(), kind.as_str(), id).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// At most 4,000 characters.
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
}

/// Write on a record (those its kind lets write: a report's BLKK manager and pembina); those
/// concerned are told.
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/comments", tag = "records",
    operation_id = "comments_add", request_body = NewComment,
    params(("kind" = inline(CommentKindPath), Path, description = "The kind of record"),
        ("id" = i64, Path, description = "The record's id")),
    security(("session" = [])),
    responses((status = 201, body = Comment), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn comment(
    State(state): State<AppState>,
    user: RequireUser,
    Path((kind, id)): Path<(CommentKindPath, i64)>,
    ApiJson(c): ApiJson<NewComment>,
) -> Result<(StatusCode, Json<Comment>), AppError> {
    let c = service::comment(&state.db, &user.actor(), kind.as_str(), id, &c.body).await?;
    Ok((StatusCode::CREATED, Json(c)))
}
