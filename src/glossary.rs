//! Glossary: the Indonesian domain terms kept as-is in code, and what they mean.
//!
//! | term | meaning |
//! |---|---|
//! | `blkk` | *Balai Latihan Kerja Komunitas* (BLK Komunitas, BLK-K): a community vocational training centre, usually run by a pesantren. Called a *centre* in English-named code. |
//! | `lembaga` / host institution | the body that runs a BLKK (*lembaga pengelola*): a pesantren, another religious body, or a community body |
//! | `pesantren` | *pondok pesantren* (PP), an Islamic boarding school |
//! | `kejuruan` | a vocational field taught at a BLKK (sewing, welding, ICT, ...), from a national catalogue |
//! | `pengelola` | the BLKK's own manager (head / administrator); role code `pengelola` |
//! | `pembina` | the supervising ministry centre of a BLKK: an UPTP that visits, monitors and verifies it; role code `pembina` |
//! | `uptp` | *Unit Pelaksana Teknis Pusat*: a ministry training centre, BBPVP (*Balai Besar Pelatihan Vokasi dan Produktivitas*), BPVP or BLK |
//! | `disnaker` | *Dinas Tenaga Kerja*: the provincial or regency/city labour office |
//! | `kementerian` | the Ministry of Manpower (Kemnaker) and its directorates (Ditjen Binalavotas, Ditjen Binapenta) |
//! | `fkn` | *Forum Koordinasi Nasional BLK-K*: the national forum of BLKK |
//! | `fk_blkk` | *Forum Komunikasi BLKK*: a regional (province or regency) forum of BLKK |
//! | `mitra` | a partner: company, UMKM (small business), university, association, government body or individual |
//! | `kemandirian` | self-reliance: a BLKK sustaining itself after government support ends |
//! | `disapih` | "weaned": a BLKK whose support period has ended and must become *mandiri* |
//! | `monev` | *monitoring dan evaluasi*: a pembina's monitoring visit |
//! | `angkatan` / aid year | the year a BLKK received its building aid; BLKK of one aid year form a cohort |
//! | `provinsi`, `kabupaten`/`kota`, `kecamatan`, `desa`/`kelurahan` | province, regency/city, district, village: the four levels of Kemendagri area codes |
//! | `PBK` | *bantuan program pelatihan berbasis kompetensi*: the ministry's training-round aid |
