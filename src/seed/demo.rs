//! The demo data set: the real bodies named in the source articles (`../shared/seeds`),
//! placed where the articles put them, plus synthetic centres across all provinces, and one
//! sign-in per role.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::generate::{self, Atlas, BINALAVOTAS, org, org_fields};
use super::reference;
use crate::features::accounts::service::{self as accounts, NewAccount};
use crate::features::areas::model::AreaCode;
use crate::features::centres::model::{Centre, CentreStatus, HostType, Profile};
use crate::features::centres::store as centres;
use crate::features::orgs::model::OrgKind;
use crate::kernel::access::Role;
use crate::kernel::db::{Db, StoreError};

/// The password of every demo account (printed by `simandiri demo`).
pub const DEMO_PASSWORD: &str = "demo-simandiri";

/// Synthetic centres added around the real ones.
pub const DEMO_GENERATED_CENTRES: usize = 400;
pub const DEMO_SEED: u64 = 2024;
/// Years of synthetic trainings in the demo (the `generate` command makes 10 by default).
pub const DEMO_TRAINING_YEARS: i32 = 2;

pub const FK_TANGERANG: &str = "FK-BLKK Kabupaten Tangerang";
pub const DISNAKER_TANGERANG: &str = "Dinas Tenaga Kerja Kabupaten Tangerang";
pub const DARUL_BAYAN: &str = "BLK Komunitas PP Salafiyah Darul Bayan";
pub const MES: &str = "Masyarakat Ekonomi Syariah (MES)";

/// One demo sign-in.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub org_name: String,
}

/// A named BLKK from the articles: name, host, village, head, kejuruan, UPTP.
struct Named {
    name: &'static str,
    host: &'static str,
    village: &'static str,
    head: &'static str,
    kejuruan: &'static [&'static str],
    pembina: &'static str,
    aid_year: i64,
}

const NAMED: [Named; 4] = [
    // Seed 000: Desa Mekar Jaya, Kec. Panimbang, Kab. Pandeglang; pimpinan Imam Tantowi;
    // visited by BBPVP Serang for monev.
    Named {
        name: DARUL_BAYAN,
        host: "Pondok Pesantren Salafiyah Darul Bayan",
        village: "36.01.06.2002",
        head: "Imam Tantowi",
        kejuruan: &["menjahit", "tik"],
        pembina: "BBPVP Serang",
        aid_year: 2019,
    },
    // Seed 002: the three BLKK accompanied by BLK Makassar. The articles name the regency;
    // the villages are the regency seats (Pinrang, Makassar) and Tobarakka (Wajo).
    Named {
        name: "BLK-K PP Ittihadiyah Tanre Assona",
        host: "Pondok Pesantren Ittihadiyah Tanre Assona",
        village: "73.15.04.1001",
        head: "",
        kejuruan: &["otomotif_motor"],
        pembina: "BLK Makassar",
        aid_year: 2019,
    },
    Named {
        name: "BLK-K PP Multidimensi Al-Fakhriyah",
        host: "Pondok Pesantren Multidimensi Al-Fakhriyah",
        village: "73.71.11.1001",
        head: "",
        kejuruan: &["tik"],
        pembina: "BLK Makassar",
        aid_year: 2020,
    },
    Named {
        name: "BLK-K PP Al Mubarak DDI Tobarakka",
        host: "Pondok Pesantren Al Mubarak DDI Tobarakka",
        village: "73.13.10.1003",
        head: "",
        kejuruan: &["menjahit"],
        pembina: "BLK Makassar",
        aid_year: 2019,
    },
];

/// Whether the database holds no BLKK and no accounts yet (reference data may be there).
pub async fn is_empty(db: &Db) -> Result<bool, StoreError> {
    let (n,): (i64,) = db
        .fetch_one(crate::kernel::db::Sql::new(
            "SELECT (SELECT COUNT(*) FROM orgs) + (SELECT COUNT(*) FROM users)",
        ))
        .await?;
    Ok(n == 0)
}

