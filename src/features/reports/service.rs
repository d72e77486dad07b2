//! E-reporting use cases: the ministry defines report types; a BLKK opens the report of a
//! period (prefilled from its records), saves and sends it; its pembina verifies or
//! returns it; a verified report is reopened only with a reason. Comments, notifications
//! (and their e-mails, queued in the same transaction), and the live compliance figures.
//! Each checks access once, validates, and writes in one transaction with its audit entry.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};
use time::Duration;

use super::model::{
    self, LineView, REPORT, REPORT_TYPE, Report, ReportBody, ReportHead, ReportStatus, ReportType,
    ReportTypeInput, Stored,
};
use super::period::Period;
use super::store::{self, Counts, Group, NewReport};
pub use super::store::{Late, ListFilter};
use crate::features::centres::{self, model::CentreRecord};
use crate::features::notifications::{
    self,
    service::{Kind, Notice},
};
use crate::kernel::access::{self, Actor, Role, Scope};
use crate::kernel::attachments::{self};
use crate::kernel::audit;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::time::{now, today};
use crate::kernel::validate::{FieldErrors, check};
use crate::kernel::web::paging::{Paged, Window};
use crate::kernel::work::WorkItem;

pub const PAGE_SIZE: i64 = 50;
/// Periods shown in a compliance trend.
pub const TREND: usize = 12;

// ---- Report types --------------------------------------------------------------------

/// Every report type (anyone signed in may read them).
pub async fn types(db: &Db) -> Result<Vec<ReportType>, AppError> {
    Ok(store::types(db).await?)
}

pub async fn report_type(db: &Db, id: i64) -> Result<ReportType, AppError> {
    store::report_type(db, id).await?.ok_or(AppError::NotFound)
}

/// The ministry adds a report type; its indicators are data, so no new code is needed.
pub async fn create_type(
    db: &Db,
    actor: &Actor,
    input: ReportTypeInput,
) -> Result<ReportType, AppError> {
    access::admin(actor)?;
    let t = input.validate().map_err(AppError::Invalid)?;
    let mut e = FieldErrors::new();
    if store::type_code_taken(db, &t.code).await? {
        e.add("code", "duplicate");
    }
    if let Some(area) = &t.audience_area {
        let known = crate::features::areas::service::find(db, area).await?;
        if known.is_none_or(|a| a.level > 2) {
            e.add("audience_area", "unknown_area");
        }
    }
    if !t.audience_centres.is_empty() {
        let active = store::active_centres(db, &t.audience_centres).await?;
        if active.len() != t.audience_centres.len() {
            e.add("audience_centres", "invalid_choice");
        }
    }
    e.finish(()).map_err(AppError::Invalid)?;
    let mut tx = db.begin().await?;
    let id = store::insert_type(&mut tx, &t, now()).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        REPORT_TYPE,
        id,
        "create",
        &audit::created(&audit::snapshot(&t)),
    )
    .await?;
    tx.commit().await?;
    report_type(db, id).await
}

// ---- Opening and reading a report ----------------------------------------------------

