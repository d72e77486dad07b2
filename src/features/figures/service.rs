//! Reading kept figures: the codes asked for, checked against the catalogue, for a period
//! (summed over the finer periods inside it) at a scope node within the caller's own.

use serde::Serialize;
use time::OffsetDateTime;

use crate::features::centres::service as centres;
use crate::kernel::access::{self, Actor, Scope};
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::figures::{self, Figure, Kind, NOW, Unit};
use crate::kernel::period::{Frequency, Period};
use crate::kernel::time::today;
use crate::kernel::validate::FieldErrors;

/// The first year a BLKK existed: no figure is asked for before it.
pub const FIRST_YEAR: i32 = 2017;
/// At most this many codes in one request.
pub const MAX_CODES: usize = 20;

/// One figure's value.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FigureValue {
    pub code: String,
    pub label: String,
    pub unit: Unit,
    pub kind: Kind,
    /// The period it is counted for: the one asked for, or `now` for a stock figure.
    pub period: String,
    pub value: i64,
}

/// Figures for a period at a scope node, as of a moment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub period: String,
    pub scope: String,
    /// When they were read: every write committed before it is counted.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub as_of: OffsetDateTime,
    pub values: Vec<FigureValue>,
}

/// Reads a scope as a node: `nation`, `province:32`, `regency:32.04`, `uptp:12`,
/// `forum:40`.
pub fn parse_scope(text: &str) -> Option<Scope> {
    figures::parse_scope(text)
}

use crate::features::areas::service as areas;
use crate::features::orgs::model::{OrgFilter, OrgKind};
use crate::features::orgs::service as orgs;

/// A scope a figures page offers: its value (`province:32`), what kind of node it is
/// (`nation`, `province`, `regency`, `uptp`, `forum`) and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeChoice {
    pub value: String,
    pub kind: &'static str,
    pub name: String,
}

/// The scopes `actor` may choose on a figures page, their own first: the nation, the
/// provinces and the UPTP for the ministry; a province and its regencies for a province's
/// office; their UPTP or forum for others. Around a province (`current`), its regencies
/// too.
pub async fn scope_choices(
    db: &Db,
    actor: &Actor,
    current: &Scope,
) -> Result<Vec<ScopeChoice>, AppError> {
    let own = actor.centre_scope();
    let mut out = Vec::new();
    let area = |kind: &'static str, code: &str, name: &str| ScopeChoice {
        value: format!("{kind}:{code}"),
        kind,
        name: name.to_owned(),
    };
    let province_of = |s: &Scope| match s {
        Scope::Region(a) => Some(a[..2].to_owned()),
        _ => None,
    };
    match &own {
        Scope::All => {
            out.push(ScopeChoice {
                value: "nation".to_owned(),
                kind: "nation",
                name: String::new(),
            });
            for p in areas::provinces(db).await? {
                out.push(area("province", &p.code, &p.name));
            }
            let filter = OrgFilter {
                kind: Some(OrgKind::Uptp),
                ..Default::default()
            };
            for u in orgs::choices(db, &filter).await? {
                out.push(area("uptp", &u.id.to_string(), &u.name));
            }
        }
        Scope::Region(a) => {
            if let Some(p) = areas::find(db, a).await? {
                let kind = if a.len() == 2 { "province" } else { "regency" };
                out.push(area(kind, &p.code, &p.name));
            }
        }
        Scope::Pembina(id) | Scope::Forum(id) => {
            let kind = if matches!(own, Scope::Pembina(_)) {
                "uptp"
            } else {
                "forum"
            };
            let name = orgs::names(db, &[*id]).await?.pop().map(|(_, n)| n);
            out.push(area(kind, &id.to_string(), &name.unwrap_or_default()));
        }
        Scope::Centre(_) | Scope::Nothing => {}
    }
    // The regencies of the province in view, where the actor holds the province.
    if let Some(p) = province_of(current)
        .or_else(|| province_of(&own))
        .filter(|p| figures::holds(&own, &Scope::Region(p.clone())))
    {
        for r in areas::children(db, &p).await.unwrap_or_default() {
            out.push(area("regency", &r.code, &r.name));
        }
    }
    Ok(out)
}

