//! Text normalisation shared by search and look-ups.

/// A search key: lower-case letters and digits only, so "Mekar Jaya", "mekarjaya" and
/// "MEKAR-JAYA" all meet.
pub fn search_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Removes the administrative prefixes people type before a place name
/// ("Desa Mekarjaya", "Kel. Sukasari", "Kec. Panimbang", "Kab. Pandeglang").
pub fn strip_area_prefix(s: &str) -> &str {
    const PREFIXES: [&str; 12] = [
        "desa ",
        "ds. ",
        "ds ",
        "kelurahan ",
        "kel. ",
        "kel ",
        "kecamatan ",
        "kec. ",
        "kabupaten ",
        "kab. ",
        "kota ",
        "gampong ",
    ];
    let t = s.trim_start();
    for p in PREFIXES {
        if t.len() > p.len() && t[..p.len()].eq_ignore_ascii_case(p) {
            return t[p.len()..].trim_start();
        }
    }
    t
}

/// Collapses runs of whitespace and trims: what we store for names typed into forms.
pub fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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
    fn prefixes_are_stripped_once() {
        assert_eq!(strip_area_prefix("Desa Mekar Jaya"), "Mekar Jaya");
        assert_eq!(strip_area_prefix("kel. Sukasari"), "Sukasari");
        assert_eq!(strip_area_prefix("Desaku"), "Desaku");
        assert_eq!(strip_area_prefix("Kota"), "Kota");
    }

    #[test]
    fn tidy_collapses_whitespace() {
        assert_eq!(tidy("  BLK  Komunitas\tPP "), "BLK Komunitas PP");
    }
}
