//! Compliance use cases: the completeness and timeliness of a report type for a period in a
//! scope, live (league tables of provinces and UPTP, the trend, the BLKK that have not sent
//! it), and an indicator summed over the sent reports.

use serde::Serialize;

use super::model;
pub use super::store::Late;
use super::store::{self, Counts, Group};
use crate::features::areas::service as areas;
use crate::features::centres::figures::ACTIVE;
use crate::features::orgs::service as orgs;
use crate::features::reports::compliance::figures::{ON_TIME, SENT, code};
use crate::features::reports::period::Period;
use crate::features::reports::types;
use crate::features::reports::types::model::Audience;
use crate::features::reports::types::model::{IndicatorKind, ReportType};
pub use crate::features::reports::workflow::service::PAGE_SIZE;
use crate::kernel::access::{self, Actor, Scope};
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::figures::{self, NOW};
use crate::kernel::time::today;
use crate::kernel::web::paging::Window;

/// Periods shown in a compliance trend.
pub const TREND: usize = 12;

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

/// A league table, best completeness first (then by key).
fn best_first(mut rows: Vec<LeagueRow>) -> Vec<LeagueRow> {
    rows.sort_by(|a, b| {
        b.completeness
            .partial_cmp(&a.completeness)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.key.cmp(&b.key))
    });
    rows
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

