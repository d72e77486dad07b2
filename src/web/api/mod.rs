//! The JSON API under `/api/v1/`, documented by the OpenAPI document at
//! `/api/openapi.json`. Errors are `{"error": {"code", "message", "fields"?}}`.

mod areas;
mod centres;
mod orgs;
mod session;

use serde::Serialize;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::ErrorBody;
pub use super::extract::ApiJson;

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Simandiri API",
        version = "1",
        description = "National registry and e-reporting of BLK Komunitas. Sign in with \
            POST /api/v1/session; the session cookie it sets authorises later calls. Errors \
            are JSON: {\"error\": {\"code\", \"message\", \"fields\"?}}; messages follow \
            Accept-Language (Indonesian by default)."
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "session", description = "Signing in and out"),
        (name = "centres", description = "BLK Komunitas (BLKK)"),
        (name = "orgs", description = "Organisations: ministry, UPTP, Disnaker, forums, partners"),
        (name = "areas", description = "Administrative areas and reference lists"),
    )
)]
struct ApiDoc;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(session::show, session::create, session::delete))
        .routes(routes!(centres::list, centres::create))
        .routes(routes!(centres::show, centres::patch))
        .routes(routes!(centres::history))
        .routes(routes!(orgs::list, orgs::create))
        .routes(routes!(orgs::show, orgs::patch))
        .routes(routes!(orgs::history))
        .routes(routes!(areas::provinces))
        .routes(routes!(areas::children))
        .routes(routes!(areas::villages))
        .routes(routes!(areas::kejuruan))
}
