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
//!
//! The layout (lines, rows, pages, content streams) is in `layout.rs`, the fonts' metrics,
//! the WinAnsi encoding and wrapping in `text.rs`.

mod layout;
#[cfg(test)]
mod tests;
mod text;

use pdf_writer::{Finish, Name, Pdf, Rect, Ref, TextStr};

use layout::{Layout, Op, content, footer_ops};
use text::{Font, encode};

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
