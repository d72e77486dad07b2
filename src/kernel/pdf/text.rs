//! The text of a PDF: the standard fonts' widths, WinAnsi encoding, and wrapping to a width.

use pdf_writer::Name;

use super::UNKNOWN;

/// The two fonts used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Font {
    Regular,
    Bold,
}

impl Font {
    /// The font's name in each page's resources.
    pub(super) fn resource_name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    /// The standard 14 font's PostScript name.
    pub(super) fn base_name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"Helvetica"),
            Font::Bold => Name(b"Helvetica-Bold"),
        }
    }

    /// Advance width of a WinAnsi code, in 1/1000 of the font size.
    pub(super) fn advance(self, code: u8) -> u64 {
        let table = match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        };
        code.checked_sub(32)
            .and_then(|i| table.get(usize::from(i)))
            .map_or(0, |&w| u64::from(w))
    }

    /// Width in points of WinAnsi text at `size`.
    pub(super) fn measure(self, text: &[u8], size: f32) -> f32 {
        let units: u64 = text.iter().map(|&b| self.advance(b)).sum();
        units as f32 * size / 1000.0
    }
}

/// Encodes text as WinAnsi (one byte a character): Latin-1 and the Windows-1252 extras
/// as themselves, tabs and line breaks as spaces, soft hyphens and carriage returns not at
/// all, anything else as `?`.
pub(super) fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .filter(|&c| c != '\r' && c != '\u{ad}')
        .map(winansi)
        .collect()
}

/// The WinAnsi code of one character (see [`encode`]).
pub(super) fn winansi(c: char) -> u8 {
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
pub(super) fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<Vec<u8>> {
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