/// A report type and one of its periods as asked for (default: the latest one due).
async fn type_and_period(
    db: &Db,
    type_id: i64,
    period: Option<&str>,
) -> Result<(ReportType, Period), AppError> {
    let t = types::service::stored_type(db, type_id)
        .await?
        .ok_or_else(|| AppError::invalid("type", "invalid_choice"))?;
    let p = match period.map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => Period::parse(text)
            .filter(|p| p.frequency == t.input.frequency)
            .ok_or_else(|| AppError::invalid("period", "invalid_period"))?,
        None => default_period(&t),
    };
    Ok((t, p))
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
    let (t, p) = type_and_period(db, type_id, period).await?;
    let wanted =
        model::parse_scope(scope).ok_or_else(|| AppError::invalid("scope", "invalid_scope"))?;
    // The nation (or nothing) means the caller's whole scope; anything else must lie in it.
    if wanted != Scope::All {
        access::allow(figures::holds(&own, &wanted))?;
    }
    let text = p.to_string();
    let periods: Vec<String> = p.last(TREND).iter().map(Period::to_string).collect();
    let kept = match kept_node(&t, &own, &wanted) {
        Some(node) => Some(kept(db, &t, &text, &periods, &node).await?),
        None => None,
    };
    let by_province = kept.is_some();
    let scopes = [own, wanted];
    let (
        (
            Counts {
                expected,
                sent,
                on_time,
            },
            provinces,
            uptp,
        ),
        sent_by,
    ) = match kept {
        Some(k) => k,
        None => (
            fold(&store::groups(db, &t, &text, &scopes).await?),
            store::trend(db, &t, &periods, &scopes).await?,
        ),
    };
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
    let late_total = (expected - sent).max(0);
    let late = if by_province {
        let mut codes: Vec<&str> = provinces.iter().map(|p| p.key.as_str()).collect();
        codes.sort_unstable();
        late_by_province(db, &t, &text, &scopes, &codes, &w).await?
    } else {
        store::late(db, &t, &text, &scopes, w.size, w.offset()).await?
    };
    Ok(Compliance {
        type_id,
        period: text,
        scope: crate::kernel::figures::scope_text(scope),
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

/// The node whose kept figures answer a compliance view of `t` asked for `wanted` by an
/// actor who oversees `own`: the narrower of the two when one holds the other, for the
/// nation, a province or a UPTP, when the type expects every active BLKK. Other views (a
/// regency, a forum, a type sent by a list or a year of BLKK) are few BLKK, counted from
/// their reports.
fn kept_node(t: &ReportType, own: &Scope, wanted: &Scope) -> Option<Scope> {
    if t.input.audience != Audience::Semua {
        return None;
    }
    let node = match (own, wanted) {
        (Scope::All, w) => w.clone(),
        (o, Scope::All) => o.clone(),
        (o, w) if o == w => o.clone(),
        (Scope::Region(o), Scope::Region(w)) if w.starts_with(o.as_str()) => wanted.clone(),
        _ => return None,
    };
    match &node {
        Scope::All | Scope::Pembina(_) => Some(node),
        Scope::Region(a) if a.len() == 2 => Some(node),
        _ => None,
    }
}

/// A page of the late list of a large scope, read a province at a time in the list's
/// order (province, then name) until the page is full: each read is one province's
/// expected BLKK by index, so the first page seldom reads more than one or two provinces,
/// where reading the whole scope would sort every BLKK of the nation. `provinces` are the
/// scope's provinces with an expected BLKK, in code order.
async fn late_by_province(
    db: &Db,
    t: &ReportType,
    period: &str,
    scopes: &[Scope],
    provinces: &[&str],
    w: &Window,
) -> Result<Vec<Late>, AppError> {
    let end = (w.offset() + w.size) as usize;
    let mut rows = Vec::new();
    for p in provinces {
        let mut within = scopes.to_vec();
        within.push(Scope::Region((*p).to_owned()));
        rows.extend(store::late(db, t, period, &within, i64::MAX, 0).await?);
        if rows.len() >= end {
            break;
        }
    }
    Ok(rows
        .into_iter()
        .skip(w.offset() as usize)
        .take(w.size as usize)
        .collect())
}

/// How many BLKK of `scope` are expected to send `t` for `period`, and how many have not
/// sent it: from the kept figures where they answer it (see [`kept_node`]), else counted.
pub async fn unsent(
    db: &Db,
    t: &ReportType,
    period: &str,
    scope: &Scope,
) -> Result<(i64, i64), AppError> {
    let Some(node) = kept_node(t, &Scope::All, scope).and_then(|n| figures::node(&n)) else {
        return Ok(store::unsent_count(db, t, period, scope).await?);
    };
    let mut expected = 0;
    let mut sent = 0;
    let codes = [ACTIVE.to_owned(), code(SENT, t.id)];
    let periods = [NOW.to_owned(), period.to_owned()];
    for v in figures::values(db, &codes, &periods, &[node]).await? {
        match (v.code == ACTIVE, v.period == NOW) {
            (true, true) => expected = v.value,
            (false, false) => sent = v.value,
            _ => {}
        }
    }
    Ok((expected, (expected - sent).max(0)))
}

type Kept = (
    (Counts, Vec<LeagueRow>, Vec<LeagueRow>),
    Vec<(String, i64, i64)>,
);

/// A compliance view from the figures layer: the node's totals, its league tables (from
/// the province, UPTP and province-UPTP rows under it) and its trend, in a few reads.
async fn kept(
    db: &Db,
    t: &ReportType,
    period: &str,
    periods: &[String],
    node: &Scope,
) -> Result<Kept, AppError> {
    use std::collections::BTreeMap;
    let key = figures::node(node).unwrap_or_default();
    let (sent_code, on_time_code) = (code(SENT, t.id), code(ON_TIME, t.id));
    let codes = [ACTIVE.to_owned(), sent_code.clone(), on_time_code.clone()];
    let mut wanted_periods = periods.to_vec();
    wanted_periods.push(NOW.to_owned());
    let mut rows: BTreeMap<(String, String), [i64; 3]> = BTreeMap::new();
    let mut put = |v: figures::Value| {
        let i = if v.code == ACTIVE {
            0
        } else if v.code == sent_code {
            1
        } else {
            2
        };
        rows.entry((v.node, v.period)).or_insert([0; 3])[i] += v.value;
    };
    for v in figures::values(db, &codes, &wanted_periods, std::slice::from_ref(&key)).await? {
        put(v);
    }
    // The rows the league tables are folded from: the provinces and UPTP for the nation;
    // the province-UPTP pairs of a province, or of every province for a UPTP (a few
    // hundred rows, kept to this UPTP's).
    let league_prefixes: Vec<String> = match node {
        Scope::All => vec!["province:".to_owned(), "uptp:".to_owned()],
        Scope::Region(p) => vec![format!("pu:{p}:")],
        _ => vec!["pu:".to_owned()],
    };
    for pre in &league_prefixes {
        let at = [NOW.to_owned(), period.to_owned()];
        for v in figures::children(db, &codes, &at, pre).await? {
            if (v.code == ACTIVE) == (v.period == NOW) {
                put(v);
            }
        }
    }
    let counts = |node: &str, period: &str| {
        let active = rows
            .get(&(node.to_owned(), NOW.to_owned()))
            .map_or(0, |r| r[0]);
        let r = rows
            .get(&(node.to_owned(), period.to_owned()))
            .copied()
            .unwrap_or_default();
        Counts {
            expected: active,
            sent: r[1],
            on_time: r[2],
        }
    };
    let total = counts(&key, period);
    let trend = periods
        .iter()
        .map(|p| {
            let c = counts(&key, p);
            (p.clone(), c.sent, c.on_time)
        })
        .collect();
    let mut provinces: BTreeMap<String, Counts> = BTreeMap::new();
    let mut uptps: BTreeMap<i64, Counts> = BTreeMap::new();
    let mut nodes: Vec<String> = rows.keys().map(|(n, _)| n.clone()).collect();
    nodes.dedup();
    for n in nodes.into_iter().filter(|n| *n != key) {
        let c = counts(&n, period);
        if let Scope::All = node {
            if let Some(p) = n.strip_prefix("province:") {
                add(provinces.entry(p.to_owned()).or_default(), &c);
            } else if let Some(u) = n.strip_prefix("uptp:").and_then(|u| u.parse().ok()) {
                add(uptps.entry(u).or_default(), &c);
            }
            continue;
        }
        let Some((p, u)) = n.strip_prefix("pu:").and_then(|r| r.split_once(':')) else {
            continue;
        };
        let Ok(u) = u.parse::<i64>() else { continue };
        match node {
            Scope::Region(_) => add(uptps.entry(u).or_default(), &c),
            Scope::Pembina(x) if *x == u => add(provinces.entry(p.to_owned()).or_default(), &c),
            _ => {}
        }
    }
    if let Scope::Region(p) = node {
        provinces.insert(p.clone(), total.clone());
    }
    if let Scope::Pembina(u) = node {
        uptps.insert(*u, total.clone());
    }
    let codes: Vec<&str> = provinces.keys().map(String::as_str).collect();
    let province_names: BTreeMap<String, String> =
        areas::names(db, &codes).await?.into_iter().collect();
    let ids: Vec<i64> = uptps.keys().copied().collect();
    let uptp_names: BTreeMap<i64, String> = orgs::names(db, &ids).await?.into_iter().collect();
    let provinces = provinces
        .iter()
        .filter(|(_, c)| c.expected > 0 || c.sent > 0)
        .map(|(k, c)| {
            league_row(
                k.clone(),
                province_names.get(k).cloned().unwrap_or_default(),
                c,
            )
        })
        .collect();
    let uptp = uptps
        .iter()
        .filter(|(_, c)| c.expected > 0 || c.sent > 0)
        .map(|(k, c)| {
            league_row(
                k.to_string(),
                uptp_names.get(k).cloned().unwrap_or_default(),
                c,
            )
        })
        .collect();
    Ok(((total, best_first(provinces), best_first(uptp)), trend))
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
    let t = types::service::report_type(db, type_id).await?;
    let i = t
        .input
        .indicator(code)
        .filter(|i| !matches!(i.kind, IndicatorKind::Text | IndicatorKind::Choice))
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
    let scale = if i.kind == IndicatorKind::Percent {
        100.0
    } else {
        1.0
    };
    Ok(IndicatorSum {
        code: code.to_owned(),
        period: p.to_string(),
        scope: scope.to_owned(),
        total: if i.kind == IndicatorKind::Percent {
            0
        } else {
            total
        },
        reports,
        mean: (reports > 0)
            .then(|| (total as f64 / reports as f64 / scale * 100.0).round() / 100.0),
    })
}

/// Completeness and timeliness of a report type by province over the last 12 periods (to
/// `period`), for the ministry: which provinces report late over a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Grid {
    pub type_id: i64,
    /// The periods of the columns, oldest first.
    pub periods: Vec<String>,
    /// How the rows are sorted: `completeness` or `timeliness` (worst first) or `name`.
    pub sort: String,
    pub rows: Vec<GridRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridRow {
    /// The province code.
    pub key: String,
    pub name: String,
    /// BLKK expected each period (today's audience, as in the trend).
    pub expected: i64,
    /// Over the whole year: reports sent, and sent on time.
    pub sent: i64,
    pub on_time: i64,
    pub completeness: Option<f64>,
    pub timeliness: Option<f64>,
    /// Each period, oldest first.
    pub cells: Vec<TrendRow>,
}

/// How a grid may be sorted.
pub const GRID_SORTS: [&str; 3] = ["completeness", "timeliness", "name"];

pub async fn grid(
    db: &Db,
    actor: &Actor,
    type_id: i64,
    period: Option<&str>,
    sort: &str,
) -> Result<Grid, AppError> {
    access::allow(actor.centre_scope() == Scope::All)?;
    let (t, p) = type_and_period(db, type_id, period).await?;
    let sort = match sort.trim() {
        "" => "completeness",
        s => GRID_SORTS
            .iter()
            .copied()
            .find(|g| *g == s)
            .ok_or_else(|| AppError::invalid("sort", "invalid_choice"))?,
    };
    let mut periods: Vec<String> = p.last(TREND).iter().map(Period::to_string).collect();
    periods.sort();
    // Expected per province: the active BLKK kept per province, or for a type sent by a
    // list, a year or an area of BLKK, its audience counted.
    let mut expected: std::collections::BTreeMap<String, i64> = Default::default();
    if t.input.audience == Audience::Semua {
        for v in figures::children(db, &[ACTIVE.to_owned()], &[NOW.to_owned()], "province:").await?
        {
            if let Some(code) = v.node.strip_prefix("province:") {
                expected.insert(code.to_owned(), v.value);
            }
        }
    } else {
        for g in store::groups(db, &t, &p.to_string(), &[Scope::All]).await? {
            *expected.entry(g.province_code).or_default() += g.counts.expected;
        }
    }
    let mut cells: std::collections::BTreeMap<(String, String), (i64, i64)> = Default::default();
    for (figure, i) in [(SENT, 0), (ON_TIME, 1)] {
        for v in figures::children(db, &[code(figure, t.id)], &periods, "province:").await? {
            if let Some(code) = v.node.strip_prefix("province:") {
                let c = cells.entry((code.to_owned(), v.period)).or_default();
                if i == 0 {
                    c.0 = v.value;
                } else {
                    c.1 = v.value;
                }
            }
        }
    }
    let names: std::collections::BTreeMap<String, String> = areas::provinces(db)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let n = periods.len() as i64;
    let mut rows: Vec<GridRow> = expected
        .iter()
        .filter(|(_, e)| **e > 0)
        .map(|(key, e)| {
            let cells: Vec<TrendRow> = periods
                .iter()
                .map(|period| {
                    let (sent, on_time) = cells
                        .get(&(key.clone(), period.clone()))
                        .copied()
                        .unwrap_or_default();
                    TrendRow {
                        period: period.clone(),
                        expected: *e,
                        sent,
                        on_time,
                        completeness: rate(sent, *e),
                        timeliness: rate(on_time, *e),
                    }
                })
                .collect();
            let sent = cells.iter().map(|c| c.sent).sum();
            let on_time = cells.iter().map(|c| c.on_time).sum();
            GridRow {
                key: key.clone(),
                name: names.get(key).cloned().unwrap_or_default(),
                expected: *e,
                sent,
                on_time,
                completeness: rate(sent, e * n),
                timeliness: rate(on_time, e * n),
                cells,
            }
        })
        .collect();
    let worst_first =
        |a: Option<f64>, b: Option<f64>| a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal);
    match sort {
        "completeness" => rows.sort_by(|a, b| {
            worst_first(a.completeness, b.completeness).then_with(|| a.name.cmp(&b.name))
        }),
        "timeliness" => rows.sort_by(|a, b| {
            worst_first(a.timeliness, b.timeliness).then_with(|| a.name.cmp(&b.name))
        }),
        _ => rows.sort_by(|a, b| a.name.cmp(&b.name)),
    }
    Ok(Grid {
        type_id,
        periods,
        sort: sort.to_owned(),
        rows,
    })
}
