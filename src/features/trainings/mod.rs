//! Trainings: a BLKK's batches, their trainees (found by NIK), attendance, results and
//! certificates, what became of graduates (the tracer study), public applications, the
//! live figures in every scope, and a trainee's rights over their personal data (UU PDP).
//!
//! Each part is a sub-feature with its own files: `batches` (batches, enrolments,
//! attendance, results, certificates), `trainees` (persons, their records at each BLKK and
//! the links between them, a trainee's own page and rights), `tracer` (outcomes, the tracer
//! list, the follow-up schedule), `applications` (the public search and applications) and
//! `figures` (the live figures). This file assembles their routes, record kinds and work.

pub mod applications;
pub mod batches;
pub mod figures;
pub mod tracer;
pub mod trainees;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::access::Actor;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::web::AppState;
use crate::kernel::web::openapi::Doc;
use crate::kernel::work::WorkItem;

/// A trainee's own trainings; the BLKK's batches for staff; open trainings for everyone.
pub fn menu() -> Vec<crate::kernel::web::menu::Entry> {
    use crate::kernel::access::{Actor, Role};
    vec![
        crate::kernel::web::menu::Entry {
            order: 20,
            href: "/me/trainings",
            label: "nav.my_trainings",
            section: "/me/trainings",
            may_see: |a: Option<&Actor>| a.is_some_and(|a| a.role == Role::Peserta),
        },
        crate::kernel::web::menu::Entry {
            order: 20,
            href: "/trainings",
            label: "nav.trainings",
            section: "/trainings",
            may_see: |a: Option<&Actor>| {
                a.is_some_and(|a| !matches!(a.role, Role::Peserta | Role::Mitra))
            },
        },
        crate::kernel::web::menu::Entry {
            order: 80,
            href: "/pelatihan",
            label: "nav.open_trainings",
            section: "/pelatihan",
            may_see: crate::kernel::web::menu::everyone,
        },
    ]
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/trainings",
            get(batches::pages::list).post(batches::pages::create),
        )
        .route("/trainings/new", get(batches::pages::new_form))
        .route("/trainings/export", get(batches::pages::export))
        .route("/trainings/stats", get(figures::pages::stats))
        .route("/trainings/tracer", get(tracer::pages::tracer))
        .route(
            "/trainings/schedule",
            get(tracer::pages::schedule).post(tracer::pages::change_schedule),
        )
        .route("/trainings/{id}", get(batches::pages::batch::show))
        .route(
            "/trainings/{id}/edit",
            get(batches::pages::edit_form).post(batches::pages::update),
        )
        .route(
            "/trainings/{id}/enrolments",
            post(batches::pages::batch::enrol),
        )
        .route(
            "/trainings/{id}/attendance",
            post(batches::pages::batch::attendance),
        )
        .route("/trainings/{id}/close", post(batches::pages::batch::close))
        .route(
            "/trainings/{id}/participants/export",
            get(batches::pages::batch::participants_export),
        )
        .route(
            "/trainings/{id}/report.pdf",
            get(batches::pages::batch::report_pdf),
        )
        .route(
            "/enrolments/{id}/result",
            post(batches::pages::batch::result),
        )
        .route(
            "/enrolments/{id}/outcomes",
            get(tracer::pages::outcomes).post(tracer::pages::add_outcome),
        )
        .route(
            "/applications/{id}/decision",
            post(applications::pages::decide),
        )
        .route("/pelatihan", get(applications::pages::public_list))
        .route(
            "/pelatihan/{id}",
            get(applications::pages::public_show).post(applications::pages::apply),
        )
        .route("/me/trainings", get(trainees::pages::mine))
        .route(
            "/me/trainings/{id}/certificate.pdf",
            get(batches::pages::batch::certificate_pdf),
        )
        .route("/me/data.json", get(trainees::pages::my_data_file))
        .route("/me/data", post(trainees::pages::correct))
        .route("/me/erase", post(trainees::pages::erase))
        .route(
            "/enrolments/{id}/link",
            get(trainees::pages::link_page).post(trainees::pages::request_link),
        )
        .route(
            "/enrolments/{id}/link/confirm",
            post(trainees::pages::confirm_link),
        )
        .route("/me/links/{centre_id}", post(trainees::pages::allow_link))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(batches::api::list, batches::api::create))
        .routes(routes!(batches::api::show, batches::api::patch))
        .routes(routes!(batches::api::enrolments, batches::api::enrol))
        .routes(routes!(batches::api::enrolment))
        .routes(routes!(batches::api::result))
        .routes(routes!(tracer::api::outcomes, tracer::api::add_outcome))
        .routes(routes!(figures::api::stats))
        .routes(routes!(applications::api::public_list))
        .routes(routes!(applications::api::apply))
        .routes(routes!(applications::api::applications))
        .routes(routes!(applications::api::decide))
        .routes(routes!(trainees::api::my_data, trainees::api::correct))
        .routes(routes!(trainees::api::request_link))
        .routes(routes!(trainees::api::confirm_link))
        .routes(routes!(trainees::api::allow_link))
        .routes(routes!(tracer::api::schedule, tracer::api::change_schedule))
}

/// What the derived OpenAPI document cannot say about trainings.
pub fn document(doc: &mut Doc) {
    batches::api::document(doc);
}

/// Batches, trainees, applications, persons and the tracer schedule as records others
/// refer to. Trainees and applicants are named by their batch only: a person's name is for
/// their BLKK's pages.
pub fn kinds() -> Vec<records::Kind> {
    [
        batches::service::kinds(),
        applications::service::kinds(),
        trainees::service::kinds(),
        tracer::service::kinds(),
    ]
    .concat()
}

/// The training work of the actor: a BLKK's applications waiting (by batch) and graduates
/// to follow up; a partner's graduates to report on; a trainee's own follow-up questions.
pub async fn work(db: &Db, actor: &Actor) -> Result<Vec<WorkItem>, AppError> {
    let day = crate::kernel::time::today();
    let mut out = applications::service::work(db, actor, day).await?;
    out.extend(tracer::service::work(db, actor, day).await?);
    Ok(out)
}
