//! Income use cases: a BLKK's manager records a month's income by source (its training fees
//! shown beside, from its own batches); everyone whose scope holds the BLKK reads its year;
//! the self-funding figures (own income over all income) for any scope and year, live from
//! the yearly totals kept in the same transaction as each month.

use serde::Serialize;

use super::model::{
    self, INCOME_MONTH, IncomeInput, IncomeMonth, IncomeSource, MAX_ATTACHMENTS, YearMonth, share,
    split,
};
use super::store::{self, ProvinceRow};
use crate::features::centres::{self, model::CentreRecord};
use crate::kernel::access::{self, Actor, Role, Scope};
use crate::kernel::attachments::{self, Attachment};
use crate::kernel::audit;
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::time::{now, today};

/// Years shown in a self-funding trend.
pub const TREND_YEARS: i32 = 10;

async fn readable(db: &Db, actor: &Actor, centre: i64) -> Result<CentreRecord, AppError> {
    let c = centres::service::find(db, centre)
        .await?
        .ok_or(AppError::NotFound)?;
    access::allow(centres::model::can_view(Some(actor), &c.facts()))?;
    Ok(c)
}

/// One month of a BLKK's year: what was recorded, and the fees its batches bring.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthView {
    /// `2026-03`.
    pub month: String,
    pub recorded: Option<IncomeMonth>,
    /// Fees of its self-paid and company-paid batches starting that month, whole rupiah.
    pub training_fees: i64,
}

/// A BLKK's year of income.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncomeYear {
    pub centre_id: i64,
    pub centre_name: String,
    pub year: i32,
    /// Its months up to the current one.
    pub months: Vec<MonthView>,
    pub own: i64,
    pub total: i64,
    /// Own over all income, in percent; `null` without income.
    pub self_funding: Option<f64>,
    pub may_edit: bool,
}

pub async fn year(db: &Db, actor: &Actor, centre: i64, year: i32) -> Result<IncomeYear, AppError> {
    let c = readable(db, actor, centre).await?;
    let recorded = store::year(db, centre, year).await?;
    let fees = store::fees(db, centre, year).await?;
    let now_month = YearMonth::of(today());
    let mut months = Vec::new();
    for m in 1..=12u8 {
        let ym = YearMonth { year, month: m };
        if ym > now_month {
            break;
        }
        let text = ym.to_string();
        months.push(MonthView {
            recorded: recorded.iter().find(|r| r.month == text).cloned(),
            training_fees: fees.get(&text).copied().unwrap_or(0),
            month: text,
        });
    }
    let (own, total) = recorded
        .iter()
        .fold((0, 0), |(o, t), m| (o + m.own, t + m.total));
    Ok(IncomeYear {
        centre_id: centre,
        centre_name: c.profile.name.clone(),
        year,
        months,
        own,
        total,
        self_funding: share(own, total),
        may_edit: model::can_write(actor, centre),
    })
}

/// The BLKK an actor records income for: their own, or (an admin) the one named.
fn centre_of(actor: &Actor, named: Option<i64>) -> Result<i64, AppError> {
    match (actor.role, named, actor.org_id) {
        (Role::Admin, Some(c), _) => Ok(c),
        (Role::Admin, None, _) => Err(AppError::invalid("centre_id", "required")),
        (Role::Pengelola, None, Some(c)) => Ok(c),
        (Role::Pengelola, Some(n), Some(c)) if n == c => Ok(c),
        _ => Err(AppError::Forbidden),
    }
}

