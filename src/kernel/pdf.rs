//! Printable reports as PDF: a title, headings, paragraphs, "label: value" pairs and tables
//! that run over many pages, each page with a footer ("Halaman n dari N").
//!
//! Small and dependency-light on purpose: the low-level [`pdf_writer`] crate writes the file
//! (objects, cross-reference table), and this module does the layout itself. Text is set in
//! two of the standard 14 PDF fonts, Helvetica and Helvetica-Bold, which every viewer has, so
//! nothing is embedded; their widths (the standard AFM metrics, kept here for the WinAnsi
//! codes 32..=255) let text be measured, wrapped and right-aligned. Text is encoded as
//! WinAnsi (Windows-1252: Latin-1 plus – — ‘ ’ “ ” • € and the like); any other character
//! prints as `?`.
//!
//! A [`Doc`] only records what to print; [`Doc::finish`] lays it out on pages (A4, portrait
//! unless [`Doc::landscape`]) and then writes them, once the number of pages is known for
//! the footers. Content streams are not compressed.
//!
//! ```text
//! let mut doc = Doc::new("Laporan Batch Pelatihan");
//! doc.pairs(&[("Pelatihan".into(), "Menjahit Dasar".into())]);
//! doc.table(
//!     &[Column::right("No", 1.0), Column::left("Nama", 6.0)],
//!     &[vec!["1".into(), "Siti Aminah".into()]],
//! );
//! let bytes = doc.finish("Simandiri — dicetak 1 Juli 2025");
//! ```

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

// Sizes are in points (1/72 inch), grey levels from 0 (black) to 1 (white).

/// A4, portrait: width, height.
const A4: (f32, f32) = (595.28, 841.89);
/// Page margins on every side: 15 mm.
const MARGIN: f32 = 42.52;
/// Room kept above the bottom margin for the footer (a rule and one line of text).
const FOOTER_ROOM: f32 = 20.0;
/// Footer text size.
const FOOTER_SIZE: f32 = 8.0;
/// Footer text grey.
const FOOTER_GREY: f32 = 0.35;
/// The rule above the footer: width, grey.
const FOOTER_RULE: (f32, f32) = (0.5, 0.6);

/// Document title size.
const TITLE_SIZE: f32 = 16.0;
/// Document title line height.
const TITLE_LEADING: f32 = 20.0;
/// Space after the document title.
const TITLE_AFTER: f32 = 8.0;
/// Heading size.
const HEADING_SIZE: f32 = 12.0;
/// Heading line height.
const HEADING_LEADING: f32 = 16.0;
/// Space before a heading (none at the top of a page).
const HEADING_BEFORE: f32 = 8.0;
/// Space after a heading.
const HEADING_AFTER: f32 = 4.0;
/// A heading moves to the next page unless this much room is left below it.
const HEADING_KEEP: f32 = 40.0;
/// Paragraph and pairs text size.
const BODY_SIZE: f32 = 10.0;
/// Paragraph and pairs line height.
const BODY_LEADING: f32 = 13.0;
/// Space after a paragraph.
const PARAGRAPH_AFTER: f32 = 4.0;
/// Space above and below each label and value pair.
const PAIR_PAD: f32 = 1.0;
/// Space after a list of pairs.
const PAIRS_AFTER: f32 = 6.0;
/// The labels' column is as wide as the widest label, but at most this share of the width.
const LABEL_MAX_SHARE: f32 = 0.35;
/// Space between labels and values.
const LABEL_GAP: f32 = 10.0;
/// Table text size.
const TABLE_SIZE: f32 = 9.0;
/// Table line height.
const TABLE_LEADING: f32 = 11.0;
/// Space above and below the text of a table row.
const CELL_PAD_V: f32 = 3.0;
/// Space left and right of the text in a table cell.
const CELL_PAD_H: f32 = 4.0;
/// Space after a table.
const TABLE_AFTER: f32 = 8.0;
/// Table header background grey.
const HEADER_FILL: f32 = 0.88;
/// The rule under a table header: width, grey.
const HEADER_RULE: (f32, f32) = (0.8, 0.35);
/// The rule under a table row: width, grey.
const ROW_RULE: (f32, f32) = (0.4, 0.7);
/// Where a baseline sits in its line: this share of the font size below the middle of the
/// line box, so that text looks vertically centred in table rows.
const BASELINE_DROP: f32 = 0.3;
/// Slack for comparing lengths.
const EPS: f32 = 0.01;