async fn centre(db: &Db, id: i64) -> Result<CentreRecord, AppError> {
    centres::service::find(db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The BLKK's manager opens its report of `period`: the existing one, or a new draft.
/// Refused for a type the BLKK need not send, or a period not yet begun. Answers the
/// report's id and whether it was new.
pub async fn open(
    db: &Db,
    actor: &Actor,
    type_id: i64,
    centre_id: i64,
    period: &str,
) -> Result<(i64, bool), AppError> {
    let c = centre(db, centre_id).await?;
    access::allow(model::can_write(actor, centre_id))?;
    let t = store::report_type(db, type_id)
        .await?
        .filter(|t| t.active)
        .ok_or_else(|| AppError::invalid("type_id", "invalid_choice"))?;
    let p = Period::parse(period)
        .filter(|p| p.frequency == t.input.frequency)
        .ok_or_else(|| AppError::invalid("period", "invalid_period"))?;
    if p.start() > today() {
        return Err(AppError::invalid("period", "period_not_begun"));
    }
    let first = centres::model::FIRST_AID_YEAR;
    check::within(p.start(), first, crate::kernel::time::this_year())
        .map_err(|e| AppError::invalid("period", e))?;
    if c.profile.status != centres::model::CentreStatus::Aktif
        || !t.input.expects(&c.facts(), c.profile.aid_year)
    {
        return Err(AppError::invalid("type_id", "not_expected"));
    }
    let text = p.to_string();
    if let Some(id) = store::find(db, type_id, centre_id, &text).await? {
        return Ok((id, false));
    }
    let due = p.due(t.input.due_day);
    let mut tx = db.begin().await?;
    let (id, inserted) = store::insert_report(
        &mut tx,
        &NewReport {
            type_id,
            centre_id,
            period: &text,
            period_start: p.start(),
            period_end: p.end(),
            due_date: due,
            closes_date: due + Duration::days(t.input.grace_days),
            province_code: &c.place.province_code,
            regency_code: &c.place.regency_code,
            pembina_id: c.pembina.as_ref().map(|o| o.id),
        },
        now(),
    )
    .await?;
    if inserted {
        audit::record_now(
            &mut tx,
            Some(actor.user_id),
            REPORT,
            id,
            "create",
            &audit::note("period", text.as_str()),
        )
        .await?;
    }
    tx.commit().await?;
    Ok((id, inserted))
}

/// What the actor may do with a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Allowed {
    pub edit: bool,
    pub submit: bool,
    pub verify: bool,
    pub reopen: bool,
    pub comment: bool,
}

/// A report with what the actor may do with it and how often it was sent.
pub struct Opened {
    pub report: Report,
    pub allowed: Allowed,
    pub sent_versions: i64,
    pub report_type: ReportType,
}

/// A report the actor may read, with its BLKK. Who supervises the BLKK and where it is are
/// taken from the BLKK now (not as they were when the report was opened), so a new pembina
/// verifies its reports and the old one no longer sees them.
async fn readable(db: &Db, actor: &Actor, id: i64) -> Result<(ReportHead, CentreRecord), AppError> {
    let mut head = store::head(db, id).await?.ok_or(AppError::NotFound)?;
    let c = centre(db, head.centre_id).await?;
    access::allow(centres::model::can_view(Some(actor), &c.facts()))?;
    head.pembina_id = c.pembina.as_ref().map(|o| o.id);
    head.province_code.clone_from(&c.place.province_code);
    head.regency_code.clone_from(&c.place.regency_code);
    Ok((head, c))
}

fn allowed(actor: &Actor, head: &ReportHead, closed: bool) -> Allowed {
    let own = model::can_write(actor, head.centre_id);
    let pembina = model::can_verify(actor, head.pembina_id);
    Allowed {
        edit: own && head.status.editable(),
        submit: own && head.status.editable() && !closed,
        verify: pembina && head.status == ReportStatus::Submitted,
        reopen: model::can_reopen(actor, head.pembina_id) && head.status == ReportStatus::Verified,
        comment: model::can_comment(actor, head.centre_id, head.pembina_id),
    }
}

/// Whether the period has closed for the report (past its last day for late reports, and
/// not reopened).
async fn closed(db: &Db, head: &ReportHead) -> Result<bool, AppError> {
    if today() <= head.closes_date {
        return Ok(false);
    }
    Ok(!store::reopened(db, head.id).await?)
}

/// The computed figures of a report's BLKK and period, by indicator code.
async fn computed_for(
    db: &Db,
    t: &ReportType,
    head: &ReportHead,
) -> Result<BTreeMap<String, Stored>, AppError> {
    let p = head
        .parsed_period()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("stored period {}", head.period)))?;
    let since = crate::features::trainings::service::add_months(p.end(), -12);
    let figures = store::computed(db, head.centre_id, p.start(), p.end(), since).await?;
    Ok(t.input
        .indicators
        .iter()
        .filter_map(|i| {
            let s = i.source?;
            figures
                .get(&s)
                .map(|n| (i.code.clone(), Stored::Number(*n)))
        })
        .collect())
}

/// A report as the actor sees it. While the BLKK may still change it, the computed figures
/// are those of its records now; a report never saved starts from them.
pub async fn view(db: &Db, actor: &Actor, id: i64, english: bool) -> Result<Opened, AppError> {
    let (head, _) = readable(db, actor, id).await?;
    let t = report_type(db, head.type_id).await?;
    let (mut lines, narrative) = store::lines(db, id).await?;
    if head.status.editable() {
        let live = computed_for(db, &t, &head).await?;
        for i in &t.input.indicators {
            let line = lines.entry(i.code.clone()).or_insert(model::Line {
                value: None,
                computed: None,
                reason: String::new(),
            });
            line.computed = live.get(&i.code).cloned();
            if head.version == 1 && line.value.is_none() {
                line.value = line.computed.clone();
            }
        }
    }
    let closed = closed(db, &head).await?;
    let allowed = allowed(actor, &head, closed);
    let sent_versions = store::versions(db, id).await?;
    let mut report = assemble(&t, head, &lines, narrative, english);
    report.attachments = attachments::list(db, REPORT, id).await?;
    Ok(Opened {
        report,
        allowed,
        sent_versions,
        report_type: t,
    })
}

