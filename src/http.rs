//! The whole application over HTTP: every feature's pages and API merged into one router,
//! the OpenAPI document, and the server with its background chores.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tower_sessions::session_store::ExpiredDeletion;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::features::{
    accounts, aid, areas, centres, figures, home, imports, income, kejuruan, mail, notifications,
    orgs, partnerships, records, reports, trainings, visits,
};
use crate::kernel::db::Db;
use crate::kernel::web::error::ErrorBody;
use crate::kernel::web::openapi::Doc;
use crate::kernel::web::session::DbSessionStore;
use crate::kernel::web::{self, AppState, WebConfig};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Simandiri API",
        version = "1",
        description = "National registry and e-reporting of BLK Komunitas. Sign in with \
            POST /api/v1/session; the session cookie it sets authorises later calls. Errors \
            are JSON: {\"error\": {\"code\", \"message\", \"fields\"?}}; messages follow \
            Accept-Language (Indonesian by default). Bodies are JSON objects with only the \
            documented fields."
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "session", description = "Signing in and out"),
        (name = "users", description = "Accounts: invitations, deactivation, passwords"),
        (name = "centres", description = "BLK Komunitas (BLKK)"),
        (name = "orgs", description = "Organisations: ministry, UPTP, Disnaker, forums, partners"),
        (name = "areas", description = "Administrative areas and reference lists"),
        (name = "imports", description = "BLKK and their managers from XLSX or CSV files"),
        (name = "trainings", description = "Batches, trainees, results, outcomes and figures"),
        (name = "public", description = "Upcoming trainings and applications, without sign-in"),
        (name = "reports", description = "E-reporting: report types, reports, their workflow and compliance"),
        (name = "visits", description = "Monitoring visits: the instrument, findings, follow-up actions"),
        (name = "aid", description = "Aid programs, their allocations and what they realised"),
        (name = "income", description = "Income by source and the self-funding figures"),
        (name = "partnerships", description = "Partnerships (kerja sama): agreements with partners, what came of them, their documents"),
        (name = "notifications", description = "Each user's notifications, and how each kind reaches them"),
        (name = "records", description = "Records of every kind: what a form may choose"),
        (name = "work", description = "Each user's work queue"),
        (name = "figures", description = "Kept figures for any period and scope node, and their catalogue"),
    )
)]
struct ApiDoc;

/// The API routes of every feature, with their OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::api())
        .merge(centres::api())
        .merge(orgs::api())
        .merge(areas::api())
        .merge(kejuruan::api())
        .merge(imports::api())
        .merge(trainings::api())
        .merge(reports::api())
        .merge(partnerships::api())
        .merge(income::api())
        .merge(aid::api())
        .merge(visits::api())
        .merge(notifications::api())
        .merge(records::api())
        .merge(home::api())
        .merge(figures::api())
}

/// The OpenAPI document, finished by the features that know what derivation cannot say.
pub fn document(generated: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut doc = Doc::new(generated);
    centres::api::document(&mut doc);
    orgs::api::document(&mut doc);
    trainings::document(&mut doc);
    partnerships::api::document(&mut doc);
    aid::api::document(&mut doc);
    doc.0
}

/// Every feature's record kinds, for the kernel's registry.
pub fn record_kinds() -> Vec<crate::kernel::records::Kind> {
    [
        centres::service::kinds(),
        orgs::service::kinds(),
        accounts::service::kinds(),
        trainings::kinds(),
        reports::kinds(),
        partnerships::service::kinds(),
        income::service::kinds(),
        aid::service::kinds(),
        visits::service::kinds(),
    ]
    .concat()
}

/// Every table a list is scoped on (see [`crate::kernel::scope`]).
pub fn scoped_tables() -> Vec<crate::kernel::scope::On> {
    use crate::kernel::scope::On;
    vec![
        On::CENTRES,
        trainings::batches::store::BATCHES,
        trainings::figures::store::FIGURES,
        reports::workflow::store::REPORTS,
        partnerships::store::MEMBERS,
        income::store::YEARS,
        aid::store::ALLOCATIONS,
        visits::store::VISITS,
        visits::store::ACTIONS,
    ]
}

/// Every feature's entries in the main menu.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    [
        centres::menu(),
        trainings::menu(),
        reports::menu(),
        partnerships::menu(),
        visits::menu(),
        aid::menu(),
        income::menu(),
        orgs::menu(),
        accounts::menu(),
        imports::menu(),
    ]
    .concat()
}

