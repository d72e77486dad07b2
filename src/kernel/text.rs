//! Text normalisation shared by every feature: what we store for typed names, and the keys
//! searches compare.

/// Characters that show nothing: zero-width spaces and joiners, direction marks, the word
/// joiner, the byte-order mark, soft hyphens, and control characters. A name made of these
/// alone is empty.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}')
}

/// Drops invisible characters, collapses runs of whitespace and trims: what we store for
/// names and other single-line text typed into forms.
pub fn tidy(s: &str) -> String {
    let visible: String = s
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !is_invisible(*c))
        .collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A search key: lower-case letters and digits only, so "Mekar Jaya", "mekarjaya" and
/// "MEKAR-JAYA" all meet.
pub fn search_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_spaces_case_and_punctuation() {
        assert_eq!(search_key("Mekar Jaya"), "mekarjaya");
        assert_eq!(search_key("MEKAR-JAYA"), "mekarjaya");
        assert_eq!(search_key("Ujong Pie'"), "ujongpie");
    }

    #[test]
    fn tidy_collapses_whitespace_and_drops_invisible_characters() {
        assert_eq!(tidy("  BLK  Komunitas\tPP "), "BLK Komunitas PP");
        assert_eq!(tidy("\u{200B}"), "");
        assert_eq!(tidy("\u{FEFF} \u{200D}\u{2060} "), "");
        assert_eq!(tidy("Darul\u{200B}Bayan"), "DarulBayan");
        assert_eq!(tidy("a\u{00A0}b"), "a b");
    }
}
