//! Bulk onboarding of BLKK from a table: its columns (the template's), how a row becomes a
//! BLKK profile and its manager's invitation, and what became of each row.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::sheet::Table;
use crate::code_enum;
use crate::features::centres::model::CentreInput;
use crate::kernel::text::search_key;
use crate::kernel::validate::{FieldErrors, Num, Patch};
use crate::kernel::web::i18n::Lang;

/// A column of the template: its code (also accepted as a header), its Indonesian and
/// English headers, and an example value.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub code: &'static str,
    pub id: &'static str,
    pub en: &'static str,
    pub example: &'static str,
}

pub const COLUMNS: [Column; 15] = [
    Column {
        code: "reg_no",
        id: "Nomor registrasi",
        en: "Registration number",
        example: "36.04.0001",
    },
    Column {
        code: "name",
        id: "Nama BLKK",
        en: "BLKK name",
        example: "BLK Komunitas PP Al-Ikhlas",
    },
    Column {
        code: "host_name",
        id: "Lembaga pengelola",
        en: "Host institution",
        example: "Yayasan Pondok Pesantren Al-Ikhlas",
    },
    Column {
        code: "host_type",
        id: "Jenis lembaga",
        en: "Host type",
        example: "pesantren",
    },
    Column {
        code: "status",
        id: "Status",
        en: "Status",
        example: "aktif",
    },
    Column {
        code: "village_code",
        id: "Kode desa/kelurahan",
        en: "Village code",
        example: "36.04.01.2001",
    },
    Column {
        code: "street",
        id: "Alamat jalan",
        en: "Street address",
        example: "Jl. Raya Pandeglang Km 3",
    },
    Column {
        code: "kejuruan",
        id: "Kejuruan",
        en: "Vocations",
        example: "menjahit, tik",
    },
    Column {
        code: "aid_year",
        id: "Tahun bantuan",
        en: "Aid year",
        example: "2019",
    },
    Column {
        code: "year_built",
        id: "Tahun dibangun",
        en: "Year built",
        example: "2019",
    },
    Column {
        code: "head_name",
        id: "Kepala BLKK",
        en: "Head of the BLKK",
        example: "Ahmad Fauzi",
    },
    Column {
        code: "contact_phone",
        id: "Telepon kontak",
        en: "Contact phone",
        example: "0812 3456 7890",
    },
    Column {
        code: "contact_email",
        id: "Email kontak",
        en: "Contact e-mail",
        example: "blkk.alikhlas@contoh.id",
    },
    Column {
        code: "manager_name",
        id: "Nama pengelola (akun)",
        en: "Manager's name (account)",
        example: "Siti Aminah",
    },
    Column {
        code: "manager_email",
        id: "Email pengelola (akun)",
        en: "Manager's e-mail (account)",
        example: "siti.aminah@contoh.id",
    },
];

/// The columns a file must have.
pub const REQUIRED_COLUMNS: [&str; 2] = ["reg_no", "name"];

impl Column {
    pub fn header(&self, lang: &Lang) -> &'static str {
        match lang {
            Lang::Id => self.id,
            Lang::En => self.en,
        }
    }
}

/// The column a header names (by code or by either language's header, ignoring case,
/// spaces and punctuation).
pub fn column_of(header: &str) -> Option<&'static Column> {
    let key = search_key(header);
    if key.is_empty() {
        return None;
    }
    COLUMNS
        .iter()
        .find(|c| search_key(c.code) == key || search_key(c.id) == key || search_key(c.en) == key)
}

code_enum! {
    /// What importing a row does (or did).
    pub enum Action {
        /// A new BLKK.
        Baru = "baru",
        /// An existing BLKK (same registration number) changes.
        Ubah = "ubah",
        /// An existing BLKK that the row would not change.
        Tetap = "tetap",
        /// The row has problems and is not imported.
        Gagal = "gagal",
    }
}

code_enum! {
    /// What happens to the manager named on a row.
    pub enum ManagerAction {
        /// Invited by e-mail.
        Undang = "undang",
        /// Already has an account for this BLKK.
        SudahAda = "sudah_ada",
        /// No manager given.
        Tidak = "tidak",
    }
}

/// A row's problem, kept as data (it goes into the stored report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowError {
    pub field: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, String)>,
    /// The message in the request's language.
    #[serde(default)]
    pub message: String,
}

impl RowError {
    pub fn of(errors: &FieldErrors, lang: Lang) -> Vec<RowError> {
        errors
            .iter()
            .map(|e| RowError {
                field: e.field.to_string(),
                code: e.code.to_owned(),
                args: e
                    .args
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
                message: lang.field_error(e),
            })
            .collect()
    }
}

/// One row as checked (the preview) or as imported (the report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowOutcome {
    /// The row's line in the file (the header is line 1).
    pub line: usize,
    pub reg_no: String,
    pub name: String,
    pub action: Action,
    pub manager: ManagerAction,
    pub errors: Vec<RowError>,
    /// The row's values by column code (kept from the preview for the import).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    #[schema(value_type = Object)]
    pub cells: BTreeMap<String, String>,
}

/// A row of the file: its line and values by column code; the columns that held formulas.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub line: usize,
    pub cells: BTreeMap<String, String>,
    pub formulas: Vec<&'static str>,
}

impl Row {
    pub fn get(&self, code: &str) -> &str {
        self.cells.get(code).map_or("", |s| s.as_str())
    }
}

