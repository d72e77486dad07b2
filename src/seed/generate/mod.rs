//! Deterministic synthetic national data: BLKK spread over all 38 provinces in realistic
//! proportions, with the UPTP, Disnaker offices, forums, partners and accounts around them.
//! The same `--seed` gives the same data. Everything generated is marked as synthetic in
//! the audit trail and uses the reserved `.test` e-mail domain. The tables it draws from are
//! in `tables.rs`.

mod tables;

use std::collections::BTreeMap;

use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::seq::IndexedRandom;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::reference;
use crate::features::accounts::password;
use crate::features::accounts::store::{self as users, NewUser};
use crate::features::areas::model::{Area, AreaCode, AreaLevel};
use crate::features::centres::model::{
    self as centre, Assignment, Centre, CentreStatus, HostType, Profile,
};
use crate::features::centres::store as centres;
use crate::features::orgs::model::{self as org_model, Org, OrgKind};
use crate::features::orgs::store as orgs;
use crate::kernel::access::Role;
use crate::kernel::audit::{self, Entry};
use crate::kernel::db::{Db, Sql, StoreError, Tx};
use crate::kernel::time::now;
use tables::{
    AID_YEARS, BINAPENTA, COMMUNITY, FIRST_NAMES, FKN_NAME, KEJURUAN_WEIGHTS, LAST_NAMES,
    OTHER_RELIGIOUS, PARTNER_KINDS, PESANTREN, PROVINCE_CENTRES, PROVINCE_WEIGHTS, UPTP,
};

pub use tables::BINALAVOTAS;

/// The e-mail domain of every synthetic account (reserved, never delivers).
pub const EMAIL_DOMAIN: &str = "simandiri.test";

/// What a run created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub centres: usize,
    pub orgs: usize,
    pub users: usize,
    pub forum_members: usize,
}

/// Reference areas arranged for generation.
pub struct Atlas {
    pub areas: Vec<Area>,
    villages_by_province: BTreeMap<String, Vec<usize>>,
}

impl Atlas {
    pub fn load() -> Result<Atlas, StoreError> {
        let areas = reference::all_areas()?;
        let mut villages_by_province: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, a) in areas.iter().enumerate() {
            if a.level == 4 {
                villages_by_province
                    .entry(a.code[..2].to_owned())
                    .or_default()
                    .push(i);
            }
        }
        Ok(Atlas {
            areas,
            villages_by_province,
        })
    }

    pub fn name(&self, code: &str) -> &str {
        self.areas
            .iter()
            .find(|a| a.code == code)
            .map_or("", |a| a.name.as_str())
    }

    /// The villages of a regency (`NN.NN`) or district (`NN.NN.NN`).
    pub fn villages_in(&self, prefix: &str) -> Vec<&Area> {
        let p = format!("{prefix}.");
        self.villages_by_province
            .get(&prefix[..2])
            .into_iter()
            .flatten()
            .map(|i| &self.areas[*i])
            .filter(|a| a.code.starts_with(&p))
            .collect()
    }

    pub fn districts_of(&self, regency: &str) -> Vec<&Area> {
        self.areas
            .iter()
            .filter(|a| a.level == 3 && a.parent_code.as_deref() == Some(regency))
            .collect()
    }
}

/// Splits `n` over the provinces by weight, at least one each when `n` allows.
pub fn allocate(n: usize) -> Vec<(&'static str, usize)> {
    let base = if n >= PROVINCE_WEIGHTS.len() { 1 } else { 0 };
    let rest = n - base * PROVINCE_WEIGHTS.len();
    let total: u32 = PROVINCE_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut out: Vec<(&str, usize, f64)> = PROVINCE_WEIGHTS
        .iter()
        .map(|(p, w)| {
            let exact = rest as f64 * f64::from(*w) / f64::from(total);
            (*p, base + exact.floor() as usize, exact.fract())
        })
        .collect();
    let mut left = n - out.iter().map(|(_, c, _)| c).sum::<usize>();
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|a, b| out[*b].2.total_cmp(&out[*a].2).then(a.cmp(b)));
    for i in order {
        if left == 0 {
            break;
        }
        out[i].1 += 1;
        left -= 1;
    }
    out.into_iter().map(|(p, c, _)| (p, c)).collect()
}