fn assemble(
    t: &ReportType,
    head: ReportHead,
    lines: &BTreeMap<String, model::Line>,
    narrative: model::Narrative,
    english: bool,
) -> Report {
    let mut values = BTreeMap::new();
    let mut computed = BTreeMap::new();
    let mut corrections = BTreeMap::new();
    let views = t
        .input
        .indicators
        .iter()
        .map(|i| {
            let line = lines.get(&i.code);
            let value = line.and_then(|l| l.value.clone());
            let comp = line.and_then(|l| l.computed.clone());
            let reason = line.map(|l| l.reason.clone()).unwrap_or_default();
            let json_of = |v: &Option<Stored>| v.as_ref().map_or(Value::Null, |s| s.json(i.kind));
            values.insert(i.code.clone(), json_of(&value));
            if i.source.is_some() {
                computed.insert(i.code.clone(), json_of(&comp));
            }
            if !reason.is_empty() {
                corrections.insert(i.code.clone(), reason.clone());
            }
            LineView {
                code: i.code.clone(),
                label: if english {
                    i.label_en.clone()
                } else {
                    i.label_id.clone()
                },
                kind: i.kind,
                required: i.required,
                source: i.source,
                value: json_of(&value),
                computed: json_of(&comp),
                reason,
                choices: i.choices.clone(),
                value_text: value.as_ref().map(|v| v.text(i.kind)).unwrap_or_default(),
                computed_text: comp.as_ref().map(|v| v.text(i.kind)).unwrap_or_default(),
            }
        })
        .collect();
    Report {
        head,
        lines: views,
        narrative,
        values,
        computed,
        corrections,
        attachments: Vec::new(),
    }
}

// ---- Writing a report ----------------------------------------------------------------

