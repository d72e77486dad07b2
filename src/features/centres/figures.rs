//! The figures of the registry, kept in the figures layer ([`crate::kernel::figures`]):
//! how many BLKK are active, at every node, changed in the transaction that adds a BLKK,
//! changes its status or moves it.

use super::model::{Assignment, Centre, CentreStatus};
use crate::features::areas::model::AreaLevel;
use crate::kernel::access::CentreFacts;
use crate::kernel::db::{Dialect, StoreError, Tx};
use crate::kernel::figures::{Delta, Figure, Kind, NOW, Source, Unit, node_rows};

/// Active BLKK (status `aktif`), as they are now.
pub const ACTIVE: &str = "centres.active";

pub const FIGURES: &[Figure] = &[Figure {
    code: ACTIVE,
    param: None,
    label_id: "BLKK aktif",
    label_en: "Active BLKK",
    definition_id: "BLK Komunitas berstatus aktif dalam registri, saat ini.",
    definition_en: "BLK Komunitas with the status active in the registry, now.",
    unit: Unit::Count,
    kind: Kind::Stock,
    source: "centres",
}];

fn recount(_: Dialect) -> Vec<String> {
    vec![node_rows(
        &format!(
            "SELECT '{ACTIVE}' AS code, '{NOW}' AS period, {{node}} AS node, \
             CAST(COUNT(*) AS BIGINT) AS value FROM centres \
             WHERE status = 'aktif'{{and}} GROUP BY status{{group}}"
        ),
        "province_code",
        "regency_code",
        "pembina_id",
        "org_id",
    )]
}

pub fn source() -> Source {
    Source {
        figures: FIGURES,
        prefix: "centres.",
        recount,
    }
}

/// Where a BLKK counts: its id, areas and UPTP.
pub fn place(id: i64, c: &Centre, a: &Assignment) -> CentreFacts {
    let area = |l| {
        c.profile
            .village_code
            .ancestor(l)
            .map(String::from)
            .unwrap_or_default()
    };
    CentreFacts {
        id,
        pembina_id: a.pembina_id,
        province_code: area(AreaLevel::Province),
        regency_code: area(AreaLevel::Regency),
        forum_ids: a.forum_ids.clone(),
    }
}

/// Takes a BLKK's old state out of the figures and puts its new one in (`None`: it did not
/// exist, or no longer does).
pub async fn keep(
    tx: &mut Tx,
    id: i64,
    old: Option<(&Centre, &Assignment)>,
    new: Option<(&Centre, &Assignment)>,
) -> Result<(), StoreError> {
    let mut d = Delta::default();
    for (state, sign) in [(old, -1), (new, 1)] {
        if let Some((c, a)) = state.filter(|(c, _)| c.profile.status == CentreStatus::Aktif) {
            d.add(ACTIVE, NOW, &place(id, c, a), sign);
        }
    }
    d.apply(tx).await
}
