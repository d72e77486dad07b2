//! Report workflow use cases: a BLKK opens the report of a period (prefilled from its
//! records), saves and sends it; its pembina verifies or returns it; a verified report is
//! reopened only with a reason. Its history, the report lists and a BLKK's obligations.
//! Each checks access once, validates, and writes in one transaction with its audit entry
//! and the notifications it sends.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};
use time::Duration;

use super::model::{self, LineView, REPORT, Report, ReportBody, ReportHead, ReportStatus, Stored};
pub use super::store::ListFilter;
use super::store::{self, NewReport};
use crate::features::centres::{self, model::CentreRecord};
use crate::features::notifications::service::Kind;
use crate::features::reports::period::Period;
use crate::features::reports::types::model::ReportType;
use crate::features::reports::{reminders, types};
use crate::kernel::access::{self, Actor, Scope};
use crate::kernel::attachments::{self};
use crate::kernel::audit;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::time::{now, today};
use crate::kernel::validate::check;
use crate::kernel::web::paging::{Paged, Window};

pub const PAGE_SIZE: i64 = 50;

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
    let t = types::service::stored_type(db, type_id)
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
    let since = crate::features::trainings::tracer::service::add_months(p.end(), -12);
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
    let t = types::service::report_type(db, head.type_id).await?;
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
    let t = types::service::report_type(db, head.type_id).await?;
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
    let t = types::service::report_type(db, head.type_id).await?;
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
    keep_figures(&mut tx, id, head.status, ReportStatus::Submitted).await?;
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
        reminders::service::tell(
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

/// Keeps the compliance figures of a report whose status moved (read again in `tx`).
async fn keep_figures(
    tx: &mut crate::kernel::db::Tx,
    id: i64,
    from: ReportStatus,
    to: ReportStatus,
) -> Result<(), AppError> {
    let head = store::head_in(tx, id).await?.ok_or(AppError::NotFound)?;
    crate::features::reports::compliance::figures::keep(tx, &head, from, to).await?;
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
    keep_figures(&mut tx, id, step.from, step.to).await?;
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
    reminders::service::tell(
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
    let t = types::service::report_type(db, head.type_id).await?;
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
    for t in types::service::types_for(db, centre_id).await? {
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

// ---- For the other parts of reports --------------------------------------------------

/// Reports in `scope`, newest period first, and how many match (the caller checks access).
pub(crate) async fn heads(
    db: &Db,
    f: &ListFilter,
    scope: &Scope,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ReportHead>, i64), AppError> {
    Ok(store::list(db, f, scope, limit, offset).await?)
}

// ---- The record kinds ----------------------------------------------------------------

/// Reports as records others refer to, with their files and their conversation.
pub fn kinds() -> Vec<records::Kind> {
    vec![records::Kind {
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
    }]
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
    reminders::service::tell(
        tx,
        org,
        &[role],
        Kind::ReportCommented,
        &head,
        &head.centre_name,
    )
    .await
}

pub(crate) async fn resolve_reports(
    db: &Db,
    ids: &[i64],
) -> Result<Vec<records::RecordRef>, AppError> {
    let rows = store::names(db, ids).await?;
    Ok(records::named(REPORT, rows, |id| format!("/reports/{id}")))
}

async fn readable_reports(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    Ok(records::each_readable(ids, |id| readable(db, actor, id)).await)
}