/// Records a month's income (a new month, or over the version read), its year's totals and
/// the audit entry in one transaction.
pub async fn save(db: &Db, actor: &Actor, input: &IncomeInput) -> Result<IncomeMonth, AppError> {
    let centre = centre_of(actor, input.centre_id)?;
    let c = match centres::service::find(db, centre).await? {
        Some(c) => c,
        None => return Err(AppError::invalid("centre_id", "not_found")),
    };
    access::allow(model::can_write(actor, centre))?;
    let m = input.validate(today())?;
    let before = store::month(db, centre, m.month).await?;
    let version = match (&before, input.version) {
        (Some(b), Some(v)) if b.version == v => Some(v),
        // A month already recorded is changed only over the version read.
        (Some(_), None) => return Err(AppError::VersionRequired),
        (Some(_), Some(_)) => return Err(AppError::Stale),
        (None, Some(_)) => return Err(AppError::Stale),
        (None, None) => None,
    };
    let old = before.as_ref().map(|b| {
        audit::snapshot(&model::CheckedMonth {
            month: m.month,
            amounts: b.amounts.clone(),
            note: b.note.clone(),
        })
    });
    let new = audit::snapshot(&m);
    let changes = match &old {
        Some(o) => audit::diff(o, &new),
        None => audit::created(&new),
    };
    if before.is_some() && changes.is_empty() {
        return before.ok_or(AppError::NotFound);
    }
    let (own, total) = split(&m.amounts);
    let mut tx = db.begin().await?;
    let id = store::save(&mut tx, centre, &m, own, total, version, now()).await?;
    store::refresh_year(&mut tx, m.month.year, &c.facts()).await?;
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        INCOME_MONTH,
        id,
        if before.is_some() { "update" } else { "create" },
        &changes,
    )
    .await?;
    tx.commit().await?;
    store::by_id(db, id).await?.ok_or(AppError::NotFound)
}

// ---- Evidence ------------------------------------------------------------------------

/// The month an input names, as stored now (for a refused save's answer).
pub async fn current_month(
    db: &Db,
    actor: &Actor,
    input: &IncomeInput,
) -> Result<Option<IncomeMonth>, AppError> {
    let centre = centre_of(actor, input.centre_id)?;
    readable(db, actor, centre).await?;
    let m = input.validate(today())?;
    Ok(store::month(db, centre, m.month).await?)
}

async fn writable_month(db: &Db, actor: &Actor, id: i64) -> Result<IncomeMonth, AppError> {
    let m = store::by_id(db, id).await?.ok_or(AppError::NotFound)?;
    readable(db, actor, m.centre_id).await?;
    Ok(m)
}

/// A recorded month, for those who may read the BLKK's income.
pub async fn recorded_month(db: &Db, actor: &Actor, id: i64) -> Result<IncomeMonth, AppError> {
    writable_month(db, actor, id).await
}

/// The evidence files of a year's recorded months, by month record id.
pub async fn year_evidence(
    db: &Db,
    actor: &Actor,
    y: &IncomeYear,
) -> Result<std::collections::BTreeMap<i64, Vec<Attachment>>, AppError> {
    readable(db, actor, y.centre_id).await?;
    let mut out = std::collections::BTreeMap::new();
    for m in y.months.iter().filter_map(|m| m.recorded.as_ref()) {
        out.insert(m.id, attachments::list(db, INCOME_MONTH, m.id).await?);
    }
    Ok(out)
}

// ---- Self-funding figures ------------------------------------------------------------

/// Own and all income of a group of BLKK, with the share and how their shares spread.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct FundingFigures {
    /// A province code (`32`), or empty for the whole scope.
    pub key: String,
    pub name: String,
    pub own: i64,
    pub total: i64,
    /// Own over all income, in percent; `null` without income.
    pub self_funding: Option<f64>,
    /// BLKK with income recorded.
    pub centres: i64,
    /// How many BLKK have an own share below 10 %, 10–25 %, 25–50 %, 50–75 %, 75 % and over.
    pub bands: [i64; 5],
}

/// One year of a trend.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendYear {
    pub year: i64,
    pub own: i64,
    pub total: i64,
    pub self_funding: Option<f64>,
    pub centres: i64,
}

/// The self-funding figures of a scope and year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SelfFunding {
    pub year: i32,
    pub scope: String,
    #[serde(flatten)]
    pub all: FundingFigures,
    pub provinces: Vec<FundingFigures>,
    /// The last ten years to `year`.
    pub trend: Vec<TrendYear>,
}

fn funding(r: &ProvinceRow) -> FundingFigures {
    FundingFigures {
        key: r.province_code.clone(),
        name: r.province_name.clone(),
        own: r.own,
        total: r.total,
        self_funding: share(r.own, r.total),
        centres: r.centres,
        bands: [r.band0, r.band1, r.band2, r.band3, r.band4],
    }
}