fn pick_weighted<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, u32)]) -> &'a T {
    let dist = WeightedIndex::new(items.iter().map(|(_, w)| *w)).expect("positive weights");
    &items[dist.sample(rng)].0
}

fn person(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{} {}",
        FIRST_NAMES.choose(rng).expect("non-empty"),
        LAST_NAMES.choose(rng).expect("non-empty")
    )
}

/// Finds an organisation by kind and name, or creates it (with its audit record).
pub async fn org(tx: &mut Tx, fields: Org, created: &mut usize) -> Result<i64, StoreError> {
    if let Some(id) = orgs::find_by_name(tx, fields.kind, &fields.name).await? {
        return Ok(id);
    }
    let at = now();
    let id = orgs::insert(tx, &fields, at).await?;
    audit::record(
        tx,
        Entry {
            actor_id: None,
            entity: org_model::ENTITY,
            entity_id: id,
            action: "import",
            changes: &audit::created(&audit::snapshot(&fields)),
            at,
        },
    )
    .await?;
    *created += 1;
    Ok(id)
}

pub fn org_fields(kind: OrgKind, subtype: &str, name: &str, area: Option<&str>) -> Org {
    Org {
        kind,
        subtype: subtype.into(),
        name: name.into(),
        area_code: area.and_then(AreaCode::parse),
        address: String::new(),
        phone: String::new(),
        email: String::new(),
    }
}

/// The national bodies every data set has: the two directorates, the UPTP and the FKN.
/// Returns the UPTP ids by name and the FKN id.
pub async fn national_bodies(
    tx: &mut Tx,
    created: &mut usize,
) -> Result<(BTreeMap<&'static str, i64>, i64), StoreError> {
    org(
        tx,
        org_fields(
            OrgKind::Kementerian,
            "ditjen_binalavotas",
            BINALAVOTAS,
            None,
        ),
        created,
    )
    .await?;
    org(
        tx,
        org_fields(OrgKind::Kementerian, "ditjen_binapenta", BINAPENTA, None),
        created,
    )
    .await?;
    let mut uptp = BTreeMap::new();
    for (name, subtype, seat, _) in UPTP {
        let id = org(
            tx,
            org_fields(OrgKind::Uptp, subtype, name, Some(seat)),
            created,
        )
        .await?;
        uptp.insert(name, id);
    }
    let fkn = org(
        tx,
        org_fields(OrgKind::Forum, "fkn", FKN_NAME, None),
        created,
    )
    .await?;
    Ok((uptp, fkn))
}

/// The UPTP that supervises BLKK in a province.
pub fn pembina_for(province: &str) -> &'static str {
    UPTP.iter()
        .find(|(_, _, _, provinces)| provinces.contains(&province))
        .map_or("BBPVP Bekasi", |(name, ..)| name)
}

/// The tables a bulk load of BLKK grows.
const BULK_TABLES: [&str; 6] = [
    "orgs",
    "centres",
    "centre_kejuruan",
    "centre_terms",
    "audit_log",
    "users",
];

/// Inserts one BLKK with its audit record; returns its id. Bulk loads: the national figures
/// are counted once at the end ([`centres::recount`]).
pub async fn insert_centre(
    tx: &mut Tx,
    c: &Centre,
    pembina: Option<i64>,
    action: &str,
) -> Result<i64, StoreError> {
    let at = now();
    let assignment = Assignment {
        pembina_id: pembina,
        forum_ids: Vec::new(),
    };
    let id = crate::features::orgs::store::insert(tx, &centres::org_of(c), at).await?;
    centres::insert_uncounted(tx, id, c, &assignment).await?;
    let mut values = audit::snapshot(c);
    values.insert("pembina_id".into(), json!(pembina));
    audit::record(
        tx,
        Entry {
            actor_id: None,
            entity: centre::ENTITY,
            entity_id: id,
            action,
            changes: &audit::created(&values),
            at,
        },
    )
    .await?;
    Ok(id)
}