/// The WinAnsi code for "?", printed for characters WinAnsi does not have.
const UNKNOWN: u8 = b'?';
/// The WinAnsi code for "…", ending a footer that was cut short.
const ELLIPSIS: u8 = 0x85;

/// How text sits in a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush with the column's left edge (text).
    #[default]
    Left,
    /// Flush with the column's right edge (numbers).
    Right,
}

/// A table column: its header text, its share of the table width and its alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header text, printed in bold on every page the table is on.
    pub title: String,
    /// The column's share of the table width, relative to the other columns' weights
    /// (weights 1, 3, 1 give a fifth, three fifths, a fifth). A weight that is not a
    /// positive number counts as 1.
    pub weight: f32,
    /// How the column's text (header included) is aligned.
    pub align: Align,
}

impl Column {
    /// A left-aligned column.
    pub fn left(title: &str, weight: f32) -> Column {
        Column {
            title: title.to_owned(),
            weight,
            align: Align::Left,
        }
    }

    /// A right-aligned column (numbers).
    pub fn right(title: &str, weight: f32) -> Column {
        Column {
            title: title.to_owned(),
            weight,
            align: Align::Right,
        }
    }

    /// The weight as used: positive and finite, else 1.
    fn share(&self) -> f32 {
        if self.weight.is_finite() && self.weight > 0.0 {
            self.weight
        } else {
            1.0
        }
    }
}

/// A report being put together: blocks of content in order, laid out on pages by
/// [`Doc::finish`].
#[derive(Debug, Clone)]
pub struct Doc {
    title: String,
    landscape: bool,
    blocks: Vec<Block>,
}

/// One piece of content, as recorded by [`Doc`]'s methods.
#[derive(Debug, Clone)]
enum Block {
    Heading(String),
    Text(String),
    Pairs(Vec<(String, String)>),
    Table(Vec<Column>, Vec<Vec<String>>),
    Space(f32),
}

impl Doc {
    /// A new, A4 portrait document. The title is printed large at the top of the first page
    /// (unless empty) and is the PDF's document title (what viewers show in their title bar).
    pub fn new(title: &str) -> Doc {
        Doc {
            title: title.to_owned(),
            landscape: false,
            blocks: Vec::new(),
        }
    }

    /// The same document on A4 landscape pages (for wide tables).
    #[must_use]
    pub fn landscape(mut self) -> Doc {
        self.landscape = true;
        self
    }

    /// A heading: bold and larger, kept on the same page as what follows it.
    pub fn heading(&mut self, text: &str) {
        self.blocks.push(Block::Heading(text.to_owned()));
    }

    /// A paragraph, wrapped to the page width; a `\n` starts a new line.
    pub fn text(&mut self, text: &str) {
        self.blocks.push(Block::Text(text.to_owned()));
    }

    /// "Label: value" lines in two columns: the label in bold, the value wrapped beside it.
    pub fn pairs(&mut self, rows: &[(String, String)]) {
        self.blocks.push(Block::Pairs(rows.to_vec()));
    }

