//! Report reminders and notifications: the daily reminders of reports due soon or overdue,
//! the notices of each step of a report, and each user's report work.

use time::Duration;

use super::store;
use crate::features::notifications::{
    self,
    service::{Kind, Notice},
};
use crate::features::reports::period::Period;
use crate::features::reports::types::model::{REPORT_TYPE, ReportType};
use crate::features::reports::workflow::model::{REPORT, ReportHead, ReportStatus};
use crate::features::reports::workflow::service::ListFilter;
use crate::features::reports::{types, workflow};
use crate::kernel::access::{Actor, Role, Scope};
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;
use crate::kernel::records;
use crate::kernel::time::today;
use crate::kernel::work::WorkItem;

// ---- Notifications -------------------------------------------------------------------

/// Tells the users of `org` with `roles` about a step of a report, in its transaction.
pub(crate) async fn tell(
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
    for t in types::service::types(db)
        .await?
        .into_iter()
        .filter(|t| t.active)
    {
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
        for t in types::service::types_for(db, centre).await? {
            let f = ListFilter {
                centre: Some(centre),
                type_id: Some(t.id),
                ..Default::default()
            };
            let (heads, _) = workflow::service::heads(db, &f, &Scope::Centre(centre), 6, 0).await?;
            for p in Period::containing(t.input.frequency, day).last(3) {
                let due = p.due(t.input.due_day);
                let closes = due + Duration::days(t.input.grace_days);
                let head = heads.iter().find(|h| h.period == p.to_string());
                let item = match head {
                    Some(h) if h.status == ReportStatus::Returned => {
                        let named = workflow::service::resolve_reports(db, &[h.id]).await?;
                        named
                            .into_iter()
                            .next()
                            .map(|r| WorkItem::about("report_returned", r).due(closes, day))
                    }
                    Some(h) if !h.status.editable() => None,
                    _ if day > closes || due - day > Duration::days(14) => None,
                    Some(h) => workflow::service::resolve_reports(db, &[h.id])
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
        for t in types::service::types(db)
            .await?
            .into_iter()
            .filter(|t| t.active)
        {
            let p = last_due(&t, day);
            let (_, unsent) = crate::features::reports::compliance::service::unsent(
                db,
                &t,
                &p.to_string(),
                &scope,
            )
            .await?;
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