/// Loads the demo data into an empty database; returns one login per role.
pub async fn load(db: &Db) -> Result<Vec<DemoLogin>, StoreError> {
    crate::init();
    reference::ensure_loaded(db).await?;
    let atlas = Atlas::load()?;
    let mut rng = ChaCha8Rng::seed_from_u64(DEMO_SEED);
    let mut created = 0;
    let mut tx = db.begin().await?;
    let (uptp, fkn) = generate::national_bodies(&mut tx, &mut created).await?;
    let binalavotas = org(
        &mut tx,
        org_fields(
            OrgKind::Kementerian,
            "ditjen_binalavotas",
            BINALAVOTAS,
            None,
        ),
        &mut created,
    )
    .await?;

    let mut named_ids = Vec::new();
    for (i, n) in NAMED.iter().enumerate() {
        let profile = Profile {
            name: n.name.into(),
            reg_no: format!(
                "BLKK-{}-{}-{:05}",
                n.aid_year,
                n.village[..5].replace('.', ""),
                i + 1
            ),
            host_name: n.host.into(),
            host_type: HostType::Pesantren,
            street: String::new(),
            village_code: AreaCode::parse(n.village).expect("valid literal"),
            latitude: None,
            longitude: None,
            year_built: Some(n.aid_year),
            aid_year: n.aid_year,
            kejuruan: n.kejuruan.iter().map(|k| (*k).to_owned()).collect(),
            head_name: n.head.into(),
            status: CentreStatus::Aktif,
        };
        let fields = Centre {
            profile,
            contact_phone: String::new(),
            contact_email: String::new(),
            phone_public: false,
        };
        named_ids.push(
            generate::insert_centre(&mut tx, &fields, Some(uptp[n.pembina]), "import").await?,
        );
    }
    let darul_bayan = named_ids[0];

    // Seed 001: FK-BLKK Kabupaten Tangerang and its 33 BLKK, spread over the districts,
    // working with Disnaker Kabupaten Tangerang. Their names are not in the article:
    // they are synthetic.
    let disnaker = org(
        &mut tx,
        org_fields(
            OrgKind::Disnaker,
            "kabupaten_kota",
            DISNAKER_TANGERANG,
            Some("36.03"),
        ),
        &mut created,
    )
    .await?;
    let forum = org(
        &mut tx,
        org_fields(
            OrgKind::Forum,
            "fk_kabupaten_kota",
            FK_TANGERANG,
            Some("36.03"),
        ),
        &mut created,
    )
    .await?;
    let districts = atlas.districts_of("36.03");
    let mut members = Vec::new();
    for i in 0..33 {
        let district = districts[i % districts.len()];
        let villages = atlas.villages_in(&district.code);
        let village = villages[(i / districts.len()) % villages.len()];
        let fields = generate::synthetic_centre(&mut rng, village, 90_000 + i);
        let id =
            generate::insert_centre(&mut tx, &fields, Some(uptp["BBPVP Serang"]), "import").await?;
        members.push((forum, id));
    }
    // Seeds 002 and 004: the national forum; the four named BLKK sit in it.
    members.extend(named_ids.iter().map(|id| (fkn, *id)));
    centres::add_forum_members(&mut tx, members).await?;

    // Seed 003: MES, a partner of the ministry for BLKK self-reliance.
    let mes = org(
        &mut tx,
        org_fields(OrgKind::Mitra, "asosiasi", MES, Some("31.71")),
        &mut created,
    )
    .await?;
    // Seed 001: the Tangerang forum works with the regency government.
    let regency_government = org(
        &mut tx,
        org_fields(
            OrgKind::Mitra,
            "pemerintah",
            "Pemerintah Kabupaten Tangerang",
            Some("36.03"),
        ),
        &mut created,
    )
    .await?;
    crate::features::centres::store::recount(&mut tx).await?;
    tx.commit().await?;

    generate::generate_in(db, &atlas, DEMO_GENERATED_CENTRES, DEMO_SEED).await?;
    drop(atlas);
    crate::seed::trainings::generate(db, DEMO_SEED, DEMO_TRAINING_YEARS).await?;

    let logins = [
        (Role::Admin, "admin", binalavotas, BINALAVOTAS),
        (
            Role::Pembina,
            "pembina",
            uptp["BBPVP Serang"],
            "BBPVP Serang",
        ),
        (Role::Disnaker, "disnaker", disnaker, DISNAKER_TANGERANG),
        (Role::Forum, "forum", forum, FK_TANGERANG),
        (Role::Pengelola, "pengelola", darul_bayan, DARUL_BAYAN),
        (Role::Mitra, "mitra", mes, MES),
        (Role::Instruktur, "instruktur", darul_bayan, DARUL_BAYAN),
    ];
    let mut out = Vec::new();
    for (role, local, org_id, org_name) in logins {
        let email = format!("{local}@demo.{}", generate::EMAIL_DOMAIN);
        let name = format!("Demo {}", role.as_str());
        let account = NewAccount {
            email: &email,
            name: &name,
            role,
            org_id: Some(org_id),
            // The demo's UPTP, Disnaker and forum officers manage their organisation's
            // accounts.
            org_admin: true,
            password: DEMO_PASSWORD,
        };
        accounts::create(db, None, &account)
            .await
            .map_err(|e| StoreError::Data(format!("demo user {email}: {e:?}")))?;
        out.push(DemoLogin {
            role,
            email,
            org_name: org_name.to_owned(),
        });
    }
    out.push(demo_trainee(db, darul_bayan).await?);
    let types = crate::seed::reports::seed_types(db).await?;
    let user = |email: String| async move {
        let (id,): (i64,) = db
            .fetch_one(
                crate::kernel::db::Sql::new("SELECT id FROM users WHERE email = $1")
                    .arg(email.as_str()),
            )
            .await?;
        Ok::<i64, StoreError>(id)
    };
    let manager = crate::kernel::access::Actor {
        user_id: user(format!("pengelola@demo.{}", generate::EMAIL_DOMAIN)).await?,
        role: Role::Pengelola,
        org_id: Some(darul_bayan),
        org_area: None,
        org_admin: true,
    };
    let forum_officer = crate::kernel::access::Actor {
        user_id: user(format!("forum@demo.{}", generate::EMAIL_DOMAIN)).await?,
        role: Role::Forum,
        org_id: Some(forum),
        org_area: None,
        org_admin: true,
    };
    crate::seed::partnerships::demo(db, &manager, mes, &forum_officer, regency_government).await?;
    let officer = |role: Role, local: &'static str, org: i64| async move {
        Ok::<_, StoreError>(crate::kernel::access::Actor {
            user_id: user(format!("{local}@demo.{}", generate::EMAIL_DOMAIN)).await?,
            role,
            org_id: Some(org),
            org_area: None,
            org_admin: true,
        })
    };
    let admin = officer(Role::Admin, "admin", binalavotas).await?;
    let pembina = officer(Role::Pembina, "pembina", uptp["BBPVP Serang"]).await?;
    crate::seed::visits::demo(db, &admin, &pembina, darul_bayan).await?;
    crate::seed::visits::generate(db, DEMO_SEED, 2).await?;
    crate::seed::income::demo(db, &manager).await?;
    crate::seed::income::generate(db, DEMO_SEED, 2).await?;
    crate::seed::reports::demo_reports(db, types[0], darul_bayan, manager).await?;
    // The other BLKK's last twelve months, so the compliance views have something to show.
    crate::seed::reports::generate(db, DEMO_SEED, 1).await?;
    // The seeds load in bulk: the kept figures are counted once, at the end.
    crate::kernel::figures::recount(db, true).await?;
    Ok(out)
}