/// The periods of `frequency` a figures page offers: the current one and the `n` - 1
/// before it, the latest first.
pub fn period_choices(frequency: Frequency, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Period::containing(frequency, today())
        .last(n)
        .iter()
        .map(Period::to_string)
        .collect();
    out.reverse();
    out
}

/// The periods whose kept values make up `p`: itself and every finer one inside it.
fn parts(p: Period) -> Vec<String> {
    let mut out = vec![p.to_string()];
    for f in [Frequency::Semester, Frequency::Triwulan, Frequency::Bulanan] {
        if f.months() < p.frequency.months() {
            out.extend(p.parts(f).iter().map(Period::to_string));
        }
    }
    out
}

/// The values of `codes` (comma-separated) for `period` (default: this year) at `scope`
/// (default: the caller's own), with their labels in `english` or Indonesian.
pub async fn values(
    db: &Db,
    actor: &Actor,
    codes: &str,
    period: &str,
    scope: &str,
    english: bool,
) -> Result<Figures, AppError> {
    let own = actor.centre_scope();
    access::allow(own != Scope::Nothing)?;
    let mut e = FieldErrors::new();
    let asked: Vec<&str> = codes
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let known: Vec<(&str, &'static Figure)> = asked
        .iter()
        .filter_map(|c| figures::figure(c).map(|f| (*c, f)))
        .collect();
    if asked.is_empty() {
        e.add("codes", "required");
    } else if asked.len() > MAX_CODES {
        e.add("codes", "too_many");
    } else if known.len() != asked.len() {
        e.add("codes", "unknown_figure");
    }
    let next_year = today().year() + 1;
    let p = match period.trim() {
        "" => Some(Period::containing(Frequency::Tahunan, today())),
        text => Period::parse(text).filter(|p| (FIRST_YEAR..=next_year).contains(&p.year)),
    };
    if p.is_none() {
        e.add("period", "invalid_period");
    }
    let wanted = match scope.trim() {
        "" => Some(own.clone()),
        text => parse_scope(text),
    };
    if wanted.is_none() {
        e.add("scope", "invalid_scope");
    }
    e.finish(()).map_err(AppError::Invalid)?;
    let (Some(p), Some(wanted)) = (p, wanted) else {
        return Err(AppError::invalid("period", "invalid_period"));
    };
    access::allow(figures::holds(&own, &wanted))?;
    let nodes: Vec<String> = match &wanted {
        Scope::Forum(f) => centres::forum_members(db, *f)
            .await?
            .into_iter()
            .map(|c| format!("blkk:{c}"))
            .collect(),
        s => figures::node(s).into_iter().collect(),
    };
    let codes: Vec<String> = known.iter().map(|(c, _)| (*c).to_owned()).collect();
    let mut periods = parts(p);
    periods.push(NOW.to_owned());
    let as_of = OffsetDateTime::now_utc();
    let kept = figures::values(db, &codes, &periods, &nodes).await?;
    let values = known
        .iter()
        .map(|(code, f)| {
            let stock = f.kind == Kind::Stock;
            let value = kept
                .iter()
                .filter(|v| v.code == *code && (v.period == NOW) == stock)
                .map(|v| v.value)
                .sum();
            FigureValue {
                code: (*code).to_owned(),
                label: if english { f.label_en } else { f.label_id }.to_owned(),
                unit: f.unit,
                kind: f.kind,
                period: if stock { NOW.to_owned() } else { p.to_string() },
                value,
            }
        })
        .collect();
    Ok(Figures {
        period: p.to_string(),
        scope: figures::node(&wanted).unwrap_or_default(),
        as_of,
        values,
    })
}