    /// A table over the full page width: a header row (bold, on a light grey background)
    /// repeated at the top of every page the table continues on, then one row per entry of
    /// `rows`, their cells' text wrapped to the column width, with thin lines between rows.
    /// A row is never split over two pages, unless it is taller than a whole page. Missing
    /// cells print empty, cells beyond the last column are ignored; a table without columns
    /// prints nothing.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        if !columns.is_empty() {
            self.blocks
                .push(Block::Table(columns.to_vec(), rows.to_vec()));
        }
    }

    /// Vertical space, in points (none at the top of a page).
    pub fn space(&mut self, pt: f32) {
        if pt.is_finite() && pt > 0.0 {
            self.blocks.push(Block::Space(pt));
        }
    }

    /// Lays the document out and writes the PDF. Every page gets a footer line: `footer` on
    /// the left (cut short with "…" if too long) and "Halaman n dari N" on the right.
    pub fn finish(self, footer: &str) -> Vec<u8> {
        let (width, height) = self.page_size();
        let pages = self.layout();
        let total = pages.len();

        let catalog_id = Ref::new(1);
        let tree_id = Ref::new(2);
        let regular_id = Ref::new(3);
        let bold_id = Ref::new(4);
        let info_id = Ref::new(5);
        let mut next = Ref::new(6);
        let ids: Vec<(Ref, Ref)> = (0..total).map(|_| (next.bump(), next.bump())).collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog_id)
            .pages(tree_id)
            .viewer_preferences()
            .display_doc_title(true);
        pdf.pages(tree_id)
            .kids(ids.iter().map(|&(page, _)| page))
            .count(i32::try_from(total).unwrap_or(i32::MAX));
        for (font, id) in [(Font::Regular, regular_id), (Font::Bold, bold_id)] {
            pdf.type1_font(id)
                .base_font(font.base_name())
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        let mut info = pdf.document_info(info_id);
        if !self.title.is_empty() {
            info.title(TextStr(&self.title));
        }
        info.producer(TextStr("Simandiri"));
        info.finish();

        let footer = encode(footer);
        for (n, (mut ops, &(page_id, content_id))) in pages.into_iter().zip(&ids).enumerate() {
            let mut page = pdf.page(page_id);
            page.parent(tree_id)
                .media_box(Rect::new(0.0, 0.0, width, height))
                .contents(content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Font::Regular.resource_name(), regular_id);
            fonts.pair(Font::Bold.resource_name(), bold_id);
            fonts.finish();
            resources.finish();
            page.finish();

            ops.extend(footer_ops(&footer, n + 1, total, width));
            pdf.stream(content_id, &content(&ops));
        }
        pdf.finish()
    }

    /// Page width and height in points.
    fn page_size(&self) -> (f32, f32) {
        if self.landscape { (A4.1, A4.0) } else { A4 }
    }

    /// Places everything on pages: what each page shows, footers aside.
    fn layout(&self) -> Vec<Vec<Op>> {
        let (width, height) = self.page_size();
        let mut l = Layout::new(width, height);
        if !self.title.is_empty() {
            l.lines(&self.title, Font::Bold, TITLE_SIZE, TITLE_LEADING);
            l.gap(TITLE_AFTER);
        }
        for block in &self.blocks {
            match block {
                Block::Heading(text) => l.heading(text),
                Block::Text(text) => {
                    l.lines(text, Font::Regular, BODY_SIZE, BODY_LEADING);
                    l.gap(PARAGRAPH_AFTER);
                }
                Block::Pairs(rows) => l.pairs(rows),
                Block::Table(columns, rows) => l.table(columns, rows),
                Block::Space(pt) => l.gap(*pt),
            }
        }
        l.finish()
    }
}

/// The two fonts used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    /// The font's name in each page's resources.
    fn resource_name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    /// The standard 14 font's PostScript name.
    fn base_name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"Helvetica"),
            Font::Bold => Name(b"Helvetica-Bold"),
        }
    }

    /// Advance width of a WinAnsi code, in 1/1000 of the font size.
    fn advance(self, code: u8) -> u64 {
        let table = match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        };
        code.checked_sub(32)
            .and_then(|i| table.get(usize::from(i)))
            .map_or(0, |&w| u64::from(w))
    }

    /// Width in points of WinAnsi text at `size`.
    fn measure(self, text: &[u8], size: f32) -> f32 {
        let units: u64 = text.iter().map(|&b| self.advance(b)).sum();
        units as f32 * size / 1000.0
    }
}

/// Encodes text as WinAnsi (one byte a character): Latin-1 and the Windows-1252 extras
/// as themselves, tabs and line breaks as spaces, soft hyphens and carriage returns not at
/// all, anything else as `?`.
fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .filter(|&c| c != '\r' && c != '\u{ad}')
        .map(winansi)
        .collect()
}

