//! Reading an uploaded table: XLSX (calamine) or CSV (comma or semicolon), with limits that
//! hold against hostile files: the size of the upload, the unpacked size of an XLSX (a zip
//! bomb is refused before anything is unpacked), and the number of rows.

use std::collections::HashSet;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};

/// The largest upload read.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The most an XLSX may unpack to (its parts together).
pub const MAX_UNPACKED_BYTES: u64 = 20 * 1024 * 1024;
/// The most data rows one file may hold (every BLKK in the country fits).
pub const MAX_ROWS: usize = 5000;

/// A table as read: the header cells and each data row's cells, as text. A cell that held
/// a formula is marked: imports take values, never formulas.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    /// `(line in the file, cells)`; empty rows are left out.
    pub rows: Vec<(usize, Vec<Cell>)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    pub text: String,
    pub formula: bool,
}

/// Why a file cannot be read at all (each a translation key `import_error.<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    TooLarge,
    NotATable,
    TooManyRows,
    Unpacked,
}

impl FileProblem {
    pub fn code(self) -> &'static str {
        match self {
            FileProblem::Empty => "empty",
            FileProblem::TooLarge => "too_large",
            FileProblem::NotATable => "not_a_table",
            FileProblem::TooManyRows => "too_many_rows",
            FileProblem::Unpacked => "unpacked_too_large",
        }
    }
}

/// Reads an XLSX (by its zip signature) or a UTF-8 CSV.
pub fn read(bytes: &[u8]) -> Result<Table, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let table = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    if table.headers.iter().all(|h| h.trim().is_empty()) {
        return Err(FileProblem::Empty);
    }
    Ok(table)
}

/// Checks the sizes the zip declares before unpacking anything; the reader then stops at
/// the declared size, so a part that lies about it cannot unpack further.
fn check_unpacked(bytes: &[u8]) -> Result<(), FileProblem> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileProblem::NotATable)?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| FileProblem::NotATable)?;
        total = total.saturating_add(f.size());
        if total > MAX_UNPACKED_BYTES {
            return Err(FileProblem::Unpacked);
        }
    }
    Ok(())
}

fn text_of(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        // Whole numbers typed into a cell come back as floats: 2019.0 is 2019.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, FileProblem> {
    check_unpacked(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| FileProblem::NotATable)?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(FileProblem::NotATable)?;
    let range = book
        .worksheet_range(&name)
        .map_err(|_| FileProblem::NotATable)?;
    if range.height() > MAX_ROWS + 1 {
        return Err(FileProblem::TooManyRows);
    }
    let formulas: HashSet<(u32, u32)> = match book.worksheet_formula(&name) {
        Ok(f) => {
            let (r0, c0) = f.start().unwrap_or((0, 0));
            f.used_cells()
                .filter(|(_, _, v)| !v.is_empty())
                .map(|(r, c, _)| (r0 + r as u32, c0 + c as u32))
                .collect()
        }
        Err(_) => HashSet::new(),
    };
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows().enumerate();
    let headers = match rows.next() {
        Some((_, h)) => h.iter().map(text_of).collect(),
        None => return Err(FileProblem::Empty),
    };
    let mut out = Vec::new();
    for (i, row) in rows {
        let r = r0 + i as u32;
        let cells: Vec<Cell> = row
            .iter()
            .enumerate()
            .map(|(j, d)| Cell {
                text: text_of(d),
                formula: formulas.contains(&(r, c0 + j as u32)),
            })
            .collect();
        if cells.iter().any(|c| !c.text.is_empty() || c.formula) {
            out.push((r as usize + 1, cells));
        }
    }
    Ok(Table { headers, rows: out })
}

fn read_csv(bytes: &[u8]) -> Result<Table, FileProblem> {
    let text = std::str::from_utf8(bytes).map_err(|_| FileProblem::NotATable)?;
    if text.contains('\0') {
        return Err(FileProblem::NotATable);
    }
    let text = text.trim_start_matches('\u{feff}');
    // Spreadsheets set to Indonesian save CSV with semicolons.
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers = match records.next() {
        Some(Ok(h)) => h.iter().map(|s| s.trim().to_owned()).collect(),
        _ => return Err(FileProblem::Empty),
    };
    let mut out = Vec::new();
    for rec in records {
        let rec = rec.map_err(|_| FileProblem::NotATable)?;
        // The line in the file, blank lines counted (as a spreadsheet numbers its rows).
        let line = rec.position().map_or(0, |p| {
            let bytes = text.as_bytes();
            let mut at = (p.byte() as usize).min(bytes.len());
            // The position may sit before the blank lines the reader skipped.
            while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
                at += 1;
            }
            bytes[..at].iter().filter(|b| **b == b'\n').count() + 1
        });
        let cells: Vec<Cell> = rec
            .iter()
            .map(|s| Cell {
                text: s.trim().to_owned(),
                // A CSV holds no formulas, but a value that a spreadsheet would run is one.
                formula: s.trim_start().starts_with('='),
            })
            .collect();
        if cells.iter().any(|c| !c.text.is_empty()) {
            if out.len() == MAX_ROWS {
                return Err(FileProblem::TooManyRows);
            }
            out.push((line, cells));
        }
    }
    Ok(Table { headers, rows: out })
}

/// Reads at most `limit` bytes (an upload is read no further than the limit).
pub fn read_capped(mut r: impl Read, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    r.by_ref().take(limit as u64 + 1).read_to_end(&mut buf)?;
    Ok((buf.len() <= limit).then_some(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_and_a_bom() {
        let t = read("\u{feff}reg_no;name\n01;A\n\n02;=1+1\n".as_bytes()).unwrap();
        assert_eq!(t.headers, ["reg_no", "name"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].0, 2);
        assert_eq!(t.rows[1].0, 4);
        assert!(t.rows[1].1[1].formula);
    }

    #[test]
    fn hostile_files_are_refused() {
        assert_eq!(read(b"").unwrap_err(), FileProblem::Empty);
        assert_eq!(
            read(&[0xff, 0xfe, 0x00, 0x01]).unwrap_err(),
            FileProblem::NotATable
        );
        assert_eq!(
            read(b"PK\x03\x04garbage").unwrap_err(),
            FileProblem::NotATable
        );
        let mut many = String::from("reg_no,name\n");
        for i in 0..=MAX_ROWS {
            many.push_str(&format!("{i},x\n"));
        }
        assert_eq!(read(many.as_bytes()).unwrap_err(), FileProblem::TooManyRows);
        assert_eq!(
            read(&vec![b'a'; MAX_FILE_BYTES + 1]).unwrap_err(),
            FileProblem::TooLarge
        );
    }
}