/// Self-funding for `scope` (`nation`, `province:32`, `regency:32.04`, `uptp:12`,
/// `forum:40`) and year, always within the actor's own scope.
pub async fn self_funding(
    db: &Db,
    actor: &Actor,
    year: Option<i64>,
    scope: &str,
) -> Result<SelfFunding, AppError> {
    let own = actor.centre_scope();
    access::allow(own != Scope::Nothing)?;
    let this_year = today().year();
    let year = match year {
        None => this_year,
        Some(y) if (2000..=i64::from(this_year)).contains(&y) => y as i32,
        Some(_) => {
            return Err(AppError::invalid(
                "year",
                crate::kernel::validate::Problem::out_of_range(2000, this_year),
            ));
        }
    };
    let wanted = crate::kernel::figures::parse_scope(scope)
        .ok_or_else(|| AppError::invalid("scope", "invalid_scope"))?;
    // The nation (or nothing) means the caller's whole scope; anything else must lie in it.
    if wanted != Scope::All {
        access::allow(crate::kernel::figures::holds(&own, &wanted))?;
    }
    let node = match (&own, &wanted) {
        (Scope::All, w) => w.clone(),
        (o, _) if wanted == Scope::All => o.clone(),
        (_, w) => w.clone(),
    };
    if !matches!(node, Scope::Forum(_) | Scope::Nothing | Scope::Centre(_)) {
        return kept_self_funding(db, year, scope, &node).await;
    }
    let scopes = [own, wanted];
    let rows = store::provinces(db, year, &scopes).await?;
    let provinces: Vec<FundingFigures> = rows.iter().map(funding).collect();
    let mut all = provinces
        .iter()
        .fold(FundingFigures::default(), |mut a, p| {
            a.own += p.own;
            a.total += p.total;
            a.centres += p.centres;
            for (x, y) in a.bands.iter_mut().zip(p.bands) {
                *x += y;
            }
            a
        });
    all.self_funding = share(all.own, all.total);
    let trend = store::trend(db, year - TREND_YEARS + 1, year, &scopes)
        .await?
        .into_iter()
        .map(|(y, o, t, c)| TrendYear {
            year: y,
            own: o,
            total: t,
            self_funding: share(o, t),
            centres: c,
        })
        .collect();
    Ok(SelfFunding {
        year,
        scope: crate::kernel::figures::scope_text(scope),
        all,
        provinces,
        trend,
    })
}

/// The sources, own ones first.
pub fn sources() -> Vec<IncomeSource> {
    let mut s = IncomeSource::ALL.to_vec();
    s.sort_by_key(|s| !s.own());
    s
}

// ---- The record kind -----------------------------------------------------------------

/// A BLKK's month of income as a record others refer to.
pub fn kinds() -> Vec<crate::kernel::records::Kind> {
    vec![crate::kernel::records::Kind {
        files: Some(crate::file_rules!(
            "income",
            max: MAX_ATTACHMENTS,
            images_only: false,
            may_change: files_may_change
        )),
        ..crate::record_kind!(INCOME_MONTH, resolve, readable_months)
    }]
}

/// A month's evidence: its BLKK's to add and remove.
async fn files_may_change(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    let m = writable_month(db, actor, id).await?;
    access::allow(model::can_write(actor, m.centre_id))
}

async fn resolve(db: &Db, ids: &[i64]) -> Result<Vec<crate::kernel::records::RecordRef>, AppError> {
    Ok(store::month_refs(db, ids)
        .await?
        .into_iter()
        .map(
            |(id, month, centre, name)| crate::kernel::records::RecordRef {
                entity: INCOME_MONTH.to_owned(),
                id,
                name: format!("Pendapatan {month} · {name}"),
                href: format!("/income/edit?centre={centre}&month={month}"),
            },
        )
        .collect())
}

async fn readable_months(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    let mut out = Vec::new();
    for (id, _, centre, _) in store::month_refs(db, ids).await? {
        if readable(db, actor, centre).await.is_ok() {
            out.push(id);
        }
    }
    Ok(out)
}