/// The WinAnsi code of one character (see [`encode`]).
fn winansi(c: char) -> u8 {
    match c {
        '\t' | '\n' => b' ',
        ' '..='~' | '\u{a0}'..='\u{ff}' => u8::try_from(u32::from(c)).unwrap_or(UNKNOWN),
        '\u{20ac}' => 0x80, // €
        '\u{201a}' => 0x82, // ‚
        '\u{0192}' => 0x83, // ƒ
        '\u{201e}' => 0x84, // „
        '\u{2026}' => 0x85, // …
        '\u{2020}' => 0x86, // †
        '\u{2021}' => 0x87, // ‡
        '\u{02c6}' => 0x88, // ˆ
        '\u{2030}' => 0x89, // ‰
        '\u{0160}' => 0x8a, // Š
        '\u{2039}' => 0x8b, // ‹
        '\u{0152}' => 0x8c, // Œ
        '\u{017d}' => 0x8e, // Ž
        '\u{2018}' => 0x91, // ‘
        '\u{2019}' => 0x92, // ’
        '\u{201c}' => 0x93, // “
        '\u{201d}' => 0x94, // ”
        '\u{2022}' => 0x95, // •
        '\u{2013}' => 0x96, // –
        '\u{2014}' => 0x97, // —
        '\u{02dc}' => 0x98, // ˜
        '\u{2122}' => 0x99, // ™
        '\u{0161}' => 0x9a, // š
        '\u{203a}' => 0x9b, // ›
        '\u{0153}' => 0x9c, // œ
        '\u{017e}' => 0x9e, // ž
        '\u{0178}' => 0x9f, // Ÿ
        _ => UNKNOWN,
    }
}

/// Breaks text into WinAnsi lines no wider than `width` points: at `\n`, at spaces, and
/// inside a word too long for a line. Runs of spaces collapse to one; an empty paragraph is
/// an empty line, so there is always at least one line.
fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<Vec<u8>> {
    // Compare in font units (integers) so that a line's measured width never rounds past
    // the limit.
    let limit = (width.max(0.0) * 1000.0 / size) as u64;
    let space = font.advance(b' ');
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line: Vec<u8> = Vec::new();
        let mut used = 0u64;
        for word in encode(paragraph).split(|&b| b == b' ') {
            if word.is_empty() {
                continue;
            }
            let w: u64 = word.iter().map(|&b| font.advance(b)).sum();
            if line.is_empty() && w <= limit {
                line.extend_from_slice(word);
                used = w;
                continue;
            }
            if !line.is_empty() && used + space + w <= limit {
                line.push(b' ');
                line.extend_from_slice(word);
                used += space + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if w <= limit {
                line.extend_from_slice(word);
                used = w;
                continue;
            }
            // Longer than a line: break it where it fills the line (at least one character
            // a line, however narrow the column).
            for &b in word {
                let a = font.advance(b);
                if !line.is_empty() && used + a > limit {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(b);
                used += a;
            }
        }
        lines.push(line);
    }
    lines
}

/// A drawing operation on a page, in points from the page's bottom left corner.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    /// WinAnsi text starting at (x, baseline y), in a grey level.
    Text {
        x: f32,
        y: f32,
        font: Font,
        size: f32,
        grey: f32,
        text: Vec<u8>,
    },
    /// A filled rectangle (bottom left corner, size).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
    /// A horizontal line from x1 to x2 at height y.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        grey: f32,
    },
}

/// The content stream of a page.
fn content(ops: &[Op]) -> Vec<u8> {
    let mut c = Content::new();
    for op in ops {
        match op {
            Op::Text {
                x,
                y,
                font,
                size,
                grey,
                text,
            } => {
                let tinted = *grey > 0.0;
                if tinted {
                    c.save_state();
                    c.set_fill_gray(*grey);
                }
                c.begin_text();
                c.set_font(font.resource_name(), *size);
                c.next_line(*x, *y);
                c.show(Str(text));
                c.end_text();
                if tinted {
                    c.restore_state();
                }
            }
            Op::Fill { x, y, w, h, grey } => {
                c.save_state();
                c.set_fill_gray(*grey);
                c.rect(*x, *y, *w, *h);
                c.fill_nonzero();
                c.restore_state();
            }
            Op::Rule {
                x1,
                x2,
                y,
                width,
                grey,
            } => {
                c.save_state();
                c.set_stroke_gray(*grey);
                c.set_line_width(*width);
                c.move_to(*x1, *y);
                c.line_to(*x2, *y);
                c.stroke();
                c.restore_state();
            }
        }
    }
    c.finish().into_vec()
}

