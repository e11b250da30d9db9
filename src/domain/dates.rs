//! Dates of the register: ISO text in the database, `NaiveDate` in Rust, and the one
//! rule for when an action plan is due.
//!
//! The charter asks for an action plan within two years of signing. A signing known only
//! to a month, a year, or "not later than" a date is counted from the **last day it can
//! have happened**, so no organisation is called overdue before that is certain.

use chrono::{Datelike, Months, NaiveDate};

/// The charter was adopted in May 2006: no signing or plan can be earlier.
pub fn charter_adopted_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2006, 5, 1).unwrap_or_default()
}

/// Parses a stored or client-given ISO date (`YYYY-MM-DD`).
pub fn parse(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// The stored form of a date.
pub fn format(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The day an action plan is due: two calendar years after the last possible signing
/// day (29 February gives 28 February).
pub fn action_plan_due_on(last_possible_signing: NaiveDate) -> NaiveDate {
    last_possible_signing
        .checked_add_months(Months::new(24))
        .unwrap_or(last_possible_signing)
}

/// Whether a plan due on `due` is overdue on `today`: only from the day after.
pub fn is_overdue(due: NaiveDate, today: NaiveDate) -> bool {
    today > due
}

/// The cutoff that lets SQL apply the same rule without date arithmetic: a signing whose
/// last possible day is before the cutoff is overdue on `today`, exactly when
/// `is_overdue(action_plan_due_on(day), today)` holds. The due date grows with the
/// signing day, so the cutoff is the first day whose plan is not yet overdue.
pub fn overdue_cutoff(today: NaiveDate) -> NaiveDate {
    let overdue = |day: NaiveDate| is_overdue(action_plan_due_on(day), today);
    let mut cutoff = today.checked_sub_months(Months::new(24)).unwrap_or(today);
    while let Some(previous) = cutoff.pred_opt().filter(|d| !overdue(*d)) {
        cutoff = previous;
    }
    while overdue(cutoff) {
        match cutoff.succ_opt() {
            Some(next) => cutoff = next,
            None => break,
        }
    }
    cutoff
}

/// The first and last day of a month.
pub fn month_bounds(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
    Some((first, last))
}

/// The first and last day of a year.
pub fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// The year of a stored date.
pub fn year_of(text: &str) -> Option<i32> {
    parse(text).map(|d| d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn due_two_years_after_signing_and_overdue_the_day_after() {
        let due = action_plan_due_on(day(2013, 4, 27));
        assert_eq!(due, day(2015, 4, 27));
        assert!(!is_overdue(due, day(2015, 4, 27)));
        assert!(is_overdue(due, day(2015, 4, 28)));
        assert_eq!(action_plan_due_on(day(2012, 2, 29)), day(2014, 2, 28));
    }

    #[test]
    fn the_sql_cutoff_agrees_with_the_rule_on_every_day() {
        // Every pair around two leap days: the SQL comparison `day < cutoff` must equal
        // the rule itself.
        let mut today = day(2015, 12, 1);
        while today <= day(2016, 4, 1) {
            let cutoff = overdue_cutoff(today);
            let mut signed = day(2013, 10, 1);
            while signed <= day(2014, 5, 1) {
                assert_eq!(
                    signed < cutoff,
                    is_overdue(action_plan_due_on(signed), today),
                    "signed {signed}, today {today}, cutoff {cutoff}"
                );
                signed = signed.succ_opt().expect("next day");
            }
            today = today.succ_opt().expect("next day");
        }
    }

    #[test]
    fn bounds_of_months_and_years() {
        assert_eq!(
            month_bounds(2024, 2),
            Some((day(2024, 2, 1), day(2024, 2, 29)))
        );
        assert_eq!(
            year_bounds(2013),
            Some((day(2013, 1, 1), day(2013, 12, 31)))
        );
    }
}