/// A plausible synthetic BLKK in the given village.
pub fn synthetic_centre(rng: &mut ChaCha8Rng, village: &Area, seq: usize) -> Centre {
    let code = AreaCode::parse(&village.code).expect("reference codes are valid");
    let province = &village.code[..2];
    // Churches and temples host more BLKK in the east and in Bali.
    let other_share = match province {
        "51" | "53" | "71" | "81" | "91" | "92" | "93" | "94" | "95" | "96" => 45,
        _ => 6,
    };
    let roll = rng.random_range(0..100);
    let (host_type, name, host_name) = if roll < other_share {
        let (short, long) = OTHER_RELIGIOUS.choose(rng).expect("non-empty");
        (
            HostType::KeagamaanLain,
            format!("BLK Komunitas {short} {}", village.name),
            format!("{long} {}", village.name),
        )
    } else if roll < other_share + 7 {
        let n = COMMUNITY.choose(rng).expect("non-empty");
        (
            HostType::Komunitas,
            format!("BLK Komunitas Yayasan {n} {}", village.name),
            format!("Yayasan {n}"),
        )
    } else {
        let n = PESANTREN.choose(rng).expect("non-empty");
        (
            HostType::Pesantren,
            format!("BLK Komunitas PP {n} {}", village.name),
            format!("Pondok Pesantren {n}"),
        )
    };
    let aid_year = *pick_weighted(rng, &AID_YEARS);
    let status = match rng.random_range(0..100) {
        0..=6 => CentreStatus::TidakAktif,
        7..=11 if aid_year >= 2022 => CentreStatus::Persiapan,
        _ => CentreStatus::Aktif,
    };
    let mut kejuruan: Vec<String> = (0..rng.random_range(1..=3))
        .map(|_| (*pick_weighted(rng, &KEJURUAN_WEIGHTS)).to_owned())
        .collect();
    kejuruan.sort();
    kejuruan.dedup();
    let (lat, lon) = PROVINCE_CENTRES
        .iter()
        .find(|(p, ..)| *p == province)
        .map_or((-6.2, 106.8), |(_, la, lo)| (*la, *lo));
    let round = |v: f64| (v * 1e5).round() / 1e5;
    let regency = code
        .ancestor(AreaLevel::Regency)
        .expect("village has a regency");
    let profile = Profile {
        name,
        reg_no: format!(
            "BLKK-{aid_year}-{}-{seq:05}",
            regency.as_str().replace('.', "")
        ),
        host_name,
        host_type,
        street: format!("Jl. {} No. {}", village.name, rng.random_range(1..200)),
        village_code: code,
        latitude: Some(round(lat + rng.random_range(-0.25..0.25))),
        longitude: Some(round(lon + rng.random_range(-0.25..0.25))),
        year_built: Some(aid_year),
        aid_year,
        kejuruan,
        head_name: person(rng),
        status,
    };
    Centre {
        profile,
        contact_phone: format!("+628{}", rng.random_range(1_100_000_000u64..1_399_999_999)),
        contact_email: format!("blkk{seq:05}@{EMAIL_DOMAIN}"),
        // About a third choose to show their phone publicly.
        phone_public: seq.is_multiple_of(3),
    }
}

/// Generates `centres` BLKK and their surroundings in one transaction.
pub async fn generate(db: &Db, centres: usize, seed: u64) -> Result<Summary, StoreError> {
    crate::init();
    reference::ensure_loaded(db).await?;
    generate_in(db, &Atlas::load()?, centres, seed).await
}

