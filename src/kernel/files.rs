//! Files kept outside the database (report attachments, photos, signed documents): an
//! object store (a local folder by default, an S3-compatible bucket when configured and
//! built with the `s3` feature) and the kinds of file accepted, recognised from their
//! content, never from their name.

use std::sync::Arc;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::kernel::error::AppError;

/// The largest attachment: a phone photo or a scanned document.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// Uploads are read up to twice the file limit, so a file somewhat too large is refused
/// beside its field rather than cut off (413).
pub const UPLOAD_READ: usize = 2 * MAX_FILE_BYTES;

/// Where files are kept. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
}

impl Default for Files {
    /// Kept in memory: for tests that do not look at files.
    fn default() -> Self {
        Files {
            store: Arc::new(object_store::memory::InMemory::new()),
        }
    }
}

impl Files {
    /// Opens `place`: a folder (created when missing), or `s3://bucket[/prefix]` with the
    /// credentials, region and endpoint taken from the usual `AWS_*` variables.
    pub fn open(place: &str) -> anyhow::Result<Files> {
        if place.starts_with("s3://") {
            return s3(place);
        }
        std::fs::create_dir_all(place)
            .map_err(|e| anyhow::anyhow!("cannot create the files folder {place}: {e}"))?;
        let local = object_store::local::LocalFileSystem::new_with_prefix(place)?;
        Ok(Files {
            store: Arc::new(local),
        })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .map_err(AppError::internal)?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, AppError> {
        let got = match self.store.get(&Path::from(key)).await {
            Ok(g) => g,
            Err(object_store::Error::NotFound { .. }) => return Err(AppError::NotFound),
            Err(e) => return Err(AppError::internal(e)),
        };
        Ok(got.bytes().await.map_err(AppError::internal)?.to_vec())
    }

    /// Removes a file; one already gone is no error. Failures are logged, not returned:
    /// the record that named the file is gone already, and a stray file harms nobody.
    pub async fn delete(&self, key: &str) {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => tracing::warn!(error = %e, "could not delete a stored file"),
        }
    }
}

#[cfg(feature = "s3")]
fn s3(place: &str) -> anyhow::Result<Files> {
    let url = url::Url::parse(place)?;
    let bucket = url.host_str().unwrap_or_default();
    let store = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .build()?;
    let prefix = url.path().trim_matches('/');
    let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
        Arc::new(store)
    } else {
        Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
    };
    Ok(Files { store })
}

#[cfg(not(feature = "s3"))]
fn s3(_place: &str) -> anyhow::Result<Files> {
    anyhow::bail!("this build has no S3 support: build with `--features s3`, or give a folder")
}

/// A new, unguessable key under `prefix` (e.g. `reports/12`).
pub fn new_key(prefix: &str) -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{prefix}/{hex}")
}

/// The kinds of file accepted as attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    Pdf,
    Docx,
    Xlsx,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Jpeg,
        Kind::Png,
        Kind::Webp,
        Kind::Pdf,
        Kind::Docx,
        Kind::Xlsx,
    ];

    /// The kind of `bytes`, read from their content; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
        let mime = infer::get(bytes)?.mime_type();
        Kind::ALL.into_iter().find(|k| k.mime() == mime)
    }

    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
            Kind::Pdf => "application/pdf",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.mime() == mime)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Webp => "webp",
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, Kind::Jpeg | Kind::Png | Kind::Webp)
    }
}

/// A file name fit to show and to offer on download: no folders, no control or format
/// characters ([`crate::kernel::text::is_invisible`]: a right-to-left override would show
/// `foto\u{202E}gpj.exe` as `fotoexe.jpg`), at most 120 characters, ending in the extension
/// of what the file really is.
pub fn display_name(given: &str, kind: Kind) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !crate::kernel::text::is_invisible(*c) && *c != '"')
        .collect();
    let clean = clean.trim();
    let stem = clean.rsplit_once('.').map_or(clean, |(s, _)| s).trim();
    let stem: String = stem.chars().take(120).collect();
    let stem = if stem.is_empty() { "lampiran" } else { &stem };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_content_not_name() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        assert_eq!(Kind::sniff(png), Some(Kind::Png));
        assert_eq!(
            Kind::sniff(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"),
            Some(Kind::Pdf)
        );
        assert_eq!(
            Kind::sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"),
            Some(Kind::Jpeg)
        );
        assert_eq!(Kind::sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(Kind::sniff(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(Kind::sniff(b""), None);
    }

    #[test]
    fn names_are_cleaned_and_take_the_real_extension() {
        assert_eq!(
            display_name("foto kegiatan.jpg", Kind::Jpeg),
            "foto kegiatan.jpg"
        );
        assert_eq!(
            display_name("C:\\Users\\a\\laporan.exe", Kind::Pdf),
            "laporan.pdf"
        );
        assert_eq!(display_name("../../etc/passwd", Kind::Png), "passwd.png");
        assert_eq!(display_name("a\"b\r\n.pdf", Kind::Pdf), "ab.pdf");
        assert_eq!(display_name("", Kind::Webp), "lampiran.webp");
        assert_eq!(display_name(".jpg", Kind::Jpeg), "lampiran.jpg");
        assert_eq!(display_name(&"x".repeat(300), Kind::Pdf).len(), 124);
    }

    #[test]
    fn names_lose_direction_and_other_format_characters() {
        // Shown as "fotoexe.jpg" with the override kept.
        assert_eq!(
            display_name("foto\u{202E}gpj.exe", Kind::Jpeg),
            "fotogpj.jpg"
        );
        for c in [
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{180E}',
            '\u{E0041}',
            '\u{0007}',
            '\u{001B}',
            '\u{007F}',
            '\u{0085}',
            '\u{009B}',
        ] {
            assert_eq!(
                display_name(&format!("la{c}poran{c}.pdf"), Kind::Pdf),
                "laporan.pdf",
                "U+{:04X}",
                c as u32
            );
        }
        assert_eq!(
            display_name("\u{2067}\u{2069}.png", Kind::Png),
            "lampiran.png"
        );
        // Letters of any script stay.
        assert_eq!(
            display_name("laporan مدرسة 報告.pdf", Kind::Pdf),
            "laporan مدرسة 報告.pdf"
        );
    }

    #[tokio::test]
    async fn a_local_folder_keeps_files() {
        let dir = std::env::temp_dir().join(format!("simandiri-files-{}", std::process::id()));
        let files = Files::open(dir.to_str().unwrap()).unwrap();
        let key = new_key("reports/1");
        files.put(&key, b"isi".to_vec()).await.unwrap();
        assert_eq!(files.get(&key).await.unwrap(), b"isi");
        assert!(dir.join(&key).is_file());
        files.delete(&key).await;
        assert!(matches!(files.get(&key).await, Err(AppError::NotFound)));
        files.delete(&key).await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