/// A page's footer: a thin rule, the footer text on the left, "Halaman n dari N" on the
/// right.
fn footer_ops(footer: &[u8], n: usize, total: usize, page_width: f32) -> Vec<Op> {
    let left = MARGIN;
    let right = page_width - MARGIN;
    let baseline = MARGIN;
    let page_no = encode(&format!("Halaman {n} dari {total}"));
    let page_no_width = Font::Regular.measure(&page_no, FOOTER_SIZE);
    let room = right - left - page_no_width - 12.0;
    let mut text = footer.to_vec();
    if Font::Regular.measure(&text, FOOTER_SIZE) > room {
        let ellipsis = Font::Regular.measure(&[ELLIPSIS], FOOTER_SIZE);
        while !text.is_empty() && Font::Regular.measure(&text, FOOTER_SIZE) + ellipsis > room {
            text.pop();
        }
        text.push(ELLIPSIS);
    }
    let mut ops = vec![Op::Rule {
        x1: left,
        x2: right,
        y: baseline + 10.0,
        width: FOOTER_RULE.0,
        grey: FOOTER_RULE.1,
    }];
    if !footer.is_empty() {
        ops.push(Op::Text {
            x: left,
            y: baseline,
            font: Font::Regular,
            size: FOOTER_SIZE,
            grey: FOOTER_GREY,
            text,
        });
    }
    ops.push(Op::Text {
        x: right - page_no_width,
        y: baseline,
        font: Font::Regular,
        size: FOOTER_SIZE,
        grey: FOOTER_GREY,
        text: page_no,
    });
    ops
}

/// The text of a cell in a row, already wrapped, and where it goes.
struct Cell {
    /// Left and right edges of the text (inside the padding).
    x0: f32,
    x1: f32,
    font: Font,
    align: Align,
    lines: Vec<Vec<u8>>,
}

/// How a row is drawn.
struct RowStyle {
    size: f32,
    leading: f32,
    /// Space above the first line and below the last.
    pad: f32,
    /// Left and right edges of the background and of the rule below.
    span: (f32, f32),
    /// Background grey, if any.
    fill: Option<f32>,
    /// Rule below the row (width, grey), if any.
    rule: Option<(f32, f32)>,
}

impl RowStyle {
    /// The height of a row of `lines` lines.
    fn height(&self, lines: usize) -> f32 {
        2.0 * self.pad + lines as f32 * self.leading
    }
}

/// The number of lines of a row: that of its tallest cell, at least one.
fn row_lines(cells: &[Cell]) -> usize {
    cells
        .iter()
        .map(|c| c.lines.len())
        .max()
        .unwrap_or(0)
        .max(1)
}

/// Lays content out page after page, top to bottom.
struct Layout {
    width: f32,
    height: f32,
    done: Vec<Vec<Op>>,
    page: Vec<Op>,
    /// The cursor: where the top of the next thing placed goes.
    y: f32,
    /// Whether the current page shows anything yet besides a repeated table header.
    used: bool,
}

impl Layout {
    fn new(width: f32, height: f32) -> Layout {
        Layout {
            width,
            height,
            done: Vec::new(),
            page: Vec::new(),
            y: height - MARGIN,
            used: false,
        }
    }

    fn left(&self) -> f32 {
        MARGIN
    }

    fn right(&self) -> f32 {
        self.width - MARGIN
    }

    fn top(&self) -> f32 {
        self.height - MARGIN
    }

    fn bottom(&self) -> f32 {
        MARGIN + FOOTER_ROOM
    }

    /// Room left on the current page.
    fn room(&self) -> f32 {
        self.y - self.bottom()
    }

    fn new_page(&mut self) {
        self.done.push(std::mem::take(&mut self.page));
        self.y = self.top();
        self.used = false;
    }

    /// Vertical space, dropped at the top of a page.
    fn gap(&mut self, pt: f32) {
        if self.used {
            self.y -= pt;
        }
    }

    /// The pages laid out (at least one).
    fn finish(mut self) -> Vec<Vec<Op>> {
        self.done.push(self.page);
        self.done
    }

