//! The PDF writer, checked on what it writes.

use super::layout::column_edges;
use super::text::{winansi, wrap};
use super::*;

/// The content streams of a PDF written by [`Doc::finish`], in page order (they are its
/// only streams, written page after page).
fn streams(pdf: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream\n") {
        let body = &rest[start + 7..];
        let end = find(body, b"\nendstream").expect("endstream");
        out.push(&body[..end]);
        rest = &body[end + 10..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The strings of a content stream (literal or hex), decoded to bytes, in order.
fn strings(content: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < content.len() {
        match content[i] {
            b'(' => {
                let mut s = Vec::new();
                let mut depth = 0;
                i += 1;
                loop {
                    let b = content[i];
                    i += 1;
                    match b {
                        b'\\' => {
                            let e = content[i];
                            i += 1;
                            match e {
                                b'n' => s.push(b'\n'),
                                b'r' => s.push(b'\r'),
                                b't' => s.push(b'\t'),
                                b'b' => s.push(8),
                                b'f' => s.push(12),
                                b'0'..=b'7' => {
                                    let mut v = u32::from(e - b'0');
                                    for _ in 0..2 {
                                        if matches!(content[i], b'0'..=b'7') {
                                            v = v * 8 + u32::from(content[i] - b'0');
                                            i += 1;
                                        }
                                    }
                                    s.push(v as u8);
                                }
                                other => s.push(other),
                            }
                        }
                        b'(' => {
                            depth += 1;
                            s.push(b);
                        }
                        b')' if depth == 0 => break,
                        b')' => {
                            depth -= 1;
                            s.push(b);
                        }
                        _ => s.push(b),
                    }
                }
                out.push(s);
            }
            b'<' => {
                let end = i + find(&content[i..], b">").expect(">");
                let hex: Vec<u8> = content[i + 1..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                let s = hex
                    .chunks(2)
                    .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
                    .collect();
                out.push(s);
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// WinAnsi back to text (for assertions).
fn decode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            (0x20..=0x2200u32)
                .filter_map(char::from_u32)
                .find(|&c| c != '\t' && c != '\n' && winansi(c) == b)
                .unwrap_or('\u{fffd}')
        })
        .collect()
}

/// Each page's text strings, decoded.
fn page_texts(pdf: &[u8]) -> Vec<Vec<String>> {
    streams(pdf)
        .into_iter()
        .map(|s| strings(s).iter().map(|b| decode(b)).collect())
        .collect()
}

/// The page count in the page tree.
fn page_count(pdf: &[u8]) -> usize {
    let at = find(pdf, b"/Count ").expect("/Count");
    let digits: String = pdf[at + 7..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    digits.parse().unwrap()
}

fn participants(n: usize) -> (Vec<Column>, Vec<Vec<String>>) {
    let columns = vec![
        Column::right("No", 0.6),
        Column::left("Nama", 4.0),
        Column::left("NIK", 2.6),
        Column::left("Kehadiran", 1.6),
        Column::left("Hasil", 1.6),
        Column::left("No. Sertifikat", 2.6),
    ];
    let rows = (1..=n)
        .map(|i| {
            vec![
                i.to_string(),
                format!("Peserta {i}"),
                format!("3201{i:012}"),
                "Hadir".to_owned(),
                "Kompeten".to_owned(),
                format!("SERT/{i:04}"),
            ]
        })
        .collect();
    (columns, rows)
}

#[test]
fn a_long_table_spans_pages_with_the_header_on_each() {
    let mut doc = Doc::new("Laporan Batch");
    let (columns, rows) = participants(200);
    doc.table(&columns, &rows);
    let pdf = doc.finish("Simandiri");
    let pages = page_texts(&pdf);
    assert!(pages.len() >= 4, "{} pages", pages.len());
    assert_eq!(pages.len(), page_count(&pdf));
    for (n, page) in pages.iter().enumerate() {
        for column in &columns {
            assert!(page.contains(&column.title), "page {}: {page:?}", n + 1);
        }
    }
    // Every row once, in order.
    let names: Vec<&String> = pages
        .iter()
        .flatten()
        .filter(|s| s.starts_with("Peserta "))
        .collect();
    let expected: Vec<String> = (1..=200).map(|i| format!("Peserta {i}")).collect();
    assert_eq!(names, expected.iter().collect::<Vec<_>>());
}

#[test]
fn every_page_has_the_footer_with_the_right_total() {
    let mut doc = Doc::new("Laporan");
    let (columns, rows) = participants(120);
    doc.table(&columns, &rows);
    let pdf = doc.finish("Simandiri — Laporan Batch");
    let total = page_count(&pdf);
    assert!(total >= 3);
    let pages = page_texts(&pdf);
    assert_eq!(pages.len(), total);
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Halaman {} dari {total}", i + 1)),
            "{page:?}"
        );
        assert!(page.contains(&"Simandiri — Laporan Batch".to_owned()));
    }
}

#[test]
fn a_long_footer_is_cut_short() {
    let ops = footer_ops(&encode(&"panjang ".repeat(100)), 1, 1, A4.0);
    for op in ops {
        if let Op::Text {
            x,
            font,
            size,
            text,
            ..
        } = op
        {
            assert!(x + font.measure(&text, size) <= A4.0 - MARGIN + EPS);
        }
    }
}

#[test]
fn long_cells_wrap_within_their_column() {
    let long_word = "Sertifikasi".repeat(12);
    let long_text = "kata ".repeat(60);
    let columns = vec![
        Column::right("No", 1.0),
        Column::left("Nama", 3.0),
        Column::left("Catatan", 3.0),
    ];
    let rows = vec![
        vec!["1".to_owned(), long_word.clone(), long_text.clone()],
        vec!["22".to_owned(), "Budi".to_owned(), "singkat".to_owned()],
    ];
    let mut doc = Doc::new("");
    doc.table(&columns, &rows);
    let pages = doc.layout();
    let edges = column_edges(&columns, MARGIN, A4.0 - MARGIN);
    let mut texts = Vec::new();
    for op in pages.iter().flatten() {
        if let Op::Text {
            x,
            font,
            size,
            text,
            ..
        } = op
        {
            let right = x + font.measure(text, *size);
            let (a, b) = edges
                .iter()
                .copied()
                .find(|&(a, b)| *x >= a && *x < b)
                .expect("in a column");
            assert!(*x >= a + CELL_PAD_H - EPS, "{x} starts before column {a}");
            assert!(
                right <= b - CELL_PAD_H + EPS,
                "{right} ends past column {b}"
            );
            texts.push((*x, decode(text)));
        }
    }
    // The long word is all there, over several lines of the Nama column.
    let nama = edges[1].0;
    let parts: Vec<&str> = texts
        .iter()
        .filter(|(x, s)| (*x - nama - CELL_PAD_H).abs() < EPS && s != "Nama" && s != "Budi")
        .map(|(_, s)| s.as_str())
        .collect();
    assert!(parts.len() > 1);
    assert_eq!(parts.concat(), long_word);
    // Right alignment: the "No" cells end at the column's right padding.
    for op in pages.iter().flatten() {
        if let Op::Text {
            x,
            font,
            size,
            text,
            ..
        } = op
            && (text == b"1" || text == b"22" || text == b"No")
        {
            let right = x + font.measure(text, *size);
            assert!((right - (edges[0].1 - CELL_PAD_H)).abs() < EPS);
        }
    }
}

#[test]
fn wrap_breaks_at_spaces_and_inside_long_words() {
    let lines = wrap("satu dua  tiga\nempat", Font::Regular, 10.0, 1000.0);
    assert_eq!(lines, vec![b"satu dua tiga".to_vec(), b"empat".to_vec()]);
    let width = 40.0;
    let lines = wrap("abcdefghijklmnopqrstuvwxyz abc", Font::Bold, 10.0, width);
    assert!(lines.len() > 2);
    for line in &lines {
        assert!(Font::Bold.measure(line, 10.0) <= width + EPS, "{line:?}");
    }
    assert_eq!(wrap("", Font::Regular, 10.0, 100.0), vec![Vec::<u8>::new()]);
}

#[test]
fn rows_are_not_split_over_pages() {
    let columns = vec![Column::left("Nama", 1.0), Column::left("Catatan", 1.0)];
    let rows: Vec<Vec<String>> = (0..60)
        .map(|i| {
            vec![
                format!("awal{i}"),
                format!("{} akhir{i}", "catatan panjang ".repeat(8)),
            ]
        })
        .collect();
    let mut doc = Doc::new("Baris");
    doc.table(&columns, &rows);
    let pages = page_texts(&doc.finish(""));
    assert!(pages.len() > 1);
    let page_of = |needle: &str| {
        pages
            .iter()
            .position(|p| p.iter().any(|s| s.split(' ').any(|w| w == needle)))
            .expect(needle)
    };
    for i in 0..60 {
        assert_eq!(page_of(&format!("awal{i}")), page_of(&format!("akhir{i}")));
    }
}

#[test]
fn a_row_taller_than_a_page_is_split_and_nothing_is_lost() {
    let words: Vec<String> = (0..3000).map(|i| format!("w{i}")).collect();
    let columns = vec![Column::left("Isi", 1.0)];
    let mut doc = Doc::new("Panjang");
    doc.table(&columns, &[vec![words.join(" ")], vec!["akhir".to_owned()]]);
    let pages = page_texts(&doc.finish(""));
    assert!(pages.len() > 2);
    let all: Vec<String> = pages
        .iter()
        .flatten()
        .flat_map(|s| s.split(' ').map(str::to_owned).collect::<Vec<_>>())
        .filter(|w| w.starts_with('w'))
        .collect();
    assert_eq!(all, words);
    for page in &pages {
        assert!(page.contains(&"Isi".to_owned()));
    }
}

#[test]
fn text_is_winansi_with_question_marks_and_escaped() {
    assert_eq!(
        encode("é–—‘’“”•€"),
        vec![0xe9, 0x96, 0x97, 0x91, 0x92, 0x93, 0x94, 0x95, 0x80]
    );
    assert_eq!(encode("Привет 東京 😀"), b"?????? ?? ?".to_vec());
    assert_eq!(encode("a\tb\r\nc\u{ad}d\u{1}"), b"a b cd?".to_vec());

    let mut doc = Doc::new("Uji");
    doc.text("Привет (ketua) 東京");
    doc.text(r"kurung) buka ( garis \ miring");
    doc.pairs(&[("Catatan".to_owned(), "Café – 10 € (“baik”)".to_owned())]);
    let pdf = doc.finish("");
    let raw = streams(&pdf).concat();
    // An unbalanced parenthesis and a backslash are escaped...
    assert!(find(&raw, br"(kurung\) buka \( garis \\ miring) Tj").is_some());
    // ...non-ASCII WinAnsi goes as a hex string, and all of it reads back as written.
    let texts = &page_texts(&pdf)[0];
    assert!(texts.contains(&"?????? (ketua) ??".to_owned()), "{texts:?}");
    assert!(texts.contains(&r"kurung) buka ( garis \ miring".to_owned()));
    assert!(texts.contains(&"Café – 10 € (“baik”)".to_owned()));
}

#[test]
fn the_output_is_a_well_formed_pdf() {
    let mut doc = Doc::new("Laporan Batch Menjahit — Angkatan 2");
    doc.heading("Data Batch");
    doc.pairs(&[("Pelatihan".to_owned(), "Menjahit".to_owned())]);
    doc.space(12.0);
    let (columns, rows) = participants(30);
    doc.table(&columns, &rows);
    let pdf = doc.finish("Simandiri");
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert!(pdf.ends_with(b"%%EOF\n") || pdf.ends_with(b"%%EOF"));
    // startxref points at the xref table, whose entries point at their objects.
    let at = find(&pdf, b"startxref\n").unwrap() + 10;
    let offset: usize = std::str::from_utf8(&pdf[at..])
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let xref = std::str::from_utf8(&pdf[offset..]).unwrap();
    let mut lines = xref.lines();
    assert_eq!(lines.next(), Some("xref"));
    let count: usize = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    lines.next(); // the free entry 0
    for id in 1..count {
        let entry = lines.next().unwrap();
        let at: usize = entry[..10].parse().unwrap();
        assert!(
            pdf[at..].starts_with(format!("{id} 0 obj").as_bytes()),
            "object {id}"
        );
    }
    // The title is in the Info dictionary (UTF-16, it is not ASCII), fonts are standard.
    assert!(find(&pdf, b"/Title <FEFF").is_some());
    assert!(find(&pdf, b"/BaseFont /Helvetica-Bold").is_some());
    assert!(find(&pdf, b"/Encoding /WinAnsiEncoding").is_some());
}

#[test]
fn landscape_pages_are_wide() {
    let pdf = Doc::new("Lebar").landscape().finish("");
    assert!(find(&pdf, b"/MediaBox [0 0 841.89 595.28]").is_some());
    let pdf = Doc::new("Tinggi").finish("");
    assert!(find(&pdf, b"/MediaBox [0 0 595.28 841.89]").is_some());
}

#[test]
fn widths_are_the_standard_metrics() {
    // Spot checks against the AFM files.
    assert_eq!(Font::Regular.advance(b' '), 278);
    assert_eq!(Font::Regular.advance(b'@'), 1015);
    assert_eq!(Font::Regular.advance(b'W'), 944);
    assert_eq!(Font::Regular.advance(0x80), 556); // Euro
    assert_eq!(Font::Regular.advance(0x97), 1000); // emdash
    assert_eq!(Font::Regular.advance(0xb5), 556); // mu
    assert_eq!(Font::Bold.advance(b'a'), 556);
    assert_eq!(Font::Bold.advance(b'b'), 611);
    assert_eq!(Font::Bold.advance(0xe9), 556); // eacute
    assert!((Font::Regular.measure(b"Halaman", 10.0) - 40.01).abs() < 1e-4);
}