/// Every feature's part of the work queue.
pub fn work_providers() -> Vec<crate::kernel::work::Provider> {
    vec![
        crate::work_provider!(reports::work),
        crate::work_provider!(visits::service::work),
        crate::work_provider!(trainings::work),
        crate::work_provider!(partnerships::service::work),
        crate::work_provider!(aid::service::work),
        crate::work_provider!(accounts::service::work),
        crate::work_provider!(centres::service::work),
    ]
}

/// Every feature's kept figures and their recounts.
pub fn figure_sources() -> Vec<crate::kernel::figures::Source> {
    vec![
        centres::figures::source(),
        reports::compliance::figures::source(),
        visits::figures::source(),
        income::figures::source(),
    ]
}

/// The whole application as one router.
pub fn router(db: Db, config: WebConfig) -> Router {
    crate::init();
    let state = AppState {
        db,
        config: Arc::new(config),
    };
    let (api, doc) = api().split_for_parts();
    let doc = Arc::new(document(&doc));
    let routes = Router::new()
        .merge(home::routes())
        .merge(centres::routes())
        .merge(orgs::routes())
        .merge(areas::routes())
        .merge(accounts::routes())
        .merge(mail::routes())
        .merge(imports::routes())
        .merge(trainings::routes())
        .merge(reports::routes())
        .merge(partnerships::routes())
        .merge(income::routes())
        .merge(aid::routes())
        .merge(visits::routes())
        .merge(notifications::routes())
        .merge(records::routes())
        .merge(api)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        );
    web::finish(routes, state.clone(), accounts::layer(state))
}

/// The server's background work: purging expired sessions, sign-in attempt windows and old
/// mail, report, partnership and follow-up action reminders, the daily notification
/// digests, and (when an SMTP server is configured) sending queued mail. Stops when dropped.
pub struct Workers(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Workers {
    fn drop(&mut self) {
        for h in &self.0 {
            h.abort();
        }
    }
}

/// Starts the [`Workers`]; a bad SMTP setting is an error here, not at the first e-mail.
pub fn workers(db: &Db, config: &WebConfig) -> anyhow::Result<Workers> {
    let purge_db = db.clone();
    let mut tasks = vec![tokio::spawn(async move {
        let store = DbSessionStore::new(purge_db.clone());
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "purging expired sessions failed");
            }
            if let Err(e) = accounts::service::purge_attempts(&purge_db).await {
                tracing::warn!(error = ?e, "purging sign-in attempts failed");
            }
            if let Err(e) = mail::service::purge(&purge_db).await {
                tracing::warn!(error = ?e, "purging old mail failed");
            }
            // Once per user, type, period and kind: running it often adds nothing twice.
            match reports::reminders::service::remind(&purge_db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "report reminders sent"),
                Err(e) => tracing::warn!(error = ?e, "report reminders failed"),
            }
            // Once per agreement, point and end date.
            match partnerships::service::remind(&purge_db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "partnership reminders sent"),
                Err(e) => tracing::warn!(error = ?e, "partnership reminders failed"),
            }
            // Once per action and due date.
            match visits::service::remind(&purge_db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "follow-up action reminders sent"),
                Err(e) => tracing::warn!(error = ?e, "follow-up action reminders failed"),
            }
            // Once per user and day, however often this runs.
            match notifications::service::digest(&purge_db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(digests = n, "notification digests queued"),
                Err(e) => tracing::warn!(error = ?e, "notification digests failed"),
            }
        }
    })];
    if let Some(url) = &config.smtp_url {
        let smtp = mail::smtp::Smtp::new(url, &config.mail_from)?;
        tasks.push(tokio::spawn(mail::smtp::run(db.clone(), smtp)));
    }
    Ok(Workers(tasks))
}

/// Serves until `shutdown` completes, with `/metrics` on `metrics` when given, and the
/// [`Workers`] in the background.
pub async fn serve(
    db: Db,
    config: WebConfig,
    listener: tokio::net::TcpListener,
    metrics: Option<tokio::net::TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let workers = workers(&db, &config)?;
    let metrics = metrics.map(|l| {
        tokio::spawn(async move {
            if let Err(e) = axum::serve(l, web::telemetry::metrics_router()).await {
                tracing::error!(error = %e, "metrics server stopped");
            }
        })
    });
    let app = router(db, config).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    drop(workers);
    if let Some(m) = metrics {
        m.abort();
    }
    Ok(result?)
}
