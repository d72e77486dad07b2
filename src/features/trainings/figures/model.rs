//! The figures of a set of batches: trainees, graduates by result, traced graduates by
//! their latest outcome, and the placement and response rates. No I/O here.

use serde::Serialize;

/// The figures of a set of batches: counts, and the two rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Figures {
    pub batches: i64,
    pub trainees: i64,
    pub kompeten: i64,
    pub belum_kompeten: i64,
    pub mengundurkan_diri: i64,
    /// Graduates whose latest outcome is known (anything but `tidak_terlacak`).
    pub traced: i64,
    pub bekerja: i64,
    pub wirausaha: i64,
    pub melanjutkan: i64,
    pub belum_bekerja: i64,
    pub tidak_terlacak: i64,
}

impl Figures {
    /// Finished the batch: kompeten or belum kompeten.
    pub fn graduates(&self) -> i64 {
        self.kompeten + self.belum_kompeten
    }

    /// (bekerja + wirausaha) / traced, in percent.
    pub fn placement_rate(&self) -> Option<f64> {
        percent(self.bekerja + self.wirausaha, self.traced)
    }

    /// Graduates traced / graduates, in percent.
    pub fn response_rate(&self) -> Option<f64> {
        percent(self.traced, self.graduates())
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_percentages_of_what_is_known() {
        let f = Figures {
            kompeten: 14,
            belum_kompeten: 2,
            traced: 10,
            bekerja: 5,
            wirausaha: 2,
            ..Default::default()
        };
        assert_eq!(f.placement_rate(), Some(70.0));
        assert_eq!(f.response_rate(), Some(62.5));
        assert_eq!(Figures::default().placement_rate(), None);
    }
}
