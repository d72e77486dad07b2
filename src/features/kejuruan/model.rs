//! The national catalogue of kejuruan (vocational fields) a BLKK teaches.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Kejuruan {
    pub code: String,
    pub name_id: String,
    pub name_en: String,
}

impl Kejuruan {
    pub fn name(&self, lang: &str) -> &str {
        if lang == "en" {
            &self.name_en
        } else {
            &self.name_id
        }
    }
}

/// The name of `code` in `lang` from a loaded catalogue (the code itself if unknown).
pub fn name_of(list: &[Kejuruan], code: &str, lang: &str) -> String {
    list.iter()
        .find(|k| k.code == code)
        .map_or_else(|| code.to_owned(), |k| k.name(lang).to_owned())
}

/// The catalogue as first loaded: `(code, Indonesian name, English name)`.
pub const CATALOGUE: [(&str, &str, &str); 18] = [
    ("menjahit", "Garmen / Menjahit", "Garment / sewing"),
    (
        "otomotif_motor",
        "Teknik Sepeda Motor",
        "Motorcycle engineering",
    ),
    ("otomotif_mobil", "Teknik Otomotif Mobil", "Car engineering"),
    (
        "tik",
        "Teknologi Informasi dan Komunikasi",
        "Information and communication technology",
    ),
    ("las", "Teknik Pengelasan", "Welding"),
    (
        "pengolahan_pangan",
        "Pengolahan Hasil Pertanian dan Pangan",
        "Food processing",
    ),
    ("tata_boga", "Tata Boga", "Culinary arts"),
    ("tata_kecantikan", "Tata Kecantikan", "Beauty"),
    ("listrik", "Teknik Listrik", "Electrical installation"),
    ("elektronika", "Elektronika", "Electronics"),
    (
        "refrigerasi",
        "Refrigerasi dan Tata Udara",
        "Refrigeration and air conditioning",
    ),
    ("pertanian", "Pertanian", "Agriculture"),
    ("perikanan", "Perikanan", "Fisheries"),
    ("peternakan", "Peternakan", "Animal husbandry"),
    ("bangunan", "Konstruksi Bangunan", "Building construction"),
    ("kerajinan", "Kerajinan Tangan", "Handicrafts"),
    (
        "pariwisata",
        "Pariwisata dan Perhotelan",
        "Tourism and hospitality",
    ),
    ("bahasa", "Bahasa Asing", "Foreign languages"),
];