/// The file's rows by column, or what is wrong with its header: `(missing required
/// columns, headers not understood)`.
pub fn rows_of(table: &Table) -> Result<Vec<Row>, (Vec<&'static str>, Vec<String>)> {
    let columns: Vec<Option<&'static Column>> =
        table.headers.iter().map(|h| column_of(h)).collect();
    let unknown: Vec<String> = table
        .headers
        .iter()
        .zip(&columns)
        .filter(|(h, c)| c.is_none() && !h.trim().is_empty())
        .map(|(h, _)| h.clone())
        .collect();
    let missing: Vec<&'static str> = REQUIRED_COLUMNS
        .iter()
        .filter(|r| !columns.iter().any(|c| c.is_some_and(|c| c.code == **r)))
        .copied()
        .collect();
    if !missing.is_empty() || !unknown.is_empty() {
        return Err((missing, unknown));
    }
    Ok(table
        .rows
        .iter()
        .map(|(line, cells)| {
            let mut row = Row {
                line: *line,
                ..Default::default()
            };
            for (cell, column) in cells.iter().zip(&columns) {
                if let Some(c) = column {
                    if cell.formula {
                        row.formulas.push(c.code);
                    }
                    row.cells.insert(c.code.to_owned(), cell.text.clone());
                }
            }
            row
        })
        .collect())
}

/// The profile change a row asks for: every filled cell, set; an empty cell keeps what a
/// BLKK already has (a new one gets the form's defaults: active, hosted by a pesantren).
pub fn centre_input(cells: &BTreeMap<String, String>, creating: bool) -> CentreInput {
    let text = |code: &str| -> Patch<String> {
        match cells.get(code).map(|s| s.trim()) {
            Some(v) if !v.is_empty() => Patch::Set(v.to_owned()),
            _ => Patch::Absent,
        }
    };
    let num = |code: &str| -> Patch<Num> {
        match text(code) {
            Patch::Set(v) => Patch::Set(Num(v)),
            _ => Patch::Absent,
        }
    };
    let coded = |code: &str, default: &str| -> Patch<String> {
        match text(code) {
            // Codes are lower case with underscores; a label typed as "Tidak aktif" works too.
            Patch::Set(v) => Patch::Set(v.to_lowercase().replace([' ', '-'], "_")),
            _ if creating => Patch::Set(default.to_owned()),
            other => other,
        }
    };
    let kejuruan = match text("kejuruan") {
        Patch::Set(v) => Patch::Set(
            v.split([',', ';'])
                .map(|k| k.trim().to_lowercase())
                .filter(|k| !k.is_empty())
                .collect(),
        ),
        _ => Patch::Absent,
    };
    CentreInput {
        name: text("name"),
        reg_no: text("reg_no"),
        host_name: text("host_name"),
        host_type: coded("host_type", "pesantren"),
        status: coded("status", "aktif"),
        village_code: text("village_code"),
        street: text("street"),
        kejuruan,
        aid_year: num("aid_year"),
        year_built: num("year_built"),
        head_name: text("head_name"),
        contact_phone: text("contact_phone"),
        contact_email: text("contact_email"),
        ..Default::default()
    }
}

code_enum! {
    /// Where an import stands.
    pub enum ImportStatus {
        /// Checked, waiting for the admin to import it.
        Preview = "preview",
        Running = "running",
        Done = "done",
        /// Stopped before the end (the server stopped); re-running the file finishes it.
        Failed = "failed",
    }
}

/// An import's progress and, once done, its report.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ImportRecord {
    pub id: i64,
    pub file_name: String,
    pub status: ImportStatus,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Rows to import (those without problems in the preview).
    pub total: i64,
    pub done: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub failed: i64,
    pub invited: i64,
    #[serde(skip)]
    pub created_by: i64,
}

impl ImportRecord {
    /// `12 / 40`.
    pub fn done_of(&self) -> String {
        format!("{} / {}", self.done, self.total)
    }

    /// How far along, 0 to 100.
    pub fn percent(&self) -> i64 {
        if self.total == 0 {
            100
        } else {
            self.done * 100 / self.total
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::imports::sheet::Cell;

    #[test]
    fn headers_are_matched_loosely_and_unknown_ones_reported() {
        assert_eq!(column_of("Nomor Registrasi").unwrap().code, "reg_no");
        assert_eq!(column_of("reg_no").unwrap().code, "reg_no");
        assert_eq!(column_of("BLKK name").unwrap().code, "name");
        assert!(column_of("Warna favorit").is_none());
        let cell = |t: &str| Cell {
            text: t.into(),
            formula: false,
        };
        let table = Table {
            headers: vec!["Nama BLKK".into(), "Warna".into()],
            rows: vec![(2, vec![cell("A"), cell("merah")])],
        };
        let (missing, unknown) = rows_of(&table).unwrap_err();
        assert_eq!(missing, ["reg_no"]);
        assert_eq!(unknown, ["Warna"]);
    }

    #[test]
    fn empty_cells_keep_what_is_there() {
        let mut cells = BTreeMap::new();
        cells.insert("name".to_owned(), "BLKK A".to_owned());
        cells.insert("status".to_owned(), "Tidak aktif".to_owned());
        cells.insert("kejuruan".to_owned(), "Menjahit; tik,".to_owned());
        cells.insert("street".to_owned(), String::new());
        let update = centre_input(&cells, false);
        assert_eq!(update.status, Patch::Set("tidak_aktif".into()));
        assert_eq!(
            update.kejuruan,
            Patch::Set(vec!["menjahit".into(), "tik".into()])
        );
        assert_eq!(update.street, Patch::Absent);
        assert_eq!(update.host_type, Patch::Absent);
        let create = centre_input(&cells, true);
        assert_eq!(create.host_type, Patch::Set("pesantren".into()));
    }
}