/// [`generate`] with the areas already arranged.
pub async fn generate_in(
    db: &Db,
    atlas: &Atlas,
    centres: usize,
    seed: u64,
) -> Result<Summary, StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut summary = Summary::default();
    let mut tx = db.begin().await?;
    let (uptp, fkn) = national_bodies(&mut tx, &mut summary.orgs).await?;
    let first_seq = next_sequence(&mut tx).await?;

    // BLKK, province by province.
    let mut by_regency: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut by_province: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let mut accounts: Vec<NewUser> = Vec::new();
    let mut seq = first_seq;
    for (province, count) in allocate(centres) {
        let villages = &atlas.villages_by_province[province];
        let pembina = uptp[pembina_for(province)];
        for _ in 0..count {
            let village = &atlas.areas[*villages
                .choose(&mut rng)
                .expect("every province has villages")];
            let fields = synthetic_centre(&mut rng, village, seq);
            let id = insert_centre(&mut tx, &fields, Some(pembina), "import").await?;
            if (seq - first_seq + 1).is_power_of_two() && seq - first_seq >= 63 {
                // As the tables grow (64, 128, ... rows), so that lookups keep using indexes.
                tx.analyze(&BULK_TABLES).await?;
            }
            by_regency
                .entry(village.code[..5].to_owned())
                .or_default()
                .push(id);
            by_province.entry(province).or_default().push(id);
            accounts.push(account(
                Role::Pengelola,
                id,
                &format!("pengelola.{seq:05}"),
                &mut rng,
            ));
            seq += 1;
            summary.centres += 1;
        }
    }

    // Regional bodies and forum memberships.
    let mut members: Vec<(i64, i64)> = Vec::new();
    for (province, ids) in &by_province {
        let pname = atlas.name(province).to_owned();
        let dinas = org(
            &mut tx,
            org_fields(
                OrgKind::Disnaker,
                "provinsi",
                &format!("Dinas Tenaga Kerja Provinsi {pname}"),
                Some(province),
            ),
            &mut summary.orgs,
        )
        .await?;
        accounts.push(account(
            Role::Disnaker,
            dinas,
            &format!("disnaker.{province}"),
            &mut rng,
        ));
        let forum = org(
            &mut tx,
            org_fields(
                OrgKind::Forum,
                "fk_provinsi",
                &format!("FK-BLKK Provinsi {pname}"),
                Some(province),
            ),
            &mut summary.orgs,
        )
        .await?;
        accounts.push(account(
            Role::Forum,
            forum,
            &format!("forum.{province}"),
            &mut rng,
        ));
        members.extend(
            ids.iter()
                .filter(|_| rng.random_bool(0.7))
                .map(|c| (forum, *c)),
        );
        // A few partners per province.
        for (i, (subtype, pattern)) in PARTNER_KINDS.iter().enumerate() {
            if i > 0 && ids.len() < 20 * i {
                continue;
            }
            let name = pattern.replace("{}", &pname);
            let m = org(
                &mut tx,
                org_fields(OrgKind::Mitra, subtype, &name, Some(province)),
                &mut summary.orgs,
            )
            .await?;
            accounts.push(account(
                Role::Mitra,
                m,
                &format!("mitra.{province}.{i}"),
                &mut rng,
            ));
        }
    }
    for (regency, ids) in &by_regency {
        let rname = atlas.name(regency).to_owned();
        let dinas = org(
            &mut tx,
            org_fields(
                OrgKind::Disnaker,
                "kabupaten_kota",
                &format!("Dinas Tenaga Kerja {rname}"),
                Some(regency),
            ),
            &mut summary.orgs,
        )
        .await?;
        accounts.push(account(
            Role::Disnaker,
            dinas,
            &format!("disnaker.{}", regency.replace('.', "")),
            &mut rng,
        ));
        if ids.len() >= 8 {
            let before = summary.orgs;
            let forum = org(
                &mut tx,
                org_fields(
                    OrgKind::Forum,
                    "fk_kabupaten_kota",
                    &format!("FK-BLKK {rname}"),
                    Some(regency),
                ),
                &mut summary.orgs,
            )
            .await?;
            // A forum that already existed (the demo's real one) keeps its own members.
            if summary.orgs > before {
                accounts.push(account(
                    Role::Forum,
                    forum,
                    &format!("forum.{}", regency.replace('.', "")),
                    &mut rng,
                ));
                members.extend(
                    ids.iter()
                        .filter(|_| rng.random_bool(0.9))
                        .map(|c| (forum, *c)),
                );
            }
        }
    }
    // About 2% of BLKK sit in the national forum.
    for ids in by_province.values() {
        members.extend(
            ids.iter()
                .filter(|_| rng.random_bool(0.02))
                .map(|c| (fkn, *c)),
        );
    }
    members.sort_unstable();
    members.dedup();
    centres::add_forum_members(&mut tx, members.iter().copied()).await?;
    summary.forum_members = members.len();

    // One account per organisation (pembina officers included), sharing one hash of a
    // random password nobody knows: these accounts exist for scale, not for signing in.
    for (name, id) in &uptp {
        let slug: String = name
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        accounts.push(account(
            Role::Pembina,
            *id,
            &format!("pembina.{slug}"),
            &mut rng,
        ));
    }
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let hash = password::hash(&format!("{secret:?}"))
        .await
        .map_err(|e| StoreError::Data(e.to_string()))?;
    let existing: std::collections::HashSet<String> =
        users::emails(&mut tx).await?.into_iter().collect();
    accounts.retain(|a| !existing.contains(&a.email));
    for a in &mut accounts {
        a.password_hash.clone_from(&hash);
    }
    users::insert_many(&mut tx, &accounts, now()).await?;
    summary.users = accounts.len();
    centres::recount(&mut tx).await?;
    tx.commit().await?;
    db.settle().await?;
    Ok(summary)
}

