//! Visit use cases: a pembina plans a visit to a BLKK it supervises, records the
//! instrument's answers on the spot, findings with photos, and the actions agreed; the BLKK
//! answers each action with evidence; the pembina closes it. Everyone whose scope holds the
//! BLKK reads; open and overdue actions are listed for each side and the ministry.

use std::collections::BTreeMap;

use super::model::{
    self, ACTION, ActionRecord, ActionStatus, ActionUpdate, FINDING, FIRST_YEAR, FindingRecord,
    MAX_FILES, NewFinding, NewVisit, Question, VISIT, VisitRecord, VisitStatus, VisitUpdate,
    check_answers,
};
use super::store::{self, NewVisitRow};
use crate::features::centres::{self, model::CentreRecord};
use crate::features::notifications::service::{self as notifications, Kind, Notice};
use crate::kernel::access::{self, Actor, Role, Scope};
use crate::kernel::attachments::{self, Attachment};
use crate::kernel::audit;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::time::{now, this_year, today};
use crate::kernel::validate::check;
use crate::kernel::web::paging::{Paged, Window};
use crate::kernel::work::WorkItem;

pub const PAGE_SIZE: i64 = 50;

async fn centre_in_scope(db: &Db, actor: &Actor, id: i64) -> Result<CentreRecord, AppError> {
    let c = centres::service::find(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    access::allow(centres::model::can_view(Some(actor), &c.facts()))?;
    Ok(c)
}

fn scope(actor: &Actor) -> Result<Scope, AppError> {
    let s = actor.centre_scope();
    access::allow(s != Scope::Nothing)?;
    Ok(s)
}

/// The plan form's aid-program picker: the one chosen (if the actor may choose it) and what
/// `q` finds.
pub async fn program_picker(
    db: &Db,
    actor: &Actor,
    chosen: Option<i64>,
    q: &str,
) -> Result<crate::kernel::web::picker::RecordPicker, AppError> {
    crate::kernel::web::picker::RecordPicker::load(
        db,
        actor,
        "aid_program_id",
        crate::features::aid::model::AID_PROGRAM,
        chosen,
        q,
    )
    .await
}

/// A visit the actor may see.
pub async fn visit(db: &Db, actor: &Actor, id: i64) -> Result<VisitRecord, AppError> {
    let v = store::visit(db, id, today())
        .await?
        .ok_or(AppError::NotFound)?;
    centre_in_scope(db, actor, v.centre_id).await?;
    Ok(v)
}

/// A visit with the instrument, its findings (with actions and photos).
pub async fn show(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(VisitRecord, Vec<Question>, Vec<FindingRecord>), AppError> {
    let v = visit(db, actor, id).await?;
    let questions = store::questions(db).await?;
    let mut actions = store::actions_of_visit(db, id).await?;
    let rows = store::findings(db, id).await?;
    let ids: Vec<i64> = rows.iter().map(|f| f.id).collect();
    let mut photos = attachments::list_of(db, FINDING, &ids).await?;
    let mut findings = Vec::new();
    for f in rows {
        findings.push(FindingRecord {
            actions: actions.remove(&f.id).unwrap_or_default(),
            photos: photos.remove(&f.id).unwrap_or_default(),
            id: f.id,
            visit_id: f.visit_id,
            text: f.text,
            severity: f.severity,
            created_at: f.created_at,
        });
    }
    Ok((v, questions, findings))
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    centre: Option<i64>,
    page: i64,
) -> Result<Paged<VisitRecord>, AppError> {
    let s = scope(actor)?;
    let w = Window::new(page, PAGE_SIZE);
    let (items, total) = store::visits(db, &s, centre, today(), w.size, w.offset()).await?;
    Ok(Paged::new(items, total, w))
}

/// The pembina plans a visit to a BLKK it supervises (any date; the aid program must exist
/// and, with a region, hold the BLKK).
pub async fn plan(db: &Db, actor: &Actor, input: &NewVisit) -> Result<VisitRecord, AppError> {
    let mut e = crate::kernel::validate::FieldErrors::new();
    let centre_id = input.centre_id.filter(|c| *c > 0);
    if centre_id.is_none() {
        e.add("centre_id", "required");
    }
    let planned: Option<time::Date> = e.take(
        "planned_date",
        check::date_in(&input.planned_date, FIRST_YEAR, this_year() + 1)
            .and_then(|d| d.ok_or_else(|| "required".into()))
            .map(Some),
    );
    let purpose = e.take("purpose", check::required(&input.purpose, 500));
    e.finish(()).map_err(AppError::Invalid)?;
    let centre_id = centre_id.unwrap_or_default();
    let planned = planned.unwrap_or(time::Date::MIN);
    let c = centres::service::find(db, centre_id)
        .await?
        .ok_or(AppError::invalid("centre_id", "not_found"))?;
    let pembina = c.pembina.as_ref().map(|p| p.id);
    access::allow(model::can_visit(actor, pembina))?;
    if let Some(p) = input.aid_program_id {
        if !crate::kernel::records::may_choose(
            db,
            actor,
            crate::features::aid::model::AID_PROGRAM,
            p,
        )
        .await?
        {
            return Err(AppError::invalid("aid_program_id", "not_choosable"));
        }
        let Some(program) = crate::features::aid::service::find_program(db, p).await? else {
            return Err(AppError::invalid("aid_program_id", "not_found"));
        };
        if let Some(area) = &program.program.area_code
            && &c.place.province_code != area
            && &c.place.regency_code != area
        {
            return Err(AppError::invalid("aid_program_id", "outside_region"));
        }
    }
    let mut tx = db.begin().await?;
    let id = store::insert_visit(
        &mut tx,
        &NewVisitRow {
            centre_id,
            pembina_id: pembina.unwrap_or_default(),
            aid_program_id: input.aid_program_id,
            purpose: &purpose,
            planned_date: planned,
            created_by: actor.user_id,
        },
        now(),
    )
    .await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        VISIT,
        id,
        "create",
        &audit::note("purpose", purpose.as_str()),
    )
    .await?;
    tx.commit().await?;
    visit(db, actor, id).await
}

/// The pembina records the visit: date, answers, summary, status.
pub async fn record(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &VisitUpdate,
) -> Result<VisitRecord, AppError> {
    let v = visit(db, actor, id).await?;
    access::allow(model::can_visit(actor, Some(v.pembina_id)))?;
    let version = AppError::based_on(input.version)?;
    if version != v.version {
        return Err(AppError::Stale);
    }
    let questions = store::questions(db).await?;
    let mut e = crate::kernel::validate::FieldErrors::new();
    let visited = match input
        .visited_date
        .as_deref()
        .map(|d| check::date_in(d, FIRST_YEAR, this_year()))
    {
        None => v.visited_date,
        Some(Ok(Some(d))) if d > today() => {
            e.add("visited_date", "in_future");
            None
        }
        Some(Ok(d)) => d,
        Some(Err(p)) => {
            e.add("visited_date", p);
            None
        }
    };
    let answers = if input.answers.is_empty() {
        v.answers.clone()
    } else {
        let mut merged = v.answers.clone();
        match check_answers(&questions, &input.answers) {
            Ok(a) => {
                for code in input.answers.keys() {
                    merged.remove(code);
                }
                merged.extend(a);
            }
            Err(errs) => e.merge(errs),
        }
        merged
    };
    let summary = match &input.summary {
        Some(s) => e.take("summary", check::optional(s, 4000)),
        None => v.summary.clone(),
    };
    let status = input.status.unwrap_or(v.status);
    if status == VisitStatus::Selesai && visited.is_none() {
        e.add("visited_date", "required");
    }
    e.finish(()).map_err(AppError::Invalid)?;
    let before = serde_json::json!({"visited_date": v.visited_date.map(|d| d.to_string()),
        "answers": v.answers, "summary": v.summary, "status": v.status});
    let after = serde_json::json!({"visited_date": visited.map(|d| d.to_string()),
        "answers": answers, "summary": summary, "status": status});
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
        return Err(AppError::internal(anyhow::anyhow!("visit snapshot")));
    };
    let changes = audit::diff(before, after);
    if changes.is_empty() {
        return Ok(v);
    }
    let answers_json = serde_json::to_string(&answers).map_err(AppError::internal)?;
    let mut tx = db.begin().await?;
    store::update_visit(
        &mut tx,
        id,
        version,
        visited,
        &answers_json,
        &summary,
        status.as_str(),
        now(),
    )
    .await?;
    audit::record_now(&mut tx, Some(actor.user_id), VISIT, id, "update", &changes).await?;
    tx.commit().await?;
    visit(db, actor, id).await
}

