//! The import pages: upload with the template to download, the preview with each row's
//! problems beside it, and the import's progress and report.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{COLUMNS, ImportRecord, ImportStatus, RowOutcome};
use super::service::{self, Preview};
use crate::features::centres::model::{CentreStatus, HostType};
use crate::features::kejuruan::model::Kejuruan;
use crate::features::kejuruan::service::catalogue;
use crate::kernel::error::AppError;
use crate::kernel::validate::FieldErrors;
use crate::kernel::web::AppState;
use crate::kernel::web::export::{self, Format};
use crate::kernel::web::extract::{Path, Upload};
use crate::kernel::web::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "imports/upload.html")]
pub struct UploadPage {
    page: Page,
    errors: FieldErrors,
    recent: Vec<ImportRecord>,
    kejuruan: Vec<Kejuruan>,
}

impl UploadPage {
    fn columns(&self) -> &'static [super::model::Column] {
        &COLUMNS
    }

    fn host_types(&self) -> String {
        HostType::ALL
            .iter()
            .map(|h| h.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn statuses(&self) -> String {
        CentreStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub async fn upload_form(
    State(state): State<AppState>,
    page: Page,
) -> Result<UploadPage, AppError> {
    let actor = page.require()?;
    let recent = service::recent(&state.db, &actor).await?;
    let title = page.t("import.title");
    Ok(UploadPage {
        page: page.titled(title),
        errors: FieldErrors::new(),
        recent,
        kejuruan: catalogue(&state.db).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/preview.html")]
pub struct PreviewPage {
    page: Page,
    preview: Preview,
}

pub async fn upload(
    State(state): State<AppState>,
    page: Page,
    upload: Upload,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    match service::preview(
        &state.db,
        &actor,
        page.lang,
        &upload.file_name,
        &upload.bytes,
        true,
    )
    .await
    {
        Ok(preview) => {
            let title = page.t("import.preview_title");
            Ok(PreviewPage {
                page: page.titled(title),
                preview,
            }
            .into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let recent = service::recent(&state.db, &actor).await?;
            let title = page.t("import.title");
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                UploadPage {
                    page: page.titled(title),
                    errors,
                    recent,
                    kejuruan: catalogue(&state.db).await?,
                },
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn start(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    match service::start(&state.db, &actor, &state.config.public_url, page.lang, id).await {
        // Started now, or already: either way its page follows it.
        Ok(_) | Err(AppError::Invalid(_)) => {
            Ok(Redirect::to(&format!("/imports/{id}")).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/show.html")]
pub struct ImportPage {
    page: Page,
    import: ImportRecord,
    rows: Vec<RowOutcome>,
}

impl ImportPage {
    fn running(&self) -> bool {
        self.import.status == ImportStatus::Running
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/show.html", block = "progress")]
pub struct ProgressPart {
    page: Page,
    import: ImportRecord,
    rows: Vec<RowOutcome>,
}

impl ProgressPart {
    fn running(&self) -> bool {
        self.import.status == ImportStatus::Running
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = page.require()?;
    let (import, rows) = service::report(&state.db, &actor, id).await?;
    let title = page.tf("import.show_title", &import.file_name);
    if headers.contains_key("hx-request") {
        return Ok(ProgressPart {
            page: page.titled(title),
            import,
            rows,
        }
        .into_response());
    }
    let running = import.status == ImportStatus::Running;
    let mut res = ImportPage {
        page: page.titled(title),
        import,
        rows,
    }
    .into_response();
    if running {
        // Without JavaScript the page reloads itself until the import ends.
        res.headers_mut()
            .insert(header::REFRESH, HeaderValue::from_static("2"));
    }
    Ok(res)
}

/// The template: the columns, one example row, and a second sheet explaining each column
/// and its codes.
async fn template(page: &Page, format: Format) -> Result<Response, AppError> {
    let actor = page.require()?;
    service::for_import(&actor)?;
    let headers: Vec<String> = COLUMNS
        .iter()
        .map(|c| c.header(&page.lang).to_owned())
        .collect();
    let example: Vec<String> = COLUMNS.iter().map(|c| c.example.to_owned()).collect();
    let rows = vec![example];
    let once = std::sync::Mutex::new(Some(rows));
    let fetch: export::Fetch = Box::new(move |_| {
        let rows = once
            .lock()
            .ok()
            .and_then(|mut r| r.take())
            .unwrap_or_default();
        Box::pin(async move { Ok(rows) })
    });
    export::respond(format, "templat-impor-blkk", headers, fetch).await
}

pub async fn template_xlsx(page: Page) -> Result<Response, AppError> {
    template(&page, Format::Xlsx).await
}

pub async fn template_csv(page: Page) -> Result<Response, AppError> {
    template(&page, Format::Csv).await
}