    /// Wrapped text over the full width, line by line (a page may break between any two).
    fn lines(&mut self, text: &str, font: Font, size: f32, leading: f32) {
        let (x0, x1) = (self.left(), self.right());
        let style = RowStyle {
            size,
            leading,
            pad: 0.0,
            span: (x0, x1),
            fill: None,
            rule: None,
        };
        for line in wrap(text, font, size, x1 - x0) {
            let cell = Cell {
                x0,
                x1,
                font,
                align: Align::Left,
                lines: vec![line],
            };
            self.row(&[cell], &style, None);
        }
    }

    /// A heading, on the next page if too little room would be left below it.
    fn heading(&mut self, text: &str) {
        self.gap(HEADING_BEFORE);
        let lines = wrap(text, Font::Bold, HEADING_SIZE, self.right() - self.left()).len();
        if self.used && self.room() < lines as f32 * HEADING_LEADING + HEADING_KEEP {
            self.new_page();
        }
        self.lines(text, Font::Bold, HEADING_SIZE, HEADING_LEADING);
        self.gap(HEADING_AFTER);
    }

    /// Label and value pairs in two columns.
    fn pairs(&mut self, rows: &[(String, String)]) {
        let (left, right) = (self.left(), self.right());
        let widest = rows
            .iter()
            .map(|(label, _)| Font::Bold.measure(&encode(label), BODY_SIZE))
            .fold(0.0, f32::max);
        let label_width = widest.min((right - left) * LABEL_MAX_SHARE) + EPS;
        let value_x = left + label_width + LABEL_GAP;
        let style = RowStyle {
            size: BODY_SIZE,
            leading: BODY_LEADING,
            pad: PAIR_PAD,
            span: (left, right),
            fill: None,
            rule: None,
        };
        for (label, value) in rows {
            let cells = [
                Cell {
                    x0: left,
                    x1: left + label_width,
                    font: Font::Bold,
                    align: Align::Left,
                    lines: wrap(label, Font::Bold, BODY_SIZE, label_width),
                },
                Cell {
                    x0: value_x,
                    x1: right,
                    font: Font::Regular,
                    align: Align::Left,
                    lines: wrap(value, Font::Regular, BODY_SIZE, right - value_x),
                },
            ];
            self.row(&cells, &style, None);
        }
        self.gap(PAIRS_AFTER);
    }

    /// A table with its header repeated on every page.
    fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        let (left, right) = (self.left(), self.right());
        let edges = column_edges(columns, left, right);
        let titles = columns.iter().map(|c| c.title.as_str());
        let header = table_cells(columns, &edges, titles, Font::Bold);
        let body: Vec<Vec<Cell>> = rows
            .iter()
            .map(|row| {
                table_cells(
                    columns,
                    &edges,
                    row.iter().map(String::as_str),
                    Font::Regular,
                )
            })
            .collect();
        let header_style = RowStyle {
            size: TABLE_SIZE,
            leading: TABLE_LEADING,
            pad: CELL_PAD_V,
            span: (left, right),
            fill: Some(HEADER_FILL),
            rule: Some(HEADER_RULE),
        };
        let body_style = RowStyle {
            fill: None,
            rule: Some(ROW_RULE),
            ..header_style
        };

        // Start on a new page unless the header and the first row (or a few of its lines)
        // fit here.
        let header_height = header_style.height(row_lines(&header));
        let first = body
            .first()
            .map_or(0.0, |cells| body_style.height(row_lines(cells).min(3)));
        if self.used && self.room() < header_height + first {
            self.new_page();
        }
        self.chunk(&header, &header_style, 0, row_lines(&header));
        self.used = true;