/// The pembina records a finding and the actions agreed (due on or after the visit).
pub async fn add_finding(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &NewFinding,
) -> Result<FindingRecord, AppError> {
    let v = visit(db, actor, id).await?;
    access::allow(model::can_visit(actor, Some(v.pembina_id)))?;
    let day = v.visited_date.unwrap_or(v.planned_date);
    let (text, severity, actions) = input.validate(day)?;
    let place = centres::service::find(db, v.centre_id)
        .await?
        .ok_or(AppError::NotFound)?
        .facts();
    let mut tx = db.begin().await?;
    let fid = store::insert_finding(
        &mut tx,
        id,
        &place,
        v.pembina_id,
        &text,
        severity,
        &actions,
        actor.user_id,
        now(),
    )
    .await?;
    super::figures::keep_finding(&mut tx, fid).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        VISIT,
        id,
        "finding",
        &audit::note("finding", text.as_str()),
    )
    .await?;
    tx.commit().await?;
    let (_, _, findings) = show(db, actor, id).await?;
    findings
        .into_iter()
        .find(|f| f.id == fid)
        .ok_or(AppError::NotFound)
}

/// An action the actor may see, with its evidence.
pub async fn action(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(ActionRecord, Vec<Attachment>), AppError> {
    let a = store::action(db, id).await?.ok_or(AppError::NotFound)?;
    centre_in_scope(db, actor, a.centre_id).await?;
    let evidence = attachments::list(db, ACTION, id).await?;
    Ok((a, evidence))
}

/// The BLKK answers an action (its manager), or the pembina closes or reopens it.
pub async fn update_action(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &ActionUpdate,
) -> Result<ActionRecord, AppError> {
    let (a, _) = action(db, actor, id).await?;
    let version = AppError::based_on(input.version)?;
    if version != a.version {
        return Err(AppError::Stale);
    }
    let mut tx = db.begin().await?;
    match (&input.response, input.status) {
        (Some(r), None) => {
            access::allow(model::can_answer(actor, a.centre_id))?;
            if a.status == ActionStatus::Selesai {
                return Err(AppError::invalid("status", "action_closed"));
            }
            let r = check::required(r, 2000).map_err(|p| {
                AppError::Invalid(crate::kernel::validate::FieldErrors::single("response", p))
            })?;
            store::answer(&mut tx, id, version, &r, now()).await?;
            super::figures::keep_action(&mut tx, id, a.status, ActionStatus::Dijawab).await?;
            audit::record_now(
                &mut tx,
                Some(actor.user_id),
                ACTION,
                id,
                "answer",
                &audit::note("response", r.as_str()),
            )
            .await?;
            notifications::tell(
                &mut tx,
                a.pembina_id,
                &["pembina"],
                &Notice {
                    kind: Kind::ActionAnswered,
                    entity: ACTION,
                    entity_id: id,
                    link: &action_link(&a),
                    reference: "",
                    text: &format!("{} menjawab tindak lanjut \"{}\"", a.centre_name, a.text),
                },
            )
            .await?;
        }
        (None, Some(s)) if s != ActionStatus::Dijawab => {
            access::allow(model::can_visit(actor, Some(a.pembina_id)))?;
            store::set_status(&mut tx, id, version, s, now()).await?;
            super::figures::keep_action(&mut tx, id, a.status, s).await?;
            audit::record_now(
                &mut tx,
                Some(actor.user_id),
                ACTION,
                id,
                "status",
                &audit::note("status", s.as_str()),
            )
            .await?;
        }
        (None, Some(_)) => return Err(AppError::invalid("status", "invalid_choice")),
        _ => return Err(AppError::invalid("response", "required")),
    }
    tx.commit().await?;
    Ok(action(db, actor, id).await?.0)
}

/// The evidence of each action of a visit, by action id (those who may see the visit).
pub async fn evidence_of_visit(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<std::collections::HashMap<i64, Vec<Attachment>>, AppError> {
    visit(db, actor, id).await?;
    let ids: Vec<i64> = store::actions_of_visit(db, id)
        .await?
        .into_values()
        .flatten()
        .map(|a| a.id)
        .collect();
    let mut out = attachments::list_of(db, ACTION, &ids).await?;
    for id in ids {
        out.entry(id).or_default();
    }
    Ok(out)
}

/// Open (or only overdue) actions in the actor's scope, the earliest due first.
pub async fn open_actions(
    db: &Db,
    actor: &Actor,
    overdue: bool,
    page: i64,
) -> Result<Paged<ActionRecord>, AppError> {
    let s = scope(actor)?;
    let w = Window::new(page, PAGE_SIZE);
    let (items, total) = store::open_actions(db, &s, overdue, today(), w.size, w.offset()).await?;
    Ok(Paged::new(items, total, w))
}

/// The BLKK a UPTP supervises, by name.
pub async fn supervised(db: &Db, uptp: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(db
        .fetch_all(
            crate::kernel::db::Sql::new(
                "SELECT o.id, o.name FROM centres c JOIN orgs o ON o.id = c.org_id \
                 WHERE c.pembina_id = $1 ORDER BY o.name_key, o.id LIMIT 2000",
            )
            .arg(uptp),
        )
        .await?)
}

/// Open actions `offset..offset + limit` in the actor's scope, for an export.
pub async fn actions_chunk(
    db: &Db,
    actor: &Actor,
    offset: i64,
    limit: i64,
) -> Result<Vec<ActionRecord>, AppError> {
    let s = scope(actor)?;
    Ok(store::open_actions(db, &s, false, today(), limit, offset)
        .await?
        .0)
}

/// Where an action is answered and closed: its place on its visit's page.
fn action_link(a: &ActionRecord) -> String {
    format!("/visits/{}#a{}", a.visit_id, a.id)
}

/// How many days ahead the BLKK is told an action falls due, and how long after its due
/// date an action not yet told of (the server was down) is still told.
pub const DUE_AHEAD: i64 = 3;
pub const DUE_LATE: i64 = 7;

/// The daily reminders of follow-up actions the BLKK has not answered: due within
/// [`DUE_AHEAD`] days (or up to [`DUE_LATE`] days past, when the job did not run in time),
/// to the BLKK's managers, once per action and due date. Answers how many were told.
pub async fn remind(db: &Db) -> Result<usize, AppError> {
    let day = today();
    let due = store::due_actions(
        db,
        day - time::Duration::days(DUE_LATE),
        day + time::Duration::days(DUE_AHEAD),
    )
    .await?;
    let mut told = 0;
    for chunk in due.chunks(200) {
        let mut tx = db.begin().await?;
        for a in chunk {
            told += notifications::tell(
                &mut tx,
                a.centre_id,
                &["pengelola"],
                &Notice {
                    kind: Kind::ActionDue,
                    entity: ACTION,
                    entity_id: a.id,
                    link: &action_link(a),
                    reference: &a.due_date.to_string(),
                    text: &format!(
                        "Tindak lanjut \"{}\" jatuh tempo {}; jawab dengan buktinya",
                        a.text, a.due_date
                    ),
                },
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(told)
}

/// The questions of the instrument.
pub async fn questions(db: &Db) -> Result<Vec<Question>, AppError> {
    Ok(store::questions(db).await?)
}

/// Answers of a visit by code, as text for a form.
pub fn answer_texts(v: &VisitRecord) -> BTreeMap<String, String> {
    v.answers
        .iter()
        .map(|(k, x)| {
            (
                k.clone(),
                x.as_str().map_or_else(|| x.to_string(), str::to_owned),
            )
        })
        .collect()
}

// ---- The record kinds ----------------------------------------------------------------

/// Visits, their findings and follow-up actions as records others refer to, read by those
/// whose scope covers the BLKK.
pub fn kinds() -> Vec<crate::kernel::records::Kind> {
    vec![
        crate::record_kind!(VISIT, resolve_visits, readable_visits),
        crate::kernel::records::Kind {
            files: Some(crate::file_rules!(
                "findings",
                max: MAX_FILES,
                images_only: true,
                may_change: photos_may_change
            )),
            ..crate::record_kind!(FINDING, resolve_findings, readable_findings)
        },
        crate::kernel::records::Kind {
            files: Some(crate::file_rules!(
                "actions",
                max: MAX_FILES,
                images_only: false,
                may_change: evidence_may_change
            )),
            ..crate::record_kind!(ACTION, resolve_actions, readable_actions)
        },
    ]
}

/// A finding's photos: its visit's pembina's to add and remove.
async fn photos_may_change(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    let f = store::finding(db, id).await?.ok_or(AppError::NotFound)?;
    let v = visit(db, actor, f.visit_id).await?;
    access::allow(model::can_visit(actor, Some(v.pembina_id)))
}

/// An action's evidence: its BLKK's to add and remove.
async fn evidence_may_change(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    let (a, _) = action(db, actor, id).await?;
    access::allow(model::can_answer(actor, a.centre_id))
}

async fn resolve_in(
    db: &Db,
    table: &str,
    entity: &str,
    label: &str,
    anchor: &str,
    ids: &[i64],
) -> Result<Vec<crate::kernel::records::RecordRef>, AppError> {
    Ok(store::refs(db, table, ids)
        .await?
        .into_iter()
        .map(|(id, visit, _, what)| {
            let short: String = what.chars().take(80).collect();
            crate::kernel::records::RecordRef {
                entity: entity.to_owned(),
                id,
                name: format!("{label} {short}"),
                href: if anchor.is_empty() {
                    format!("/visits/{visit}")
                } else {
                    format!("/visits/{visit}#{anchor}{id}")
                },
            }
        })
        .collect())
}

async fn readable_in(
    db: &Db,
    actor: &Actor,
    table: &str,
    ids: &[i64],
) -> Result<Vec<i64>, AppError> {
    let mut out = Vec::new();
    for (id, _, centre, _) in store::refs(db, table, ids).await? {
        if centre_in_scope(db, actor, centre).await.is_ok() {
            out.push(id);
        }
    }
    Ok(out)
}

async fn resolve_visits(
    db: &Db,
    ids: &[i64],
) -> Result<Vec<crate::kernel::records::RecordRef>, AppError> {
    resolve_in(db, "visits", VISIT, "Monev", "", ids).await
}

async fn readable_visits(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    readable_in(db, actor, "visits", ids).await
}

async fn resolve_findings(
    db: &Db,
    ids: &[i64],
) -> Result<Vec<crate::kernel::records::RecordRef>, AppError> {
    resolve_in(db, "visit_findings", FINDING, "Temuan:", "f", ids).await
}

async fn readable_findings(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    readable_in(db, actor, "visit_findings", ids).await
}

async fn resolve_actions(
    db: &Db,
    ids: &[i64],
) -> Result<Vec<crate::kernel::records::RecordRef>, AppError> {
    resolve_in(db, "visit_actions", ACTION, "Tindak lanjut:", "a", ids).await
}

async fn readable_actions(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    readable_in(db, actor, "visit_actions", ids).await
}

// ---- The work queue ------------------------------------------------------------------

/// Open actions of a scope due before `day`: from the kept figures, or for a forum counted
/// from its members' actions.
async fn overdue(db: &Db, scope: &Scope, day: time::Date) -> Result<i64, AppError> {
    Ok(match super::figures::overdue(db, scope, day).await? {
        Some(n) => n,
        None => store::action_count(db, scope, &["terbuka"], Some(day)).await?,
    })
}

/// The monitoring work of the actor: a BLKK's open follow-up actions (each, by its due
/// date); a pembina's planned visits and answered actions to close; for those overseeing
/// BLKK, the overdue actions in their scope.
pub async fn work(db: &Db, actor: &Actor) -> Result<Vec<WorkItem>, AppError> {
    let day = today();
    let scope = actor.centre_scope();
    let mut out = Vec::new();
    match (actor.role, &scope) {
        (Role::Pengelola, Scope::Centre(_)) => {
            let (open, _) = store::open_actions(db, &scope, false, day, 5, 0).await?;
            let ids: Vec<i64> = open
                .iter()
                .filter(|a| a.status == ActionStatus::Terbuka)
                .map(|a| a.id)
                .collect();
            let named = resolve_actions(db, &ids).await?;
            for a in open.iter().filter(|a| a.status == ActionStatus::Terbuka) {
                if let Some(r) = named.iter().find(|r| r.id == a.id) {
                    out.push(WorkItem::about("action_open", r.clone()).due(a.due_date, day));
                }
            }
        }
        (Role::Pembina, Scope::Pembina(uptp)) => {
            let (n, first) = store::planned(db, *uptp).await?;
            let mut planned = WorkItem::new("visit_planned", n, "/visits");
            if let Some(d) = first {
                planned = planned.due(d, day);
            }
            out.push(planned);
            out.push(WorkItem::new(
                "action_answered",
                store::action_count(db, &scope, &["dijawab"], None).await?,
                "/visits#tindak",
            ));
            out.push(WorkItem::new(
                "action_overdue",
                overdue(db, &scope, day).await?,
                "/visits#tindak",
            ));
        }
        (_, Scope::All | Scope::Region(_) | Scope::Forum(_)) => {
            out.push(WorkItem::new(
                "action_overdue",
                overdue(db, &scope, day).await?,
                "/visits#tindak",
            ));
        }
        _ => {}
    }
    Ok(out)
}
