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

/// The longest search term kept: longer words are found by their first this many characters.
pub const MAX_TERM: usize = 20;

fn capped(term: &str) -> String {
    term.chars().take(MAX_TERM).collect()
}

/// The terms a name is found by: every prefix of each of its words (letters and digits, lower
/// case), and of words joined by punctuation taken together ("Al-Hikmah" is found by "al",
/// "hikmah" and "alhikmah"), leaving out the words in `skip` (those nearly every name has,
/// which find everything). A search matches the names that have all its terms.
pub fn name_terms(name: &str, skip: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for chunk in name
        .split_whitespace()
        .filter(|w| !skip.contains(&search_key(w).as_str()))
    {
        let parts: Vec<String> = chunk
            .split(|c: char| !c.is_alphanumeric())
            .map(search_key)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() > 1 {
            words.push(parts.concat());
        }
        words.extend(parts);
    }
    let mut terms: Vec<String> = words
        .iter()
        .flat_map(|w| {
            let w = capped(w);
            w.char_indices()
                .map(|(i, c)| w[..i + c.len_utf8()].to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

/// The terms a search for `q` looks up: each of its words (punctuation inside a word
/// dropped, those in `skip` left out), matched as the start of a word of the name.
pub fn query_terms(q: &str, skip: &[&str]) -> Vec<String> {
    let mut terms: Vec<String> = q
        .split_whitespace()
        .map(search_key)
        .filter(|t| !t.is_empty() && !skip.contains(&t.as_str()))
        .map(|t| capped(&t))
        .collect();
    terms.sort();
    terms.dedup();
    terms
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
    fn names_are_found_by_the_starts_of_their_words() {
        let terms = name_terms("BLK Komunitas PP Al-Hikmah", &[]);
        for t in [
            "b",
            "blk",
            "komunitas",
            "pp",
            "al",
            "hikmah",
            "alhikmah",
            "alhik",
        ] {
            assert!(terms.contains(&t.to_owned()), "{t}");
        }
        assert!(
            !terms.contains(&"ikmah".to_owned()),
            "not the middle of a word"
        );
        let skip = ["blk", "komunitas"];
        let terms = name_terms("BLK Komunitas PP Al-Hikmah", &skip);
        assert!(!terms.contains(&"komunitas".to_owned()) && terms.contains(&"pp".to_owned()));
        assert_eq!(query_terms(" Darul  BAYAN ", &[]), ["bayan", "darul"]);
        assert_eq!(query_terms("BLK darul", &skip), ["darul"]);
        assert_eq!(query_terms("al-hik", &[]), ["alhik"]);
        assert!(query_terms(" - ", &[]).is_empty());
        let long = name_terms("Pengembangankewirausahaanmasyarakat", &[]);
        assert_eq!(long.iter().map(|t| t.chars().count()).max(), Some(MAX_TERM));
        let q = query_terms("Pengembangankewirausahaanmasyarakat", &[]);
        assert_eq!(q[0].chars().count(), MAX_TERM);
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
