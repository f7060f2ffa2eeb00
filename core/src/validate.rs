//! Input rules shared by every record: names, one-line and free text, dates,
//! times. Each failure names the input field it belongs to and says what to
//! do, in plain words.

use chrono::{NaiveDate, NaiveTime};

use crate::error::{CoreError, Result};

/// The longest name or short text field we accept.
pub const MAX_NAME: usize = 200;
/// The longest free-text field (notes, descriptions) we accept.
pub const MAX_TEXT: usize = 100_000;

/// A required name: on one line ([`one_line`]), not empty, not absurdly long.
pub fn name(field: &'static str, what: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(CoreError::invalid(field, format!("Please enter {what}.")));
    }
    short_text(field, what, v)
}

/// An optional short text: on one line ([`one_line`]), not absurdly long.
pub fn short_text(field: &'static str, what: &str, value: &str) -> Result<String> {
    let v = one_line(field, what, value)?;
    if v.chars().count() > MAX_NAME {
        return Err(CoreError::invalid(
            field,
            format!(
                "{} is too long: please keep it under {MAX_NAME} characters.",
                capitalise(what)
            ),
        ));
    }
    Ok(v.to_string())
}

/// Free text (notes): kept as typed, line breaks and tabs included, but
/// bounded in size and without other control characters.
pub fn long_text(field: &'static str, what: &str, value: &str) -> Result<String> {
    if value.len() > MAX_TEXT {
        return Err(CoreError::invalid(
            field,
            format!(
                "{} is too long to save ({} characters at most).",
                capitalise(what),
                MAX_TEXT
            ),
        ));
    }
    no_hidden_characters(field, what, value, |c| matches!(c, '\n' | '\r' | '\t'))?;
    Ok(value.to_string())
}

/// A line break or a tab: inside a one-line field, a space.
fn is_break(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// `value` as a one-line field keeps it: the spaces around it trimmed, and
/// each line break or tab inside it, with the spaces beside it, made one
/// space (`"Ann\nLee"` is `"Ann Lee"`). Other spaces stay as typed. This is the
/// cleaning half of [`one_line`], for showing a value as it will be saved
/// (an import's preview); any other control character is left for
/// [`one_line`] to refuse.
pub fn single_line(value: &str) -> String {
    let v = value.trim();
    if !v.contains(is_break) {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut gap = String::new();
    for c in v.chars() {
        if c.is_whitespace() {
            gap.push(c);
            continue;
        }
        if gap.contains(is_break) {
            out.push(' ');
        } else {
            out.push_str(&gap);
        }
        gap.clear();
        out.push(c);
    }
    out
}

/// The rule of every one-line field (names, phone, email, titles), typed in
/// a form or read from a spreadsheet: cleaned by [`single_line`], then
/// refused if it still holds a control character (a NUL, an escape...),
/// which can't be seen or typed.
pub fn one_line(field: &'static str, what: &str, value: &str) -> Result<String> {
    let v = single_line(value);
    no_hidden_characters(field, what, &v, |_| false)?;
    Ok(v)
}

/// Refuses a control character in `value`, unless `allowed`.
fn no_hidden_characters(
    field: &'static str,
    what: &str,
    value: &str,
    allowed: impl Fn(char) -> bool,
) -> Result<()> {
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(CoreError::invalid(
            field,
            format!(
                "{} has a hidden character in it that Refrain can't keep, perhaps copied from \
                 another program. Please type it again.",
                capitalise(what)
            ),
        ));
    }
    Ok(())
}

/// A date in the form `YYYY-MM-DD` that exists on the calendar.
pub fn date(field: &'static str, value: &str) -> Result<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        return Err(CoreError::invalid(field, "Please enter a date."));
    }
    let parts: Vec<&str> = v.split('-').collect();
    let well_formed = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !well_formed {
        return Err(CoreError::invalid(
            field,
            format!("“{v}” is not a date Refrain understands. Please use the form 2026-03-19."),
        ));
    }
    let (y, m, d) = (
        parts[0].parse::<i32>(),
        parts[1].parse::<u32>(),
        parts[2].parse::<u32>(),
    );
    match (y, m, d) {
        (Ok(y), Ok(m), Ok(d)) if (1900..=2200).contains(&y) => NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| CoreError::invalid(field, format!("{v} is not a date that exists."))),
        _ => Err(CoreError::invalid(
            field,
            format!("{v} is not a date that exists."),
        )),
    }
}

/// An optional date: empty means none.
pub fn optional_date(field: &'static str, value: &str) -> Result<Option<NaiveDate>> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        date(field, value).map(Some)
    }
}

/// A time of day in 24-hour `HH:MM` form (seconds, if given, are dropped).
pub fn time(field: &'static str, value: &str) -> Result<NaiveTime> {
    let v = value.trim();
    if v.is_empty() {
        return Err(CoreError::invalid(field, "Please enter a time."));
    }
    NaiveTime::parse_from_str(v, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(v, "%H:%M:%S"))
        .map_err(|_| {
            CoreError::invalid(
                field,
                format!(
                    "“{v}” is not a time Refrain understands. Please use 24-hour form, like 14:30."
                ),
            )
        })
}

