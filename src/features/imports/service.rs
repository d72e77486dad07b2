//! Importing BLKK from a table: check every row first (the preview), then import the good
//! rows in the background, each row all or nothing (its BLKK and its manager's invitation
//! in one transaction), with progress and a report. Rows are matched by registration
//! number, so the same file can be imported again: what is already there is left as is.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::model::{
    self, Action, ImportRecord, ImportStatus, ManagerAction, Row, RowError, RowOutcome,
};
use super::sheet::{self, FileProblem};
use super::store::{self, Counts};
use crate::features::accounts::model::InviteInput;
use crate::features::accounts::service as accounts;
use crate::features::areas::service as areas;
use crate::features::centres::service as centres;
use crate::features::kejuruan::service as kejuruan;
use crate::kernel::access::{self, Actor, Role};
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::time::{now, this_year};
use crate::kernel::validate::{FieldErrors, Problem};
use crate::kernel::web::i18n::Lang;

pub const KIND: &str = "centres";

/// A file checked: every row with what importing it would do, or its problems.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Preview {
    /// The kept preview to import (pages), when asked to keep it.
    pub import_id: Option<i64>,
    pub file_name: String,
    pub rows: Vec<RowOutcome>,
    /// Rows that would be imported.
    pub valid: usize,
    /// Rows with problems (left out).
    pub invalid: usize,
}

/// The file-level problem as a field error on `file`.
fn file_error(p: FileProblem) -> AppError {
    let args = match p {
        FileProblem::TooLarge => vec![("max", "5 MB".to_owned())],
        FileProblem::TooManyRows => vec![("max", sheet::MAX_ROWS.to_string())],
        _ => Vec::new(),
    };
    AppError::invalid(
        "file",
        Problem {
            code: match p {
                FileProblem::Empty => "import_empty",
                FileProblem::TooLarge => "import_too_large",
                FileProblem::NotATable => "import_not_a_table",
                FileProblem::TooManyRows => "import_too_many_rows",
                FileProblem::Unpacked => "import_unpacked",
            },
            args,
        },
    )
}

/// May import: ministry admins.
pub fn for_import(actor: &Actor) -> Result<(), AppError> {
    access::admin(actor)
}

/// Checks a file. With `keep`, the good rows are kept for [`start`].
pub async fn preview(
    db: &Db,
    actor: &Actor,
    lang: Lang,
    file_name: &str,
    bytes: &[u8],
    keep: bool,
) -> Result<Preview, AppError> {
    for_import(actor)?;
    let table = sheet::read(bytes).map_err(file_error)?;
    let rows = model::rows_of(&table).map_err(|(missing, unknown)| {
        let mut e = FieldErrors::new();
        if !missing.is_empty() {
            e.add(
                "file",
                Problem {
                    code: "import_missing_columns",
                    args: vec![("columns", missing.join(", "))],
                },
            );
        }
        if !unknown.is_empty() {
            e.add(
                "file",
                Problem {
                    code: "import_unknown_columns",
                    args: vec![("columns", unknown.join(", "))],
                },
            );
        }
        AppError::Invalid(e)
    })?;
    let outcomes = check(db, actor, lang, &rows).await?;
    let valid = outcomes
        .iter()
        .filter(|o| o.action != Action::Gagal)
        .count();
    let import_id = if keep {
        let good: Vec<&RowOutcome> = outcomes
            .iter()
            .filter(|o| o.action != Action::Gagal)
            .collect();
        let json = serde_json::to_string(&good).map_err(AppError::internal)?;
        Some(
            store::insert(
                db,
                KIND,
                &file_name.chars().take(200).collect::<String>(),
                actor.user_id,
                valid as i64,
                &json,
                now(),
            )
            .await?,
        )
    } else {
        None
    };
    let mut outcomes = outcomes;
    for o in &mut outcomes {
        o.cells.clear();
    }
    Ok(Preview {
        import_id,
        file_name: file_name.to_owned(),
        invalid: outcomes.len() - valid,
        valid,
        rows: outcomes,
    })
}

