//! Text normalisation shared by every feature: what we store for typed names, and the keys
//! searches compare.

/// Characters that show nothing or change how the rest shows: every control and format
/// character (Unicode general categories Cc and Cf: zero-width spaces and joiners, direction
/// marks, embeddings, overrides and isolates, which can make `gpj.exe` show as `exe.jpg`,
/// the word joiner, the byte-order mark, soft hyphens), and the blank fillers and variation
/// selectors. A name made of these alone is empty.
pub fn is_invisible(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    matches!(
        c.general_category(),
        GeneralCategory::Control | GeneralCategory::Format
    ) || matches!(c,
        '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}')
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

/// A `wa.me` link for an Indonesian mobile number as stored (`+628…`); none for a land
/// line or anything else.
pub fn whatsapp_link(phone: &str) -> Option<String> {
    let digits = phone.strip_prefix('+')?;
    (digits.starts_with("628") && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("https://wa.me/{digits}"))
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

/// The words of a name as search keys (letters and digits, lower case): each word, and for
/// words joined by punctuation ("Al-Hikmah") also the parts, leaving out the words in `skip`
/// (those nearly every name has). In order.
fn words(name: &str, skip: &[&str]) -> Vec<(String, Vec<String>)> {
    name.split_whitespace()
        .map(|chunk| {
            let parts: Vec<String> = chunk
                .split(|c: char| !c.is_alphanumeric())
                .map(search_key)
                .filter(|p| !p.is_empty())
                .collect();
            (parts.concat(), parts)
        })
        .filter(|(w, _)| !w.is_empty() && !skip.contains(&w.as_str()))
        .collect()
}

/// Every prefix of `text` (up to [`MAX_TERM`] characters) longer than `after` characters.
fn prefixes(text: &str, after: usize, out: &mut Vec<String>) {
    let text = capped(text);
    for (i, c) in text.char_indices().skip(after) {
        out.push(text[..i + c.len_utf8()].to_owned());
    }
}

/// The terms a name is found by: every prefix of each of its words ("darul" is found by
/// "d" … "darul"), of the parts of words joined by punctuation ("Al-Hikmah" by "al",
/// "hikmah" and "alhikmah"), and of each word run on into the next ("Darul Ulum" by
/// "darulu" … "darululum"), leaving out the words in `skip` (those nearly every name has,
/// which find everything).
pub fn name_terms(name: &str, skip: &[&str]) -> Vec<String> {
    let words = words(name, skip);
    let mut terms = Vec::new();
    for (i, (word, parts)) in words.iter().enumerate() {
        prefixes(word, 0, &mut terms);
        if parts.len() > 1 {
            for p in parts {
                prefixes(p, 0, &mut terms);
            }
        }
        if let Some((next, _)) = words.get(i + 1) {
            prefixes(&format!("{word}{next}"), word.chars().count(), &mut terms);
        }
    }
    terms.sort();
    terms.dedup();
    terms
}

/// What a search for `q` looks up: its words (punctuation inside a word dropped, the words in
/// `skip` left out), each matched as the start of a word of the name.
pub fn query_terms(q: &str, skip: &[&str]) -> Vec<String> {
    let mut terms: Vec<String> = words(q, skip)
        .into_iter()
        .map(|(w, _)| capped(&w))
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

/// The phrase of a search of several words: the words run together, which a name has as a
/// term when it has the words next to each other in that order ("darul ulum" →
/// "darululum"). `None` for one word.
pub fn query_phrase(q: &str, skip: &[&str]) -> Option<String> {
    let words = words(q, skip);
    (words.len() > 1).then(|| capped(&words.into_iter().map(|(w, _)| w).collect::<String>()))
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
        let terms = name_terms("BLK Komunitas PP Al-Hikmah Darul Ulum", &[]);
        for t in [
            "b",
            "blk",
            "komunitas",
            "pp",
            "al",
            "hikmah",
            "alhikmah",
            "alhik",
            "darul",
            "ulum",
            "darulu",
            "darululum",
            "alhikmahd",
        ] {
            assert!(terms.contains(&t.to_owned()), "{t}");
        }
        assert!(
            !terms.contains(&"ikmah".to_owned()),
            "not the middle of a word"
        );
        assert!(!terms.contains(&"darululumx".to_owned()));
        let skip = ["blk", "komunitas"];
        let terms = name_terms("BLK Komunitas PP Al-Hikmah", &skip);
        assert!(!terms.contains(&"komunitas".to_owned()) && terms.contains(&"pp".to_owned()));
        assert!(
            terms.contains(&"ppalhikmah".to_owned()),
            "words next to each other"
        );
        assert_eq!(query_terms(" Darul  BAYAN ", &[]), ["bayan", "darul"]);
        assert_eq!(query_terms("BLK darul", &skip), ["darul"]);
        assert_eq!(query_terms("al-hik", &[]), ["alhik"]);
        assert!(query_terms(" - ", &[]).is_empty());
        assert_eq!(
            query_phrase("Darul  Ulum", &skip).as_deref(),
            Some("darululum")
        );
        assert_eq!(query_phrase("BLK darul", &skip), None);
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
