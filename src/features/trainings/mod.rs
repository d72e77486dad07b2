//! Trainings: a BLKK's batches, their trainees (found by NIK), attendance, results and
//! certificates, what became of graduates (the tracer study), public applications, the
//! live figures in every scope, and a trainee's rights over their personal data (UU PDP).

pub mod api;
pub mod model;
pub mod nik;
pub mod pages;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::web::AppState;

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
        .route("/trainings", get(pages::list).post(pages::create))
        .route("/trainings/new", get(pages::new_form))
        .route("/trainings/export", get(pages::export))
        .route("/trainings/stats", get(pages::stats))
        .route("/trainings/tracer", get(pages::tracer))
        .route(
            "/trainings/schedule",
            get(pages::schedule).post(pages::change_schedule),
        )
        .route("/trainings/{id}", get(pages::show))
        .route(
            "/trainings/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/trainings/{id}/enrolments", post(pages::enrol))
        .route("/trainings/{id}/attendance", post(pages::attendance))
        .route("/trainings/{id}/close", post(pages::close))
        .route(
            "/trainings/{id}/participants/export",
            get(pages::participants_export),
        )
        .route("/trainings/{id}/report.pdf", get(pages::report_pdf))
        .route("/enrolments/{id}/result", post(pages::result))
        .route(
            "/enrolments/{id}/outcomes",
            get(pages::outcomes).post(pages::add_outcome),
        )
        .route("/applications/{id}/decision", post(pages::decide))
        .route("/pelatihan", get(pages::public_list))
        .route(
            "/pelatihan/{id}",
            get(pages::public_show).post(pages::apply),
        )
        .route("/me/trainings", get(pages::mine))
        .route(
            "/me/trainings/{id}/certificate.pdf",
            get(pages::certificate_pdf),
        )
        .route("/me/data.json", get(pages::my_data_file))
        .route("/me/data", post(pages::correct))
        .route("/me/erase", post(pages::erase))
        .route(
            "/enrolments/{id}/link",
            get(pages::link_page).post(pages::request_link),
        )
        .route("/enrolments/{id}/link/confirm", post(pages::confirm_link))
        .route("/me/links/{centre_id}", post(pages::allow_link))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list, api::create))
        .routes(routes!(api::show, api::patch))
        .routes(routes!(api::enrolments, api::enrol))
        .routes(routes!(api::enrolment))
        .routes(routes!(api::result))
        .routes(routes!(api::outcomes, api::add_outcome))
        .routes(routes!(api::stats))
        .routes(routes!(api::public_list))
        .routes(routes!(api::apply))
        .routes(routes!(api::applications))
        .routes(routes!(api::decide))
        .routes(routes!(api::my_data, api::correct))
        .routes(routes!(api::request_link))
        .routes(routes!(api::confirm_link))
        .routes(routes!(api::allow_link))
        .routes(routes!(api::schedule, api::change_schedule))
}