/// The demo instructor teaches Darul Bayan's batches; the demo trainee is a graduate of
/// its latest finished one.
async fn demo_trainee(db: &Db, centre: i64) -> Result<DemoLogin, StoreError> {
    use crate::kernel::db::Sql;
    let email = format!("peserta@demo.{}", generate::EMAIL_DOMAIN);
    let (instructor,): (i64,) = db
        .fetch_one(
            Sql::new("SELECT id FROM users WHERE email = $1")
                .arg(format!("instruktur@demo.{}", generate::EMAIL_DOMAIN)),
        )
        .await?;
    db.execute(
        Sql::new(
            "INSERT INTO training_instructors (training_id, user_id) \
             SELECT id, $1 FROM trainings WHERE centre_id = $2",
        )
        .arg(instructor)
        .arg(centre),
    )
    .await?;
    let graduate: Option<(i64, String)> = db
        .fetch_optional(
            Sql::new(
                "SELECT e.person_id, p.name FROM enrolments e JOIN persons p ON p.id = e.person_id \
                 WHERE e.centre_id = $1 AND e.result = 'kompeten' \
                 ORDER BY e.end_date DESC, e.id LIMIT 1",
            )
            .arg(centre),
        )
        .await?;
    let account = NewAccount {
        email: &email,
        name: graduate
            .as_ref()
            .map_or("Demo peserta", |(_, n)| n.as_str()),
        role: Role::Peserta,
        org_id: None,
        org_admin: false,
        password: DEMO_PASSWORD,
    };
    let user = accounts::create(db, None, &account)
        .await
        .map_err(|e| StoreError::Data(format!("demo user {email}: {e:?}")))?;
    if let Some((person, _)) = graduate {
        db.execute(
            Sql::new("UPDATE persons SET user_id = $1, email = $2 WHERE id = $3")
                .arg(user)
                .arg(email.as_str())
                .arg(person),
        )
        .await?;
        db.execute(
            Sql::new(
                "UPDATE person_records SET email = $1 WHERE person_id = $2 AND centre_id = $3",
            )
            .arg(email.as_str())
            .arg(person)
            .arg(centre),
        )
        .await?;
    }
    Ok(DemoLogin {
        role: Role::Peserta,
        email,
        org_name: DARUL_BAYAN.to_owned(),
    })
}