/// A start and end time, the end after the start.
pub fn time_span(
    start_field: &'static str,
    start: &str,
    end_field: &'static str,
    end: &str,
) -> Result<(String, String)> {
    let s = time(start_field, start)?;
    let e = time(end_field, end)?;
    if e <= s {
        return Err(CoreError::invalid(
            end_field,
            "The end time must be after the start time.",
        ));
    }
    Ok((fmt_time(s), fmt_time(e)))
}

/// A period of days, `from` and `to` (fields "from" and "to"), both
/// included: two dates that exist, the end on or after the start.
pub fn period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate)> {
    let f = date("from", from)?;
    let t = date("to", to)?;
    if f > t {
        return Err(CoreError::invalid(
            "to",
            "The end of the period must be on or after its start.",
        ));
    }
    Ok((f, t))
}

pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn fmt_time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_that_do_not_exist_are_refused_with_the_field() {
        for bad in [
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-00-10",
        ] {
            let err = date("date", bad).unwrap_err();
            assert_eq!(err.field(), Some("date"), "{bad}");
            assert!(
                err.to_string().contains("not a date that exists"),
                "{bad}: {err}"
            );
        }
        assert_eq!(
            date("date", "2024-02-29").unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
    }

    #[test]
    fn badly_formed_dates_say_which_form_to_use() {
        for bad in ["19/03/2026", "2026-3-19", "tomorrow", "2026-03-19T10:00"] {
            let err = date("date", bad).unwrap_err();
            assert!(err.to_string().contains("2026-03-19"), "{bad}: {err}");
        }
        assert!(date("date", "  ")
            .unwrap_err()
            .to_string()
            .contains("Please enter a date"));
    }

    #[test]
    fn end_before_or_at_start_is_refused_on_the_end_field() {
        let err = time_span("startTime", "14:00", "endTime", "13:30").unwrap_err();
        assert_eq!(err.field(), Some("endTime"));
        assert!(time_span("startTime", "14:00", "endTime", "14:00").is_err());
        assert_eq!(
            time_span("startTime", "9:05", "endTime", "10:30:00").unwrap(),
            ("09:05".to_string(), "10:30".to_string())
        );
        assert_eq!(
            time("startTime", "25:00").unwrap_err().field(),
            Some("startTime")
        );
    }

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(name("name", "a name", "  Ann  ").unwrap(), "Ann");
        let err = name("fullName", "the person's full name", " \t ").unwrap_err();
        assert_eq!(err.field(), Some("fullName"));
        assert_eq!(err.to_string(), "Please enter the person's full name.");
        assert!(name("name", "a name", &"x".repeat(201)).is_err());
    }

    #[test]
    fn a_one_line_field_has_its_line_breaks_and_tabs_made_one_space() {
        for (typed, kept) in [
            ("Ann\nLee", "Ann Lee"),
            ("Ann\r\nLee", "Ann Lee"),
            ("Ann \n  Lee", "Ann Lee"),
            ("Ann\tLee", "Ann Lee"),
            ("Ann\u{2028}Lee", "Ann Lee"),
            ("\n Ann  Lee \r\n", "Ann  Lee"),
            ("Mary-Jane\n\n\nO'Neill", "Mary-Jane O'Neill"),
            ("Zoë\u{a0}Brontë", "Zoë\u{a0}Brontë"),
        ] {
            assert_eq!(single_line(typed), kept, "{typed:?}");
            assert_eq!(
                name("fullName", "the person's full name", typed).unwrap(),
                kept
            );
            assert_eq!(
                short_text("phone", "the phone number", typed).unwrap(),
                kept
            );
        }
        assert!(name("fullName", "the person's full name", "\n\t\r\n")
            .unwrap_err()
            .to_string()
            .starts_with("Please enter"));
        // The length is that of the line kept.
        let long = format!("{}\n\n\n{}", "a".repeat(100), "b".repeat(99));
        assert_eq!(name("name", "a name", &long).unwrap().chars().count(), 200);
    }

    #[test]
    fn other_control_characters_are_refused_beside_their_field() {
        for typed in [
            "Ann\u{0}Lee",
            "Ann\u{1b}[31mLee",
            "Ann\u{7f}",
            "\u{7}Ann",
            "Ann\u{9b}Lee",
        ] {
            let err = name("fullName", "the person's full name", typed).unwrap_err();
            assert_eq!(err.field(), Some("fullName"), "{typed:?}");
            assert_eq!(
                err.to_string(),
                "The person's full name has a hidden character in it that Refrain can't keep, \
                 perhaps copied from another program. Please type it again.",
                "{typed:?}"
            );
            assert_eq!(
                short_text("email", "the email address", typed)
                    .unwrap_err()
                    .field(),
                Some("email")
            );
        }
    }

    #[test]
    fn free_text_keeps_its_lines_and_tabs_but_not_other_control_characters() {
        let typed = "First line\r\n\tindented\nlast line\n";
        assert_eq!(long_text("notes", "the notes", typed).unwrap(), typed);
        for bad in ["a\u{0}b", "page\u{c}break", "bell\u{7}", "a\u{85}b"] {
            let err = long_text("notes", "the notes", bad).unwrap_err();
            assert_eq!(err.field(), Some("notes"), "{bad:?}");
            assert!(
                err.to_string()
                    .starts_with("The notes has a hidden character"),
                "{err}"
            );
        }
    }
}
