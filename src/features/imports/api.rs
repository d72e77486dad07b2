//! `/api/v1/imports`: BLKK from an XLSX or CSV file.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{ImportRecord, RowOutcome};
use super::service::{self, Preview};
use crate::kernel::error::AppError;
use crate::kernel::web::AppState;
use crate::kernel::web::auth::RequireUser;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::extract::{Path, Query, Upload};
use crate::kernel::web::i18n::Lang;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `true`: check the file and answer the preview; nothing is written.
    #[param(value_type = Option<String>, pattern = "^(true|false)?$")]
    pub dry_run: String,
}

/// The uploaded file.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ImportFile {
    /// An XLSX or CSV with the template's columns (at most 5 MB and 5,000 rows).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// An import with its rows: the preview's (dry run) or the report's.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportOut {
    #[serde(flatten)]
    pub import: ImportRecord,
    pub rows: Vec<RowOutcome>,
}

/// Import BLKK (and invite their managers) from a table; `dry_run=true` answers the preview.
/// Rows are matched by registration number: the same file can be imported again. Without
/// `dry_run` the import runs in the background: follow it at `GET /api/v1/imports/{id}`.
#[utoipa::path(post, path = "/api/v1/imports/centres", tag = "imports",
    operation_id = "imports_centres", params(ImportParams), security(("session" = [])),
    request_body(content = ImportFile, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The preview (dry run): each row with what it would do or its problems", body = Preview),
        (status = 202, description = "Importing; the rows without problems", body = ImportRecord),
        (status = 400, description = "Malformed upload", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 413, description = "File larger than 5 MB", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data", body = ErrorBody),
        (status = 422, description = "Not a readable XLSX or CSV, too many rows, or columns \
            missing or not understood (`error.fields`, field `file`)", body = ErrorBody)))]
pub async fn import_centres(
    State(state): State<AppState>,
    user: RequireUser,
    lang: Lang,
    Query(p): Query<ImportParams>,
    upload: Upload,
) -> Result<Response, AppError> {
    let dry = match p.dry_run.as_str() {
        "true" => true,
        "" | "false" => false,
        _ => return Err(AppError::BadRequest("dry_run must be true or false".into())),
    };
    let actor = user.actor();
    let preview = service::preview(
        &state.db,
        &actor,
        lang,
        &upload.file_name,
        &upload.bytes,
        !dry,
    )
    .await?;
    match preview.import_id {
        None => Ok(Json(preview).into_response()),
        Some(id) => {
            let r = service::start(&state.db, &actor, &state.config.public_url, lang, id).await?;
            Ok((StatusCode::ACCEPTED, Json(r)).into_response())
        }
    }
}

/// An import: its progress while it runs, each row's outcome when it is done.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", operation_id = "imports_show",
    params(("id" = i64, Path, description = "Import id")), security(("session" = [])),
    responses((status = 200, description = "The import", body = ImportOut),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such import of the caller's", body = ErrorBody)))]
pub async fn import_show(
    State(state): State<AppState>,
    user: RequireUser,
    Path(id): Path<i64>,
) -> Result<Json<ImportOut>, AppError> {
    let (import, rows) = service::report(&state.db, &user.actor(), id).await?;
    Ok(Json(ImportOut { import, rows }))
}
