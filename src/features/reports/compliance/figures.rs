//! The figures of report compliance, kept in the figures layer ([`crate::kernel::figures`]):
//! the reports of each type sent for each period, and those first sent by their due date,
//! at every node of the place the report was made at. They change in the transaction that
//! sends, returns or reopens a report.

use crate::features::reports::workflow::model::{ReportHead, ReportStatus};
use crate::kernel::access::CentreFacts;
use crate::kernel::db::{Dialect, StoreError, Tx};
use crate::kernel::figures::{Delta, Figure, Kind, Source, Unit, node_rows};

/// Reports of a type sent (or verified) for a period: `reports.sent/<type id>`.
pub const SENT: &str = "reports.sent";
/// Of those, first sent by the due date: `reports.on_time/<type id>`.
pub const ON_TIME: &str = "reports.on_time";

pub const FIGURES: &[Figure] = &[
    Figure {
        code: SENT,
        param: Some("type"),
        label_id: "Laporan terkirim",
        label_en: "Reports sent",
        definition_id: "Laporan jenis ini untuk periode itu yang sudah dikirim (terkirim atau \
                        terverifikasi).",
        definition_en: "Reports of this type for the period that have been sent (sent or \
                        verified).",
        unit: Unit::Count,
        kind: Kind::Flow,
        source: "reports",
    },
    Figure {
        code: ON_TIME,
        param: Some("type"),
        label_id: "Laporan tepat waktu",
        label_en: "Reports on time",
        definition_id: "Laporan terkirim yang pertama kali dikirim paling lambat tanggal \
                        tenggatnya.",
        definition_en: "Sent reports that were first sent by their due date.",
        unit: Unit::Count,
        kind: Kind::Flow,
        source: "reports",
    },
];

/// The code of a figure for one report type.
pub fn code(figure: &str, type_id: i64) -> String {
    format!("{figure}/{type_id}")
}

fn recount(_: Dialect) -> Vec<String> {
    [(SENT, ""), (ON_TIME, " AND on_time")]
        .iter()
        .map(|(figure, cond)| {
            node_rows(
                &format!(
                    "SELECT '{figure}/' || CAST(type_id AS TEXT) AS code, period, {{node}} AS node, \
                     CAST(COUNT(*) AS BIGINT) AS value FROM reports \
                     WHERE status IN ('submitted', 'verified'){cond}{{and}} \
                     GROUP BY type_id, period{{group}}"
                ),
                "province_code",
                "regency_code",
                "pembina_id",
                "centre_id",
            )
        })
        .collect()
}

pub fn source() -> Source {
    Source {
        figures: FIGURES,
        prefix: "reports.",
        recount,
    }
}

/// Where a report counts: the place its BLKK had when the report was made.
fn place(h: &ReportHead) -> CentreFacts {
    CentreFacts {
        id: h.centre_id,
        pembina_id: h.pembina_id,
        province_code: h.province_code.clone(),
        regency_code: h.regency_code.clone(),
        forum_ids: Vec::new(),
    }
}

/// Keeps the figures of a report that moved from `from` to `to` (`h` as it is after the
/// move, read in the same transaction).
pub async fn keep(
    tx: &mut Tx,
    h: &ReportHead,
    from: ReportStatus,
    to: ReportStatus,
) -> Result<(), StoreError> {
    let sign = i64::from(to.sent()) - i64::from(from.sent());
    if sign == 0 {
        return Ok(());
    }
    let at = place(h);
    let mut d = Delta::default();
    d.add(&code(SENT, h.type_id), &h.period, &at, sign);
    if h.on_time == Some(true) {
        d.add(&code(ON_TIME, h.type_id), &h.period, &at, sign);
    }
    d.apply(tx).await
}