fn account(role: Role, org_id: i64, local: &str, rng: &mut ChaCha8Rng) -> NewUser {
    NewUser {
        email: format!("{local}@{EMAIL_DOMAIN}"),
        name: person(rng),
        role,
        org_id: Some(org_id),
        org_admin: false,
        password_hash: String::new(),
    }
}

/// The next free synthetic sequence number, so repeated runs never reuse a registration
/// number.
async fn next_sequence(tx: &mut Tx) -> Result<usize, StoreError> {
    let (n,): (i64,) = tx
        .fetch_one(Sql::new("SELECT COUNT(*) FROM centres"))
        .await?;
    Ok(n as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_covers_every_province_and_sums_up() {
        for n in [38, 400, 3800] {
            let a = allocate(n);
            assert_eq!(a.len(), 38);
            assert_eq!(a.iter().map(|(_, c)| c).sum::<usize>(), n);
            assert!(a.iter().all(|(_, c)| *c >= 1));
        }
        let a = allocate(3800);
        let jatim = a.iter().find(|(p, _)| *p == "35").unwrap().1;
        let papua = a.iter().find(|(p, _)| *p == "91").unwrap().1;
        assert!(
            jatim > 100 * papua / 10,
            "Java hosts far more BLKK than Papua"
        );
    }

    #[test]
    fn every_province_has_one_pembina_and_coordinates() {
        for (p, _) in PROVINCE_WEIGHTS {
            let n = UPTP.iter().filter(|(_, _, _, ps)| ps.contains(&p)).count();
            assert_eq!(n, 1, "province {p}");
            assert!(PROVINCE_CENTRES.iter().any(|(c, ..)| *c == p));
        }
    }

    #[test]
    fn same_seed_same_centre() {
        let atlas = Atlas::load().unwrap();
        let v = atlas.villages_in("36.01.06")[0];
        let a = synthetic_centre(&mut ChaCha8Rng::seed_from_u64(7), v, 1);
        let b = synthetic_centre(&mut ChaCha8Rng::seed_from_u64(7), v, 1);
        assert_eq!(a, b);
        let input: crate::features::centres::model::CentreInput =
            crate::kernel::validate::input_of(&a).unwrap();
        assert_eq!(
            input.validate(None, 2026).unwrap(),
            a,
            "synthetic data passes validation"
        );
    }
}