        for cells in &body {
            self.row(cells, &body_style, Some((&header, &header_style)));
        }
        self.gap(TABLE_AFTER);
    }

    /// Places a row: here if it fits, else on the next page (after the repeated header, if
    /// any); a row taller than a page is split between lines.
    fn row(&mut self, cells: &[Cell], style: &RowStyle, header: Option<(&[Cell], &RowStyle)>) {
        let lines = row_lines(cells);
        let header_height = header.map_or(0.0, |(h, s)| s.height(row_lines(h)));
        let mut from = 0;
        while from < lines {
            let need = style.height(lines - from);
            if need <= self.room() + EPS {
                self.chunk(cells, style, from, lines);
                self.used = true;
                return;
            }
            let fresh = self.top() - self.bottom() - header_height;
            let here = ((self.room() - 2.0 * style.pad + EPS) / style.leading).floor();
            let here = if here > 0.0 { here as usize } else { 0 };
            if self.used && (need <= fresh || here == 0) {
                self.continue_on_new_page(header);
                continue;
            }
            // Taller than a page: fill this one, go on on the next.
            let take = here.clamp(1, lines - from);
            self.chunk(cells, style, from, from + take);
            self.used = true;
            from += take;
            if from < lines {
                self.continue_on_new_page(header);
            }
        }
    }

    fn continue_on_new_page(&mut self, header: Option<(&[Cell], &RowStyle)>) {
        self.new_page();
        if let Some((cells, style)) = header {
            self.chunk(cells, style, 0, row_lines(cells));
        }
    }

    /// Draws lines `from..to` of a row's cells at the cursor, with background and rule.
    fn chunk(&mut self, cells: &[Cell], style: &RowStyle, from: usize, to: usize) {
        let height = style.height(to - from);
        let top = self.y;
        let (x1, x2) = style.span;
        if let Some(grey) = style.fill {
            self.page.push(Op::Fill {
                x: x1,
                y: top - height,
                w: x2 - x1,
                h: height,
                grey,
            });
        }
        for cell in cells {
            for (k, line) in cell.lines.iter().enumerate().take(to).skip(from) {
                if line.is_empty() {
                    continue;
                }
                let middle =
                    top - style.pad - (k - from) as f32 * style.leading - style.leading / 2.0;
                let x = match cell.align {
                    Align::Left => cell.x0,
                    Align::Right => cell.x1 - cell.font.measure(line, style.size),
                };
                self.page.push(Op::Text {
                    x,
                    y: middle - BASELINE_DROP * style.size,
                    font: cell.font,
                    size: style.size,
                    grey: 0.0,
                    text: line.clone(),
                });
            }
        }
        if let Some((width, grey)) = style.rule {
            self.page.push(Op::Rule {
                x1,
                x2,
                y: top - height,
                width,
                grey,
            });
        }
        self.y = top - height;
    }
}

/// A table row's cells: each text wrapped to its column (missing texts are empty, extra
/// ones ignored).
fn table_cells<'a>(
    columns: &[Column],
    edges: &[(f32, f32)],
    texts: impl Iterator<Item = &'a str>,
    font: Font,
) -> Vec<Cell> {
    columns
        .iter()
        .zip(edges)
        .zip(texts.chain(std::iter::repeat("")))
        .map(|((column, &(left, right)), text)| {
            let (x0, x1) = (left + CELL_PAD_H, right - CELL_PAD_H);
            Cell {
                x0,
                x1,
                font,
                align: column.align,
                lines: wrap(text, font, TABLE_SIZE, x1 - x0),
            }
        })
        .collect()
}

/// Left and right edges of each column, sharing `left..right` by weight.
fn column_edges(columns: &[Column], left: f32, right: f32) -> Vec<(f32, f32)> {
    let total: f32 = columns.iter().map(Column::share).sum();
    let mut x = left;
    columns
        .iter()
        .map(|column| {
            let start = x;
            x += (right - left) * column.share() / total;
            (start, x)
        })
        .collect()
}

/// Advance widths of Helvetica for the WinAnsi codes 32..=255, in 1/1000 em (the standard
/// 14 fonts' AFM metrics; codes WinAnsi leaves undefined have the width of its bullet).
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    350, 556, 350, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350, 350,
    222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 350, 500, 667, 278, 333, 556,
    556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 556,
    537, 278, 333, 333, 365, 556, 834, 834, 834, 611, 667, 667, 667, 667, 667, 667, 1000, 722, 667,
    667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722,
    722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278,
    278, 556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];
/// The same for Helvetica-Bold.
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
    350, 556, 350, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350, 350,
    278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 350, 500, 667, 278, 333, 556,
    556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 611,
    556, 278, 333, 333, 365, 556, 834, 834, 834, 611, 722, 722, 722, 722, 722, 722, 1000, 722, 667,
    667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722,
    722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278,
    278, 611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
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
}