/// Self-funding of a scope node from the kept figures: the node's own rows for the year and
/// the ten before, and its provinces' rows (the provinces of the nation; a province alone;
/// for a UPTP, its province pairs), a few dozen rows in all.
async fn kept_self_funding(
    db: &Db,
    year: i32,
    scope: &str,
    node: &Scope,
) -> Result<SelfFunding, AppError> {
    use super::figures::{BAND, BANDS, CENTRES, OWN, TOTAL};
    use crate::kernel::figures;
    use std::collections::BTreeMap;
    let key = figures::node(node).unwrap_or_default();
    let mut codes = vec![OWN.to_owned(), TOTAL.to_owned(), CENTRES.to_owned()];
    codes.extend((1..=BANDS).map(|b| format!("{BAND}/{b}")));
    let years: Vec<String> = (year - TREND_YEARS + 1..=year)
        .map(|y| y.to_string())
        .collect();
    // (node, year) → own, total, centres, bands.
    let mut rows: BTreeMap<(String, String), [i64; 3 + BANDS]> = BTreeMap::new();
    let mut put = |v: figures::Value| {
        if let Some(i) = codes.iter().position(|c| *c == v.code) {
            rows.entry((v.node, v.period)).or_default()[i] += v.value;
        }
    };
    for v in figures::values(db, &codes, &years, std::slice::from_ref(&key)).await? {
        put(v);
    }
    let this_year = [year.to_string()];
    let (prefix, pairs_of) = match node {
        Scope::All => ("province:".to_owned(), None),
        Scope::Region(_) => (String::new(), None),
        Scope::Pembina(u) => ("pu:".to_owned(), Some(*u)),
        _ => (String::new(), None),
    };
    if !prefix.is_empty() {
        for v in figures::children(db, &codes, &this_year, &prefix).await? {
            put(v);
        }
    }
    let figures_of = |r: &[i64; 3 + BANDS], key: String, name: String| FundingFigures {
        key,
        name,
        own: r[0],
        total: r[1],
        self_funding: share(r[0], r[1]),
        centres: r[2],
        bands: [r[3], r[4], r[5], r[6], r[7]],
    };
    let year_text = year.to_string();
    let all_row = rows
        .get(&(key.clone(), year_text.clone()))
        .copied()
        .unwrap_or_default();
    // The provinces: each province row of the nation; a UPTP's pairs summed by province;
    // for a province or regency, the one province it lies in.
    let mut by_province: BTreeMap<String, [i64; 3 + BANDS]> = BTreeMap::new();
    for ((n, y), r) in &rows {
        if *y != year_text || *n == key {
            continue;
        }
        let province = match (n.strip_prefix("province:"), n.strip_prefix("pu:"), pairs_of) {
            (Some(p), _, None) => Some(p.to_owned()),
            (_, Some(pair), Some(u)) => pair
                .split_once(':')
                .filter(|(_, id)| id.parse::<i64>().ok() == Some(u))
                .map(|(p, _)| p.to_owned()),
            _ => None,
        };
        if let Some(p) = province {
            let acc = by_province.entry(p).or_default();
            for (a, b) in acc.iter_mut().zip(r) {
                *a += b;
            }
        }
    }
    if let (Scope::Region(a), true) = (node, all_row[2] > 0) {
        by_province.insert(a[..2].to_owned(), all_row);
    }
    let codes: Vec<&str> = by_province.keys().map(String::as_str).collect();
    let names: BTreeMap<String, String> = crate::features::areas::service::names(db, &codes)
        .await?
        .into_iter()
        .collect();
    let provinces = by_province
        .iter()
        .filter(|(_, r)| r[2] > 0)
        .map(|(p, r)| {
            figures_of(
                r,
                p.clone(),
                names.get(p).cloned().unwrap_or_else(|| p.clone()),
            )
        })
        .collect();
    let trend = years
        .iter()
        .filter_map(|y| {
            let r = rows.get(&(key.clone(), y.clone()))?;
            (r[2] > 0).then(|| TrendYear {
                year: y.parse().unwrap_or_default(),
                own: r[0],
                total: r[1],
                self_funding: share(r[0], r[1]),
                centres: r[2],
            })
        })
        .collect();
    Ok(SelfFunding {
        year,
        scope: crate::kernel::figures::scope_text(scope),
        all: figures_of(&all_row, String::new(), String::new()),
        provinces,
        trend,
    })
}
