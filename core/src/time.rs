//! Dates, times and schedules as a person reads them, in the lock's local
//! time (no calendar dependency for a few lines of arithmetic): PIN drift,
//! the CLI and the diagnostics write them the same way in English; the
//! catalog's `Texts` write them in a locale from the same fields
//! (`local_time`).

use latchkey_protocol::Schedule;

/// The calendar fields of a moment in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalTime {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    /// 0 for Monday … 6 for Sunday.
    pub(crate) weekday: usize,
}

/// `unix` at UTC + `utc_offset_min`, as calendar fields.
pub(crate) fn local_time(unix: u32, utc_offset_min: i16) -> LocalTime {
    let local = i64::from(unix) + i64::from(utc_offset_min) * 60;
    let days = local.div_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let secs = local.rem_euclid(86_400);
    LocalTime {
        year,
        month,
        day,
        hour: (secs / 3600) as u32,
        minute: (secs % 3600 / 60) as u32,
        // 1970-01-01 was a Thursday (index 3 from Monday).
        weekday: (days + 3).rem_euclid(7) as usize,
    }
}

/// `YYYY-MM-DD HH:MM` for `unix` at UTC + `utc_offset_min`.
pub fn datetime(unix: u32, utc_offset_min: i16) -> String {
    let t = local_time(unix, utc_offset_min);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute
    )
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `Monday 2026-11-16`: the local day of `unix` at UTC + `utc_offset_min`.
pub fn local_day(unix: u32, utc_offset_min: i16) -> String {
    let t = local_time(unix, utc_offset_min);
    format!("{} {:04}-{:02}-{:02}", WEEKDAYS[t.weekday], t.year, t.month, t.day)
}

/// `UTC+01:00` for an offset in minutes.
pub fn utc_offset(minutes: i16) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// `Mon–Fri 08:00–18:00`, `Sat, Sun all day`, …
pub fn schedule(s: &Schedule) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let on: Vec<usize> = (0..7).filter(|d| s.weekdays & (1 << d) != 0).collect();
    let consecutive = on.windows(2).all(|w| w[1] == w[0] + 1);
    let days = match on.as_slice() {
        [] => String::new(),
        [only] => DAYS[*only].to_string(),
        all if all.len() == 7 => "every day".to_string(),
        [first, .., last] if consecutive => format!("{}–{}", DAYS[*first], DAYS[*last]),
        many => many.iter().map(|d| DAYS[*d]).collect::<Vec<_>>().join(", "),
    };
    let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    if s.start_minute == s.end_minute {
        format!("{days} all day")
    } else {
        format!("{days} {}–{}", hm(s.start_minute), hm(s.end_minute))
    }
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to a date.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_schedules_read_naturally() {
        assert_eq!(datetime(0, 0), "1970-01-01 00:00");
        assert_eq!(datetime(1_767_607_200, 60), "2026-01-05 11:00");
        assert_eq!(datetime(1_709_164_800, 0), "2024-02-29 00:00");
        assert_eq!(utc_offset(-330), "UTC-05:30");
        let s = Schedule::new(Schedule::WORKDAYS, 8 * 60, 18 * 60).unwrap();
        assert_eq!(schedule(&s), "Mon–Fri 08:00–18:00");
        let weekend = Schedule::new(0b110_0000, 0, 0).unwrap();
        assert_eq!(schedule(&weekend), "Sat–Sun all day");
        let odd = Schedule::new(0b000_0101, 22 * 60, 6 * 60).unwrap();
        assert_eq!(schedule(&odd), "Mon, Wed 22:00–06:00");
    }
}