/// What importing each row would do, with every problem found: the checks of the profile
/// form, the references (villages, kejuruan), repeats within the file, and the manager's
/// e-mail address.
async fn check(
    db: &Db,
    actor: &Actor,
    lang: Lang,
    rows: &[Row],
) -> Result<Vec<RowOutcome>, AppError> {
    let year = this_year();
    let reg_nos: Vec<String> = rows
        .iter()
        .map(|r| r.get("reg_no").trim().to_uppercase())
        .filter(|r| !r.is_empty())
        .collect();
    let existing: HashMap<String, i64> = centres::ids_by_reg_no(db, &reg_nos)
        .await?
        .into_iter()
        .collect();
    let codes: Vec<&str> = rows
        .iter()
        .map(|r| r.get("village_code").trim())
        .filter(|c| !c.is_empty())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut villages: HashSet<String> = HashSet::new();
    for chunk in codes.chunks(500) {
        villages.extend(areas::names(db, chunk).await?.into_iter().map(|(c, _)| c));
    }
    let catalogue: HashSet<String> = kejuruan::catalogue(db)
        .await?
        .into_iter()
        .map(|k| k.code)
        .collect();
    let mut seen_reg: HashSet<String> = HashSet::new();
    let mut seen_email: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let reg_no = row.get("reg_no").trim().to_uppercase();
        let mut e = FieldErrors::new();
        for f in &row.formulas {
            e.add(*f, "import_formula");
        }
        if !reg_no.is_empty() && !seen_reg.insert(reg_no.clone()) {
            e.add("reg_no", "import_repeated");
        }
        let id = existing.get(&reg_no).copied();
        let input = model::centre_input(&row.cells, id.is_none());
        let mut action = Action::Baru;
        let mut name = row.get("name").trim().to_owned();
        match id {
            None => {
                if let Err(x) = input.validate(None, year) {
                    e.merge(x);
                }
            }
            Some(id) => {
                let current = centres::view(db, Some(actor), id).await?.record.centre();
                if name.is_empty() {
                    name.clone_from(&current.profile.name);
                }
                match input.validate(Some(&current), year) {
                    Ok(c) if c == current => action = Action::Tetap,
                    Ok(_) => action = Action::Ubah,
                    Err(x) => e.merge(x),
                }
            }
        }
        let village = row.get("village_code").trim();
        if !village.is_empty() && e.get("village_code").is_none() && !villages.contains(village) {
            e.add("village_code", "unknown_area");
        }
        if let crate::kernel::validate::Patch::Set(list) = &input.kejuruan
            && list.iter().any(|k| !catalogue.contains(k))
            && e.get("kejuruan").is_none()
        {
            e.add("kejuruan", "invalid_choice");
        }
        let manager = manager_of(db, row, id, &mut seen_email, &mut e).await?;
        if !e.is_empty() {
            action = Action::Gagal;
        }
        out.push(RowOutcome {
            line: row.line,
            reg_no,
            name,
            action,
            manager,
            errors: RowError::of(&e, lang),
            cells: row.cells.clone(),
        });
    }
    Ok(out)
}

/// The manager a row names: to invite, already there, or none; problems go to `e`.
async fn manager_of(
    db: &Db,
    row: &Row,
    centre_id: Option<i64>,
    seen: &mut HashSet<String>,
    e: &mut FieldErrors,
) -> Result<ManagerAction, AppError> {
    let email = row.get("manager_email").trim().to_lowercase();
    let name = row.get("manager_name").trim();
    if email.is_empty() {
        if !name.is_empty() {
            e.add("manager_email", "required");
        }
        return Ok(ManagerAction::Tidak);
    }
    let invite = InviteInput {
        email: email.clone(),
        name: name.to_owned(),
        role: Role::Pengelola.as_str().to_owned(),
        org_id: Some(crate::kernel::validate::Num("1".into())),
        org_admin: false,
    };
    if let Err(x) = invite.validate() {
        for f in x.iter() {
            let field = match f.field.as_ref() {
                "email" => "manager_email",
                "name" => "manager_name",
                other => {
                    let _ = other;
                    continue;
                }
            };
            e.add(
                field,
                Problem {
                    code: f.code,
                    args: f.args.clone(),
                },
            );
        }
        return Ok(ManagerAction::Tidak);
    }
    if !seen.insert(email.clone()) {
        e.add("manager_email", "import_repeated");
        return Ok(ManagerAction::Tidak);
    }
    match accounts::find_by_email(db, &email).await? {
        None => Ok(ManagerAction::Undang),
        Some(u) if u.role == Role::Pengelola && u.org_id.is_some() && u.org_id == centre_id => {
            Ok(ManagerAction::SudahAda)
        }
        Some(_) => {
            e.add("manager_email", "duplicate");
            Ok(ManagerAction::Tidak)
        }
    }
}

/// Starts importing a kept preview in the background; the import's page follows it.
pub async fn start(
    db: &Db,
    actor: &Actor,
    base: &str,
    lang: Lang,
    id: i64,
) -> Result<ImportRecord, AppError> {
    let record = get(db, actor, id).await?;
    if record.status != ImportStatus::Preview || !store::start(db, id).await? {
        return Err(AppError::invalid("import", "import_started"));
    }
    let (rows, _) = store::rows_and_report(db, id).await?;
    let rows: Vec<RowOutcome> = serde_json::from_str(&rows).map_err(AppError::internal)?;
    let (task_db, task_actor, task_base) = (db.clone(), actor.clone(), base.to_owned());
    tokio::spawn(async move {
        if let Err(e) = run(&task_db, &task_actor, &task_base, lang, id, rows).await {
            tracing::error!(import = id, error = ?e, "import stopped");
            let _ = store::finish(&task_db, id, ImportStatus::Failed, "[]", now()).await;
        }
    });
    get(db, actor, id).await
}

