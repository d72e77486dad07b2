//! The layout of a PDF: blocks set in lines and rows over pages, and the pages' content
//! streams with their footers.

use pdf_writer::{Content, Str};

use super::text::{Font, encode, wrap};
use super::{
    Align, BASELINE_DROP, BODY_LEADING, BODY_SIZE, CELL_PAD_H, CELL_PAD_V, Column, ELLIPSIS, EPS,
    FOOTER_GREY, FOOTER_ROOM, FOOTER_RULE, FOOTER_SIZE, HEADER_FILL, HEADER_RULE, HEADING_AFTER,
    HEADING_BEFORE, HEADING_KEEP, HEADING_LEADING, HEADING_SIZE, LABEL_GAP, LABEL_MAX_SHARE,
    MARGIN, PAIR_PAD, PAIRS_AFTER, ROW_RULE, TABLE_AFTER, TABLE_LEADING, TABLE_SIZE,
};

/// A drawing operation on a page, in points from the page's bottom left corner.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Op {
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
pub(super) fn content(ops: &[Op]) -> Vec<u8> {
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
pub(super) fn footer_ops(footer: &[u8], n: usize, total: usize, page_width: f32) -> Vec<Op> {
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
    pub(super) lines: Vec<Vec<u8>>,
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
pub(super) struct Layout {
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
    pub(super) fn new(width: f32, height: f32) -> Layout {
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
    pub(super) fn gap(&mut self, pt: f32) {
        if self.used {
            self.y -= pt;
        }
    }

    /// The pages laid out (at least one).
    pub(super) fn finish(mut self) -> Vec<Vec<Op>> {
        self.done.push(self.page);
        self.done
    }

    /// Wrapped text over the full width, line by line (a page may break between any two).
    pub(super) fn lines(&mut self, text: &str, font: Font, size: f32, leading: f32) {
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
    pub(super) fn heading(&mut self, text: &str) {
        self.gap(HEADING_BEFORE);
        let lines = wrap(text, Font::Bold, HEADING_SIZE, self.right() - self.left()).len();
        if self.used && self.room() < lines as f32 * HEADING_LEADING + HEADING_KEEP {
            self.new_page();
        }
        self.lines(text, Font::Bold, HEADING_SIZE, HEADING_LEADING);
        self.gap(HEADING_AFTER);
    }

    /// Label and value pairs in two columns.
    pub(super) fn pairs(&mut self, rows: &[(String, String)]) {
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
    pub(super) fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
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
pub(super) fn column_edges(columns: &[Column], left: f32, right: f32) -> Vec<(f32, f32)> {
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