/// The BLKK's manager saves the draft (or a returned report). The body's `version` must be
/// the report's: a second person saving the same draft is refused (409), nothing lost.
pub async fn save(db: &Db, actor: &Actor, id: i64, body: &ReportBody) -> Result<(), AppError> {
    let (head, _) = readable(db, actor, id).await?;
    access::allow(model::can_write(actor, head.centre_id))?;
    let version = AppError::based_on(body.version)?;
    if !head.status.editable() {
        return Err(AppError::invalid("status", "report_locked"));
    }
    let t = report_type(db, head.type_id).await?;
    let computed = computed_for(db, &t, &head).await?;
    let (lines, narrative) =
        model::check_body(&t.input, body, &computed, false).map_err(AppError::Invalid)?;
    // As read before the write: the write holds only if nobody saved in between.
    let (old_lines, old_narrative) = store::lines(db, id).await?;
    let changes = model::changes(&t.input, (&old_lines, &old_narrative), (&lines, &narrative));
    let mut tx = db.begin().await?;
    if !store::save(&mut tx, id, version, &lines, &narrative, now()).await? {
        return Err(AppError::Stale);
    }
    audit::record_now(&mut tx, Some(actor.user_id), REPORT, id, "update", &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// Sends the report as saved: every required value given, every difference from the
/// computed figures explained; not after the period closed (unless reopened). Timeliness
/// is decided by the first sending.
pub async fn submit(db: &Db, actor: &Actor, id: i64, version: Option<i64>) -> Result<(), AppError> {
    let (head, c) = readable(db, actor, id).await?;
    access::allow(model::can_write(actor, head.centre_id))?;
    let version = AppError::based_on(version)?;
    if !head.status.editable() {
        return Err(AppError::invalid("status", "report_locked"));
    }
    if head.version != version {
        return Err(AppError::Stale);
    }
    if closed(db, &head).await? {
        return Err(AppError::invalid("period", "period_closed"));
    }
    let t = report_type(db, head.type_id).await?;
    let (stored, narrative) = store::lines(db, id).await?;
    let computed = computed_for(db, &t, &head).await?;
    let body = ReportBody {
        version: Some(version),
        values: stored
            .iter()
            .filter_map(|(code, l)| {
                let kind = t.input.indicator(code)?.kind;
                l.value.as_ref().map(|v| (code.clone(), v.json(kind)))
            })
            .collect(),
        corrections: stored
            .iter()
            .filter(|(_, l)| !l.reason.is_empty())
            .map(|(code, l)| (code.clone(), l.reason.clone()))
            .collect(),
        narrative: narrative.clone(),
    };
    let (lines, narrative) =
        model::check_body(&t.input, &body, &computed, true).map_err(AppError::Invalid)?;
    let at = now();
    let first = head.submitted_at.is_none();
    let mut tx = db.begin().await?;
    // The figures are frozen as sent.
    if !store::save(&mut tx, id, version, &lines, &narrative, at).await? {
        return Err(AppError::Stale);
    }
    let mut columns: crate::kernel::db::Columns = Vec::new();
    if first {
        columns.push(("submitted_at", at.into()));
        columns.push(("on_time", (today() <= head.due_date).into()));
    }
    if !store::set_status(
        &mut tx,
        id,
        version + 1,
        &[ReportStatus::Draft, ReportStatus::Returned],
        ReportStatus::Submitted,
        columns,
        at,
    )
    .await?
    {
        return Err(AppError::Stale);
    }
    let sent = assemble(&t, head.clone(), &lines, narrative, false);
    let snapshot = json!({
        "values": sent.values, "computed": sent.computed,
        "corrections": sent.corrections, "narrative": sent.narrative,
    });
    let n = store::insert_version(&mut tx, id, &snapshot, actor.user_id, at).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        REPORT,
        id,
        "submit",
        &audit::note("sent", n),
    )
    .await?;
    if let Some(p) = head.pembina_id {
        tell(
            &mut tx,
            p,
            &["pembina"],
            Kind::ReportSubmitted,
            &head,
            &c.profile.name,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A step the pembina (or, reopening, an admin) takes on a report: who may, the status it
/// moves from (and the field error otherwise) and to, what the audit trail calls it, and what
/// the BLKK's managers are told.
struct PembinaStep {
    may: fn(&Actor, Option<i64>) -> bool,
    from: ReportStatus,
    refused: &'static str,
    to: ReportStatus,
    action: &'static str,
    told: Kind,
}

/// Takes `step` in one transaction: the status change (with `columns`, given the time), the
/// required comment (stored, and noted in the audit entry under `note_field`) if the step
/// has one, the audit entry, and the BLKK's notifications.
async fn take_step(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
    step: PembinaStep,
    comment: Option<(&'static str, &str)>,
    columns: impl FnOnce(time::OffsetDateTime) -> crate::kernel::db::Columns,
) -> Result<(), AppError> {
    let (head, c) = readable(db, actor, id).await?;
    access::allow((step.may)(actor, head.pembina_id))?;
    let version = AppError::based_on(version)?;
    let comment = comment
        .map(|(field, text)| crate::kernel::comments::text(text, "comment").map(|t| (field, t)))
        .transpose()?;
    if head.status != step.from {
        return Err(AppError::invalid("status", step.refused));
    }
    let at = now();
    let mut tx = db.begin().await?;
    if !store::set_status(&mut tx, id, version, &[step.from], step.to, columns(at), at).await? {
        return Err(AppError::Stale);
    }
    let changes = match &comment {
        Some((field, text)) => {
            crate::kernel::comments::insert(&mut tx, REPORT, id, actor.user_id, text).await?;
            audit::note(field, text.as_str())
        }
        None => audit::note("status", step.to.as_str()),
    };
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        REPORT,
        id,
        step.action,
        &changes,
    )
    .await?;
    tell(
        &mut tx,
        head.centre_id,
        &["pengelola"],
        step.told,
        &head,
        &c.profile.name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The pembina verifies a sent report: it is locked.
pub async fn verify(db: &Db, actor: &Actor, id: i64, version: Option<i64>) -> Result<(), AppError> {
    let step = PembinaStep {
        may: model::can_verify,
        from: ReportStatus::Submitted,
        refused: "not_submitted",
        to: ReportStatus::Verified,
        action: "verify",
        told: Kind::ReportVerified,
    };
    take_step(db, actor, id, version, step, None, |at| {
        vec![
            ("verified_at", at.into()),
            ("verified_by", actor.user_id.into()),
        ]
    })
    .await
}

/// The pembina returns a sent report with a comment saying what to change. Returned for
/// changes, it may be sent again even after its period closed.
pub async fn send_back(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
    comment: &str,
) -> Result<(), AppError> {
    let step = PembinaStep {
        may: model::can_verify,
        from: ReportStatus::Submitted,
        refused: "not_submitted",
        to: ReportStatus::Returned,
        action: "return",
        told: Kind::ReportReturned,
    };
    take_step(
        db,
        actor,
        id,
        version,
        step,
        Some(("comment", comment)),
        |_| vec![("reopened", true.into())],
    )
    .await
}

/// The pembina or an admin reopens a verified report, with a reason; it goes back to the
/// BLKK (as returned) and may be sent even after the period closed. Earlier versions stay.
pub async fn reopen(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
    why: &str,
) -> Result<(), AppError> {
    let step = PembinaStep {
        may: model::can_reopen,
        from: ReportStatus::Verified,
        refused: "not_verified",
        to: ReportStatus::Returned,
        action: "reopen",
        told: Kind::ReportReopened,
    };
    take_step(db, actor, id, version, step, Some(("reason", why)), |_| {
        vec![
            ("reopened", true.into()),
            ("verified_at", Option::<time::OffsetDateTime>::None.into()),
            ("verified_by", Option::<i64>::None.into()),
        ]
    })
    .await
}

/// A report's history (every step, from the audit trail), for those who may read it.
/// With it, the labels of the type's indicators (in English when asked), which the history
/// names its changes by.
pub async fn history(
    db: &Db,
    actor: &Actor,
    id: i64,
    english: bool,
) -> Result<ReportHistory, AppError> {
    let (head, _) = readable(db, actor, id).await?;
    let entries = audit::history(db, REPORT, id, 200).await?;
    let t = report_type(db, head.type_id).await?;
    let indicators = t
        .input
        .indicators
        .into_iter()
        .map(|i| (i.code, if english { i.label_en } else { i.label_id }))
        .collect();
    Ok(ReportHistory {
        head,
        entries,
        indicators,
    })
}

/// A report's history, and its indicators' `(code, label)`.
pub struct ReportHistory {
    pub head: ReportHead,
    pub entries: Vec<audit::AuditEntry>,
    pub indicators: Vec<(String, String)>,
}

// ---- The conversation ----------------------------------------------------------------

// ---- Attachments --------------------------------------------------------------------

// ---- Lists ---------------------------------------------------------------------------

/// Reports in the actor's scope.
pub async fn list(
    db: &Db,
    actor: &Actor,
    f: &ListFilter,
    page: i64,
) -> Result<Paged<ReportHead>, AppError> {
    let scope = actor.centre_scope();
    access::allow(scope != Scope::Nothing)?;
    let w = Window::new(page, PAGE_SIZE);
    let (items, total) = store::list(db, f, &scope, w.size, w.offset()).await?;
    Ok(Paged::new(items, total, w))
}

/// One chunk of the report list in the actor's scope, for a file.
pub async fn export_chunk(
    db: &Db,
    actor: &Actor,
    f: &ListFilter,
    n: i64,
    size: i64,
) -> Result<Vec<ReportHead>, AppError> {
    let scope = actor.centre_scope();
    access::allow(scope != Scope::Nothing)?;
    Ok(store::list(db, f, &scope, size, n * size).await?.0)
}

/// A BLKK's reporting obligations: each report type it must send, with its recent periods
/// and the report of each (if started).
pub struct Obligation {
    pub report_type: ReportType,
    pub periods: Vec<(Period, Option<ReportHead>)>,
}

pub async fn obligations(
    db: &Db,
    actor: &Actor,
    centre_id: i64,
) -> Result<Vec<Obligation>, AppError> {
    let c = centre(db, centre_id).await?;
    access::allow(centres::model::can_view(Some(actor), &c.facts()))?;
    let mut out = Vec::new();
    for t in store::types_for(db, centre_id).await? {
        let current = Period::containing(t.input.frequency, today());
        let periods = current.last(6);
        let f = ListFilter {
            centre: Some(centre_id),
            type_id: Some(t.id),
            ..Default::default()
        };
        let (heads, _) = store::list(db, &f, &Scope::Centre(centre_id), 12, 0).await?;
        let periods = periods
            .into_iter()
            .rev()
            .map(|p| {
                let text = p.to_string();
                (p, heads.iter().find(|h| h.period == text).cloned())
            })
            .collect();
        out.push(Obligation {
            report_type: t,
            periods,
        });
    }
    Ok(out)
}

// ---- Compliance ----------------------------------------------------------------------

/// Completeness and timeliness of one report type and period in a scope, live.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Compliance {
    pub type_id: i64,
    pub period: String,
    pub scope: String,
    pub expected: i64,
    pub sent: i64,
    pub on_time: i64,
    /// Sent over expected, percent (`null` when none is expected).
    pub completeness: Option<f64>,
    /// Sent by the due date over expected, percent.
    pub timeliness: Option<f64>,
    pub provinces: Vec<LeagueRow>,
    pub uptp: Vec<LeagueRow>,
    pub trend: Vec<TrendRow>,
    /// BLKK that have not sent it (first page, in province order).
    pub late: Vec<Late>,
    pub late_total: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LeagueRow {
    pub key: String,
    pub name: String,
    pub expected: i64,
    pub sent: i64,
    pub on_time: i64,
    pub completeness: Option<f64>,
    pub timeliness: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendRow {
    pub period: String,
    pub expected: i64,
    pub sent: i64,
    pub on_time: i64,
    pub completeness: Option<f64>,
    pub timeliness: Option<f64>,
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (1000.0 * part as f64 / whole as f64).round() / 10.0)
}

fn league_row(key: String, name: String, c: &Counts) -> LeagueRow {
    LeagueRow {
        key,
        name,
        expected: c.expected,
        sent: c.sent,
        on_time: c.on_time,
        completeness: rate(c.sent, c.expected),
        timeliness: rate(c.on_time, c.expected),
    }
}

fn add(to: &mut Counts, c: &Counts) {
    to.expected += c.expected;
    to.sent += c.sent;
    to.on_time += c.on_time;
}

/// The totals and the two league tables (best completeness first) from the counts by
/// province and UPTP.
fn fold(groups: &[Group]) -> (Counts, Vec<LeagueRow>, Vec<LeagueRow>) {
    use std::collections::BTreeMap;
    let mut total = Counts::default();
    let mut provinces: BTreeMap<&str, (&str, Counts)> = BTreeMap::new();
    let mut uptp: BTreeMap<i64, (&str, Counts)> = BTreeMap::new();
    for g in groups {
        add(&mut total, &g.counts);
        let p = provinces
            .entry(&g.province_code)
            .or_insert((&g.province_name, Counts::default()));
        add(&mut p.1, &g.counts);
        if let Some(id) = g.pembina_id {
            let u = uptp
                .entry(id)
                .or_insert((g.pembina_name.as_deref().unwrap_or(""), Counts::default()));
            add(&mut u.1, &g.counts);
        }
    }
    let best_first = |mut rows: Vec<LeagueRow>| {
        rows.sort_by(|a, b| {
            b.completeness
                .partial_cmp(&a.completeness)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.key.cmp(&b.key))
        });
        rows
    };
    let provinces = provinces
        .into_iter()
        .map(|(k, (n, c))| league_row(k.to_owned(), n.to_owned(), &c))
        .collect();
    let uptp = uptp
        .into_iter()
        .map(|(k, (n, c))| league_row(k.to_string(), n.to_owned(), &c))
        .collect();
    (total, best_first(provinces), best_first(uptp))
}

/// The period a compliance view shows by default: the latest one already due.
pub fn default_period(t: &ReportType) -> Period {
    let mut p = Period::containing(t.input.frequency, today()).previous();
    while p.due(t.input.due_day) > today() {
        p = p.previous();
    }
    p
}

pub async fn compliance(
    db: &Db,
    actor: &Actor,
    type_id: i64,
    period: Option<&str>,
    scope: &str,
    late_page: i64,
) -> Result<Compliance, AppError> {
    let own = actor.centre_scope();
    access::allow(own != Scope::Nothing)?;
    let t = store::report_type(db, type_id)
        .await?
        .ok_or_else(|| AppError::invalid("type", "invalid_choice"))?;
    let p = match period.map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => Period::parse(text)
            .filter(|p| p.frequency == t.input.frequency)
            .ok_or_else(|| AppError::invalid("period", "invalid_period"))?,
        None => default_period(&t),
    };
    let wanted =
        model::parse_scope(scope).ok_or_else(|| AppError::invalid("scope", "invalid_scope"))?;
    let scopes = [own, wanted];
    let text = p.to_string();
    let groups = store::groups(db, &t, &text, &scopes).await?;
    let (
        Counts {
            expected,
            sent,
            on_time,
        },
        provinces,
        uptp,
    ) = fold(&groups);
    let periods: Vec<String> = p.last(TREND).iter().map(Period::to_string).collect();
    let sent_by = store::trend(db, &t, &periods, &scopes).await?;
    let trend = periods
        .iter()
        .map(|period| {
            let (s, o) = sent_by
                .iter()
                .find(|(q, _, _)| q == period)
                .map_or((0, 0), |(_, s, o)| (*s, *o));
            TrendRow {
                period: period.clone(),
                expected,
                sent: s,
                on_time: o,
                completeness: rate(s, expected),
                timeliness: rate(o, expected),
            }
        })
        .collect();
    let w = Window::new(late_page, PAGE_SIZE);
    // Not sent: none started, a draft, or returned.
    let late_total = expected - sent;
    let late = store::late(db, &t, &text, &scopes, w.size, w.offset()).await?;
    Ok(Compliance {
        type_id,
        period: text,
        scope: if scope.trim().is_empty() {
            "nation".to_owned()
        } else {
            scope.trim().to_owned()
        },
        expected,
        sent,
        on_time,
        completeness: rate(sent, expected),
        timeliness: rate(on_time, expected),
        provinces,
        uptp,
        trend,
        late,
        late_total,
    })
}

/// An indicator summed over the sent reports of a type in a scope, for a period: its own
/// periods, or the periods of the type inside a longer one (the months of `2025-S1`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorSum {
    pub code: String,
    pub period: String,
    pub scope: String,
    pub total: i64,
    pub reports: i64,
    pub mean: Option<f64>,
}

pub async fn indicator_sum(
    db: &Db,
    actor: &Actor,
    type_id: i64,
    code: &str,
    period: &str,
    scope: &str,
) -> Result<IndicatorSum, AppError> {
    let own = actor.centre_scope();
    access::allow(own != Scope::Nothing)?;
    let t = report_type(db, type_id).await?;
    let i = t
        .input
        .indicator(code)
        .filter(|i| {
            !matches!(
                i.kind,
                model::IndicatorKind::Text | model::IndicatorKind::Choice
            )
        })
        .ok_or_else(|| AppError::invalid("indicator", "invalid_choice"))?;
    let p = Period::parse(period)
        .filter(|p| p.frequency.months() >= t.input.frequency.months())
        .ok_or_else(|| AppError::invalid("period", "invalid_period"))?;
    let wanted =
        model::parse_scope(scope).ok_or_else(|| AppError::invalid("scope", "invalid_scope"))?;
    let periods: Vec<String> = p
        .parts(t.input.frequency)
        .iter()
        .map(Period::to_string)
        .collect();
    let (total, reports) = store::indicator_sum(db, &t, code, &periods, &[own, wanted]).await?;
    let scale = if i.kind == model::IndicatorKind::Percent {
        100.0
    } else {
        1.0
    };
    Ok(IndicatorSum {
        code: code.to_owned(),
        period: p.to_string(),
        scope: scope.to_owned(),
        total: if i.kind == model::IndicatorKind::Percent {
            0
        } else {
            total
        },
        reports,
        mean: (reports > 0)
            .then(|| (total as f64 / reports as f64 / scale * 100.0).round() / 100.0),
    })
}

// ---- Notifications -------------------------------------------------------------------

/// Tells the users of `org` with `roles` about a step of a report, in its transaction.
async fn tell(
    tx: &mut Tx,
    org: i64,
    roles: &[&str],
    kind: Kind,
    head: &ReportHead,
    centre_name: &str,
) -> Result<(), AppError> {
    notifications::service::tell(
        tx,
        org,
        roles,
        &Notice {
            kind,
            entity: REPORT,
            entity_id: head.id,
            link: &format!("/reports/{}", head.id),
            reference: "",
            text: &format!("{} {} · {}", head.type_name, head.period, centre_name),
        },
    )
    .await?;
    Ok(())
}

/// The daily reminders: to the managers of every expected BLKK that has not sent a report
/// due within three days (`report_due_soon`), or overdue while late reports are still taken
/// (`report_overdue`); each once per user, report type, period and kind. Answers how many.
pub async fn remind(db: &Db) -> Result<usize, AppError> {
    let day = today();
    let mut added = 0;
    for t in store::types(db).await?.into_iter().filter(|t| t.active) {
        let current = Period::containing(t.input.frequency, day);
        for p in current.last(3) {
            let due = p.due(t.input.due_day);
            let closes = due + Duration::days(t.input.grace_days);
            let kind = if day <= due && due - day <= Duration::days(3) {
                Kind::ReportDueSoon
            } else if day > due && day <= closes {
                Kind::ReportOverdue
            } else {
                continue;
            };
            let text = format!("{} {p}, batas {due}", t.input.name_id);
            let unsent = store::unsent(db, &t, &p.to_string()).await?;
            for chunk in unsent.chunks(200) {
                let mut tx = db.begin().await?;
                for (centre_id, report_id) in chunk {
                    // About the type's period for the BLKK, whether its report was opened.
                    let reference = format!("{p}:{centre_id}");
                    let link = report_id
                        .map_or_else(|| "/reports".to_owned(), |r| format!("/reports/{r}"));
                    added += notifications::service::tell(
                        &mut tx,
                        *centre_id,
                        &["pengelola"],
                        &Notice {
                            kind,
                            entity: REPORT_TYPE,
                            entity_id: t.id,
                            link: &link,
                            reference: &reference,
                            text: &text,
                        },
                    )
                    .await?;
                }
                tx.commit().await?;
            }
        }
    }
    Ok(added)
}

// ---- The record kinds ----------------------------------------------------------------

/// Reports and report types as records others refer to.
pub fn kinds() -> Vec<records::Kind> {
    vec![
        records::Kind {
            files: Some(crate::file_rules!(
                "reports",
                max: model::MAX_ATTACHMENTS,
                images_only: false,
                may_change: files_may_change,
                still: files_still_editable
            )),
            comments: Some(crate::comment_rules!(
                "reports",
                may_comment: may_comment,
                tell: tell_comment
            )),
            ..crate::record_kind!(REPORT, resolve_reports, readable_reports)
        },
        crate::record_kind!(
            REPORT_TYPE,
            resolve_types,
            readable_types,
            pick_types,
            readable_types
        ),
    ]
}

/// A report's files change with its values: by its BLKK, while it is a draft or returned.
async fn files_may_change(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    let (head, _) = readable(db, actor, id).await?;
    access::allow(model::can_write(actor, head.centre_id))?;
    if !head.status.editable() {
        return Err(AppError::invalid("status", "report_locked"));
    }
    Ok(())
}

/// Still a draft or returned, read under the transaction's hold (a report sent meanwhile
/// takes no more files).
async fn files_still_editable(tx: &mut Tx, id: i64) -> Result<(), AppError> {
    match store::status_in(tx, id).await? {
        Some(s) if s.editable() => Ok(()),
        Some(_) => Err(AppError::invalid("status", "report_locked")),
        None => Err(AppError::NotFound),
    }
}

/// The conversation on a report: between its BLKK's manager and its pembina.
async fn may_comment(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    let (head, _) = readable(db, actor, id).await?;
    access::allow(model::can_comment(actor, head.centre_id, head.pembina_id))
}

/// A comment tells the other side: the pembina when the BLKK writes, else the BLKK.
async fn tell_comment(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(), AppError> {
    let Some(head) = store::head_in(tx, id).await? else {
        return Err(AppError::NotFound);
    };
    let (org, role) = if model::can_write(actor, head.centre_id) {
        match head.pembina_id {
            Some(p) => (p, "pembina"),
            None => return Ok(()),
        }
    } else {
        (head.centre_id, "pengelola")
    };
    tell(
        tx,
        org,
        &[role],
        Kind::ReportCommented,
        &head,
        &head.centre_name,
    )
    .await
}

async fn resolve_reports(db: &Db, ids: &[i64]) -> Result<Vec<records::RecordRef>, AppError> {
    let rows = store::names(db, ids).await?;
    Ok(records::named(REPORT, rows, |id| format!("/reports/{id}")))
}

async fn readable_reports(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(records::each_readable(ids, |id| readable(db, actor, id)).await)
}

async fn resolve_types(db: &Db, ids: &[i64]) -> Result<Vec<records::RecordRef>, AppError> {
    let rows = store::type_names(db, ids).await?;
    Ok(records::named(REPORT_TYPE, rows, |_| {
        "/reports/types".to_owned()
    }))
}

async fn readable_types(db: &Db, _actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(store::type_names(db, ids)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

/// Report types by name or code (a short list, read whole).
async fn pick_types(
    db: &Db,
    _actor: &Actor,
    q: &str,
    limit: i64,
) -> Result<Vec<records::Pickable>, AppError> {
    let q = q.to_lowercase();
    Ok(types(db)
        .await?
        .into_iter()
        .filter(|t| {
            q.is_empty()
                || t.input.code.to_lowercase().contains(&q)
                || t.input.name_id.to_lowercase().contains(&q)
                || t.input.name_en.to_lowercase().contains(&q)
        })
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|t| records::Pickable {
            id: t.id,
            name: t.input.name_id,
            detail: t.input.code,
        })
        .collect())
}

// ---- The work queue ------------------------------------------------------------------

/// The latest period of a type whose due date has passed by `day`.
fn last_due(t: &ReportType, day: time::Date) -> Period {
    let current = Period::containing(t.input.frequency, day);
    if current.due(t.input.due_day) < day {
        current
    } else {
        current.previous()
    }
}

/// The report work of the actor: a BLKK's reports due (within two weeks), overdue or
/// returned; a pembina's reports to verify; and for everyone overseeing BLKK, those in
/// their scope that have not sent the last period due.
pub async fn work(db: &Db, actor: &Actor) -> Result<Vec<WorkItem>, AppError> {
    let day = today();
    let mut out = Vec::new();
    if let (Role::Pengelola, Some(centre)) = (actor.role, actor.org_id) {
        for t in store::types_for(db, centre).await? {
            let f = ListFilter {
                centre: Some(centre),
                type_id: Some(t.id),
                ..Default::default()
            };
            let (heads, _) = store::list(db, &f, &Scope::Centre(centre), 6, 0).await?;
            for p in Period::containing(t.input.frequency, day).last(3) {
                let due = p.due(t.input.due_day);
                let closes = due + Duration::days(t.input.grace_days);
                let head = heads.iter().find(|h| h.period == p.to_string());
                let item = match head {
                    Some(h) if h.status == ReportStatus::Returned => {
                        let named = resolve_reports(db, &[h.id]).await?;
                        named
                            .into_iter()
                            .next()
                            .map(|r| WorkItem::about("report_returned", r).due(closes, day))
                    }
                    Some(h) if !h.status.editable() => None,
                    _ if day > closes || due - day > Duration::days(14) => None,
                    Some(h) => resolve_reports(db, &[h.id])
                        .await?
                        .into_iter()
                        .next()
                        .map(|r| WorkItem::about("report_due", r).due(due, day)),
                    None => Some(WorkItem {
                        record: Some(records::RecordRef {
                            entity: REPORT_TYPE.to_owned(),
                            id: t.id,
                            name: format!("{} {p}", t.input.name_id),
                            href: "/reports".to_owned(),
                        }),
                        ..WorkItem::new("report_due", 1, "/reports").due(due, day)
                    }),
                };
                out.extend(item);
            }
        }
        return Ok(out);
    }
    if let (Role::Pembina, Some(uptp)) = (actor.role, actor.org_id) {
        out.push(WorkItem::new(
            "report_to_verify",
            store::to_verify(db, uptp).await?,
            "/reports?status=submitted",
        ));
    }
    let scope = actor.centre_scope();
    if matches!(
        scope,
        Scope::All | Scope::Pembina(_) | Scope::Region(_) | Scope::Forum(_)
    ) {
        let scope_param = match &scope {
            Scope::Pembina(id) => format!("uptp:{id}"),
            Scope::Forum(id) => format!("forum:{id}"),
            Scope::Region(a) if a.len() == 2 => format!("province:{a}"),
            Scope::Region(a) => format!("regency:{a}"),
            _ => "nation".to_owned(),
        };
        for t in store::types(db).await?.into_iter().filter(|t| t.active) {
            let p = last_due(&t, day);
            let (_, unsent) = store::unsent_count(db, &t, &p.to_string(), &scope).await?;
            let mut item = WorkItem::new(
                "report_late",
                unsent,
                format!(
                    "/reports/compliance?type={}&period={p}&scope={scope_param}",
                    t.id
                ),
            )
            .due(p.due(t.input.due_day), day);
            item.record = Some(records::RecordRef {
                entity: REPORT_TYPE.to_owned(),
                id: t.id,
                name: format!("{} {p}", t.input.name_id),
                href: item.href.clone(),
            });
            out.push(item);
        }
    }
    Ok(out)
}