/// Imports the rows one by one, each in its own transaction.
async fn run(
    db: &Db,
    actor: &Actor,
    base: &str,
    lang: Lang,
    id: i64,
    rows: Vec<RowOutcome>,
) -> Result<(), AppError> {
    let mut counts = Counts::default();
    let mut report = Vec::with_capacity(rows.len());
    for row in rows {
        let outcome = import_row(db, actor, base, &row).await;
        counts.done += 1;
        let mut done = row.clone();
        done.cells = BTreeMap::new();
        match outcome {
            Ok((action, invited)) => {
                match action {
                    Action::Baru => counts.created += 1,
                    Action::Ubah => counts.updated += 1,
                    _ => counts.unchanged += 1,
                }
                if invited {
                    counts.invited += 1;
                }
                done.action = action;
                done.manager = if invited {
                    ManagerAction::Undang
                } else if row.manager == ManagerAction::Tidak {
                    ManagerAction::Tidak
                } else {
                    ManagerAction::SudahAda
                };
                done.errors = Vec::new();
            }
            Err(AppError::Invalid(e)) => {
                counts.failed += 1;
                done.action = Action::Gagal;
                done.errors = RowError::of(&e, lang);
            }
            Err(e) => return Err(e),
        }
        report.push(done);
        store::progress(db, id, counts).await?;
    }
    let json = serde_json::to_string(&report).map_err(AppError::internal)?;
    store::finish(db, id, ImportStatus::Done, &json, now()).await?;
    Ok(())
}

/// One row, all or nothing: the BLKK created or changed, and its manager invited, in one
/// transaction. Matched by registration number again now (the file may be re-run, or
/// someone may have added the BLKK since the preview).
async fn import_row(
    db: &Db,
    actor: &Actor,
    base: &str,
    row: &RowOutcome,
) -> Result<(Action, bool), AppError> {
    // Everything read first; then one transaction writes the row.
    let existing = centres::ids_by_reg_no(db, std::slice::from_ref(&row.reg_no)).await?;
    let current = match existing.first() {
        Some((_, id)) => Some(centres::for_edit(db, actor, *id).await?),
        None => None,
    };
    let email = row.cells.get("manager_email").map_or("", |s| s.trim());
    let invite = !email.is_empty() && !accounts::email_taken(db, email).await?;
    let mut tx = db.begin().await?;
    let (centre_id, action) = match current {
        None => {
            let input = model::centre_input(&row.cells, true);
            let r = centres::create_in(&mut tx, actor, &input).await?;
            (r.id, Action::Baru)
        }
        Some(current) => {
            let id = current.record.id;
            let mut input = model::centre_input(&row.cells, false);
            // The row is based on the record as read just now.
            input.version = Some(current.record.version);
            let (_, changed) = centres::update_in(&mut tx, actor, current, &input).await?;
            (id, if changed { Action::Ubah } else { Action::Tetap })
        }
    };
    let mut invited = false;
    if invite {
        let invite = InviteInput {
            email: email.to_owned(),
            name: row.cells.get("manager_name").cloned().unwrap_or_default(),
            role: Role::Pengelola.as_str().to_owned(),
            org_id: Some(crate::kernel::validate::Num(centre_id.to_string())),
            org_admin: false,
        };
        accounts::invite_in(&mut tx, actor, base, &invite)
            .await
            .map_err(|e| match e {
                // The manager's fields, named as the file names them.
                AppError::Invalid(x) => {
                    let mut out = FieldErrors::new();
                    for f in x.iter() {
                        let field = match f.field.as_ref() {
                            "email" => "manager_email",
                            "name" => "manager_name",
                            other => {
                                let _ = other;
                                "manager_email"
                            }
                        };
                        out.add(
                            field,
                            Problem {
                                code: f.code,
                                args: f.args.clone(),
                            },
                        );
                    }
                    AppError::Invalid(out)
                }
                other => other,
            })?;
        invited = true;
    }
    tx.commit().await?;
    Ok((action, invited))
}

/// An import, for the admin who made it.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<ImportRecord, AppError> {
    for_import(actor)?;
    let r = store::get(db, id).await?.ok_or(AppError::NotFound)?;
    if r.created_by != actor.user_id {
        return Err(AppError::NotFound);
    }
    Ok(r)
}

/// An import with its report (each row's outcome) once it is done, or its kept rows while
/// it is a preview.
pub async fn report(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(ImportRecord, Vec<RowOutcome>), AppError> {
    let r = get(db, actor, id).await?;
    let (rows, report) = store::rows_and_report(db, id).await?;
    let json = if r.status == ImportStatus::Preview {
        rows
    } else {
        report
    };
    let mut list: Vec<RowOutcome> = serde_json::from_str(&json).map_err(AppError::internal)?;
    for o in &mut list {
        o.cells.clear();
    }
    Ok((r, list))
}

/// The admin's latest imports.
pub async fn recent(db: &Db, actor: &Actor) -> Result<Vec<ImportRecord>, AppError> {
    for_import(actor)?;
    Ok(store::recent(db, actor.user_id, 10).await?)
}
